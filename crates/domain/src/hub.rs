//! The knowledge hub: topics that gather catalogue resources, and case studies in which one
//! organisation tells others what it did and what came of it.
//!
//! A case study is submitted by anyone signed in and is published only after a reviewer (a system
//! admin, or an admin of the case study's organisation) has read it. The review is a small state
//! machine, [`ReviewState::apply`], with a typed refusal for every step it does not allow.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{OrganisationId, PersonId};
use crate::people::{Role, TextError, UnknownCode, Viewer};

// ------------------------------------------------------------------ topics

/// The short name of a topic in its address (`/hub/topics/governance`): 2 to 60 lower-case
/// letters, digits and single hyphens, starting and ending with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TopicSlug(String);

/// The text given is not a topic slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a topic's address: use 2 to 60 lower-case letters, digits and hyphens")]
pub struct BadSlug;

impl TopicSlug {
    pub fn parse(s: &str) -> Result<Self, BadSlug> {
        let n = s.chars().count();
        let ok = (2..=60).contains(&n)
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(BadSlug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TopicSlug {
    type Error = BadSlug;
    fn try_from(s: String) -> Result<Self, BadSlug> {
        Self::parse(&s)
    }
}

impl From<TopicSlug> for String {
    fn from(s: TopicSlug) -> String {
        s.0
    }
}

impl fmt::Display for TopicSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ------------------------------------------------------------------ case-study fields

/// Trims `s` and checks its length in characters; line breaks and tabs are allowed in long text,
/// other control characters never.
fn bounded(s: &str, min: usize, max: usize, multiline: bool) -> Result<String, TextError> {
    let t = s.trim();
    let n = t.chars().count();
    if !(min..=max).contains(&n) {
        return Err(TextError::Length { min, max });
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if t.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(TextError::Characters("no control characters".to_owned()));
    }
    // Keep line breaks as one kind, so that paragraphs split the same way everywhere.
    Ok(t.replace("\r\n", "\n").replace('\r', "\n"))
}

macro_rules! hub_text {
    ($(#[$meta:meta])* $name:ident, $min:expr, $max:expr, $multiline:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MIN: usize = $min;
            pub const MAX: usize = $max;

            pub fn parse(s: &str) -> Result<Self, TextError> {
                bounded(s, $min, $max, $multiline).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

hub_text!(
    /// A case study's title: 5 to 200 characters on one line.
    CaseStudyTitle, 5, 200, false
);
hub_text!(
    /// One part of a case study's story (its context, what was done, its outcomes): 20 to 6,000
    /// characters, in paragraphs.
    Narrative, 20, 6000, true
);
hub_text!(
    /// Who to ask about a case study: a name, a role, an email address or telephone number, on
    /// one line of 3 to 300 characters.
    Contact, 3, 300, false
);
hub_text!(
    /// A reviewer's note to the submitter: 1 to 2,000 characters.
    ReviewNote, 1, 2000, true
);

/// A case study's tags: at most [`Tags::MAX`], each 2 to 40 letters, digits, spaces or hyphens,
/// lower-cased, in the order given, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Tags(Vec<String>);

/// What is wrong with a list of tags.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagsError {
    #[error("use at most {max} tags")]
    TooMany { max: usize },
    #[error("\"{0}\" is not a tag: use 2 to 40 letters, digits, spaces or hyphens")]
    Bad(String),
}

impl Tags {
    pub const MAX: usize = 12;

    /// Tags from a list.
    pub fn new<S: AsRef<str>>(tags: &[S]) -> Result<Self, TagsError> {
        let mut out: Vec<String> = Vec::new();
        for raw in tags {
            let tag = raw.as_ref().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            if tag.is_empty() {
                continue;
            }
            let n = tag.chars().count();
            if !(2..=40).contains(&n) || !tag.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-') {
                return Err(TagsError::Bad(raw.as_ref().trim().to_owned()));
            }
            if !out.contains(&tag) {
                out.push(tag);
            }
        }
        if out.len() > Self::MAX {
            return Err(TagsError::TooMany { max: Self::MAX });
        }
        Ok(Self(out))
    }

    /// Tags typed into one box, separated by commas or semicolons.
    pub fn parse(text: &str) -> Result<Self, TagsError> {
        Self::new(&text.split([',', ';']).collect::<Vec<_>>())
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Vec<String>> for Tags {
    type Error = TagsError;
    fn try_from(v: Vec<String>) -> Result<Self, TagsError> {
        Self::new(&v)
    }
}

impl From<Tags> for Vec<String> {
    fn from(t: Tags) -> Vec<String> {
        t.0
    }
}

/// What a submitter writes: everything a case study says except who sent it and where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStudyFields {
    pub title: CaseStudyTitle,
    pub context: Narrative,
    pub what_was_done: Narrative,
    pub outcomes: Narrative,
    pub contact: Contact,
    pub tags: Tags,
}

/// The parts of a case study, to name where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStudyPart {
    Title,
    Context,
    WhatWasDone,
    Outcomes,
    Contact,
    Tags,
}

impl CaseStudyPart {
    pub const ALL: &'static [CaseStudyPart] = &[
        CaseStudyPart::Title,
        CaseStudyPart::Context,
        CaseStudyPart::WhatWasDone,
        CaseStudyPart::Outcomes,
        CaseStudyPart::Contact,
        CaseStudyPart::Tags,
    ];

    /// The field's name in forms and in the API.
    pub const fn name(self) -> &'static str {
        match self {
            CaseStudyPart::Title => "title",
            CaseStudyPart::Context => "context",
            CaseStudyPart::WhatWasDone => "what_was_done",
            CaseStudyPart::Outcomes => "outcomes",
            CaseStudyPart::Contact => "contact",
            CaseStudyPart::Tags => "tags",
        }
    }

    /// How a sentence names the field.
    pub const fn label(self) -> &'static str {
        match self {
            CaseStudyPart::Title => "Title",
            CaseStudyPart::Context => "Context",
            CaseStudyPart::WhatWasDone => "What was done",
            CaseStudyPart::Outcomes => "Outcomes",
            CaseStudyPart::Contact => "Contact",
            CaseStudyPart::Tags => "Tags",
        }
    }
}

/// One problem with a submitted case study, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStudyProblem {
    pub part: CaseStudyPart,
    pub message: String,
}

/// A case study as typed: raw text, before it is checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseStudyText<'a> {
    pub title: &'a str,
    pub context: &'a str,
    pub what_was_done: &'a str,
    pub outcomes: &'a str,
    pub contact: &'a str,
    pub tags: &'a [&'a str],
}

