//! Erasure on request: everything held about one agent goes, and only a count of what went stays.

use domain::ids::PersonId;
use domain::xapi::parse_agent_filter;
use jiff::Timestamp;
use store::Store;

/// What an erasure removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub statements: u64,
    pub documents: u64,
}

/// Erases the agent named by `agent` (an xAPI Agent or identified Group as JSON) everywhere the
/// LRS holds it. `by` is the system admin who asked, for the log.
pub async fn erase_agent(store: &Store, agent: &str, by: Option<PersonId>, now: Timestamp) -> anyhow::Result<Erased> {
    let ifi = parse_agent_filter(agent).map_err(|e| anyhow::anyhow!("agent: {e}"))?;
    // Every form the agent can be stored under: its identifier, and for an mbox its mbox_sha1sum.
    let (statements, documents) = store.erase_agent(&ifi.match_keys(), by, now).await?;
    store.audit(by, "xapi.erasure", None, now).await?;
    Ok(Erased { statements, documents })
}
