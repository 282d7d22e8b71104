//! The Statement resource (Communication 2.1): PUT, POST and GET, with attachments.

use std::collections::{BTreeSet, HashMap};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::ids::{OrganisationId, PersonId, ResourceId};
use domain::learning::statement::{belongs_in_record, display_name, duration_minutes, IncomingFacts};
use domain::xapi::{
    assemble_batch, format_statement, into_statement, into_statements, parse_agent_filter, parse_timestamp, parse_uuid,
    read_batch_item, same_statement, validate_statement, AcceptLanguage, Actor, Authority, Format, Ifi, MboxSha1Sum,
    Statement, StatementObject, SIGNATURE_USAGE_TYPE,
};
use jiff::Timestamp;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha384, Sha512};
use store::xapi::{AttachmentContent, NewStatement, PendingFacts, StatementQuery, StoredStatement};
use uuid::Uuid;

use super::auth::Caller;
use super::multipart::{self, Part};
use super::signature::verify_jws;
use super::{param, parameters, XapiError, XapiResult};
use crate::state::AppState;

/// The most statements one GET returns (also what `limit=0` asks for).
const MAX_LIMIT: u32 = 500;

const GET_PARAMETERS: &[&str] = &[
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "cursor",
];

// ---------------------------------------------------------------- writing

/// A request body split into its statements JSON (not read yet) and its attachment parts.
fn read_body(headers: &HeaderMap, body: &Bytes) -> XapiResult<(Bytes, Vec<Part>)> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.to_ascii_lowercase().starts_with("multipart/mixed") {
        let boundary = multipart::boundary(content_type)
            .ok_or_else(|| XapiError::bad("a multipart/mixed body needs a boundary"))?;
        let mut parts = multipart::parse(body, &boundary)?;
        if parts.is_empty() {
            return Err(XapiError::bad("the multipart/mixed body has no parts"));
        }
        let first = parts.remove(0);
        if !first.header("content-type").is_some_and(|t| t.to_ascii_lowercase().starts_with("application/json")) {
            return Err(XapiError::bad(
                "the first part of a multipart/mixed body must be the statements, as application/json",
            ));
        }
        Ok((Bytes::from(first.body), parts))
    } else if content_type.is_empty() || content_type.to_ascii_lowercase().starts_with("application/json") {
        Ok((body.clone(), Vec::new()))
    } else {
        Err(XapiError::bad(format!(
            "statements are sent as application/json, or multipart/mixed with attachments, not {content_type:?}"
        )))
    }
}

/// Batches of at least this many statements are read and prepared on two threads, half each;
/// below it, handing half to another thread costs about what it saves.
const SPLIT_AT: usize = 16;

/// Runs `work` over `items` and gives the outputs in order: the second half on a blocking
/// thread while this one does the first, when there are at least [`SPLIT_AT`] items. A POST
/// of a batch is one client waiting on this CPU work, with the database idle, and the machine
/// has a core for each half.
async fn in_two_halves<T, U, F>(mut items: Vec<T>, work: F) -> XapiResult<Vec<U>>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Fn(Vec<T>, usize) -> Vec<U> + Clone + Send + 'static,
{
    if items.len() < SPLIT_AT {
        return Ok(work(items, 0));
    }
    let middle = items.len() / 2;
    let second = items.split_off(middle);
    let other = work.clone();
    let second = tokio::task::spawn_blocking(move || other(second, middle));
    let mut out = work(items, 0);
    out.extend(
        second
            .await
            .map_err(|e| XapiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("reading a batch failed: {e}")))?,
    );
    Ok(out)
}

/// Statements as sent: one, or a batch (an array).
struct Sent {
    statements: Vec<Statement>,
    batch: bool,
}

