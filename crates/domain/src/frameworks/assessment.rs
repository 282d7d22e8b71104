//! Self-assessment: a person rates themself on a framework's behaviours, with notes and entries of
//! their learning record as evidence, saves, comes back, and later sees how each rating moved.

use std::collections::BTreeMap;

use super::model::{Framework, Rating, RatingError, Slug};
use crate::ids::EntryId;

/// A person's rating of themself on one behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfRating {
    pub rating: Rating,
    /// What they would point to, in their own words.
    pub note: Option<String>,
    /// Entries of their learning record offered as evidence.
    pub evidence: Vec<EntryId>,
}

/// A self-assessment against one version of one framework. It may be partial: a person can save
/// and come back, and the behaviours not yet rated are simply absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfAssessment {
    pub framework: Slug,
    /// The framework's version when the assessment was made; it stays with the assessment.
    pub version: String,
    pub ratings: BTreeMap<Slug, SelfRating>,
}

/// Longest evidence note, in characters.
pub const NOTE_MAX: usize = 4000;

/// Why a self-rating was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelfRatingError {
    #[error(transparent)]
    Rating(#[from] RatingError),
    #[error("the note is longer than {NOTE_MAX} characters")]
    NoteTooLong,
}

impl SelfAssessment {
    /// A new, empty assessment against the framework as it is now.
    pub fn start(framework: &Framework) -> Self {
        Self { framework: framework.id().clone(), version: framework.version().to_owned(), ratings: BTreeMap::new() }
    }

    /// Rates (or re-rates) one behaviour. An empty note counts as none.
    pub fn rate(
        &mut self,
        framework: &Framework,
        behaviour: &str,
        value: u8,
        note: Option<&str>,
        evidence: Vec<EntryId>,
    ) -> Result<(), SelfRatingError> {
        let (id, rating) = framework.rating(behaviour, value)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > NOTE_MAX) {
            return Err(SelfRatingError::NoteTooLong);
        }
        let mut evidence = evidence;
        evidence.sort();
        evidence.dedup();
        self.ratings.insert(id, SelfRating { rating, note: note.map(str::to_owned), evidence });
        Ok(())
    }

    /// True once every behaviour of the framework has a rating.
    pub fn is_complete(&self, framework: &Framework) -> bool {
        framework.behaviours().all(|(_, b)| self.ratings.contains_key(&b.id))
    }
}

/// How one rating moved between two assessments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Down,
    Same,
    /// Rated only in the later assessment.
    New,
    /// Rated only in the earlier assessment.
    NotRatedAgain,
}

/// One behaviour's line in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub behaviour: Slug,
    pub before: Option<Rating>,
    pub after: Option<Rating>,
    pub movement: Movement,
}

/// How each rating moved from `earlier` to `later`, in the framework's order; behaviours that
/// are no longer in the framework (an older version had them) come last, by id. Behaviours rated
/// in neither are left out.
pub fn compare(framework: &Framework, earlier: &SelfAssessment, later: &SelfAssessment) -> Vec<Change> {
    let mut order: Vec<&Slug> = framework.behaviours().map(|(_, b)| &b.id).collect();
    let mut gone: Vec<&Slug> = earlier
        .ratings
        .keys()
        .chain(later.ratings.keys())
        .filter(|id| framework.behaviour(id.as_str()).is_none())
        .collect();
    gone.sort();
    gone.dedup();
    order.extend(gone);
    order
        .into_iter()
        .filter_map(|id| {
            let before = earlier.ratings.get(id).map(|r| r.rating);
            let after = later.ratings.get(id).map(|r| r.rating);
            let movement = match (before, after) {
                (None, None) => return None,
                (None, Some(_)) => Movement::New,
                (Some(_), None) => Movement::NotRatedAgain,
                (Some(b), Some(a)) if a > b => Movement::Up,
                (Some(b), Some(a)) if a < b => Movement::Down,
                _ => Movement::Same,
            };
            Some(Change { behaviour: id.clone(), before, after, movement })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::super::shipped;
    use super::*;

    #[test]
    fn ratings_are_checked_against_the_framework() {
        let f = &shipped::frameworks()[0];
        let mut a = SelfAssessment::start(f);
        assert_eq!(a.version, "1.0");
        let entry = EntryId::from_uuid(Uuid::from_u128(7));
        a.rate(f, "listening-with-care", 4, Some("  "), vec![entry, entry]).unwrap();
        assert_eq!(a.ratings.values().next().map(|r| (r.note.clone(), r.evidence.len())), Some((None, 1)));
        assert!(matches!(
            a.rate(f, "listening-with-care", 6, None, vec![]),
            Err(SelfRatingError::Rating(RatingError::OutsideScale { .. }))
        ));
        assert_eq!(
            a.rate(f, "flying", 3, None, vec![]).unwrap_err().to_string(),
            "\"flying\" is not a behaviour of this framework"
        );
        assert!(!a.is_complete(f));
    }

    #[test]
    fn history_shows_how_each_rating_moved() {
        let f = &shipped::frameworks()[1];
        let mut first = SelfAssessment::start(f);
        let mut second = SelfAssessment::start(f);
        for (b, v1, v2) in [("knowing-myself", 1, 3), ("seeking-feedback", 3, 2), ("delegating-well", 2, 2)] {
            first.rate(f, b, v1, None, vec![]).unwrap();
            second.rate(f, b, v2, None, vec![]).unwrap();
        }
        first.rate(f, "building-the-team", 2, None, vec![]).unwrap();
        second.rate(f, "managing-resources", 4, None, vec![]).unwrap();
        let changes = compare(f, &first, &second);
        let moves: Vec<(&str, Movement)> = changes.iter().map(|c| (c.behaviour.as_str(), c.movement)).collect();
        assert_eq!(
            moves,
            [
                ("knowing-myself", Movement::Up),
                ("seeking-feedback", Movement::Down),
                ("building-the-team", Movement::NotRatedAgain),
                ("delegating-well", Movement::Same),
                ("managing-resources", Movement::New),
            ]
        );
    }
}
