//! The frameworks and crosswalks goldthread ships with, as data files compiled into the binary.
//! Each is described in goldthread's own words; an organisation can import its own beside them.

use super::crosswalk::{parse_crosswalks, Crosswalk};
use super::file::{parse_framework, Format};
use super::model::Framework;

/// The shipped framework files, by file name.
pub const FILES: &[(&str, &str)] = &[
    ("leadership-way.yaml", include_str!("shipped/leadership-way.yaml")),
    ("four-way-focus.yaml", include_str!("shipped/four-way-focus.yaml")),
    ("healthcare-leadership.yaml", include_str!("shipped/healthcare-leadership.yaml")),
];

/// The shipped crosswalk file.
pub const CROSSWALKS: &str = include_str!("shipped/crosswalks.yaml");

/// The shipped frameworks: a six-principle leadership way, a four-way focus for managers and a
/// nine-dimension healthcare leadership framework.
pub fn frameworks() -> Vec<Framework> {
    FILES
        .iter()
        .map(|(name, text)| {
            parse_framework(text, Format::Yaml)
                .unwrap_or_else(|e| panic!("shipped framework {name} is checked by the tests: {e}"))
        })
        .collect()
}

/// The shipped crosswalks between the shipped frameworks.
pub fn crosswalks() -> Vec<Crosswalk> {
    parse_crosswalks(CROSSWALKS, Format::Yaml, &frameworks())
        .unwrap_or_else(|e| panic!("shipped crosswalks are checked by the tests: {e}"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::crosswalk::{equivalents, export_crosswalks};
    use super::super::file::export_framework;
    use super::*;

    #[test]
    fn each_shipped_framework_parses_and_round_trips_unchanged() {
        for (name, text) in FILES {
            let f = parse_framework(text, Format::Yaml).unwrap_or_else(|e| panic!("{name}: {e}"));
            for format in [Format::Yaml, Format::Json] {
                let out = export_framework(&f, format);
                let back = parse_framework(&out, format).unwrap_or_else(|e| panic!("{name} {format:?}: {e}\n{out}"));
                assert_eq!(back, f, "{name} {format:?}");
                assert_eq!(export_framework(&back, format), out, "{name} {format:?}");
            }
        }
    }

    #[test]
    fn shipped_frameworks_have_the_promised_shape() {
        let all = frameworks();
        let shape: Vec<(&str, usize)> = all.iter().map(|f| (f.id().as_str(), f.domains().len())).collect();
        assert_eq!(shape, [("leadership-way", 6), ("four-way-focus", 4), ("healthcare-leadership", 9)]);
        for f in &all {
            for d in f.domains() {
                assert!((2..=5).contains(&d.behaviours.len()), "{} {}", f.id(), d.id);
                for b in &d.behaviours {
                    assert!(b.question.starts_with("Do I "), "{} {}", f.id(), b.id);
                }
            }
        }
        let levels: Vec<&str> = all[2].scale().points().iter().map(|p| p.label.as_str()).collect();
        assert_eq!(levels, ["Essential", "Proficient", "Strong", "Exemplary"]);
        assert!(all[2].behaviours().all(|(_, b)| b.descriptors.len() == 4));
    }

    #[test]
    fn shipped_crosswalks_resolve_and_round_trip() {
        let walks = crosswalks();
        assert!(walks.len() >= 10);
        let again = parse_crosswalks(&export_crosswalks(&walks, Format::Json), Format::Json, &frameworks()).unwrap();
        assert_eq!(again, walks);
        let start = "leadership-way:trying-new-ways".parse().unwrap();
        let got: BTreeSet<String> = equivalents([&start], &walks).iter().map(ToString::to_string).collect();
        assert!(got.contains("healthcare-leadership:thinking-differently"));
        assert!(got.contains("four-way-focus:improving-the-service"));
    }
}
