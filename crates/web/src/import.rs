//! Importing organisations and people: the one path behind the command line and the admin page.
//! The whole file is read and checked before anything is written, and the write is one
//! transaction, so an import is all or nothing.

use domain::ids::{OrganisationId, PersonId};
use domain::people::import::{plan_people, read_organisations, read_people, Problem};
use jiff::Timestamp;
use store::people::ImportCounts;
use store::Store;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; nothing was written.
    #[error("the file has {} problem(s)", .0.len())]
    Problems(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

fn conflict(e: store::StoreError) -> ImportError {
    match e {
        store::StoreError::Conflict(what) => ImportError::Problems(vec![Problem {
            line: 1,
            column: None,
            reason: format!("a {what} in the file is already taken"),
        }]),
        other => ImportError::Store(other),
    }
}

/// Imports an organisations file. `step` hears about each phase, for a progress display.
pub async fn import_organisations(
    store: &Store,
    bytes: &[u8],
    now: Timestamp,
    mut step: impl FnMut(&'static str),
) -> Result<ImportCounts, ImportError> {
    step("reading");
    let rows = read_organisations(bytes).map_err(ImportError::Problems)?;
    step("checking");
    step("writing");
    store.import_organisations(&rows, || OrganisationId::from_uuid(uuid::Uuid::now_v7()), now).await.map_err(conflict)
}

/// Imports a people file, matching people on staff number or email.
pub async fn import_people(
    store: &Store,
    bytes: &[u8],
    now: Timestamp,
    mut step: impl FnMut(&'static str),
) -> Result<ImportCounts, ImportError> {
    step("reading");
    let rows = read_people(bytes).map_err(ImportError::Problems)?;
    step("checking");
    let organisations = store.organisation_codes().await?;
    let existing = store.person_records().await?;
    let plan = plan_people(&rows, &organisations, &existing, || PersonId::from_uuid(uuid::Uuid::now_v7()))
        .map_err(ImportError::Problems)?;
    step("writing");
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    store.apply_people_plan(&plan, today, now).await.map_err(conflict)
}
