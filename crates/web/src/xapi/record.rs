//! One record: each learning-record entry is also a statement, kept in step with the entry (the
//! mapping is in `domain::learning::statement`). An edited entry's statement is superseded by a
//! new one and voided; a deleted or hidden entry's statement is voided.

use domain::ids::EntryId;
use domain::learning::statement::{entry_statement, EntryForStatement, ResourceActivity};
use domain::xapi::{validate_statement, Account, Agent, Authority, Ifi, Iri};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use super::statements::prepare;
use crate::state::AppState;

/// The namespace of entry statements' ids: one id per entry version, so a retry writes nothing new.
const ENTRY_NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_2c7a_94b1_4e0b_8a3e_5d2c_7f41_9b60);

/// goldthread itself, as the authority of the statements it writes for entries.
fn goldthread(state: &AppState) -> anyhow::Result<Authority> {
    let home_page = Iri::parse(&state.config.base_url).map_err(|e| anyhow::anyhow!("base address: {e}"))?;
    Ok(Authority::Agent(Agent {
        name: Some("goldthread".to_owned()),
        ifi: Ifi::Account(Account { home_page, name: "goldthread".to_owned() }),
    }))
}

/// Brings an entry's statement in step with the entry. The entry is already saved, so a failure
/// here is logged rather than refused: calling again (on the next change) repairs it.
pub async fn sync_entry(state: &AppState, entry: EntryId) {
    if let Err(e) = try_sync_entry(state, entry).await {
        tracing::error!(error = %e, %entry, "the entry's xAPI statement could not be brought in step");
    }
}

async fn try_sync_entry(state: &AppState, entry: EntryId) -> anyhow::Result<()> {
    let store = &state.store;
    let current = store.entry_statement(entry).await?;
    let me = goldthread(state)?;
    let now = Timestamp::now();
    let found = store.entry(entry).await?.filter(|e| !e.hidden);
    let mut batch = Vec::new();
    let mut person = None;
    if let Some(e) = &found {
        let p = store.person(e.person).await?.ok_or_else(|| anyhow::anyhow!("the entry's person is gone"))?;
        let resource = match e.fields.resource {
            Some(r) => store.resource(r).await?.map(|res| ResourceActivity {
                id: r,
                url: res.fields.url.clone(),
                kind: res.fields.kind,
            }),
            None => None,
        };
        let wanted = Uuid::new_v5(&ENTRY_NAMESPACE, format!("{entry}:{}", e.updated_at.as_millisecond()).as_bytes());
        if current == Some(wanted) {
            return Ok(());
        }
        let reflection = match e.fields.reflection.apply() {
            Some(apply) => format!("{}\n\nHow I will use it: {apply}", e.fields.reflection.learned()),
            None => e.fields.reflection.learned().to_owned(),
        };
        let value = entry_statement(&EntryForStatement {
            entry,
            name: p.name.as_str(),
            email: p.email.as_str(),
            title: e.fields.title.as_str(),
            activity: e.fields.activity,
            kind: e.fields.kind,
            occurred_on: e.fields.occurred_on,
            minutes: u32::from(e.fields.time),
            reflection: &reflection,
            behaviours: &e.fields.behaviours,
            resource,
        });
        let statement = validate_statement(&value).map_err(|e| anyhow::anyhow!("the entry's statement: {e}"))?;
        let mut new = prepare(statement, wanted, now, &me, None, Some(p.id));
        new.entry = Some(entry);
        batch.push(new);
        person = Some(p.id);
    }
    if let Some(old) = current {
        let voiding = json!({
            "actor": me.to_actor().to_json(),
            "verb": { "id": domain::xapi::VOIDED_VERB, "display": { "en-GB": "voided" } },
            "object": { "objectType": "StatementRef", "id": old.to_string() },
        });
        let statement = validate_statement(&voiding).map_err(|e| anyhow::anyhow!("the voiding statement: {e}"))?;
        let about = match person {
            Some(p) => Some(p),
            None => store.statements_by_id(&[old]).await?.into_iter().next().and_then(|s| s.person),
        };
        batch.push(prepare(statement, Uuid::new_v4(), now, &me, None, about));
    }
    if !batch.is_empty() {
        store.insert_statements(&batch, &[]).await?;
    }
    Ok(())
}
