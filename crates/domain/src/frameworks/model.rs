//! The framework itself: a rating scale, domains and behaviours. A [`Framework`] is only made by
//! [`super::parse_framework`], so holding one means every rule in `docs/frameworks.md` holds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A short identifier of lower-case letters, digits and single hyphens, 1 to 64 characters:
/// `healthcare-leadership`, `listening`. Frameworks, domains and behaviours are named by slugs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// The text given is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an id: use 1 to 64 lower-case letters, digits and single hyphens, such as \"leading-with-care\"")]
pub struct SlugError(pub String);

impl Slug {
    pub const MAX: usize = 64;

    pub fn parse(s: &str) -> Result<Self, SlugError> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(SlugError(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, SlugError> {
        Self::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One behaviour of one framework, written `framework:behaviour` (for example
/// `leadership-way:listening-with-care`) wherever it is text: resource tags, learning entries, files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BehaviourRef {
    pub framework: Slug,
    pub behaviour: Slug,
}

/// The text given is not `framework:behaviour`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a behaviour reference: write the framework's id and the behaviour's id with a colon between, such as \"leadership-way:listening-with-care\"")]
pub struct BehaviourRefError(pub String);

impl BehaviourRef {
    pub fn new(framework: Slug, behaviour: Slug) -> Self {
        Self { framework, behaviour }
    }
}

impl FromStr for BehaviourRef {
    type Err = BehaviourRefError;
    fn from_str(s: &str) -> Result<Self, BehaviourRefError> {
        let bad = || BehaviourRefError(s.to_owned());
        let (f, b) = s.trim().split_once(':').ok_or_else(bad)?;
        Ok(Self { framework: Slug::parse(f).map_err(|_| bad())?, behaviour: Slug::parse(b).map_err(|_| bad())? })
    }
}

impl TryFrom<String> for BehaviourRef {
    type Error = BehaviourRefError;
    fn try_from(s: String) -> Result<Self, BehaviourRefError> {
        s.parse()
    }
}

impl From<BehaviourRef> for String {
    fn from(r: BehaviourRef) -> String {
        r.to_string()
    }
}

impl fmt::Display for BehaviourRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.framework, self.behaviour)
    }
}

/// One point of a rating scale: its value (higher is stronger) and what people see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePoint {
    pub value: u8,
    pub label: String,
}

/// A framework's rating scale: 2 to 10 points, values strictly rising, labels distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub(super) points: Vec<ScalePoint>,
}

impl Scale {
    pub const MIN_POINTS: usize = 2;
    pub const MAX_POINTS: usize = 10;

    /// The points, lowest first.
    pub fn points(&self) -> &[ScalePoint] {
        &self.points
    }

    /// A rating holding `value`, if the scale has that value.
    pub fn rating(&self, value: u8) -> Result<Rating, RatingError> {
        if self.points.iter().any(|p| p.value == value) {
            Ok(Rating(value))
        } else {
            Err(RatingError::OutsideScale {
                value,
                allowed: self.points.iter().map(|p| p.value.to_string()).collect::<Vec<_>>().join(", "),
            })
        }
    }

    /// The label of a rating's point.
    pub fn label(&self, rating: Rating) -> &str {
        self.points.iter().find(|p| p.value == rating.0).map_or("", |p| p.label.as_str())
    }

    pub fn lowest(&self) -> u8 {
        self.points.first().map_or(0, |p| p.value)
    }

    pub fn highest(&self) -> u8 {
        self.points.last().map_or(0, |p| p.value)
    }

