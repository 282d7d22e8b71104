//! The demo generator (being written).

use domain::ids::PersonId;
use domain::people::Email;
use store::Store;

/// One account the demo prints sign-in details for.
pub struct DemoAccount {
    pub person: PersonId,
    pub email: Email,
    pub description: String,
}

/// What the generator made.
pub struct DemoSummary {
    pub organisations: usize,
    pub people: usize,
    pub accounts: Vec<DemoAccount>,
}

pub async fn generate(_store: &Store, _people: usize, _seed: u64, _progress: bool) -> anyhow::Result<DemoSummary> {
    anyhow::bail!("the demo generator is not built yet")
}
