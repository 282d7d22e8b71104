//! The portfolio: a learner's record, or a period of it, as a document they can hand to an
//! appraiser, a regulator or a new employer, and the links through which they share it.
//!
//! Rules only: which period is asked for, how long a share link may last, whether a link still
//! works, and the summary figures a portfolio opens with. The clock is passed in.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::learning::{Balance, LearningKind};
use crate::people::import::parse_date;

/// Why a period was refused. Each names the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("Enter the start date as a real date, for example 2026-01-31")]
    BadFrom,
    #[error("Enter the end date as a real date, for example 2026-12-31")]
    BadTo,
    #[error("The start date must be the same as or before the end date")]
    FromAfterTo,
}

impl PeriodError {
    /// The form field or query parameter the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            PeriodError::BadFrom => "from",
            PeriodError::BadTo | PeriodError::FromAfterTo => "to",
        }
    }
}

/// The part of a record a portfolio covers: from a day, up to a day, both, or all of it. Both ends
/// are included. Once held, `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Period {
    from: Option<Date>,
    to: Option<Date>,
}

impl Period {
    /// The whole record.
    pub const ALL: Period = Period { from: None, to: None };

    pub fn new(from: Option<Date>, to: Option<Date>) -> Result<Self, PeriodError> {
        match (from, to) {
            (Some(f), Some(t)) if f > t => Err(PeriodError::FromAfterTo),
            _ => Ok(Self { from, to }),
        }
    }

    /// Reads a period as a form or query string gives it; an empty end is open. Every problem is
    /// reported, not just the first.
    pub fn parse(from: &str, to: &str) -> Result<Self, Vec<PeriodError>> {
        let read = |s: &str, bad: PeriodError| -> Result<Option<Date>, PeriodError> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                parse_date(s).map(Some).map_err(|_| bad)
            }
        };
        match (read(from, PeriodError::BadFrom), read(to, PeriodError::BadTo)) {
            (Ok(f), Ok(t)) => Self::new(f, t).map_err(|e| vec![e]),
            (f, t) => Err([f.err(), t.err()].into_iter().flatten().collect()),
        }
    }

    pub fn from(&self) -> Option<Date> {
        self.from
    }

    pub fn to(&self) -> Option<Date> {
        self.to
    }

    pub fn contains(&self, day: Date) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    /// The period in words, for a title page or a list of links.
    pub fn describe(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "The whole record".to_owned(),
            (Some(f), None) => format!("From {} onwards", say_date(f)),
            (None, Some(t)) => format!("Up to {}", say_date(t)),
            (Some(f), Some(t)) => format!("{} to {}", say_date(f), say_date(t)),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A date as people in the UK write it: 7 March 2026.
pub fn say_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// Why a share link's lifetime was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("Enter how many days the link should work, as a whole number from 1 to 90")]
    NotANumber,
    #[error("The link must work for at least 1 day")]
    TooShort,
    #[error("The link can work for 90 days at most: make a new one when it runs out")]
    TooLong,
}

/// How long a share link works: 1 to 90 whole days from when it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ShareDays(u16);

impl ShareDays {
    pub const MIN: u16 = 1;
    pub const MAX: u16 = 90;
    /// What the form offers first.
    pub const DEFAULT: ShareDays = ShareDays(30);

    pub fn new(days: i64) -> Result<Self, ExpiryError> {
        if days < i64::from(Self::MIN) {
            Err(ExpiryError::TooShort)
        } else if days > i64::from(Self::MAX) {
            Err(ExpiryError::TooLong)
        } else {
            u16::try_from(days).map(Self).map_err(|_| ExpiryError::TooLong)
        }
    }

    pub fn parse(s: &str) -> Result<Self, ExpiryError> {
        let n: i64 = s.trim().parse().map_err(|_| ExpiryError::NotANumber)?;
        Self::new(n)
    }

    pub const fn get(self) -> u16 {
        self.0
    }

