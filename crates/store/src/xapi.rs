//! The Learning Record Store: statements, documents, attachments and LRS credentials.