/// Reads and validates the statements JSON. A batch's array is scanned once for where each
/// statement's text lies; the statements themselves are then parsed and validated in two halves
/// (`in_two_halves`), each half stopping at its first invalid statement, and put back in order,
/// so the error is the one a reading in order would give (`domain::xapi::assemble_batch`).
async fn read_statements(json: Bytes) -> XapiResult<Sent> {
    let not_json = |e: serde_json::Error| XapiError::bad(format!("the statements are not valid JSON: {e}"));
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[') {
        let value: Value = serde_json::from_slice(&json).map_err(not_json)?;
        return Ok(Sent { statements: into_statements(value)?, batch: false });
    }
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(&json).map_err(not_json)?;
    let base = json.as_ptr() as usize;
    let spans: Vec<(usize, usize)> = items
        .iter()
        .map(|raw| {
            let start = raw.get().as_ptr() as usize - base;
            (start, start + raw.get().len())
        })
        .collect();
    let read = move |spans: Vec<(usize, usize)>, first: usize| {
        let mut out = Vec::with_capacity(spans.len());
        for (i, (start, end)) in spans.into_iter().enumerate() {
            // The scan above has checked the text is JSON.
            let item = serde_json::from_slice::<Value>(&json[start..end])
                .map_err(not_json)
                .and_then(|value| Ok(read_batch_item(value, first + i)?));
            let stop = item.is_err();
            out.push(item);
            if stop {
                break;
            }
        }
        out
    };
    let statements = assemble_batch(in_two_halves(spans, read).await?)?;
    Ok(Sent { statements, batch: true })
}

fn hash_matches(sha2: &str, content: &[u8]) -> bool {
    let sha2 = sha2.to_ascii_lowercase();
    match sha2.len() {
        64 => hex::encode(Sha256::digest(content)) == sha2,
        96 => hex::encode(Sha384::digest(content)) == sha2,
        128 => hex::encode(Sha512::digest(content)) == sha2,
        _ => false,
    }
}

/// Pairs each attachment a statement declares without a `fileUrl` with a part of the body, and
/// refuses parts that no statement declares (Communication 1.5.2).
fn attachments_of(statements: &[Statement], parts: Vec<Part>) -> XapiResult<Vec<AttachmentContent>> {
    let mut by_hash: HashMap<String, Part> = HashMap::new();
    for p in parts {
        let sha2 = p
            .header("x-experience-api-hash")
            .ok_or_else(|| XapiError::bad("every attachment part needs an X-Experience-API-Hash header"))?
            .to_ascii_lowercase();
        // Parts are sent as they are (Communication 1.5.2.s2.b2.b4); without the header, binary
        // is assumed (s3.b6).
        if let Some(encoding) = p.header("content-transfer-encoding") {
            if !encoding.trim().eq_ignore_ascii_case("binary") {
                return Err(XapiError::bad(format!(
                    "the attachment part with hash {sha2} has Content-Transfer-Encoding {encoding:?}: attachment parts are sent as binary"
                )));
            }
        }
        if !hash_matches(&sha2, &p.body) {
            return Err(XapiError::bad(format!("the attachment part with hash {sha2} does not have that SHA-2")));
        }
        by_hash.insert(sha2, p);
    }
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        for (j, a) in s.attachments().iter().enumerate() {
            let sha2 = a.sha2.to_ascii_lowercase();
            declared.insert(sha2.clone());
            match by_hash.get(&sha2) {
                Some(p) => {
                    if a.usage_type.as_str() == SIGNATURE_USAGE_TYPE {
                        check_signature(s, &p.body, i)?;
                    }
                    if !out.iter().any(|c: &AttachmentContent| c.sha2 == sha2) {
                        out.push(AttachmentContent {
                            sha2,
                            content_type: a.content_type.clone(),
                            content: p.body.clone(),
                        });
                    }
                }
                None if a.file_url.is_some() => {}
                None => {
                    return Err(XapiError::bad(format!(
                        "statement {i}: attachments[{j}] has no fileUrl, so its content must be sent as a part of a multipart/mixed body with X-Experience-API-Hash {sha2}"
                    )))
                }
            }
        }
    }
    if let Some(extra) = by_hash.keys().find(|h| !declared.contains(*h)) {
        return Err(XapiError::bad(format!("the attachment part with hash {extra} is not declared by any statement")));
    }
    Ok(out)
}

