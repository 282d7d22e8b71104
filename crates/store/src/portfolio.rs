//! Sharing a learning record by link (being written).
