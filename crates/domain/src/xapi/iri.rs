//! IRIs, IRLs, mailto IRIs and UUIDs as xAPI uses them.
//!
//! The checks are the "best effort" the specification allows (Data 2.2.s4.b6): an absolute IRI is a
//! scheme, a colon and something after it, with none of the characters RFC 3987 never allows
//! (whitespace, controls, `<>"{}|\^` and the backtick) and every `%` starting a valid escape.

use std::fmt;

use uuid::Uuid;

/// Why a string is not an absolute IRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IriError {
    #[error("must be an absolute IRI, not an empty string")]
    Empty,
    #[error("must be an absolute IRI starting with a scheme such as \"http:\" (relative IRIs and fragments are not allowed)")]
    NoScheme,
    #[error(
        "must be an absolute IRI: the scheme must start with a letter and hold only letters, digits, '+', '-' or '.'"
    )]
    BadScheme,
    #[error("must be an absolute IRI with something after the scheme's colon")]
    NothingAfterScheme,
    #[error("must be an IRI without spaces or other whitespace")]
    Whitespace,
    #[error("must be an IRI without control characters or any of < > \" {{ }} | \\ ^ `")]
    ForbiddenCharacter,
    #[error("must be an IRI in which every '%' starts a two-digit hexadecimal escape")]
    BadPercentEscape,
    #[error("must be an IRI with at most one '#'")]
    TwoFragments,
}

/// An absolute IRI (RFC 3987), checked as far as the specification asks. IRLs (IRIs meant to be
/// resolved) are held in the same type: the specification gives them no extra syntax.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iri(String);

