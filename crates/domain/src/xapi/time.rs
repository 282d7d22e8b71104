//! ISO 8601 timestamps (Data 4.5) and durations (Data 4.6).

use std::fmt;

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::Timestamp;

/// Why a string is not a timestamp xAPI accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("must be an ISO 8601 timestamp in RFC 3339 form, such as \"2024-05-18T05:32:34.804Z\"")]
    Format,
    #[error("must include a time zone, such as \"Z\" or \"+01:00\" (Data 4.5.s1.b4)")]
    NoTimeZone,
    #[error("must give a known time zone; \"-00:00\" means the offset is unknown")]
    UnknownOffset,
    #[error("must be a real date and time (the month, day, hour, minute or second is out of range)")]
    OutOfRange,
}

/// Parses a timestamp: the RFC 3339 profile of ISO 8601 (Data 4.5.s1.b2), which always carries a
/// time zone, so one without a zone or with the "unknown" offset `-00:00` is refused. A leap second
/// (`:60`) is refused too, as the time cannot be held exactly.
pub fn parse_timestamp(text: &str) -> Result<Timestamp, TimestampError> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Result<i32, TimestampError> {
        let part = b.get(range).ok_or(TimestampError::Format)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err(TimestampError::Format);
        }
        Ok(part.iter().fold(0, |n, d| n * 10 + i32::from(d - b'0')))
    };
    let at = |i: usize, expected: &[u8]| b.get(i).is_some_and(|c| expected.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
        return Err(TimestampError::Format);
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let mut i = 19;
    let mut nanos = 0_i32;
    if at(i, b".") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(TimestampError::Format);
        }
        let fraction = &text[start..i];
        let kept: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = kept.parse().map_err(|_| TimestampError::Format)?;
    }
    let offset_seconds = match b.get(i) {
        None => return Err(TimestampError::NoTimeZone),
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && at(i + 3, b":") => {
            let (h, m) = (digits(i + 1..i + 3)?, digits(i + 4..i + 6)?);
            if h > 23 || m > 59 {
                return Err(TimestampError::OutOfRange);
            }
            if *sign == b'-' && h == 0 && m == 0 {
                return Err(TimestampError::UnknownOffset);
            }
            let seconds = h * 3600 + m * 60;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        Some(_) => return Err(TimestampError::Format),
    };
    let narrow = |n: i32| i8::try_from(n).map_err(|_| TimestampError::OutOfRange);
    let year = i16::try_from(year).map_err(|_| TimestampError::OutOfRange)?;
    let datetime =
        DateTime::new(year, narrow(month)?, narrow(day)?, narrow(hour)?, narrow(minute)?, narrow(second)?, nanos)
            .map_err(|_| TimestampError::OutOfRange)?;
    let offset = Offset::from_seconds(offset_seconds).map_err(|_| TimestampError::OutOfRange)?;
    offset.to_timestamp(datetime).map_err(|_| TimestampError::OutOfRange)
}

/// Writes a timestamp the way this LRS returns the ones it sets: UTC, to the millisecond
/// (Data 4.5.s1.b3, b6 and b7).
pub fn format_timestamp(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The string is not an ISO 8601 duration in the form xAPI allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "must be an ISO 8601 duration such as \"PT4H35M59.14S\", \"P3Y1M29D\" or \"P4W\" (weeks cannot be combined with other \
     units, only the last number may have a fraction, and the alternative format is not allowed)"
)]
pub struct BadDuration;

/// An ISO 8601 duration in the format of ISO 8601:2004 4.4.3.2 (Data 4.6.s1.b1), kept as written:
/// durations are compared as strings (Data 2.3.1.b8).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duration(String);

impl Duration {
    pub fn parse(text: &str) -> Result<Self, BadDuration> {
        check_duration(text)?;
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The duration as compared between Statements: seconds beyond two decimal places are dropped
    /// (Data 4.6.s1.b5) and trailing zeros in the fraction ignored.
    pub fn comparison_form(&self) -> String {
        comparison_form(&self.0)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_duration(text: &str) -> Result<(), BadDuration> {
    let rest = text.strip_prefix('P').ok_or(BadDuration)?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    // Each part is a sequence of number+designator, designators in order and each at most once.
    fn components<'a>(part: &'a str, order: &[char]) -> Result<Vec<(&'a str, char)>, BadDuration> {
        let mut out = Vec::new();
        let mut next_allowed = 0;
        let mut start = 0;
        for (i, c) in part.char_indices() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                continue;
            }
            let position = order.iter().position(|d| *d == c).ok_or(BadDuration)?;
            if position < next_allowed {
                return Err(BadDuration);
            }
            let number = &part[start..i];
            let valid_number = {
                let mut pieces = number.splitn(2, ['.', ',']);
                let whole = pieces.next().unwrap_or_default();
                let fraction = pieces.next();
                !whole.is_empty()
                    && whole.bytes().all(|b| b.is_ascii_digit())
                    && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
            };
            if !valid_number {
                return Err(BadDuration);
            }
            out.push((number, c));
            next_allowed = position + 1;
            start = i + c.len_utf8();
        }
        if start != part.len() {
            return Err(BadDuration);
        }
        Ok(out)
    }
    let date = components(date_part, &['Y', 'M', 'W', 'D'])?;
    let time = match time_part {
        Some(t) => {
            let parsed = components(t, &['H', 'M', 'S'])?;
            if parsed.is_empty() {
                return Err(BadDuration);
            }
            parsed
        }
        None => Vec::new(),
    };
    if date.is_empty() && time.is_empty() {
        return Err(BadDuration);
    }
    if date.iter().any(|(_, d)| *d == 'W') && (date.len() > 1 || !time.is_empty()) {
        return Err(BadDuration);
    }
    let all: Vec<&(&str, char)> = date.iter().chain(time.iter()).collect();
    let fractional = |n: &str| n.contains(['.', ',']);
    if all.iter().rev().skip(1).any(|(n, _)| fractional(n)) {
        return Err(BadDuration);
    }
    Ok(())
}