impl CaseStudyFields {
    /// Checks every part at once, so that a person sees every problem in one go.
    pub fn parse(t: &CaseStudyText<'_>) -> Result<Self, Vec<CaseStudyProblem>> {
        let mut problems = Vec::new();
        let mut text = |part: CaseStudyPart, s: &str, parsed: Result<String, TextError>| match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                let message = match e {
                    _ if s.trim().is_empty() => empty_message(part),
                    TextError::Length { min, .. } if s.trim().chars().count() < min => {
                        format!("{} must be at least {min} characters", part.label())
                    }
                    TextError::Length { max, .. } => format!("{} must be {max} characters or fewer", part.label()),
                    TextError::Characters(_) => format!("{} must not contain control characters", part.label()),
                };
                problems.push(CaseStudyProblem { part, message });
                None
            }
        };
        let title = text(CaseStudyPart::Title, t.title, CaseStudyTitle::parse(t.title).map(String::from));
        let context = text(CaseStudyPart::Context, t.context, Narrative::parse(t.context).map(String::from));
        let done =
            text(CaseStudyPart::WhatWasDone, t.what_was_done, Narrative::parse(t.what_was_done).map(String::from));
        let outcomes = text(CaseStudyPart::Outcomes, t.outcomes, Narrative::parse(t.outcomes).map(String::from));
        let contact = text(CaseStudyPart::Contact, t.contact, Contact::parse(t.contact).map(String::from));
        let tags = Tags::new(t.tags)
            .map_err(|e| {
                problems.push(CaseStudyProblem { part: CaseStudyPart::Tags, message: capitalise(&e.to_string()) })
            })
            .ok();
        match (title, context, done, outcomes, contact, tags) {
            (Some(title), Some(context), Some(done), Some(outcomes), Some(contact), Some(tags)) => Ok(Self {
                title: CaseStudyTitle(title),
                context: Narrative(context),
                what_was_done: Narrative(done),
                outcomes: Narrative(outcomes),
                contact: Contact(contact),
                tags,
            }),
            _ => Err(problems),
        }
    }
}

