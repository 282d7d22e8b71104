//! Entries in the learning record: the reflection, the time spent, and who may see an entry.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::PersonId;

/// Why a reflection was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReflectionError {
    #[error("Write what you learned")]
    MissingLearned,
    #[error("What you learned must be 5,000 characters or fewer")]
    LearnedTooLong,
    #[error("How you will use it must be 5,000 characters or fewer")]
    ApplyTooLong,
}

/// A reflection on learning: what was learned (required) and how it will be used in practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reflection {
    learned: String,
    apply: Option<String>,
}

impl Reflection {
    pub const MAX_CHARS: usize = 5000;

    pub fn new(learned: &str, apply: &str) -> Result<Self, ReflectionError> {
        let learned = learned.trim();
        let apply = apply.trim();
        if learned.is_empty() {
            return Err(ReflectionError::MissingLearned);
        }
        if learned.chars().count() > Self::MAX_CHARS {
            return Err(ReflectionError::LearnedTooLong);
        }
        if apply.chars().count() > Self::MAX_CHARS {
            return Err(ReflectionError::ApplyTooLong);
        }
        Ok(Self { learned: learned.to_owned(), apply: Some(apply.to_owned()).filter(|a| !a.is_empty()) })
    }

    pub fn learned(&self) -> &str {
        &self.learned
    }

    pub fn apply(&self) -> Option<&str> {
        self.apply.as_deref()
    }
}

/// Why a time spent was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeSpentError {
    #[error("Enter the time spent as a number of minutes")]
    NotANumber,
    #[error("Time spent must be at least 1 minute")]
    TooShort,
    #[error("Time spent must be 24 hours (1,440 minutes) or less: record a longer activity day by day")]
    OverADay,
}

/// Time spent on one entry: 1 minute to 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct TimeSpent(u32);

impl TimeSpent {
    pub const MAX_MINUTES: u32 = 24 * 60;

    pub fn minutes(n: i64) -> Result<Self, TimeSpentError> {
        if n < 1 {
            Err(TimeSpentError::TooShort)
        } else if n > i64::from(Self::MAX_MINUTES) {
            Err(TimeSpentError::OverADay)
        } else {
            Ok(Self(u32::try_from(n).map_err(|_| TimeSpentError::OverADay)?))
        }
    }

    /// Reads hours and minutes as a form gives them; either may be empty.
    pub fn parse(hours: &str, minutes: &str) -> Result<Self, TimeSpentError> {
        let read = |s: &str| -> Result<i64, TimeSpentError> {
            let s = s.trim();
            if s.is_empty() {
                Ok(0)
            } else {
                s.parse::<i64>().map_err(|_| TimeSpentError::NotANumber)
            }
        };
        let (h, m) = (read(hours)?, read(minutes)?);
        if h < 0 || m < 0 {
            return Err(TimeSpentError::TooShort);
        }
        Self::minutes(h.saturating_mul(60).saturating_add(m))
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for TimeSpent {
    type Error = TimeSpentError;
    fn try_from(n: u32) -> Result<Self, TimeSpentError> {
        Self::minutes(i64::from(n))
    }
}

impl From<TimeSpent> for u32 {
    fn from(t: TimeSpent) -> u32 {
        t.0
    }
}

/// Whether `viewer` may see an entry of `owner`'s made on `entry_date`. The owner always may; the
/// current line manager may from the day they became the manager, unless the owner hid it.
pub fn can_see_entry(
    viewer: PersonId,
    owner: PersonId,
    entry_date: Date,
    hidden: bool,
    manager: Option<(PersonId, Date)>,
) -> bool {
    if viewer == owner {
        return true;
    }
    match manager {
        Some((m, since)) => m == viewer && !hidden && entry_date >= since,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn p(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn a_reflection_needs_what_was_learned() {
        assert_eq!(Reflection::new("   ", "use it"), Err(ReflectionError::MissingLearned));
        let r = Reflection::new(" Listening first ", "").unwrap();
        assert_eq!(r.learned(), "Listening first");
        assert_eq!(r.apply(), None);
    }

    #[test]
    fn absurd_times_are_refused() {
        assert_eq!(TimeSpent::parse("", ""), Err(TimeSpentError::TooShort));
        assert_eq!(TimeSpent::parse("-1", "30"), Err(TimeSpentError::TooShort));
        assert_eq!(TimeSpent::parse("25", "0"), Err(TimeSpentError::OverADay));
        assert_eq!(TimeSpent::parse("24", "1"), Err(TimeSpentError::OverADay));
        assert_eq!(TimeSpent::parse("ten", ""), Err(TimeSpentError::NotANumber));
        assert_eq!(TimeSpent::parse("1", "30").map(TimeSpent::get), Ok(90));
        assert_eq!(TimeSpent::parse("99999999999999999", "0"), Err(TimeSpentError::OverADay));
    }

    #[test]
    fn a_manager_sees_entries_from_the_day_they_became_manager() {
        let since = Date::constant(2026, 3, 1);
        assert!(can_see_entry(p(2), p(1), Date::constant(2026, 3, 1), false, Some((p(2), since))));
        assert!(!can_see_entry(p(2), p(1), Date::constant(2026, 2, 28), false, Some((p(2), since))));
        assert!(!can_see_entry(p(2), p(1), Date::constant(2026, 4, 1), true, Some((p(2), since))), "hidden");
        assert!(!can_see_entry(p(3), p(1), Date::constant(2026, 4, 1), false, Some((p(2), since))), "not the manager");
        assert!(can_see_entry(p(1), p(1), Date::constant(2000, 1, 1), true, None), "the owner sees all");
    }

    proptest! {
        #[test]
        fn accepted_times_are_within_a_day(h in -100i64..100, m in -100i64..2000) {
            if let Ok(t) = TimeSpent::parse(&h.to_string(), &m.to_string()) {
                prop_assert!((1..=TimeSpent::MAX_MINUTES).contains(&t.get()));
            }
        }

        #[test]
        fn nobody_but_owner_and_manager_sees_an_entry(v in 0u128..10, o in 0u128..10, m in 0u128..10, hidden: bool) {
            let date = Date::constant(2026, 5, 1);
            let seen = can_see_entry(p(v), p(o), date, hidden, Some((p(m), Date::constant(2026, 1, 1))));
            prop_assert_eq!(seen, v == o || (v == m && !hidden));
        }
    }
}
