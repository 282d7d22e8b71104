//! Evidence files are checked by what they contain, never by their name.

/// The most an evidence file may weigh.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of evidence accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceType {
    Pdf,
    Png,
    Jpeg,
    /// Word, Excel and PowerPoint files (Office Open XML, a zip).
    OfficeDocument,
    PlainText,
}

impl EvidenceType {
    pub const fn content_type(self) -> &'static str {
        match self {
            EvidenceType::Pdf => "application/pdf",
            EvidenceType::Png => "image/png",
            EvidenceType::Jpeg => "image/jpeg",
            EvidenceType::OfficeDocument => "application/vnd.openxmlformats-officedocument",
            EvidenceType::PlainText => "text/plain; charset=utf-8",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("The file is empty")]
    Empty,
    #[error("The file must be smaller than 10 MB")]
    TooLarge,
    #[error("The file must be a PDF, a picture (PNG or JPEG), a Word, Excel or PowerPoint document, or plain text")]
    NotAllowed,
}

/// Decides what a file is from its first bytes. Programs (Windows, Linux, macOS executables,
/// scripts) are refused whatever they are called.
pub fn sniff(bytes: &[u8]) -> Result<EvidenceType, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(EvidenceError::TooLarge);
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"MZ")
        || starts(b"\x7fELF")
        || starts(b"#!")
        || starts(&[0xCF, 0xFA, 0xED, 0xFE])
        || starts(&[0xCA, 0xFE, 0xBA, 0xBE])
    {
        return Err(EvidenceError::NotAllowed);
    }
    if starts(b"%PDF-") {
        return Ok(EvidenceType::Pdf);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(EvidenceType::Png);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(EvidenceType::Jpeg);
    }
    // Office Open XML files are zips whose first entry is [Content_Types].xml.
    if starts(b"PK\x03\x04") {
        return if bytes.windows(19).take(200).any(|w| w == b"[Content_Types].xml") {
            Ok(EvidenceType::OfficeDocument)
        } else {
            Err(EvidenceError::NotAllowed)
        };
    }
    if std::str::from_utf8(bytes).is_ok_and(|s| !s.chars().any(|c| c.is_control() && !c.is_whitespace())) {
        return Ok(EvidenceType::PlainText);
    }
    Err(EvidenceError::NotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(EvidenceType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(EvidenceType::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(EvidenceType::Jpeg));
        assert_eq!(sniff(b"Notes from the action learning set"), Ok(EvidenceType::PlainText));
    }

    #[test]
    fn a_renamed_executable_is_refused() {
        assert_eq!(sniff(b"MZ\x90\x00\x03"), Err(EvidenceError::NotAllowed));
        assert_eq!(sniff(b"\x7fELF\x02\x01"), Err(EvidenceError::NotAllowed));
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), Err(EvidenceError::NotAllowed));
        assert_eq!(sniff(b"PK\x03\x04 just a zip"), Err(EvidenceError::NotAllowed));
        assert_eq!(sniff(&[0, 1, 2, 3, 0xff]), Err(EvidenceError::NotAllowed));
    }

    #[test]
    fn size_limits_hold() {
        assert_eq!(sniff(b""), Err(EvidenceError::Empty));
        assert_eq!(sniff(&vec![b'a'; MAX_EVIDENCE_BYTES + 1]), Err(EvidenceError::TooLarge));
    }
}
