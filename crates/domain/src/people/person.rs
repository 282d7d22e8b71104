use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must be between {min} and {max} characters")]
    Length { min: usize, max: usize },
    #[error("must use {0}")]
    Characters(String),
}

/// Trims `s` and checks its length in characters, refusing control characters.
pub(crate) fn bounded_text(s: &str, min: usize, max: usize) -> Result<String, TextError> {
    let s = s.trim();
    let len = s.chars().count();
    if len < min || len > max {
        return Err(TextError::Length { min, max });
    }
    if s.chars().any(char::is_control) {
        return Err(TextError::Characters("no control characters".to_owned()));
    }
    Ok(s.to_owned())
}

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, TextError> {
                bounded_text(s, $min, $max).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// A person's name as they want it shown: 1 to 200 characters.
    PersonName, 1, 200
);
text_type!(
    /// A job title, as an HR system holds it.
    JobTitle, 1, 200
);
text_type!(
    /// A profession or staff group (nursing, social work, allied health, management...).
    Profession, 1, 100
);
text_type!(
    /// An employer's staff number: unique across the system once set.
    StaffNumber, 1, 40
);

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address in the correct format, like name@example.nhs.uk")]
    Format,
    #[error("Email address must be 254 characters or fewer")]
    TooLong,
}

/// An email address: trimmed, lower-cased, one `@`, a local part and a domain with a dot. We do
/// not try to accept every address RFC 5322 allows; we accept the ones mail systems deliver.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim().to_lowercase();
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Format)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let domain_ok = super::EmailDomain::parse(domain).is_ok_and(|d| d.as_str() == domain);
        if local_ok && domain_ok {
            Ok(Self(s))
        } else {
            Err(EmailError::Format)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, EmailError> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_are_normalised() {
        let e = Email::parse("  Ada.Lovelace@Example.NHS.uk ").unwrap();
        assert_eq!(e.as_str(), "ada.lovelace@example.nhs.uk");
        assert_eq!(e.domain(), "example.nhs.uk");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@nhs.net",
            "ada@nhs",
            "a b@nhs.net",
            "ada@@nhs.net",
            ".ada@nhs.net",
            "ada..l@nhs.net",
            "ada@nhs..net",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Format), "{bad:?}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Mary Seacole ").unwrap().as_str(), "Mary Seacole");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(201)).is_err());
        assert!(PersonName::parse("tab\there").is_err());
    }

    proptest! {
        #[test]
        fn a_parsed_email_parses_to_itself(local in "[a-z0-9]{1,20}", domain in "[a-z]{1,10}\\.[a-z]{2,5}") {
            let e = Email::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
        }

        #[test]
        fn parsing_never_panics(s in "\\PC*") {
            let _ = Email::parse(&s);
            let _ = PersonName::parse(&s);
        }
    }
}
