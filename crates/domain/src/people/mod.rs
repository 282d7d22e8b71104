//! People and organisations: who works where, at which level, reporting to whom, and what each
//! person may see.

mod access;
pub mod import;
mod level;
mod organisation;
mod person;
mod reporting;
mod role;

pub use access::{
    can_edit_person, can_manage_organisation, can_view_organisation, can_view_person, AdminScope, Viewer,
};
pub use level::{Level, LevelError};
pub use organisation::{
    EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership, Sector, UnknownCode,
};
pub use person::{Email, EmailError, JobTitle, PersonName, Profession, StaffNumber, TextError};
pub use reporting::{manager_order, would_create_loop, ReportingError};
pub use role::{Role, RoleGrant, RoleScope};