    /// When a link made at `now` stops working.
    pub fn expires_at(self, now: Timestamp) -> Timestamp {
        now.saturating_add(SignedDuration::from_hours(24 * i64::from(self.0)))
            .expect("adding a signed duration to a timestamp saturates")
    }
}

/// Whether a share link works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareStatus {
    Live,
    Expired,
    Revoked,
}

impl ShareStatus {
    /// A link works until it is revoked or its time runs out, whichever comes first; a revoked
    /// link says so even after it would have expired.
    pub fn at(now: Timestamp, expires_at: Timestamp, revoked_at: Option<Timestamp>) -> Self {
        if revoked_at.is_some_and(|r| r <= now) {
            ShareStatus::Revoked
        } else if now >= expires_at {
            ShareStatus::Expired
        } else {
            ShareStatus::Live
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ShareStatus::Live => "Working",
            ShareStatus::Expired => "Expired",
            ShareStatus::Revoked => "Revoked",
        }
    }
}

/// Who a learner shares their record with, as they describe them ("Appraiser, Riverside
/// Council"): 2 to 120 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Recipient(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecipientError {
    #[error("Enter who the link is for, for example \"Appraiser, Riverside Council\"")]
    Missing,
    #[error("Who the link is for must be 120 characters or fewer")]
    TooLong,
    #[error("Who the link is for must not contain control characters")]
    Control,
}