fn comparison_form(text: &str) -> String {
    let Some(body) = text.strip_suffix('S') else {
        return text.to_owned();
    };
    let start = body.rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).map_or(0, |i| i + 1);
    let (head, seconds) = body.split_at(start);
    let seconds = seconds.replace(',', ".");
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds.as_str(), ""));
    let fraction: String = fraction.chars().take(2).collect();
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{head}{whole}S")
    } else {
        format!("{head}{whole}.{fraction}S")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Data 4.5.s1.b1/b2: ISO 8601, RFC 3339 profile.
    #[test]
    fn rfc_3339_timestamps_are_accepted() {
        let t = parse_timestamp("2013-05-18T05:32:34.804Z").unwrap();
        assert_eq!(t.as_millisecond(), 1_368_855_154_804);
        let with_offset = parse_timestamp("2013-05-18T06:32:34.804+01:00").unwrap();
        assert_eq!(with_offset, t);
        assert_eq!(parse_timestamp("2013-05-18T05:32:34Z").unwrap().as_millisecond(), 1_368_855_154_000);
        let fine = parse_timestamp("2013-05-18T05:32:34.123456789Z").unwrap();
        assert_eq!(fine.subsec_nanosecond(), 123_456_789);
        assert!(parse_timestamp("2013-05-18t05:32:34z").is_ok());
    }

    // Data 4.5.s1.b4: SHOULD* include the time zone, treated as a requirement here.
    #[test]
    fn timestamps_without_a_time_zone_are_refused() {
        assert_eq!(parse_timestamp("2013-05-18T05:32:34.804"), Err(TimestampError::NoTimeZone));
        assert_eq!(parse_timestamp("2013-05-18T05:32:34.804-00:00"), Err(TimestampError::UnknownOffset));
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        for bad in [
            "",
            "2013-05-18",
            "2013-05-18 05:32:34Z",
            "20130518T053234Z",
            "2013-05-18T05:32Z",
            "2013-05-18T05:32:34.Z",
            "2013-05-18T05:32:34+0100",
            "2013-05-18T05:32:34+01",
            "2013-05-18T05:32:34ZZ",
            "yesterday",
        ] {
            assert_eq!(parse_timestamp(bad), Err(TimestampError::Format), "{bad}");
        }
        assert_eq!(parse_timestamp("2013-02-30T05:32:34Z"), Err(TimestampError::OutOfRange));
        assert_eq!(parse_timestamp("2013-05-18T24:00:00Z"), Err(TimestampError::OutOfRange));
        assert_eq!(parse_timestamp("2013-05-18T05:32:34+24:00"), Err(TimestampError::OutOfRange));
    }

    #[test]
    fn timestamps_set_by_the_lrs_are_utc_to_the_millisecond() {
        let t = parse_timestamp("2013-05-18T06:32:34.8049+01:00").unwrap();
        assert_eq!(format_timestamp(t), "2013-05-18T05:32:34.804Z");
    }

    // Data 4.6.s1.b1 and the examples in 4.6.s2.
    #[test]
    fn iso_8601_durations_are_accepted() {
        for ok in ["PT4H35M59.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S", "P1DT12H", "PT1,5S", "PT0.5H"] {
            assert!(Duration::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_durations_are_refused() {
        // "P16559.14S" appears as an example in Data 4.6.s2 but is not ISO 8601: seconds need "T".
        for bad in [
            "",
            "P",
            "PT",
            "4H",
            "P4W1D",
            "P1WT1H",
            "PT1.5H30M",
            "P1M1Y",
            "PT1H1H",
            "P0003-01-29T04:35:59",
            "PT-1S",
            "P1.5",
            "PT.5S",
            "P1DT",
            "PT1S ",
            "p1d",
            "P16559.14S",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }

    // Data 4.6.s1.b5: precision beyond 0.01 s is not compared.
    #[test]
    fn duration_comparison_ignores_precision_beyond_hundredths() {
        let a = Duration::parse("PT1M2.3456S").unwrap();
        let b = Duration::parse("PT1M2.34S").unwrap();
        assert_eq!(a.comparison_form(), b.comparison_form());
        assert_eq!(Duration::parse("PT2.10S").unwrap().comparison_form(), "PT2.1S");
        assert_eq!(Duration::parse("PT2.001S").unwrap().comparison_form(), "PT2S");
        assert_eq!(Duration::parse("P1D").unwrap().comparison_form(), "P1D");
        assert_ne!(
            Duration::parse("PT60S").unwrap().comparison_form(),
            Duration::parse("PT1M").unwrap().comparison_form()
        );
    }
}
