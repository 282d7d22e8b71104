use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::person::{bounded_text, TextError};

/// A code that is not one of the allowed values; carries what was allowed, for the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of: {allowed}")]
pub struct UnknownCode {
    pub value: String,
    pub allowed: String,
}

/// Declares a closed set of codes with a human label each, parsed from the code or the label in
/// any case, so that an HR export's "NHS Trust" and our "nhs-trust" both read.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                let wanted = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(wanted) || v.label().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| UnknownCode {
                        value: wanted.to_owned(),
                        allowed: $name::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

code_enum!(
    /// What kind of body an organisation is.
    OrganisationKind {
        NhsTrust => ("nhs-trust", "NHS trust"),
        IntegratedCareBoard => ("integrated-care-board", "Integrated care board"),
        GpPractice => ("gp-practice", "GP practice"),
        CareProvider => ("care-provider", "Care provider"),
        LocalAuthority => ("local-authority", "Local authority"),
        VoluntaryOrganisation => ("voluntary-organisation", "Voluntary organisation"),
        Other => ("other", "Other"),
    }
);

code_enum!(
    /// The sector an organisation works in.
    Sector {
        Health => ("health", "Health"),
        SocialCare => ("social-care", "Social care"),
        SocialWork => ("social-work", "Social work"),
    }
);

code_enum!(
    /// Who owns an organisation.
    Ownership {
        Public => ("public", "Public"),
        Independent => ("independent", "Independent"),
        Third => ("third", "Third sector"),
    }
);

/// An organisation's name: trimmed, 2 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationName(String);

impl OrganisationName {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        bounded_text(s, 2, 200).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrganisationName {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        Self::parse(&s)
    }
}

impl From<OrganisationName> for String {
    fn from(n: OrganisationName) -> String {
        n.0
    }
}

/// A short code for an organisation (an ODS code, say): letters, digits and hyphens, stored in
/// upper case, 2 to 20 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationCode(String);

impl OrganisationCode {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        let s = s.trim();
        if s.len() < 2 || s.len() > 20 {
            return Err(TextError::Length { min: 2, max: 20 });
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(TextError::Characters("letters, digits and hyphens only".to_owned()));
        }
        Ok(Self(s.to_ascii_uppercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrganisationCode {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        Self::parse(&s)
    }
}

impl From<OrganisationCode> for String {
    fn from(c: OrganisationCode) -> String {
        c.0
    }
}

impl fmt::Display for OrganisationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email domain an organisation has registered, such as `nhs.net` or `example-trust.nhs.uk`:
/// lower case, labels of letters, digits and hyphens separated by dots, at least two labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailDomain(String);

impl EmailDomain {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        let s = s.trim().trim_start_matches('@').to_ascii_lowercase();
        let ok = s.len() <= 253
            && s.split('.').count() >= 2
            && s.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if ok {
            Ok(Self(s))
        } else {
            Err(TextError::Characters("an email domain such as example.nhs.uk".to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailDomain {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        Self::parse(&s)
    }
}

impl From<EmailDomain> for String {
    fn from(d: EmailDomain) -> String {
        d.0
    }
}

impl fmt::Display for EmailDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_code_or_label_in_any_case() {
        assert_eq!("nhs-trust".parse(), Ok(OrganisationKind::NhsTrust));
        assert_eq!("NHS Trust".parse(), Ok(OrganisationKind::NhsTrust));
        assert_eq!(" gp practice ".parse(), Ok(OrganisationKind::GpPractice));
        assert!("gp".parse::<OrganisationKind>().is_err());
        assert_eq!("GP practice".parse(), Ok(OrganisationKind::GpPractice));
    }

    #[test]
    fn unknown_kind_names_the_allowed_values() {
        let err = "hospital".parse::<OrganisationKind>().unwrap_err();
        assert!(err.to_string().contains("nhs-trust"), "{err}");
    }

    #[test]
    fn every_code_round_trips() {
        for k in OrganisationKind::ALL {
            assert_eq!(k.code().parse::<OrganisationKind>(), Ok(*k));
        }
        for s in Sector::ALL {
            assert_eq!(s.label().parse::<Sector>(), Ok(*s));
        }
        for o in Ownership::ALL {
            assert_eq!(o.code().parse::<Ownership>(), Ok(*o));
        }
    }

    #[test]
    fn codes_are_upper_cased_and_checked() {
        assert_eq!(OrganisationCode::parse(" rx1 ").map(|c| c.0), Ok("RX1".to_owned()));
        assert!(OrganisationCode::parse("R X1").is_err());
        assert!(OrganisationCode::parse("R").is_err());
    }

    #[test]
    fn domains_need_two_labels() {
        assert_eq!(EmailDomain::parse("@Example.NHS.uk").map(|d| d.0), Ok("example.nhs.uk".to_owned()));
        assert!(EmailDomain::parse("localhost").is_err());
        assert!(EmailDomain::parse("bad..nhs.uk").is_err());
        assert!(EmailDomain::parse("-bad.nhs.uk").is_err());
    }
}