fn empty_message(part: CaseStudyPart) -> String {
    match part {
        CaseStudyPart::Title => "Enter a title".to_owned(),
        CaseStudyPart::Context => "Describe the context: the service, the people and the problem".to_owned(),
        CaseStudyPart::WhatWasDone => "Describe what was done".to_owned(),
        CaseStudyPart::Outcomes => "Describe the outcomes: what changed, and how you know".to_owned(),
        CaseStudyPart::Contact => "Enter who to contact about this case study".to_owned(),
        CaseStudyPart::Tags => "Enter tags".to_owned(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

// ------------------------------------------------------------------ the review

/// Where a case study is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewState {
    /// Waiting for a reviewer; seen only by its submitter and its reviewers.
    Submitted,
    /// Seen by everyone signed in.
    Published,
    /// Sent back with a note; the submitter may change it and send it again.
    Rejected,
}

impl ReviewState {
    pub const ALL: &'static [ReviewState] = &[ReviewState::Submitted, ReviewState::Published, ReviewState::Rejected];

    pub const fn code(self) -> &'static str {
        match self {
            ReviewState::Submitted => "submitted",
            ReviewState::Published => "published",
            ReviewState::Rejected => "rejected",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ReviewState::Submitted => "Waiting for review",
            ReviewState::Published => "Published",
            ReviewState::Rejected => "Not published",
        }
    }

    /// The one transition function: the state after `action`, or why it is refused.
    pub fn apply(self, action: ReviewAction) -> Result<ReviewState, ReviewRefusal> {
        use ReviewAction as A;
        use ReviewRefusal as R;
        use ReviewState as S;
        match (self, action) {
            (S::Submitted, A::Publish) => Ok(S::Published),
            (S::Submitted, A::Reject) => Ok(S::Rejected),
            (S::Rejected, A::Resubmit) => Ok(S::Submitted),
            (S::Published, A::Unpublish) => Ok(S::Submitted),

            (S::Submitted, A::Resubmit) => Err(R::AlreadyWaiting),
            (S::Submitted | S::Rejected, A::Unpublish) => Err(R::NotPublished),
            (S::Published, A::Publish) => Err(R::AlreadyPublished),
            (S::Published, A::Reject) => Err(R::UnpublishFirst),
            (S::Published, A::Resubmit) => Err(R::AlreadyPublished),
            (S::Rejected, A::Publish) => Err(R::ResubmitFirst),
            (S::Rejected, A::Reject) => Err(R::AlreadyRejected),
        }
    }
}

impl FromStr for ReviewState {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        ReviewState::ALL.iter().copied().find(|v| v.code() == s.trim()).ok_or_else(|| UnknownCode {
            value: s.trim().to_owned(),
            allowed: "submitted, published, rejected".to_owned(),
        })
    }
}

impl fmt::Display for ReviewState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What can happen to a case study in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewAction {
    /// A reviewer publishes it.
    Publish,
    /// A reviewer sends it back, with a note saying why.
    Reject,
    /// Its submitter sends it again after changing it.
    Resubmit,
    /// A reviewer takes a published case study back into review.
    Unpublish,
}

impl ReviewAction {
    pub const ALL: &'static [ReviewAction] =
        &[ReviewAction::Publish, ReviewAction::Reject, ReviewAction::Resubmit, ReviewAction::Unpublish];

