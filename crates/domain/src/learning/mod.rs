//! The golden thread record: the learning catalogue, "Record your learning" and its timer, the
//! learning record's entries, the 70:20:10 balance, search queries and evidence files.

mod balance;
mod evidence;
pub mod import;
mod index;
mod record;
mod resource;
mod search;
pub mod statement;
mod timer;

pub use balance::{Balance, KindShare};
pub use evidence::{sniff, EvidenceError, EvidenceType, MAX_EVIDENCE_BYTES};
pub use index::{CatalogueDoc, CatalogueIndex, Hits, ResourceFilter};
pub use record::{can_see_entry, Reflection, ReflectionError, TimeSpent, TimeSpentError};
pub use resource::{Activity, EstimatedMinutes, LearningKind, ResourceKind, Summary, Title};
pub use search::SearchTerms;
pub use timer::{record_available_at, remaining, say_remaining};

use crate::people::{Role, Viewer};

/// Who may add, edit, retire and import catalogue resources: admins and programme leads.
pub fn can_manage_catalogue(viewer: &Viewer) -> bool {
    viewer.is_any_admin() || viewer.grants.iter().any(|g| g.role == Role::ProgrammeLead)
}
