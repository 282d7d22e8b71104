//! "Record your learning" opens only once a resource has been open for its estimated duration,
//! timed on the server.

use jiff::{SignedDuration, Timestamp};

use super::EstimatedMinutes;

/// When recording becomes available for a resource opened at `opened_at`.
pub fn record_available_at(opened_at: Timestamp, estimated: EstimatedMinutes) -> Timestamp {
    opened_at.saturating_add(SignedDuration::from_mins(i64::from(estimated.get()))).unwrap_or(Timestamp::MAX)
}

/// How long is left at `now` (zero once it is available).
pub fn remaining(now: Timestamp, opened_at: Timestamp, estimated: EstimatedMinutes) -> SignedDuration {
    let left = record_available_at(opened_at, estimated).duration_since(now);
    // Never more than the whole estimate, even if the clock has stepped back since opening.
    left.clamp(SignedDuration::ZERO, SignedDuration::from_mins(i64::from(estimated.get())))
}

/// Says a duration as people do: "4 minutes and 30 seconds", "1 hour and 5 minutes", "1 second".
pub fn say_remaining(left: SignedDuration) -> String {
    let total = left.as_secs().max(0);
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let parts: Vec<String> = if h > 0 {
        [(h, "hour"), (m, "minute")].iter().filter(|(n, _)| *n > 0).map(|(n, u)| unit(*n, u)).collect()
    } else {
        [(m, "minute"), (s, "second")].iter().filter(|(n, _)| *n > 0).map(|(n, u)| unit(*n, u)).collect()
    };
    match parts.len() {
        0 => "0 seconds".to_owned(),
        1 => parts[0].clone(),
        _ => format!("{} and {}", parts[0], parts[1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_780_000_000 + s).unwrap()
    }

    #[test]
    fn the_wait_is_the_estimated_duration() {
        let five = EstimatedMinutes::new(5).unwrap();
        assert_eq!(remaining(t(30), t(0), five), SignedDuration::from_secs(270));
        assert_eq!(remaining(t(300), t(0), five), SignedDuration::ZERO);
        assert_eq!(remaining(t(1000), t(0), five), SignedDuration::ZERO);
    }

    #[test]
    fn durations_are_said_in_words() {
        assert_eq!(say_remaining(SignedDuration::from_secs(270)), "4 minutes and 30 seconds");
        assert_eq!(say_remaining(SignedDuration::from_secs(60)), "1 minute");
        assert_eq!(say_remaining(SignedDuration::from_secs(1)), "1 second");
        assert_eq!(say_remaining(SignedDuration::from_secs(3900)), "1 hour and 5 minutes");
        assert_eq!(say_remaining(SignedDuration::ZERO), "0 seconds");
    }

    proptest! {
        #[test]
        fn the_wait_never_grows_and_ends(opened in 0i64..1000, now in 0i64..100_000, mins in 1u32..500) {
            let est = EstimatedMinutes::new(mins).unwrap();
            let left = remaining(t(now), t(opened), est);
            prop_assert!(!left.is_negative());
            prop_assert!(left <= SignedDuration::from_mins(i64::from(mins)));
            prop_assert_eq!(left.is_zero(), t(now) >= record_available_at(t(opened), est));
        }
    }
}