    pub const fn code(self) -> &'static str {
        match self {
            ReviewAction::Publish => "publish",
            ReviewAction::Reject => "reject",
            ReviewAction::Resubmit => "resubmit",
            ReviewAction::Unpublish => "unpublish",
        }
    }

    /// Whether this is a reviewer's action (the submitter's is resubmitting).
    pub const fn by_reviewer(self) -> bool {
        !matches!(self, ReviewAction::Resubmit)
    }
}

impl FromStr for ReviewAction {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, UnknownCode> {
        ReviewAction::ALL.iter().copied().find(|v| v.code() == s.trim()).ok_or_else(|| UnknownCode {
            value: s.trim().to_owned(),
            allowed: "publish, reject, resubmit, unpublish".to_owned(),
        })
    }
}

/// Why a step in the review is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefusal {
    #[error("This case study is already waiting for review.")]
    AlreadyWaiting,
    #[error("This case study is already published.")]
    AlreadyPublished,
    #[error("This case study has already been sent back to its author.")]
    AlreadyRejected,
    #[error("This case study is not published, so it cannot be unpublished.")]
    NotPublished,
    #[error("A published case study must be unpublished before it can be sent back.")]
    UnpublishFirst,
    #[error("This case study was sent back: its author must send it again before it can be published.")]
    ResubmitFirst,
}

/// A reviewer's decision as sent: an action and a note, checked together. Sending a case study
/// back needs a note (the author must know why); publishing and unpublishing take one if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: ReviewAction,
    pub note: Option<ReviewNote>,
}

/// What is wrong with a decision as sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("Choose whether to publish the case study or send it back")]
    NoAction,
    #[error("Say why the case study is being sent back, so that its author can change it")]
    NoteNeeded,
    #[error("The note must be {max} characters or fewer")]
    NoteTooLong { max: usize },
    #[error("The note must not contain control characters")]
    NoteCharacters,
}

impl Decision {
    pub fn parse(action: &str, note: &str) -> Result<Self, DecisionError> {
        let action = action.parse::<ReviewAction>().ok().filter(|a| a.by_reviewer()).ok_or(DecisionError::NoAction)?;
        let note = if note.trim().is_empty() {
            None
        } else {
            Some(ReviewNote::parse(note).map_err(|e| match e {
                TextError::Length { max, .. } => DecisionError::NoteTooLong { max },
                TextError::Characters(_) => DecisionError::NoteCharacters,
            })?)
        };
        if action == ReviewAction::Reject && note.is_none() {
            return Err(DecisionError::NoteNeeded);
        }
        Ok(Self { action, note })
    }
}

// ------------------------------------------------------------------ who may do what

/// Who may review (publish, send back, unpublish) a case study: system admins, and admins of the
/// case study's organisation. A case study from no organisation is for system admins only.
pub fn can_review_case_study(viewer: &Viewer, organisation: Option<OrganisationId>) -> bool {
    viewer.is_system_admin() || organisation.is_some_and(|o| viewer.holds(Role::OrganisationAdmin, Some(o)))
}

/// Whether a viewer reviews case studies of any organisation at all (for the queue's link).
pub fn reviews_any_case_studies(viewer: &Viewer) -> bool {
    viewer.is_system_admin() || viewer.grants.iter().any(|g| g.role == Role::OrganisationAdmin)
}

/// Who may read a case study: everyone signed in once it is published; before that, and after it
/// is sent back, only its submitter and its reviewers.
pub fn can_see_case_study(
    viewer: &Viewer,
    state: ReviewState,
    submitted_by: Option<PersonId>,
    organisation: Option<OrganisationId>,
) -> bool {
    state == ReviewState::Published
        || submitted_by == Some(viewer.person)
        || can_review_case_study(viewer, organisation)
}

