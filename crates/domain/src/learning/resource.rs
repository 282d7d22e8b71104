use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::people::{TextError, UnknownCode};

macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub const fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(s) || v.label().eq_ignore_ascii_case(s)).ok_or_else(|| UnknownCode {
                    value: s.to_owned(),
                    allowed: $name::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", "),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.label()) }
        }
    };
}

closed_set!(
    /// What kind of thing a catalogue resource is.
    ResourceKind {
        Article => ("article", "Article"),
        Blog => ("blog", "Blog"),
        Video => ("video", "Video"),
        Podcast => ("podcast", "Podcast"),
        ELearning => ("e-learning", "E-learning"),
        Event => ("event", "Event"),
        Course => ("course", "Course"),
        Book => ("book", "Book"),
    }
);

closed_set!(
    /// The 70:20:10 model: learning from experience (70), from others (20), formal (10).
    LearningKind {
        Experience => ("experience", "Learning from experience"),
        Others => ("others", "Learning from others"),
        Formal => ("formal", "Formal learning"),
    }
);

closed_set!(
    /// What a learning-record entry was: a catalogue resource, or learning that happened elsewhere.
    Activity {
        Resource => ("resource", "A resource from the catalogue"),
        StretchAssignment => ("stretch-assignment", "Stretch assignment or project"),
        Shadowing => ("shadowing", "Shadowing"),
        ActionLearning => ("action-learning", "Action learning set"),
        Coaching => ("coaching", "Coaching or mentoring session"),
        Conference => ("conference", "Conference or event"),
        Course => ("course", "Course (including at another employer)"),
        Reading => ("reading", "Reading"),
        Reflection => ("reflection", "Reflective practice"),
        Other => ("other", "Something else"),
    }
);

impl Activity {
    /// The 70:20:10 kind an activity usually is, offered as the default.
    pub const fn usual_kind(self) -> LearningKind {
        match self {
            Activity::StretchAssignment | Activity::Reflection | Activity::Other => LearningKind::Experience,
            Activity::Shadowing | Activity::ActionLearning | Activity::Coaching => LearningKind::Others,
            Activity::Resource | Activity::Conference | Activity::Course | Activity::Reading => LearningKind::Formal,
        }
    }
}

impl LearningKind {
    /// The share of learning the model expects of each kind, in per cent.
    pub const fn model_percent(self) -> u8 {
        match self {
            LearningKind::Experience => 70,
            LearningKind::Others => 20,
            LearningKind::Formal => 10,
        }
    }
}

/// How long a resource takes, as its publisher estimates: 1 minute to 10,000 minutes (a long
/// course counted in its study hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct EstimatedMinutes(u32);

impl EstimatedMinutes {
    pub const MAX: u32 = 10_000;

    pub fn new(minutes: u32) -> Result<Self, TextError> {
        if (1..=Self::MAX).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(TextError::Characters(format!("a whole number of minutes from 1 to {}", Self::MAX)))
        }
    }

    pub fn parse(s: &str) -> Result<Self, TextError> {
        let n: u32 = s.trim().parse().map_err(|_| TextError::Characters("a whole number of minutes".to_owned()))?;
        Self::new(n)
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for EstimatedMinutes {
    type Error = TextError;
    fn try_from(n: u32) -> Result<Self, TextError> {
        Self::new(n)
    }
}

impl From<EstimatedMinutes> for u32 {
    fn from(m: EstimatedMinutes) -> u32 {
        m.0
    }
}

macro_rules! bounded {
    ($(#[$meta:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, TextError> {
                let t = s.trim();
                let n = t.chars().count();
                if !($min..=$max).contains(&n) {
                    return Err(TextError::Length { min: $min, max: $max });
                }
                if t.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
                    return Err(TextError::Characters("no control characters".to_owned()));
                }
                Ok(Self(t.to_owned()))
            }
            pub fn as_str(&self) -> &str { &self.0 }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> { Self::parse(&s) }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String { v.0 }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
    };
}

bounded!(
    /// A resource's or an entry's title.
    Title, 2, 300
);
bounded!(
    /// A resource's summary: what it is and who it is for.
    Summary, 10, 4000
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_adds_up_to_a_hundred() {
        assert_eq!(LearningKind::ALL.iter().map(|k| u32::from(k.model_percent())).sum::<u32>(), 100);
    }

    #[test]
    fn kinds_parse_by_code_and_label() {
        assert_eq!("e-learning".parse(), Ok(ResourceKind::ELearning));
        assert_eq!("Podcast".parse(), Ok(ResourceKind::Podcast));
        assert_eq!("others".parse(), Ok(LearningKind::Others));
        assert!("lecture".parse::<ResourceKind>().is_err());
    }

    #[test]
    fn durations_are_bounded() {
        assert!(EstimatedMinutes::parse("0").is_err());
        assert!(EstimatedMinutes::parse("-5").is_err());
        assert!(EstimatedMinutes::parse("10001").is_err());
        assert_eq!(EstimatedMinutes::parse(" 45 ").map(EstimatedMinutes::get), Ok(45));
    }

    #[test]
    fn titles_and_summaries_are_bounded() {
        assert!(Title::parse(" a ").is_err());
        assert!(Title::parse("Compassionate leadership").is_ok());
        assert!(Summary::parse("too short").is_err());
    }
}
