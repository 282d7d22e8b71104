//! Typed ids. Each is a UUID underneath, but the types keep a person's id from being passed where
//! an organisation's is wanted.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id given was not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id")]
pub struct BadId;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID made by the caller (the clock and randomness live outside the domain).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = BadId;
            fn from_str(s: &str) -> Result<Self, BadId> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| BadId)
            }
        }
    };
}

typed_id!(
    /// A person: one record for a whole career, whichever organisation they work for.
    PersonId
);
typed_id!(
    /// An organisation: a trust, a practice, a care provider, a council and so on.
    OrganisationId
);
typed_id!(
    /// A place: a local grouping of organisations inside a system.
    PlaceId
);
typed_id!(
    /// A system: an integrated care system or another grouping of places.
    SystemId
);
typed_id!(
    /// One signed-in session.
    SessionId
);
typed_id!(
    /// A personal API token.
    TokenId
);

typed_id!(
    /// A resource in the learning catalogue.
    ResourceId
);
typed_id!(
    /// One entry in a person's learning record.
    EntryId
);
typed_id!(
    /// A case study in the knowledge hub.
    CaseStudyId
);
typed_id!(
    /// A link through which a learner shares their record.
    ShareId
);
typed_id!(
    /// One self-assessment against a framework.
    AssessmentId
);
typed_id!(
    /// One 360° feedback exercise.
    FeedbackId
);
typed_id!(
    /// One goal of a development plan.
    GoalId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = PersonId::from_uuid(Uuid::from_u128(42));
        assert_eq!(id.to_string().parse::<PersonId>(), Ok(id));
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!("42".parse::<PersonId>(), Err(BadId));
        assert_eq!("".parse::<OrganisationId>(), Err(BadId));
    }
}
