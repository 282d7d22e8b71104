//! One record: each learning-record entry is also a statement, kept in step with the entry (the
//! mapping is in `domain::learning::statement`). An edited entry's statement is superseded by a
//! new one and voided; a deleted or hidden entry's statement is voided. Entries that have no
//! statement (recorded before the LRS, or loaded in bulk) are given one by
//! [`backfill_entry_statements`].

use std::collections::hash_map::Entry::Vacant;
use std::collections::HashMap;

use domain::ids::{EntryId, PersonId, ResourceId};
use domain::learning::statement::{entry_statement, EntryForStatement, ResourceActivity};
use domain::xapi::{validate_statement, Account, Agent, Authority, Ifi, Iri};
use jiff::Timestamp;
use serde_json::json;
use store::learning::Entry;
use store::people::Person;
use store::xapi::NewStatement;
use store::{Store, StoreError};
use uuid::Uuid;

use super::statements::prepare;
use crate::state::AppState;

/// The namespace of entry statements' ids: one id per entry version, so a retry writes nothing new.
const ENTRY_NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_2c7a_94b1_4e0b_8a3e_5d2c_7f41_9b60);

/// goldthread itself (at `base_url`), as the authority of the statements it writes for entries.
fn goldthread(base_url: &str) -> anyhow::Result<Authority> {
    let home_page = Iri::parse(base_url).map_err(|e| anyhow::anyhow!("base address: {e}"))?;
    Ok(Authority::Agent(Agent {
        name: Some("goldthread".to_owned()),
        ifi: Ifi::Account(Account { home_page, name: "goldthread".to_owned() }),
    }))
}

/// The id of the statement that mirrors this version of an entry.
fn entry_statement_id(e: &Entry) -> Uuid {
    Uuid::new_v5(&ENTRY_NAMESPACE, format!("{}:{}", e.id, e.updated_at.as_millisecond()).as_bytes())
}

/// The statement mirroring this version of an entry, ready to store.
fn statement_for_entry(
    e: &Entry,
    p: &Person,
    resource: Option<ResourceActivity>,
    me: &Authority,
    now: Timestamp,
) -> anyhow::Result<NewStatement> {
    let reflection = match e.fields.reflection.apply() {
        Some(apply) => format!("{}\n\nHow I will use it: {apply}", e.fields.reflection.learned()),
        None => e.fields.reflection.learned().to_owned(),
    };
    let value = entry_statement(&EntryForStatement {
        entry: e.id,
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
    let statement = validate_statement(&value).map_err(|err| anyhow::anyhow!("the entry's statement: {err}"))?;
    let mut new = prepare(statement, entry_statement_id(e), now, me, None, Some(p.id));
    new.entry = Some(e.id);
    Ok(new)
}

async fn resource_activity(store: &Store, id: Option<ResourceId>) -> anyhow::Result<Option<ResourceActivity>> {
    let Some(r) = id else { return Ok(None) };
    Ok(store.resource(r).await?.map(|res| ResourceActivity {
        id: r,
        url: res.fields.url.clone(),
        kind: res.fields.kind,
    }))
}

/// Brings an entry's statement in step with the entry. The entry is already saved, so a failure
/// here is logged rather than refused: calling again (on the next change) repairs it, and so does
/// [`backfill_entry_statements`] when the server next starts.
pub async fn sync_entry(state: &AppState, entry: EntryId) {
    if let Err(e) = try_sync_entry(&state.store, &state.config.base_url, entry).await {
        tracing::error!(error = %e, %entry, "the entry's xAPI statement could not be brought in step");
    }
}

async fn try_sync_entry(store: &Store, base_url: &str, entry: EntryId) -> anyhow::Result<()> {
    let current = store.entry_statement(entry).await?;
    let me = goldthread(base_url)?;
    let now = Timestamp::now();
    let found = store.entry(entry).await?.filter(|e| !e.hidden);
    let mut batch = Vec::new();
    let mut person = None;
    if let Some(e) = &found {
        if current == Some(entry_statement_id(e)) {
            return Ok(());
        }
        let p = store.person(e.person).await?.ok_or_else(|| anyhow::anyhow!("the entry's person is gone"))?;
        let resource = resource_activity(store, e.fields.resource).await?;
        batch.push(statement_for_entry(e, &p, resource, &me, now)?);
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

/// Gives every shown entry that no statement mirrors its statement, five hundred to a
/// transaction, and returns how many were written. An entry whose statement cannot be made is
/// logged and left; one changed meanwhile (its statement written by [`sync_entry`] at the same
/// moment) is skipped. Run by `goldthread demo` after loading its entries, and in the background
/// when the server starts, for entries recorded before the LRS existed.
pub async fn backfill_entry_statements(store: &Store, base_url: &str) -> anyhow::Result<u64> {
    let me = goldthread(base_url)?;
    let mut people: HashMap<PersonId, Option<Person>> = HashMap::new();
    let mut resources: HashMap<ResourceId, Option<ResourceActivity>> = HashMap::new();
    let mut after = None;
    let mut written = 0;
    loop {
        let page = store.entries_without_statement(after, 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let now = Timestamp::now();
        let mut batch = Vec::with_capacity(page.len());
        for e in &page {
            if let Vacant(slot) = people.entry(e.person) {
                slot.insert(store.person(e.person).await?);
            }
            let Some(Some(p)) = people.get(&e.person) else { continue };
            let resource = match e.fields.resource {
                Some(r) => {
                    if let Vacant(slot) = resources.entry(r) {
                        slot.insert(resource_activity(store, Some(r)).await?);
                    }
                    resources.get(&r).cloned().flatten()
                }
                None => None,
            };
            match statement_for_entry(e, p, resource, &me, now) {
                Ok(s) => batch.push(s),
                Err(err) => tracing::warn!(error = %err, entry = %e.id, "no statement could be made for the entry"),
            }
        }
        match store.insert_statements(&batch, &[]).await {
            Ok(()) => written += batch.len() as u64,
            Err(StoreError::Conflict(_)) => {
                for s in batch {
                    match store.insert_statements(std::slice::from_ref(&s), &[]).await {
                        Ok(()) => written += 1,
                        Err(StoreError::Conflict(_)) => {}
                        Err(other) => return Err(other.into()),
                    }
                }
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(written)
}