/// A signed statement (Data 2.6): the signature part is a JWS whose payload is the statement
/// itself, as sent but without its signature attachment. `signature::verify_jws` checks the JWS
/// (and its RSA signature when the header carries a certificate); the payload is compared here.
fn check_signature(statement: &Statement, jws: &[u8], index: usize) -> XapiResult<()> {
    let bad = |why: &str| XapiError::bad(format!("statement {index}: the signature {why}"));
    let payload = verify_jws(jws).map_err(|e| XapiError::bad(format!("statement {index}: {e}")))?;
    let signed = validate_statement(&payload).map_err(|e| bad(&format!("payload is not a valid statement ({e})")))?;
    let mut original = statement.json().clone();
    if let Some(list) = original.get_mut("attachments").and_then(Value::as_array_mut) {
        list.retain(|a| a.get("usageType").and_then(Value::as_str) != Some(SIGNATURE_USAGE_TYPE));
        if list.is_empty() {
            if let Some(map) = original.as_object_mut() {
                map.remove("attachments");
            }
        }
    }
    let original = validate_statement(&original).map_err(|e| bad(&format!("leaves an invalid statement ({e})")))?;
    if !same_statement(&original, &signed) {
        return Err(bad("payload does not match the statement"));
    }
    Ok(())
}

/// Who a person is, as far as writing statements about them goes.
type Known = (PersonId, Option<OrganisationId>);

/// The email an actor's mbox names, as goldthread keeps addresses.
fn actor_email(statement: &Statement) -> Option<String> {
    let Actor::Agent(agent) = statement.actor() else { return None };
    let Ifi::Mbox(m) = &agent.ifi else { return None };
    domain::people::Email::parse(m.as_str().trim_start_matches("mailto:")).ok().map(|e| e.as_str().to_owned())
}

/// The goldthread person a statement's actor is, if any: by mbox (looked up for the whole batch
/// beforehand, in `by_email`), by mbox_sha1sum, or by an account on this server named by the
/// person's id.
async fn person_of(
    state: &AppState,
    statement: &Statement,
    by_email: &HashMap<String, Known>,
) -> XapiResult<Option<Known>> {
    let Actor::Agent(agent) = statement.actor() else { return Ok(None) };
    let id = match &agent.ifi {
        Ifi::Mbox(_) => return Ok(actor_email(statement).and_then(|e| by_email.get(&e).copied())),
        Ifi::MboxSha1Sum(s) => state.store.person_by_mbox_sha1sum(s.as_str()).await?,
        Ifi::Account(a)
            if a.home_page.as_str().trim_end_matches('/') == state.config.base_url.trim_end_matches('/') =>
        {
            a.name.parse().ok()
        }
        _ => None,
    };
    match id {
        Some(id) => Ok(state.store.person(id).await?.map(|p| (p.id, p.organisation.map(|o| o.id)))),
        None => Ok(None),
    }
}

/// The terms a statement is found by (see migrations 6 and 8). Each agent and activity is kept
/// once: under `a:`/`o:` when it is the actor or object (what `agent` and `activity` match),
/// otherwise under `A:`/`O:` (what `related_agents` and `related_activities` add), so a related
/// query looks for both prefixes. An agent is found by the identifier it was given
/// (Communication 2.1.3: the same IFI).
fn terms(s: &Statement) -> Vec<String> {
    let mut t = BTreeSet::new();
    let verb = s.verb().id.as_str();
    let agents = s.agent_identifiers(false);
    for ifi in &agents {
        let key = ifi.key();
        // The commonest query, a person's statements with one verb, as one term.
        t.insert(store::xapi::agent_verb_term(&key, verb));
        t.insert(format!("a:{key}"));
    }
    for ifi in s.agent_identifiers(true) {
        if !agents.contains(&ifi) {
            t.insert(format!("A:{}", ifi.key()));
        }
    }
    t.insert(format!("v:{verb}"));
    let activities = s.activity_ids(false);
    for a in &activities {
        t.insert(format!("o:{}", a.as_str()));
    }
    for a in s.activity_ids(true) {
        if !activities.contains(&a) {
            t.insert(format!("O:{}", a.as_str()));
        }
    }
    if let Some(r) = s.context().and_then(|c| c.registration) {
        t.insert(format!("r:{r}"));
    }
    t.into_iter().collect()
}