/// Who may change a case study and send it again: its submitter, once it has been sent back.
pub fn can_resubmit_case_study(viewer: &Viewer, state: ReviewState, submitted_by: Option<PersonId>) -> bool {
    submitted_by == Some(viewer.person) && state.apply(ReviewAction::Resubmit).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::{RoleGrant, RoleScope};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }
    fn org(n: u128) -> OrganisationId {
        OrganisationId::from_uuid(Uuid::from_u128(1000 + n))
    }
    fn learner(n: u128, o: u128) -> Viewer {
        Viewer { person: person(n), organisation: Some(org(o)), grants: vec![], has_reports: false }
    }
    fn with(v: Viewer, role: Role, scope: RoleScope) -> Viewer {
        Viewer { grants: vec![RoleGrant { role, scope }], ..v }
    }

    fn text<'a>(title: &'a str, outcomes: &'a str, tags: &'a [&'a str]) -> CaseStudyText<'a> {
        CaseStudyText {
            title,
            context: "A home care service in a market town, short of staff and with rising sickness absence.",
            what_was_done: "Team leaders met weekly in an action learning set and changed how rotas were made.",
            outcomes,
            contact: "Sam Jones, registered manager, sam@example.org",
            tags,
        }
    }

    #[test]
    fn a_whole_case_study_parses() {
        let f = CaseStudyFields::parse(&text(
            "Rotas made with the team",
            "Sickness absence fell by a third within six months.",
            &["Retention", " co-production ", "retention"],
        ))
        .unwrap();
        assert_eq!(f.title.as_str(), "Rotas made with the team");
        assert_eq!(f.tags.as_slice(), ["retention", "co-production"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let long = "x".repeat(Narrative::MAX + 1);
        let problems = CaseStudyFields::parse(&CaseStudyText {
            title: "",
            context: "too short",
            what_was_done: &long,
            outcomes: "   ",
            contact: "Sam",
            tags: &["<script>"],
        })
        .unwrap_err();
        let parts: Vec<_> = problems.iter().map(|p| p.part).collect();
        assert_eq!(
            parts,
            [
                CaseStudyPart::Title,
                CaseStudyPart::Context,
                CaseStudyPart::WhatWasDone,
                CaseStudyPart::Outcomes,
                CaseStudyPart::Tags
            ]
        );
        assert_eq!(problems[0].message, "Enter a title");
        assert_eq!(problems[1].message, "Context must be at least 20 characters");
        assert_eq!(problems[2].message, "What was done must be 6000 characters or fewer");
        assert!(problems[3].message.starts_with("Describe the outcomes"));
        assert!(problems[4].message.contains("<script>"));
    }

    #[test]
    fn narratives_keep_paragraphs_but_titles_stay_on_one_line() {
        let n = Narrative::parse("First paragraph here.\r\n\r\nSecond paragraph here.").unwrap();
        assert_eq!(n.as_str(), "First paragraph here.\n\nSecond paragraph here.");
        assert!(CaseStudyTitle::parse("Two\nlines").is_err());
        assert!(Contact::parse("Sam\u{7}Jones").is_err());
    }

    #[test]
    fn tags_are_bounded() {
        assert_eq!(Tags::parse("a, b").unwrap_err(), TagsError::Bad("a".to_owned()));
        let many: Vec<String> = (0..13).map(|i| format!("tag {i}")).collect();
        assert_eq!(Tags::new(&many).unwrap_err(), TagsError::TooMany { max: 12 });
        assert!(Tags::parse(" , ;").unwrap().is_empty());
        assert_eq!(Tags::parse("Integrated   care; Culture").unwrap().as_slice(), ["integrated care", "culture"]);
    }

    #[test]
    fn slugs_are_plain() {
        assert!(TopicSlug::parse("approaches-to-leadership").is_ok());
        for bad in ["", "a", "-a", "a-", "a--b", "Governance", "a b", "a/b", &"a".repeat(61)] {
            assert!(TopicSlug::parse(bad).is_err(), "{bad}");
        }
    }

    /// Every pair of state and action, with what must happen.
    const TABLE: &[(ReviewState, ReviewAction, Result<ReviewState, ReviewRefusal>)] = {
        use ReviewAction as A;
        use ReviewRefusal as R;
        use ReviewState as S;
        &[
            (S::Submitted, A::Publish, Ok(S::Published)),
            (S::Submitted, A::Reject, Ok(S::Rejected)),
            (S::Submitted, A::Resubmit, Err(R::AlreadyWaiting)),
            (S::Submitted, A::Unpublish, Err(R::NotPublished)),
            (S::Published, A::Publish, Err(R::AlreadyPublished)),
            (S::Published, A::Reject, Err(R::UnpublishFirst)),
            (S::Published, A::Resubmit, Err(R::AlreadyPublished)),
            (S::Published, A::Unpublish, Ok(S::Submitted)),
            (S::Rejected, A::Publish, Err(R::ResubmitFirst)),
            (S::Rejected, A::Reject, Err(R::AlreadyRejected)),
            (S::Rejected, A::Resubmit, Ok(S::Submitted)),
            (S::Rejected, A::Unpublish, Err(R::NotPublished)),
        ]
    };

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_table_says() {
        assert_eq!(TABLE.len(), ReviewState::ALL.len() * ReviewAction::ALL.len());
        for (state, action, expected) in TABLE {
            assert_eq!(state.apply(*action), *expected, "{state:?} + {action:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in ReviewState::ALL {
            assert_eq!(s.code().parse::<ReviewState>(), Ok(*s));
        }
        for a in ReviewAction::ALL {
            assert_eq!(a.code().parse::<ReviewAction>(), Ok(*a));
        }
        assert!("draft".parse::<ReviewState>().is_err());
    }

    #[test]
    fn sending_back_needs_a_note() {
        assert_eq!(Decision::parse("reject", "  "), Err(DecisionError::NoteNeeded));
        assert_eq!(Decision::parse("", "fine"), Err(DecisionError::NoAction));
        assert_eq!(Decision::parse("resubmit", "x"), Err(DecisionError::NoAction));
        assert_eq!(
            Decision::parse("reject", &"n".repeat(2001)),
            Err(DecisionError::NoteTooLong { max: ReviewNote::MAX })
        );
        let d = Decision::parse("reject", "Please remove the names of residents.").unwrap();
        assert_eq!(d.action, ReviewAction::Reject);
        assert_eq!(Decision::parse("publish", "").unwrap(), Decision { action: ReviewAction::Publish, note: None });
    }

    #[test]
    fn reviewers_are_system_admins_and_admins_of_the_organisation() {
        let sys = with(learner(1, 1), Role::SystemAdmin, RoleScope::System);
        let admin = with(learner(2, 1), Role::OrganisationAdmin, RoleScope::Organisation(org(1)));
        let lead = with(learner(3, 1), Role::ProgrammeLead, RoleScope::Organisation(org(1)));
        assert!(can_review_case_study(&sys, Some(org(9))));
        assert!(can_review_case_study(&sys, None));
        assert!(can_review_case_study(&admin, Some(org(1))));
        assert!(!can_review_case_study(&admin, Some(org(2))));
        assert!(!can_review_case_study(&admin, None));
        assert!(!can_review_case_study(&lead, Some(org(1))));
        assert!(!can_review_case_study(&learner(4, 1), Some(org(1))));
        assert!(reviews_any_case_studies(&admin) && reviews_any_case_studies(&sys));
        assert!(!reviews_any_case_studies(&lead));
    }

    #[test]
    fn unpublished_case_studies_are_seen_by_their_author_and_reviewers_only() {
        let author = learner(1, 1);
        let other = learner(2, 1);
        let admin = with(learner(3, 1), Role::OrganisationAdmin, RoleScope::Organisation(org(1)));
        for state in [ReviewState::Submitted, ReviewState::Rejected] {
            assert!(can_see_case_study(&author, state, Some(person(1)), Some(org(1))));
            assert!(!can_see_case_study(&other, state, Some(person(1)), Some(org(1))));
            assert!(can_see_case_study(&admin, state, Some(person(1)), Some(org(1))));
        }
        assert!(can_see_case_study(&other, ReviewState::Published, Some(person(1)), Some(org(1))));
        assert!(can_resubmit_case_study(&author, ReviewState::Rejected, Some(person(1))));
        assert!(!can_resubmit_case_study(&author, ReviewState::Submitted, Some(person(1))));
        assert!(!can_resubmit_case_study(&other, ReviewState::Rejected, Some(person(1))));
    }

    fn any_state() -> impl Strategy<Value = ReviewState> {
        proptest::sample::select(ReviewState::ALL)
    }
    fn any_action() -> impl Strategy<Value = ReviewAction> {
        proptest::sample::select(ReviewAction::ALL)
    }

    proptest! {
        /// The function agrees with the table for every state and action.
        #[test]
        fn apply_agrees_with_the_table(state in any_state(), action in any_action()) {
            let expected = TABLE.iter().find(|(s, a, _)| *s == state && *a == action).map(|(_, _, r)| *r);
            prop_assert_eq!(Some(state.apply(action)), expected);
        }

        /// Whatever happens, nothing reaches publication except a reviewer publishing a case study
        /// that is waiting, and a refused step never changes the state.
        #[test]
        fn only_publishing_a_waiting_case_study_publishes_it(actions in proptest::collection::vec(any_action(), 0..30)) {
            let mut state = ReviewState::Submitted;
            for action in actions {
                let before = state;
                match state.apply(action) {
                    Ok(next) => {
                        if next == ReviewState::Published {
                            prop_assert_eq!((before, action), (ReviewState::Submitted, ReviewAction::Publish));
                        }
                        if action == ReviewAction::Resubmit {
                            prop_assert_eq!(before, ReviewState::Rejected);
                        }
                        state = next;
                    }
                    Err(_) => prop_assert_eq!(state, before),
                }
            }
        }

        /// A published case study is never sent back in one step.
        #[test]
        fn published_is_never_rejected_directly(action in any_action()) {
            if let Ok(next) = ReviewState::Published.apply(action) {
                prop_assert_ne!(next, ReviewState::Rejected);
            }
        }

        /// Without the system admin role or an admin grant for the organisation, nobody reviews.
        #[test]
        fn no_admin_grant_no_review(me in 0u128..50, o1 in 0u128..4, o2 in 0u128..4, role in proptest::sample::select(&[Role::ProgrammeLead, Role::Coach, Role::TalentLead, Role::EqualityLead][..]), admin_of in 0u128..4) {
            let v = with(learner(me, o1), role, RoleScope::Organisation(org(o2)));
            prop_assert!(!can_review_case_study(&v, Some(org(o1))));
            let a = with(learner(me, o1), Role::OrganisationAdmin, RoleScope::Organisation(org(admin_of)));
            prop_assert_eq!(can_review_case_study(&a, Some(org(o2))), admin_of == o2);
        }

        /// Parsed tags always keep their rules, whatever was typed.
        #[test]
        fn parsed_tags_keep_their_rules(s in "\\PC{0,300}") {
            if let Ok(tags) = Tags::parse(&s) {
                prop_assert!(tags.as_slice().len() <= Tags::MAX);
                for t in tags.as_slice() {
                    prop_assert!((2..=40).contains(&t.chars().count()));
                    prop_assert!(t.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-'));
                    prop_assert_eq!(t.clone(), t.to_lowercase());
                }
            }
        }

        /// Text that parses is inside its bounds, trimmed.
        #[test]
        fn parsed_text_is_inside_its_bounds(s in "\\PC{0,250}") {
            if let Ok(t) = CaseStudyTitle::parse(&s) {
                let n = t.as_str().chars().count();
                prop_assert!((CaseStudyTitle::MIN..=CaseStudyTitle::MAX).contains(&n));
                prop_assert_eq!(t.as_str(), t.as_str().trim());
            }
        }
    }
}
