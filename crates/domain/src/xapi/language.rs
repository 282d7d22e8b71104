//! RFC 5646 language tags, language maps, and choosing one language from a map with an HTTP
//! `Accept-Language` header (Communication 2.1.3.s4).

use std::collections::BTreeMap;
use std::fmt;

/// The string is not a well-formed RFC 5646 language tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be an RFC 5646 language tag such as \"en\", \"en-GB\" or \"zh-Hant-TW\"")]
pub struct BadLanguageTag;

/// A well-formed RFC 5646 language tag, kept as written. Tags are case insensitive, so equality and
/// ordering use [`LanguageTag::normalised`].
#[derive(Debug, Clone)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(text: &str) -> Result<Self, BadLanguageTag> {
        if is_well_formed(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(BadLanguageTag)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag in lowercase, for comparison.
    pub fn normalised(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl PartialEq for LanguageTag {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for LanguageTag {}
impl PartialOrd for LanguageTag {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for LanguageTag {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // As `normalised()` would order them, without making two strings per comparison.
        self.0.bytes().map(|b| b.to_ascii_lowercase()).cmp(other.0.bytes().map(|b| b.to_ascii_lowercase()))
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Tags that RFC 5646 accepts only because they were registered before its grammar.
const IRREGULAR: [&str; 17] = [
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
];

/// RFC 5646 section 2.1: `langtag / privateuse / grandfathered`, plus the section 2.2.5 and 2.2.6
/// rules that variants and extension singletons are not repeated.
fn is_well_formed(text: &str) -> bool {
    is_language_and_region(text) || is_well_formed_in_full(text)
}

/// The commonest forms, read without allocating: a language of two or three letters, alone or
/// with a region of two letters or three digits ("en", "en-GB", "es-419"). Each is well formed
/// by the full grammar too (a property test checks it).
fn is_language_and_region(text: &str) -> bool {
    let (language, region) = text.split_once('-').map_or((text, None), |(l, r)| (l, Some(r)));
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && region.is_none_or(|r| {
            r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic())
                || r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit())
        })
}

fn is_well_formed_in_full(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if IRREGULAR.contains(&lower.as_str()) {
        return true;
    }
    let subtags: Vec<&str> = lower.split('-').collect();
    if subtags.iter().any(|s| s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return false;
    }
    let alpha = |s: &str| s.bytes().all(|b| b.is_ascii_alphabetic());
    let digit = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut i = 0;
    // A tag that is private use from the start.
    if subtags[0] == "x" {
        return subtags.len() > 1;
    }
    let language = subtags[0];
    if !alpha(language) || language.len() < 2 {
        return false;
    }
    i += 1;
    if language.len() <= 3 {
        let mut extlangs = 0;
        while i < subtags.len() && extlangs < 3 && subtags[i].len() == 3 && alpha(subtags[i]) {
            i += 1;
            extlangs += 1;
        }
    }
    if i < subtags.len() && subtags[i].len() == 4 && alpha(subtags[i]) {
        i += 1; // script
    }
    if i < subtags.len()
        && ((subtags[i].len() == 2 && alpha(subtags[i])) || (subtags[i].len() == 3 && digit(subtags[i])))
    {
        i += 1; // region
    }
    let mut variants: Vec<&str> = Vec::new();
    while i < subtags.len() {
        let s = subtags[i];
        let is_variant = (5..=8).contains(&s.len()) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit());
        if !is_variant {
            break;
        }
        if variants.contains(&s) {
            return false;
        }
        variants.push(s);
        i += 1;
    }
    let mut singletons: Vec<&str> = Vec::new();
    while i < subtags.len() && subtags[i].len() == 1 && subtags[i] != "x" {
        if singletons.contains(&subtags[i]) {
            return false;
        }
        singletons.push(subtags[i]);
        i += 1;
        let start = i;
        while i < subtags.len() && (2..=8).contains(&subtags[i].len()) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < subtags.len() && subtags[i] == "x" {
        i += 1;
        if i == subtags.len() {
            return false;
        }
        i = subtags.len(); // private-use subtags are 1 to 8 alphanumerics, checked above
    }
    i == subtags.len()
}

/// A language map (Data 4.2): a string in each of one or more languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LanguageMap(BTreeMap<LanguageTag, String>);

impl LanguageMap {
    /// Builds a map from entries already checked; a later entry for the same tag replaces an earlier.
    pub fn from_entries(entries: impl IntoIterator<Item = (LanguageTag, String)>) -> Self {
        Self(entries.into_iter().collect())
    }

    pub fn get(&self, tag: &str) -> Option<&str> {
        self.0.iter().find(|(t, _)| t.as_str().eq_ignore_ascii_case(tag)).map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&LanguageTag, &str)> {
        self.0.iter().map(|(t, v)| (t, v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A parsed `Accept-Language` header (RFC 2616 section 14.4): language ranges with quality values,
/// in the order given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AcceptLanguage {
    ranges: Vec<(String, f32)>,
}

impl AcceptLanguage {
    /// Reads a header value. Malformed entries are skipped rather than refused, as a header a
    /// server cannot read is treated as if absent; `q=0` entries are kept (they mean "not this").
    pub fn parse(header: &str) -> Self {
        let mut ranges = Vec::new();
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let range = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            if range.is_empty()
                || !(range == "*"
                    || range
                        .split('-')
                        .all(|s| !s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_alphanumeric())))
            {
                continue;
            }
            let mut quality = 1.0_f32;
            let mut valid = true;
            for parameter in pieces {
                let Some((name, value)) = parameter.split_once('=') else {
                    valid = false;
                    break;
                };
                if name.trim().eq_ignore_ascii_case("q") {
                    match value.trim().parse::<f32>() {
                        Ok(q) if (0.0..=1.0).contains(&q) => quality = q,
                        _ => valid = false,
                    }
                }
            }
            if valid {
                ranges.push((range, quality));
            }
        }
        Self { ranges }
    }

    /// The quality the header gives a tag, and the position of the range that gave it: the
    /// quality of the longest matching range, `*` matching only tags no other range matches.
    fn quality(&self, tag: &str) -> (f32, usize) {
        let tag = tag.to_ascii_lowercase();
        let mut best: Option<(usize, f32, usize)> = None; // (range length, quality, position)
        let mut star: Option<(f32, usize)> = None;
        for (position, (range, quality)) in self.ranges.iter().enumerate() {
            if range == "*" {
                star.get_or_insert((*quality, position));
                continue;
            }
            let matches =
                tag == *range || (tag.starts_with(range.as_str()) && tag.as_bytes().get(range.len()) == Some(&b'-'));
            if matches && best.is_none_or(|(len, _, _)| range.len() > len) {
                best = Some((range.len(), *quality, position));
            }
        }
        match (best, star) {
            (Some((_, q, p)), _) => (q, p),
            (None, Some((q, p))) => (q, p),
            (None, None) => (0.0, usize::MAX),
        }
    }

    /// Chooses the one tag to show from those a language map has: the most acceptable by the
    /// header, earlier ranges winning ties. When the header accepts none of them (or is empty),
    /// a map must still show one language, so the first tag in lowercase order is chosen.
    pub fn choose<'a>(&self, tags: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        let mut tags: Vec<&str> = tags.into_iter().collect();
        tags.sort_by_key(|t| t.to_ascii_lowercase());
        let mut best: Option<(&str, f32, usize)> = None;
        for tag in &tags {
            let (q, p) = self.quality(tag);
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(_, bq, bp)| q > bq || (q == bq && p < bp)) {
                best = Some((tag, q, p));
            }
        }
        best.map(|(t, _, _)| t).or_else(|| tags.first().copied())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_common_forms_read_quickly_are_well_formed_in_full(text in "[a-zA-Z0-9]{0,4}(-[a-zA-Z0-9]{0,4})?") {
            if is_language_and_region(&text) {
                prop_assert!(is_well_formed_in_full(&text), "{}", text);
            }
        }

        // Tags order as their lowercase forms do, so that "en-GB" and "en-gb" are one key.
        #[test]
        fn tags_order_as_their_lowercase_forms(a in "[a-zA-Z]{1,3}(-[a-zA-Z0-9]{1,8}){0,2}", b in "[a-zA-Z]{1,3}(-[a-zA-Z0-9]{1,8}){0,2}") {
            let (ta, tb) = (LanguageTag::parse(&a), LanguageTag::parse(&b));
            if let (Ok(ta), Ok(tb)) = (ta, tb) {
                prop_assert_eq!(ta.cmp(&tb), ta.normalised().cmp(&tb.normalised()));
                prop_assert_eq!(ta == tb, ta.normalised() == tb.normalised());
            }
        }
    }

    // Data 2.2.s4.b2: "validate that the sequence of token lengths for language map keys matches
    // the RFC 5646 standard".
    #[test]
    fn well_formed_tags_are_accepted() {
        for ok in [
            "en",
            "en-US",
            "EN-us",
            "es-419",
            "zh-Hant-TW",
            "zh-yue-HK",
            "sl-rozaj-biske",
            "de-CH-1901",
            "en-a-bbb-x-a-ccc",
            "x-whatever",
            "i-klingon",
            "en-GB-oed",
            "und",
            "qaa-Qaaa-QM-x-southern",
            "zh-min-nan",
        ] {
            assert!(LanguageTag::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_tags_are_refused() {
        for bad in [
            "",
            "e",
            "en_US",
            "en-",
            "-en",
            "en--US",
            "en-US-x-",
            "en-US-x",
            "de-419-DE",
            "a-DE",
            "ar-a-aaa-b-bbb-a-ccc",
            "sl-rozaj-rozaj",
            "en-a",
            "en US",
            "1en",
            "toolongtag",
        ] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_compare_case_insensitively() {
        assert_eq!(LanguageTag::parse("en-GB").unwrap(), LanguageTag::parse("en-gb").unwrap());
    }

    // Communication 2.1.3.s4.b5: Accept-Language as in RFC 2616, applied per map.
    #[test]
    fn accept_language_picks_the_highest_quality_tag() {
        let header = AcceptLanguage::parse("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5");
        assert_eq!(header.choose(["en-US", "fr"]), Some("fr"));
        assert_eq!(header.choose(["en-US", "de"]), Some("en-US"));
        assert_eq!(header.choose(["de", "es"]), Some("de"));
        assert_eq!(header.choose(["fr-CH", "fr"]), Some("fr-CH"));
    }

    #[test]
    fn the_longest_matching_range_sets_the_quality() {
        let header = AcceptLanguage::parse("en;q=0.9, en-GB;q=0.1, de;q=0.5");
        assert_eq!(header.choose(["en-GB", "de"]), Some("de"));
        assert_eq!(header.choose(["en-US", "de"]), Some("en-US"));
    }

    #[test]
    fn a_language_with_q_zero_is_never_chosen_when_another_is_acceptable() {
        let header = AcceptLanguage::parse("en;q=0, *");
        assert_eq!(header.choose(["en", "cy"]), Some("cy"));
    }

    #[test]
    fn with_no_acceptable_language_one_is_still_chosen() {
        assert_eq!(AcceptLanguage::parse("").choose(["fr", "en-US"]), Some("en-US"));
        assert_eq!(AcceptLanguage::parse("ja").choose(["fr", "de"]), Some("de"));
        assert_eq!(AcceptLanguage::parse("ja").choose([]), None);
    }

    #[test]
    fn malformed_header_entries_are_skipped() {
        let header = AcceptLanguage::parse("fr;q=2, en_US, de;q=0.3, ;;");
        assert_eq!(header.choose(["fr", "de"]), Some("de"));
    }
}