/// The key of each mbox a statement names beside the key of its mbox_sha1sum, so that an
/// erasure asked for by mbox_sha1sum finds the statements that name the mbox itself.
fn mboxes(s: &Statement) -> Vec<(String, String)> {
    s.agent_identifiers(true)
        .into_iter()
        .filter_map(|ifi| match ifi {
            Ifi::Mbox(m) => Some((Ifi::MboxSha1Sum(MboxSha1Sum::of(m)).key(), ifi.key())),
            _ => None,
        })
        .collect()
}

/// A statement as compact text, serialised straight into a string (`Value`'s `Display` writes the
/// same text through a formatter adapter, which showed in ingest profiles).
fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Activity definitions a statement carries, by activity id, taken out of its JSON (which is
/// serialised already, and then dropped): those of its object and context activities, and of a
/// SubStatement's.
fn take_definitions(json: &mut Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    take_statement_definitions(json, &mut out);
    out
}

fn take_statement_definitions(json: &mut Value, out: &mut Vec<(String, Value)>) {
    let mut take = |a: &mut Value| {
        if a.get("objectType").and_then(Value::as_str).is_some_and(|t| t != "Activity") {
            return;
        }
        let Some(map) = a.as_object_mut() else { return };
        if let (Some(id), Some(d)) =
            (map.get("id").and_then(Value::as_str).map(str::to_owned), map.remove("definition"))
        {
            out.push((id, d));
        }
    };
    let sub = json.get("object").and_then(|o| o.get("objectType")).and_then(Value::as_str) == Some("SubStatement");
    if let Some(o) = json.get_mut("object").filter(|_| !sub) {
        take(o);
    }
    if let Some(ca) =
        json.get_mut("context").and_then(|c| c.get_mut("contextActivities")).and_then(Value::as_object_mut)
    {
        for list in ca.values_mut() {
            match list {
                Value::Array(items) => items.iter_mut().for_each(&mut take),
                one => take(one),
            }
        }
    }
    // A SubStatement holds no SubStatement (Data 2.4.9), so this goes one level down at most.
    if let Some(o) = json.get_mut("object").filter(|_| sub) {
        take_statement_definitions(o, out);
    }
}

/// The SHA-2 of each attachment a statement declares.
fn attachment_hashes(json: &Value) -> Vec<String> {
    let mut out: Vec<String> = json
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("sha2").and_then(Value::as_str).map(str::to_owned))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A statement completed for storage (id, stored, authority) with what the store keeps beside it.
pub(super) fn prepare(
    s: Statement,
    id: Uuid,
    now: Timestamp,
    authority: &Authority,
    organisation: Option<OrganisationId>,
    person: Option<PersonId>,
) -> NewStatement {
    let targets = match s.object() {
        StatementObject::StatementRef(t) => Some(*t),
        _ => None,
    };
    let voids = s.voided_statement();
    let complete = s.complete_for_storage(id, now, authority);
    let terms = terms(&complete);
    let mboxes = mboxes(&complete);
    let timestamp = complete.timestamp().map(domain::xapi::format_timestamp);
    let mut json = complete.into_json();
    // Timestamps are kept in UTC (Data 4.5.s1.b6).
    if let (Some(t), Some(map)) = (timestamp, json.as_object_mut()) {
        map.insert("timestamp".to_owned(), Value::String(t));
    }
    let body = compact(&json);
    let attachment_hashes = attachment_hashes(&json);
    NewStatement {
        id,
        stored: now,
        body,
        terms,
        mboxes,
        attachment_hashes,
        voids,
        targets,
        person,
        organisation,
        definitions: take_definitions(&mut json),
        entry: None,
        pending: None,
    }
}

/// The activity a statement's object is, if it is one.
fn object_activity(s: &Statement) -> Option<&str> {
    match s.object() {
        StatementObject::Activity(a) => Some(a.id.as_str()),
        _ => None,
    }
}

/// Whether another system's statement about a person belongs in their learning record, and
/// what it would show there; `resources` holds the catalogue resource of each activity that is
/// one (`Store::resources_for_activities`).
fn pending_facts(s: &Statement, resources: &HashMap<String, ResourceId>, now: Timestamp) -> Option<PendingFacts> {
    let activity = object_activity(s);
    let resource = activity.and_then(|a| resources.get(a)).copied();
    let facts = IncomingFacts {
        verb: s.verb().id.as_str(),
        completion: s.result().and_then(|r| r.completion),
        matches_catalogue: resource.is_some(),
    };
    if !belongs_in_record(&facts) {
        return None;
    }
    let title = display_name(s.json().pointer("/object/definition/name"))
        .or_else(|| activity.map(str::to_owned))
        .unwrap_or_else(|| "Learning recorded by another system".to_owned());
    let title: String = title.chars().take(200).collect();
    let minutes = s.result().and_then(|r| r.duration.as_ref()).map_or(0, |d| duration_minutes(d.as_str()));
    let occurred_on = s.timestamp().unwrap_or(now).to_zoned(jiff::tz::TimeZone::UTC).date();
    Some(PendingFacts { title, resource, minutes, occurred_on })
}

/// Validates, checks and stores statements; returns every id in the order sent (Communication
/// 2.1.2: an identical re-send is accepted without a duplicate, a different one is a conflict).
async fn write(
    state: &AppState,
    caller: &Caller,
    json: Bytes,
    parts: Vec<Part>,
    put_id: Option<Uuid>,
) -> XapiResult<Vec<Uuid>> {
    caller.must_write()?;
    let Sent { statements, batch } = read_statements(json.clone()).await?;
    if let Some(id) = put_id {
        if batch {
            return Err(XapiError::bad("PUT stores one statement: send an object, not an array"));
        }
        if statements[0].id().is_some_and(|given| given != id) {
            return Err(XapiError::bad("the statement's id differs from the statementId parameter"));
        }
    }
    let attachments = attachments_of(&statements, parts)?;
    let now = Timestamp::now();
    let mut ids = Vec::with_capacity(statements.len());
    for s in &statements {
        ids.push(s.id().or(put_id).unwrap_or_else(Uuid::new_v4));
    }
    // A voiding statement may not target a voiding statement (Data 2.3.2).
    let targets: Vec<Uuid> = statements.iter().filter_map(Statement::voided_statement).collect();
    if !targets.is_empty() {
        let stored: HashMap<Uuid, StoredStatement> =
            state.store.statements_by_id(&targets).await?.into_iter().map(|s| (s.id, s)).collect();
        for t in &targets {
            let in_batch =
                statements.iter().zip(&ids).find(|(_, id)| *id == t).map(|(s, _)| s.voided_statement().is_some());
            if stored.get(t).is_some_and(|s| s.voids.is_some()) || in_batch == Some(true) {
                return Err(XapiError::bad(format!(
                    "statement {t} is itself a voiding statement, and a voiding statement cannot be voided"
                )));
            }
        }
    }
    let mut emails: Vec<String> = statements.iter().filter_map(actor_email).collect();
    emails.sort();
    emails.dedup();
    let by_email = state.store.people_by_emails(&emails).await?;
    let mut people = Vec::with_capacity(statements.len());
    for s in &statements {
        let person = person_of(state, s, &by_email).await?;
        if let (Some((_, their_org)), Some(org)) = (&person, caller.organisation()) {
            if *their_org != Some(org) {
                return Err(XapiError::forbidden(
                    "this credential may write statements only about its own organisation's people",
                ));
            }
        }
        people.push(person.map(|(p, _)| p));
    }
    // What goes into people's learning records, with the catalogue looked up once for the batch.
    let about_people: Vec<&str> =
        statements.iter().zip(&people).filter(|(_, p)| p.is_some()).filter_map(|(s, _)| object_activity(s)).collect();
    let resources = state.store.resources_for_activities(&about_people).await?;
    let pending: Vec<Option<PendingFacts>> =
        statements.iter().zip(&people).map(|(s, p)| p.and_then(|_| pending_facts(s, &resources, now))).collect();
    let authority = caller.authority.clone();
    let organisation = caller.organisation();
    let items: Vec<_> = statements.into_iter().zip(ids.iter().copied()).zip(people).collect();
    let mut batch = in_two_halves(items, move |items, _| {
        items
            .into_iter()
            .map(|((s, id), person)| prepare(s, id, now, &authority, organisation, person))
            .collect::<Vec<_>>()
    })
    .await?;
    for (new, pending) in batch.iter_mut().zip(pending) {
        new.pending = pending;
    }
    match state.store.insert_statements(&batch, &attachments).await {
        Ok(()) => Ok(ids),
        Err(store::StoreError::Conflict(_)) => {
            resend(state, json, &ids, batch, &attachments).await?;
            Ok(ids)
        }
        Err(other) => Err(other.into()),
    }
}

/// When some of the ids sent are stored already (Communication 2.1.2): an identical re-send is
/// accepted without a duplicate, a different statement refuses the whole request, and the
/// statements not stored yet are stored.
async fn resend(
    state: &AppState,
    json: Bytes,
    ids: &[Uuid],
    batch: Vec<NewStatement>,
    attachments: &[AttachmentContent],
) -> XapiResult<()> {
    let sent = read_statements(json).await?.statements;
    let existing: HashMap<Uuid, StoredStatement> =
        state.store.statements_by_id(ids).await?.into_iter().map(|s| (s.id, s)).collect();
    for (s, id) in sent.iter().zip(ids) {
        if let Some(old) = existing.get(id) {
            let old_statement = serde_json::from_str::<Value>(&old.body)
                .ok()
                .and_then(|v| into_statement(v).ok())
                .ok_or_else(|| XapiError::conflict(format!("a statement with id {id} is already stored")))?;
            if !same_statement(&old_statement, s) {
                return Err(XapiError::conflict(format!(
                    "a different statement with id {id} is already stored; statements cannot be changed, only voided"
                )));
            }
        }
    }
    let rest: Vec<NewStatement> = batch.into_iter().filter(|n| !existing.contains_key(&n.id)).collect();
    if rest.is_empty() {
        return Ok(());
    }
    state.store.insert_statements(&rest, attachments).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => {
            XapiError::conflict("a statement with one of those ids was stored at the same moment")
        }
        other => other.into(),
    })
}

pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> XapiResult<StatusCode> {
    let pairs = parameters(&uri, &["statementId"])?;
    let id = param(&pairs, "statementId").ok_or_else(|| XapiError::bad("PUT needs the statementId parameter"))?;
    let id = parse_uuid(id).ok_or_else(|| XapiError::bad(format!("statementId: {id:?} is not a UUID")))?;
    let (json, parts) = read_body(&headers, &body)?;
    write(&state, &caller, json, parts, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn post(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> XapiResult<Response> {
    parameters(&uri, &[])?;
    let (json, parts) = read_body(&headers, &body)?;
    let ids = write(&state, &caller, json, parts, None).await?;
    Ok(axum::Json(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()).into_response())
}

// ---------------------------------------------------------------- reading

fn flag(pairs: &[(String, String)], name: &str) -> XapiResult<bool> {
    match param(pairs, name) {
        None => Ok(false),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(XapiError::bad(format!("{name} must be true or false, not {v:?}"))),
    }
}

fn timestamp(pairs: &[(String, String)], name: &str) -> XapiResult<Option<Timestamp>> {
    param(pairs, name).map(|v| parse_timestamp(v).map_err(|e| XapiError::bad(format!("{name}: {e}")))).transpose()
}

fn iri_param(pairs: &[(String, String)], name: &str) -> XapiResult<Option<String>> {
    param(pairs, name)
        .map(|v| {
            domain::xapi::Iri::parse(v)
                .map(|i| i.as_str().to_owned())
                .map_err(|e| XapiError::bad(format!("{name}: {e}")))
        })
        .transpose()
}

/// Statements in the requested format, with the activity definitions canonical format needs.
async fn render(
    state: &AppState,
    stored: &[StoredStatement],
    format: Format,
    languages: &AcceptLanguage,
) -> XapiResult<Vec<String>> {
    // A statement is stored as the exact format's JSON text (checked when it arrived), so that
    // format is the stored text as it is.
    if format == Format::Exact {
        return Ok(stored.iter().map(|s| s.body.clone()).collect());
    }
    // A statement stored under an earlier, looser reading of a rule may not pass today's
    // validation: it is returned as it was stored rather than failing the whole page.
    let statements: Vec<Option<Statement>> = stored
        .iter()
        .map(|s| {
            let parsed = serde_json::from_str::<Value>(&s.body).ok().and_then(|v| into_statement(v).ok());
            if parsed.is_none() {
                tracing::warn!(statement = %s.id, "a stored statement no longer passes validation: returned as stored");
            }
            parsed
        })
        .collect();
    let mut definitions: HashMap<String, Value> = HashMap::new();
    if format == Format::Canonical {
        let mut ids: Vec<String> =
            statements.iter().flatten().flat_map(|s| s.activity_ids(true)).map(|a| a.as_str().to_owned()).collect();
        ids.sort();
        ids.dedup();
        for (id, d) in state.store.activity_definitions(&ids).await? {
            if let Ok(v) = serde_json::from_str(&d) {
                definitions.insert(id, v);
            }
        }
    }
    let lookup = |id: &str| definitions.get(id).cloned();
    Ok(stored
        .iter()
        .zip(&statements)
        .map(|(s, parsed)| match parsed {
            Some(statement) => format_statement(statement, format, languages, &lookup).to_string(),
            None => s.body.clone(),
        })
        .collect())
}

/// The response: JSON, or multipart/mixed with the attachments when they were asked for.
async fn respond(
    state: &AppState,
    body: String,
    stored: &[StoredStatement],
    with_attachments: bool,
    mut headers: HeaderMap,
) -> XapiResult<Response> {
    if !with_attachments {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return Ok((headers, body).into_response());
    }
    let mut hashes: Vec<String> = Vec::new();
    for s in stored {
        let v: Value = serde_json::from_str(&s.body).unwrap_or(Value::Null);
        for a in v.get("attachments").and_then(Value::as_array).into_iter().flatten() {
            if let Some(h) = a.get("sha2").and_then(Value::as_str) {
                if !hashes.iter().any(|x| x.eq_ignore_ascii_case(h)) {
                    hashes.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    let mut parts = vec![Part {
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: body.into_bytes(),
    }];
    for a in state.store.attachments(&hashes).await? {
        parts.push(Part {
            headers: vec![
                ("Content-Type".to_owned(), a.content_type),
                ("Content-Transfer-Encoding".to_owned(), "binary".to_owned()),
                ("X-Experience-API-Hash".to_owned(), a.sha2),
            ],
            body: a.content,
        });
    }
    let (content_type, bytes) = multipart::build(&parts);
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    Ok((headers, bytes).into_response())
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    request_headers: HeaderMap,
) -> XapiResult<Response> {
    caller.must_read()?;
    let pairs = parameters(&uri, GET_PARAMETERS)?;
    let format = match param(&pairs, "format") {
        None => Format::Exact,
        Some(f) => Format::parse(f)
            .ok_or_else(|| XapiError::bad(format!("format must be ids, exact or canonical, not {f:?}")))?,
    };
    let languages = AcceptLanguage::parse(
        request_headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default(),
    );
    let with_attachments = flag(&pairs, "attachments")?;
    // X-Experience-API-Consistent-Through is added to every statement response in `version_checks`.
    let mut headers = HeaderMap::new();
    let single =
        param(&pairs, "statementId").map(|v| (v, false)).or(param(&pairs, "voidedStatementId").map(|v| (v, true)));
    if let Some((id, voided)) = single {
        if pairs
            .iter()
            .any(|(k, _)| !matches!(k.as_str(), "statementId" | "voidedStatementId" | "format" | "attachments"))
        {
            return Err(XapiError::bad(
                "statementId and voidedStatementId may be given only with format and attachments",
            ));
        }
        if param(&pairs, "statementId").is_some() && param(&pairs, "voidedStatementId").is_some() {
            return Err(XapiError::bad("give statementId or voidedStatementId, not both"));
        }
        let name = if voided { "voidedStatementId" } else { "statementId" };
        let id = parse_uuid(id).ok_or_else(|| XapiError::bad(format!("{name}: {id:?} is not a UUID")))?;
        let found = state.store.statement(caller.scope, id).await?.filter(|s| s.voided == voided).ok_or_else(|| {
            XapiError::not_found(if voided { "no voided statement has that id" } else { "no statement has that id" })
        })?;
        let body = render(&state, std::slice::from_ref(&found), format, &languages).await?.remove(0);
        if let Some(stored) = serde_json::from_str::<Value>(&found.body)
            .ok()
            .and_then(|v| v.get("stored").and_then(Value::as_str).map(str::to_owned))
        {
            if let Ok(at) = parse_timestamp(&stored) {
                if let Ok(v) = HeaderValue::from_str(&at.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()) {
                    headers.insert(header::LAST_MODIFIED, v);
                }
            }
        }
        return respond(&state, body, std::slice::from_ref(&found), with_attachments, headers).await;
    }
    let related_agents = flag(&pairs, "related_agents")?;
    let related_activities = flag(&pairs, "related_activities")?;
    let ascending = flag(&pairs, "ascending")?;
    let limit = match param(&pairs, "limit") {
        None => MAX_LIMIT,
        Some(v) => match v.parse::<u32>() {
            Ok(0) => MAX_LIMIT,
            Ok(n) => n.min(MAX_LIMIT),
            Err(_) => return Err(XapiError::bad(format!("limit must be a whole number, not {v:?}"))),
        },
    };
    // The most selective terms first: the store looks up the first and checks the rest. A
    // related filter matches either of its two terms (see `terms`).
    let mut terms: Vec<Vec<String>> = Vec::new();
    if let Some(r) = param(&pairs, "registration") {
        let r = parse_uuid(r).ok_or_else(|| XapiError::bad(format!("registration {r:?} is not a UUID")))?;
        terms.push(vec![format!("r:{r}")]);
    }
    let agent = param(&pairs, "agent")
        .map(|a| parse_agent_filter(a).map_err(|e| XapiError::bad(format!("agent: {e}"))))
        .transpose()?
        .map(|ifi| ifi.key());
    let verb = iri_param(&pairs, "verb")?;
    match (&agent, &verb) {
        (Some(key), Some(v)) if !related_agents => terms.push(vec![store::xapi::agent_verb_term(key, v)]),
        _ => {
            if let Some(key) = &agent {
                let mut either = vec![format!("a:{key}")];
                if related_agents {
                    either.push(format!("A:{key}"));
                }
                terms.push(either);
            }
            if let Some(v) = &verb {
                terms.push(vec![format!("v:{v}")]);
            }
        }
    }
    if let Some(a) = iri_param(&pairs, "activity")? {
        let mut either = vec![format!("o:{a}")];
        if related_activities {
            either.push(format!("O:{a}"));
        }
        // An activity is more selective than a verb: look it up before.
        let at = terms.iter().position(|t| t.first().is_some_and(|t| t.starts_with("v:"))).unwrap_or(terms.len());
        terms.insert(at, either);
    }
    // A single term leads better than a pair.
    terms.sort_by_key(Vec::len);
    let (through_seq, after_seq) = match param(&pairs, "cursor") {
        None => (None, None),
        Some(c) => {
            let (t, a) = c
                .split_once('.')
                .and_then(|(t, a)| Some((t.parse::<i64>().ok()?, a.parse::<i64>().ok()?)))
                .ok_or_else(|| XapiError::bad("that more link has been altered"))?;
            (Some(t), Some(a))
        }
    };
    let query = StatementQuery {
        scope: caller.scope,
        terms,
        since: timestamp(&pairs, "since")?,
        until: timestamp(&pairs, "until")?,
        ascending,
        limit,
        through_seq,
        after_seq,
    };
    let page = state.store.query_statements(&query).await?;
    let more = match (page.more, page.statements.last()) {
        (true, Some(last)) => {
            let mut rest: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "cursor").cloned().collect();
            rest.push(("cursor".to_owned(), format!("{}.{}", page.through_seq, last.seq)));
            format!("/xapi/statements?{}", serde_urlencoded::to_string(&rest).unwrap_or_default())
        }
        _ => String::new(),
    };
    let statements = render(&state, &page.statements, format, &languages).await?;
    // The statements' text is spliced in as it is (see `render`).
    let mut body = String::with_capacity(statements.iter().map(|s| s.len() + 1).sum::<usize>() + more.len() + 32);
    body.push_str("{\"statements\":[");
    body.push_str(&statements.join(","));
    body.push_str("],\"more\":");
    body.push_str(&Value::String(more).to_string());
    body.push('}');
    respond(&state, body, &page.statements, with_attachments, headers).await
}