impl Iri {
    /// Parses an absolute IRI.
    pub fn parse(text: &str) -> Result<Self, IriError> {
        check_iri(text)?;
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_iri(text: &str) -> Result<(), IriError> {
    if text.is_empty() {
        return Err(IriError::Empty);
    }
    let Some((scheme, rest)) = text.split_once(':') else {
        return Err(IriError::NoScheme);
    };
    let mut scheme_chars = scheme.chars();
    match scheme_chars.next() {
        None => return Err(IriError::NoScheme),
        Some(first) if !first.is_ascii_alphabetic() => return Err(IriError::BadScheme),
        Some(_) => {}
    }
    if !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return Err(IriError::BadScheme);
    }
    if rest.is_empty() {
        return Err(IriError::NothingAfterScheme);
    }
    check_characters(text)
}

/// No whitespace, control or forbidden character, every `%` starting an escape, and at most one
/// fragment.
fn check_characters(text: &str) -> Result<(), IriError> {
    // Byte by byte: every byte below 0x80 is a character of its own, checked here; a character
    // beyond ASCII is decoded and checked as a char (a statement's IRIs are nearly all ASCII).
    let bytes = text.as_bytes();
    let mut fragments = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            let c = text[i..].chars().next().unwrap_or_default();
            if c.is_whitespace() {
                return Err(IriError::Whitespace);
            }
            if c.is_control() {
                return Err(IriError::ForbiddenCharacter);
            }
            i += c.len_utf8();
            continue;
        }
        if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            return Err(IriError::Whitespace);
        }
        if b.is_ascii_control() || matches!(b, b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`') {
            return Err(IriError::ForbiddenCharacter);
        }
        if b == b'%' && !bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return Err(IriError::BadPercentEscape);
        }
        fragments += usize::from(b == b'#');
        i += 1;
    }
    if fragments > 1 {
        return Err(IriError::TwoFragments);
    }
    Ok(())
}

/// Why a string is not a usable `mbox`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MboxError {
    #[error("must be a mailto IRI such as \"mailto:someone@example.com\" (it must start with \"mailto:\")")]
    NotMailto,
    #[error("must be a mailto IRI holding one email address, such as \"mailto:someone@example.com\"")]
    NotAnAddress,
    #[error("{0}")]
    NotAnIri(IriError),
}

/// A `mailto:` IRI naming one email address (Data 2.4.2.3: "The required format is
/// 'mailto:email address'").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mbox(String);

impl Mbox {
    pub fn parse(text: &str) -> Result<Self, MboxError> {
        let Some(address) = text.strip_prefix("mailto:") else {
            return Err(MboxError::NotMailto);
        };
        check_iri(text).map_err(MboxError::NotAnIri)?;
        let Some((local, domain)) = address.rsplit_once('@') else {
            return Err(MboxError::NotAnAddress);
        };
        if local.is_empty() || domain.is_empty() || local.contains('@') || address.contains(['?', ',', ';']) {
            return Err(MboxError::NotAnAddress);
        }
        Ok(Self(text.to_owned()))
    }

    /// The IRI as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The IRI with its domain in lowercase: the domain of an address is case insensitive
    /// (Data 2.3.1.b7, 2.4.2.3.s4.b1), the local part is not.
    pub fn normalised(&self) -> String {
        match self.0.rsplit_once('@') {
            Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
            None => self.0.clone(),
        }
    }
}

impl fmt::Display for Mbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a UUID in the standard string form only (8-4-4-4-12 hexadecimal digits, either case),
/// as Data 4.4 requires; any version and variant is accepted.
pub fn parse_uuid(text: &str) -> Option<Uuid> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let shape_ok = bytes.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    });
    if !shape_ok {
        return None;
    }
    Uuid::parse_str(text).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The characters checked as first written, a char at a time, against which the byte-wise
    /// check is tested.
    fn check_characters_by_chars(text: &str) -> Result<(), IriError> {
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c.is_whitespace() {
                return Err(IriError::Whitespace);
            }
            if c.is_control() || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`') {
                return Err(IriError::ForbiddenCharacter);
            }
            if c == '%' {
                let escape: String = chars.clone().take(2).collect();
                if escape.len() != 2 || !escape.chars().all(|h| h.is_ascii_hexdigit()) {
                    return Err(IriError::BadPercentEscape);
                }
            }
        }
        if text.matches('#').count() > 1 {
            return Err(IriError::TwoFragments);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, cases: 2000, ..ProptestConfig::default() })]

        // Text built mostly of what IRIs hold, with every kind of character the check refuses.
        #[test]
        fn the_byte_wise_check_agrees_with_the_check_by_chars(
            text in "(https?:|urn:|x:|1a:|:)?[a-zA-Z0-9/%#.:é \t\r\n\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{2028}\u{7f}\u{1}<>\"{}|^`\\\\-]{0,24}",
        ) {
            prop_assert_eq!(check_characters(&text), check_characters_by_chars(&text));
        }

        #[test]
        fn the_byte_wise_check_agrees_with_the_check_by_chars_on_any_text(text in "\\PC{0,30}|\\p{Any}{0,30}") {
            prop_assert_eq!(check_characters(&text), check_characters_by_chars(&text));
        }
    }

    #[test]
    fn absolute_iris_are_accepted() {
        for ok in [
            "http://adlnet.gov/expapi/verbs/voided",
            "https://example.com/a?b=c#d",
            "urn:uuid:12345678-1234-5678-1234-567812345678",
            "http://example.com/فعل/خواندن",
            "tag:example.com,2024:x",
            "http://example.com/%C3%A9",
        ] {
            assert!(Iri::parse(ok).is_ok(), "{ok}");
        }
    }

    // Data 2.2.s4.b1.b8: "containing IRL or IRI values without a scheme"; 2.4.4.1.s2 note: fragments
    // are not valid IRIs.
    #[test]
    fn iris_without_a_scheme_are_refused() {
        assert_eq!(Iri::parse(""), Err(IriError::Empty));
        assert_eq!(Iri::parse("example.com/verb"), Err(IriError::NoScheme));
        assert_eq!(Iri::parse("#fragment"), Err(IriError::NoScheme));
        assert_eq!(Iri::parse(":nothing"), Err(IriError::NoScheme));
        assert_eq!(Iri::parse("1http://x"), Err(IriError::BadScheme));
        assert_eq!(Iri::parse("http:"), Err(IriError::NothingAfterScheme));
    }

    #[test]
    fn iris_with_forbidden_characters_are_refused() {
        assert_eq!(Iri::parse("http://example.com/a b"), Err(IriError::Whitespace));
        assert_eq!(Iri::parse("http://example.com/<a>"), Err(IriError::ForbiddenCharacter));
        assert_eq!(Iri::parse("http://example.com/a|b"), Err(IriError::ForbiddenCharacter));
        assert_eq!(Iri::parse("http://example.com/%zz"), Err(IriError::BadPercentEscape));
        assert_eq!(Iri::parse("http://example.com/%4"), Err(IriError::BadPercentEscape));
        assert_eq!(Iri::parse("http://example.com/#a#b"), Err(IriError::TwoFragments));
    }

    // Data 2.4.2.3: mbox is a mailto IRI, "mailto:email address".
    #[test]
    fn mbox_must_be_a_mailto_iri_with_one_address() {
        assert!(Mbox::parse("mailto:xapi@adlnet.gov").is_ok());
        assert_eq!(Mbox::parse("xapi@adlnet.gov"), Err(MboxError::NotMailto));
        assert_eq!(Mbox::parse("MAILTO:xapi@adlnet.gov"), Err(MboxError::NotMailto));
        assert_eq!(Mbox::parse("mailto:adlnet.gov"), Err(MboxError::NotAnAddress));
        assert_eq!(Mbox::parse("mailto:@adlnet.gov"), Err(MboxError::NotAnAddress));
        assert_eq!(Mbox::parse("mailto:a@"), Err(MboxError::NotAnAddress));
        assert_eq!(Mbox::parse("mailto:a@b@c.com"), Err(MboxError::NotAnAddress));
        assert_eq!(Mbox::parse("mailto:a@b.com?subject=x"), Err(MboxError::NotAnAddress));
        assert!(matches!(Mbox::parse("mailto:a b@c.com"), Err(MboxError::NotAnIri(_))));
    }

    // Data 2.3.1.b7: the domain of an email address is case insensitive.
    #[test]
    fn mbox_normalises_only_the_domain() {
        let mbox = Mbox::parse("mailto:Jo.Bloggs@Example.NHS.uk").unwrap();
        assert_eq!(mbox.normalised(), "mailto:Jo.Bloggs@example.nhs.uk");
    }

    // Data 4.4: "UUIDs MUST be in the standard string form"; Data 2.4.1: any version.
    #[test]
    fn uuids_must_be_in_standard_string_form() {
        assert!(parse_uuid("12345678-1234-5678-1234-567812345678").is_some());
        assert!(parse_uuid("E05AA883-ACAF-40AD-BF54-02C8CE485FB0").is_some());
        assert!(parse_uuid("00000000-0000-0000-0000-000000000000").is_some());
        assert!(parse_uuid("e05aa883acaf40adbf5402c8ce485fb0").is_none());
        assert!(parse_uuid("{e05aa883-acaf-40ad-bf54-02c8ce485fb0}").is_none());
        assert!(parse_uuid("urn:uuid:e05aa883-acaf-40ad-bf54-02c8ce485fb0").is_none());
        assert!(parse_uuid("e05aa883-acaf-40ad-bf54-02c8ce485fbg").is_none());
        assert!(parse_uuid("").is_none());
    }
}
