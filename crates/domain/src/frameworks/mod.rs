//! Leadership frameworks as data, self-assessment, 360° feedback and the development plan that
//! follows from them.
//!
//! - [`Framework`]: a rating scale, domains and behaviours, read from a YAML or JSON file by
//!   [`parse_framework`] (every problem reported with its field's path) and written back by
//!   [`export_framework`]; the format is in `docs/frameworks.md`. Three ship with goldthread
//!   ([`shipped`]).
//! - [`Crosswalk`]s map behaviours of one framework onto another; [`equivalents`] follows them
//!   both ways and transitively, so a resource tagged against one framework counts for the others.
//! - [`SelfAssessment`] and [`compare`]: rating oneself, with evidence, and how ratings moved.
//! - [`release_report`]: the 360 report and its disclosure control (the reasoning is in the
//!   [`feedback`] module's documentation); [`heatmap`] for teams and cohorts, in aggregate only.
//! - [`needs_from_assessment`], [`needs_from_report`], [`recommend`] and [`goal_status`]: what to
//!   develop next and when a goal of the plan is met.

mod assessment;
mod crosswalk;
pub mod feedback;
mod file;
mod model;
mod plan;
pub mod shipped;

pub use assessment::{compare, Change, Movement, SelfAssessment, SelfRating, SelfRatingError, NOTE_MAX};
pub use crosswalk::{check_crosswalk_refs, equivalents, export_crosswalks, parse_crosswalks, Crosswalk};
pub use feedback::{
    check_invitations, heatmap, release_report, Answer, Importance, Invitation, InvitationId, InvitationProblem, Rater,
    RaterGroup, ReleaseError, ReleaseRules, Report, Source, THRESHOLD,
};
pub use file::{export_framework, parse_framework, FileError, FileProblem, Format, MAX_PROBLEMS};
pub use model::{
    Behaviour, BehaviourRef, BehaviourRefError, Domain, Framework, Rating, RatingError, Scale, ScalePoint, Slug,
    SlugError,
};
pub use plan::{
    goal_status, needs_from_assessment, needs_from_report, recommend, Candidate, Goal, GoalStatus, Learner, Need,
    Reason, Recommendation, RecordEntry, LOWEST,
};

#[cfg(test)]
mod proptests;