impl Recipient {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(s: &str) -> Result<Self, RecipientError> {
        let t = s.trim();
        let n = t.chars().count();
        if n < 2 {
            Err(RecipientError::Missing)
        } else if n > Self::MAX_CHARS {
            Err(RecipientError::TooLong)
        } else if t.chars().any(char::is_control) {
            Err(RecipientError::Control)
        } else {
            Ok(Self(t.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What one entry brings to the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFigures<'a> {
    pub on: Date,
    pub kind: LearningKind,
    pub minutes: u32,
    pub behaviours: &'a [String],
}

/// The figures a portfolio opens with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioSummary {
    pub entries: u64,
    pub total_minutes: u64,
    /// The first and the last day with an entry.
    pub first: Option<Date>,
    pub last: Option<Date>,
    /// Minutes by calendar year, oldest first.
    pub by_year: Vec<(i16, u64)>,
    pub balance: Balance,
    /// Behaviours and how many entries developed each, most first, then by name.
    pub behaviours: Vec<(String, u64)>,
}

impl PortfolioSummary {
    pub fn of<'a>(entries: impl IntoIterator<Item = EntryFigures<'a>>) -> Self {
        let mut count = 0u64;
        let mut first: Option<Date> = None;
        let mut last: Option<Date> = None;
        let mut years: BTreeMap<i16, u64> = BTreeMap::new();
        let mut kinds: Vec<(LearningKind, u64)> = Vec::new();
        let mut behaviours: BTreeMap<String, u64> = BTreeMap::new();
        for e in entries {
            count += 1;
            first = Some(first.map_or(e.on, |f| f.min(e.on)));
            last = Some(last.map_or(e.on, |l| l.max(e.on)));
            *years.entry(e.on.year()).or_default() += u64::from(e.minutes);
            kinds.push((e.kind, u64::from(e.minutes)));
            let mut seen: Vec<&str> = Vec::new();
            for b in e.behaviours {
                let b = b.trim();
                if !b.is_empty() && !seen.iter().any(|s| s.eq_ignore_ascii_case(b)) {
                    seen.push(b);
                    *behaviours.entry(b.to_lowercase()).or_default() += 1;
                }
            }
        }
        let balance = Balance::of(kinds);
        let mut behaviours: Vec<(String, u64)> = behaviours.into_iter().collect();
        behaviours.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Self {
            entries: count,
            total_minutes: balance.total_minutes,
            first,
            last,
            by_year: years.into_iter().collect(),
            balance,
            behaviours,
        }
    }
}

/// Minutes as hours to one decimal place, as the figures show them.
pub fn hours(minutes: u64) -> f64 {
    (minutes as f64 / 6.0).round() / 10.0
}

/// Minutes in words: "45 minutes", "2 hours", "1 hour 30 minutes".
pub fn say_minutes(minutes: u32) -> String {
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (minutes / 60, minutes % 60) {
        (0, m) => plural(m, "minute", "minutes"),
        (h, 0) => plural(h, "hour", "hours"),
        (h, m) => format!("{} {}", plural(h, "hour", "hours"), plural(m, "minute", "minutes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn periods_may_be_open_at_either_end() {
        assert_eq!(Period::parse("", ""), Ok(Period::ALL));
        let p = Period::parse("2026-01-01", "").unwrap();
        assert!(p.contains(d(2030, 1, 1)) && !p.contains(d(2025, 12, 31)));
        let p = Period::parse("", "31/03/2026").unwrap();
        assert_eq!(p.to(), Some(d(2026, 3, 31)));
        assert_eq!(Period::parse("2026-03-01", "2026-03-01").unwrap().describe(), "1 March 2026 to 1 March 2026");
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        assert_eq!(Period::parse("2026-05-01", "2026-04-30"), Err(vec![PeriodError::FromAfterTo]));
        assert_eq!(PeriodError::FromAfterTo.field(), "to");
    }

    #[test]
    fn malformed_dates_are_refused_with_every_problem() {
        assert_eq!(Period::parse("yesterday", "2026-02-30"), Err(vec![PeriodError::BadFrom, PeriodError::BadTo]));
        assert_eq!(Period::parse("2026-13-01", ""), Err(vec![PeriodError::BadFrom]));
    }

    #[test]
    fn share_links_last_from_one_to_ninety_days() {
        assert_eq!(ShareDays::parse("0"), Err(ExpiryError::TooShort));
        assert_eq!(ShareDays::parse("-3"), Err(ExpiryError::TooShort));
        assert_eq!(ShareDays::parse("400"), Err(ExpiryError::TooLong));
        assert_eq!(ShareDays::parse("91"), Err(ExpiryError::TooLong));
        assert_eq!(ShareDays::parse("a week"), Err(ExpiryError::NotANumber));
        assert_eq!(ShareDays::parse("99999999999999999999"), Err(ExpiryError::NotANumber));
        assert_eq!(ShareDays::parse(" 90 ").map(ShareDays::get), Ok(90));
        let now = Timestamp::from_second(1_780_000_000).unwrap();
        assert_eq!(ShareDays::new(1).unwrap().expires_at(now), now + SignedDuration::from_hours(24));
    }

    #[test]
    fn a_link_works_until_it_expires_or_is_revoked() {
        let t = |s: i64| Timestamp::from_second(1_780_000_000 + s).unwrap();
        assert_eq!(ShareStatus::at(t(0), t(10), None), ShareStatus::Live);
        assert_eq!(ShareStatus::at(t(10), t(10), None), ShareStatus::Expired);
        assert_eq!(ShareStatus::at(t(5), t(10), Some(t(5))), ShareStatus::Revoked);
        assert_eq!(ShareStatus::at(t(20), t(10), Some(t(5))), ShareStatus::Revoked);
    }

    #[test]
    fn recipients_are_described_briefly() {
        assert_eq!(Recipient::parse(" "), Err(RecipientError::Missing));
        assert_eq!(Recipient::parse(&"x".repeat(121)), Err(RecipientError::TooLong));
        assert_eq!(Recipient::parse("a\u{7}b"), Err(RecipientError::Control));
        assert_eq!(Recipient::parse(" Zoë Ødegård, appraiser ").unwrap().as_str(), "Zoë Ødegård, appraiser");
    }

    #[test]
    fn the_summary_counts_entries_hours_years_and_behaviours() {
        let tags = ["Compassion".to_owned(), "compassion".to_owned(), "curiosity".to_owned()];
        let none: [String; 0] = [];
        let s = PortfolioSummary::of([
            EntryFigures { on: d(2025, 12, 30), kind: LearningKind::Experience, minutes: 90, behaviours: &tags },
            EntryFigures { on: d(2026, 1, 2), kind: LearningKind::Formal, minutes: 30, behaviours: &none },
            EntryFigures { on: d(2026, 2, 2), kind: LearningKind::Others, minutes: 60, behaviours: &tags[2..] },
        ]);
        assert_eq!(s.entries, 3);
        assert_eq!(s.total_minutes, 180);
        assert_eq!((s.first, s.last), (Some(d(2025, 12, 30)), Some(d(2026, 2, 2))));
        assert_eq!(s.by_year, vec![(2025, 90), (2026, 90)]);
        assert_eq!(s.behaviours, vec![("curiosity".to_owned(), 2), ("compassion".to_owned(), 1)]);
        assert_eq!(hours(s.total_minutes), 3.0);
    }

    #[test]
    fn an_empty_portfolio_has_zero_figures() {
        let s = PortfolioSummary::of([]);
        assert_eq!((s.entries, s.total_minutes, s.first), (0, 0, None));
        assert!(s.by_year.is_empty());
    }

    #[test]
    fn minutes_are_said_in_words() {
        assert_eq!(say_minutes(1), "1 minute");
        assert_eq!(say_minutes(120), "2 hours");
        assert_eq!(say_minutes(61), "1 hour 1 minute");
        assert_eq!(say_minutes(150), "2 hours 30 minutes");
    }

    fn kind() -> impl Strategy<Value = LearningKind> {
        prop::sample::select(LearningKind::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn the_summary_adds_up(raw in prop::collection::vec((0i32..3000, kind(), 1u32..=1440), 0..60)) {
            let base = d(2020, 1, 1);
            let entries: Vec<(Date, LearningKind, u32)> =
                raw.iter().map(|(n, k, m)| (base.checked_add(jiff::Span::new().days(*n)).unwrap(), *k, *m)).collect();
            let s = PortfolioSummary::of(entries.iter().map(|(on, kind, minutes)| EntryFigures { on: *on, kind: *kind, minutes: *minutes, behaviours: &[] }));
            let total: u64 = entries.iter().map(|e| u64::from(e.2)).sum();
            prop_assert_eq!(s.entries, entries.len() as u64);
            prop_assert_eq!(s.total_minutes, total);
            prop_assert_eq!(s.by_year.iter().map(|y| y.1).sum::<u64>(), total);
            prop_assert_eq!(s.balance.shares.iter().map(|k| k.minutes).sum::<u64>(), total);
            prop_assert!(s.by_year.windows(2).all(|w| w[0].0 < w[1].0));
            for (on, _, _) in &entries {
                prop_assert!(s.first.unwrap() <= *on && *on <= s.last.unwrap());
            }
        }

        #[test]
        fn accepted_periods_never_end_before_they_start(a in 0i32..2000, b in 0i32..2000) {
            let base = d(2020, 1, 1);
            let (f, t) = (base.checked_add(jiff::Span::new().days(a)).unwrap(), base.checked_add(jiff::Span::new().days(b)).unwrap());
            match Period::parse(&f.to_string(), &t.to_string()) {
                Ok(p) => { prop_assert!(f <= t); prop_assert!(p.contains(f) && p.contains(t)); }
                Err(e) => { prop_assert!(f > t); prop_assert_eq!(e, vec![PeriodError::FromAfterTo]); }
            }
        }

        #[test]
        fn accepted_lifetimes_are_one_to_ninety_days(n in -1000i64..1000) {
            match ShareDays::new(n) {
                Ok(days) => prop_assert!((1..=90).contains(&days.get())),
                Err(_) => prop_assert!(!(1..=90).contains(&n)),
            }
        }

        #[test]
        fn a_link_is_live_only_before_expiry_and_without_revocation(now in 0i64..1000, exp in 0i64..1000, rev in proptest::option::of(0i64..1000)) {
            let t = |s: i64| Timestamp::from_second(1_780_000_000 + s).unwrap();
            let status = ShareStatus::at(t(now), t(exp), rev.map(t));
            let live = now < exp && rev.is_none_or(|r| r > now);
            prop_assert_eq!(status == ShareStatus::Live, live);
        }
    }
}