    /// Where a value (a rating or an average of ratings) sits between the lowest point (0.0) and
    /// the highest (1.0); used to compare figures across frameworks with different scales.
    pub fn position(&self, value: f64) -> f64 {
        let (lo, hi) = (f64::from(self.lowest()), f64::from(self.highest()));
        if hi > lo {
            ((value - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// A rating: a value of some framework's scale. Only [`Scale::rating`] and
/// [`Framework::rating`] make one, so it never holds a value the scale does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "u8")]
pub struct Rating(u8);

impl Rating {
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

/// Why a rating was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("{value} is not on this framework's scale: use one of {allowed}")]
    OutsideScale { value: u8, allowed: String },
    #[error("{0:?} is not a behaviour of this framework")]
    UnknownBehaviour(String),
}

/// One behaviour: what a leader does, a descriptor for each point of the scale where the
/// framework describes its levels, and a question to ask oneself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    pub id: Slug,
    pub name: String,
    /// A reflective question, "Do I ...?".
    pub question: String,
    /// Empty, or one per scale point, lowest first.
    pub descriptors: Vec<String>,
}

/// A domain (a principle, a dimension, a direction of focus) and its behaviours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    pub id: Slug,
    pub name: String,
    pub summary: Option<String>,
    pub behaviours: Vec<Behaviour>,
}

/// A checked framework. Behaviour ids are unique across the whole framework, domain ids within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    pub(super) id: Slug,
    pub(super) name: String,
    pub(super) version: String,
    pub(super) publisher: String,
    pub(super) summary: Option<String>,
    pub(super) scale: Scale,
    pub(super) domains: Vec<Domain>,
}

impl Framework {
    pub fn id(&self) -> &Slug {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The framework's version as its publisher writes it; an assessment keeps the version it was
    /// made against.
    pub fn version(&self) -> &str {
        &self.version
    }
    pub fn publisher(&self) -> &str {
        &self.publisher
    }
    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }
    pub fn scale(&self) -> &Scale {
        &self.scale
    }
    pub fn domains(&self) -> &[Domain] {
        &self.domains
    }

    /// Every behaviour with its domain, in the framework's order.
    pub fn behaviours(&self) -> impl Iterator<Item = (&Domain, &Behaviour)> {
        self.domains.iter().flat_map(|d| d.behaviours.iter().map(move |b| (d, b)))
    }

    /// The behaviour with this id, and its domain.
    pub fn behaviour(&self, id: &str) -> Option<(&Domain, &Behaviour)> {
        self.behaviours().find(|(_, b)| b.id.as_str() == id)
    }

    pub fn domain(&self, id: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.id.as_str() == id)
    }

    /// A reference to one of this framework's behaviours.
    pub fn behaviour_ref(&self, behaviour: &Behaviour) -> BehaviourRef {
        BehaviourRef::new(self.id.clone(), behaviour.id.clone())
    }

    /// Checks a rating of one behaviour: the behaviour must exist and the value be on the scale.
    pub fn rating(&self, behaviour: &str, value: u8) -> Result<(Slug, Rating), RatingError> {
        let (_, b) = self.behaviour(behaviour).ok_or_else(|| RatingError::UnknownBehaviour(behaviour.to_owned()))?;
        Ok((b.id.clone(), self.scale.rating(value)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_single_hyphens() {
        for good in ["a", "leading-with-care", "dimension-9"] {
            assert!(Slug::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "Leading", "a--b", "-a", "a-", "a b", "a_b", "café", &"a".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn behaviour_refs_round_trip_through_text() {
        let r: BehaviourRef = "leadership-way:listening".parse().unwrap();
        assert_eq!(r.framework.as_str(), "leadership-way");
        assert_eq!(r.to_string().parse::<BehaviourRef>(), Ok(r));
        assert!("listening".parse::<BehaviourRef>().is_err());
        assert!("a:b:c".parse::<BehaviourRef>().is_err());
    }

    #[test]
    fn a_rating_outside_the_scale_is_refused() {
        let scale = Scale {
            points: vec![ScalePoint { value: 1, label: "Low".into() }, ScalePoint { value: 2, label: "High".into() }],
        };
        assert_eq!(scale.rating(2).map(Rating::value), Ok(2));
        let err = scale.rating(3).unwrap_err();
        assert_eq!(err.to_string(), "3 is not on this framework's scale: use one of 1, 2");
        assert_eq!(scale.position(1.5), 0.5);
    }
}
