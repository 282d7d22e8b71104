//! The document resources (Communication 2.3 to 2.6): State, Activity Profile and Agent Profile,
//! with ETag concurrency and JSON merge on POST; and the Activities and Agents resources.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::xapi::{
    check_preconditions, etag, is_json_content_type, merge_json_documents, parse_agent_parameter, parse_timestamp,
    parse_uuid, Agent, Iri, MergeError, Person, Precondition,
};
use jiff::Timestamp;
use serde_json::{json, Value};
use store::xapi::{Document, DocumentKey, DocumentKind};

use super::auth::Caller;
use super::{param, parameters, XapiError, XapiResult};
use crate::state::AppState;

/// What a document request names: the key, and the document id when one is given.
struct Target {
    key: DocumentKey,
    id: Option<String>,
    since: Option<Timestamp>,
}

fn required<'a>(pairs: &'a [(String, String)], name: &str) -> XapiResult<&'a str> {
    param(pairs, name).ok_or_else(|| XapiError::bad(format!("the {name} parameter is required")))
}

fn activity_param(pairs: &[(String, String)]) -> XapiResult<String> {
    let a = required(pairs, "activityId")?;
    Iri::parse(a).map(|i| i.as_str().to_owned()).map_err(|e| XapiError::bad(format!("activityId: {e}")))
}

fn agent_param(pairs: &[(String, String)]) -> XapiResult<Agent> {
    parse_agent_parameter(required(pairs, "agent")?).map_err(|e| XapiError::bad(format!("agent: {e}")))
}

/// Reads a document request's parameters; `id_required` for PUT and POST (and DELETE of a profile).
fn target(
    kind: DocumentKind,
    caller: &Caller,
    uri: &Uri,
    id_required: bool,
    multiple_allowed: bool,
) -> XapiResult<Target> {
    let (allowed, id_name): (&[&str], &str) = match kind {
        DocumentKind::State => (&["activityId", "agent", "registration", "stateId", "since"], "stateId"),
        DocumentKind::ActivityProfile => (&["activityId", "profileId", "since"], "profileId"),
        DocumentKind::AgentProfile => (&["agent", "profileId", "since"], "profileId"),
    };
    let pairs = parameters(uri, allowed)?;
    let (activity, agent) = match kind {
        DocumentKind::State => (activity_param(&pairs)?, agent_param(&pairs)?.ifi.key()),
        DocumentKind::ActivityProfile => (activity_param(&pairs)?, String::new()),
        DocumentKind::AgentProfile => (String::new(), agent_param(&pairs)?.ifi.key()),
    };
    let registration = match param(&pairs, "registration") {
        None => String::new(),
        Some(r) => {
            parse_uuid(r).ok_or_else(|| XapiError::bad(format!("registration {r:?} is not a UUID")))?.to_string()
        }
    };
    let id = param(&pairs, id_name).map(str::to_owned);
    if id_required && id.is_none() {
        return Err(XapiError::bad(format!("the {id_name} parameter is required")));
    }
    let since = param(&pairs, "since")
        .map(|v| parse_timestamp(v).map_err(|e| XapiError::bad(format!("since: {e}"))))
        .transpose()?;
    if since.is_some() && (id.is_some() || !multiple_allowed) {
        return Err(XapiError::bad(format!(
            "since may be given only when asking for the list of ids, without {id_name}"
        )));
    }
    Ok(Target { key: DocumentKey { kind, scope: caller.scope, activity, agent, registration }, id, since })
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn content_type(headers: &HeaderMap) -> String {
    header_text(headers, header::CONTENT_TYPE).unwrap_or("application/octet-stream").to_owned()
}

fn http_date(at: Timestamp) -> Option<HeaderValue> {
    HeaderValue::from_str(&at.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()).ok()
}

fn precondition(headers: &HeaderMap, current: Option<&Document>, headers_required: bool) -> XapiResult<()> {
    match check_preconditions(
        header_text(headers, header::IF_MATCH),
        header_text(headers, header::IF_NONE_MATCH),
        current.map(|d| d.etag.as_str()),
        headers_required,
    ) {
        Precondition::Proceed => Ok(()),
        Precondition::Failed => Err(XapiError::new(
            StatusCode::PRECONDITION_FAILED,
            "the document has changed since you read it (If-Match or If-None-Match does not hold)",
        )),
        Precondition::MissingHeader => Err(XapiError::conflict(
            "this document already exists: read it and send If-Match with its ETag (or If-None-Match: *) to change it",
        )),
        Precondition::HeaderRequired => Err(XapiError::bad(
            "a PUT of a profile document needs If-None-Match: * to create it, or If-Match with its ETag to replace it",
        )),
    }
}

async fn get_document(state: &AppState, caller: &Caller, kind: DocumentKind, uri: &Uri) -> XapiResult<Response> {
    caller.must_read()?;
    let t = target(kind, caller, uri, false, true)?;
    let Some(id) = t.id else {
        let ids = state.store.document_ids(&t.key, t.since).await?;
        return Ok(Json(ids).into_response());
    };
    let doc =
        state.store.document(&t.key, &id).await?.ok_or_else(|| XapiError::not_found("no document has that id"))?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&doc.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&doc.etag) {
        headers.insert(header::ETAG, v);
    }
    if let Some(v) = http_date(doc.updated) {
        headers.insert(header::LAST_MODIFIED, v);
    }
    Ok((headers, doc.content).into_response())
}

async fn put_document(
    state: &AppState,
    caller: &Caller,
    kind: DocumentKind,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> XapiResult<StatusCode> {
    caller.must_write()?;
    let t = target(kind, caller, uri, true, false)?;
    let id = t.id.clone().unwrap_or_default();
    let current = state.store.document(&t.key, &id).await?;
    precondition(headers, current.as_ref(), kind != DocumentKind::State)?;
    let content_type = content_type(headers);
    if is_json_content_type(&content_type) && serde_json::from_slice::<Value>(&body).is_err() {
        return Err(XapiError::bad("the document says it is application/json but is not valid JSON"));
    }
    let doc = Document { id, content_type, etag: etag(&body), content: body.to_vec(), updated: Timestamp::now() };
    state.store.put_document(&t.key, &doc).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn post_document(
    state: &AppState,
    caller: &Caller,
    kind: DocumentKind,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> XapiResult<StatusCode> {
    caller.must_write()?;
    let t = target(kind, caller, uri, true, false)?;
    let id = t.id.clone().unwrap_or_default();
    let current = state.store.document(&t.key, &id).await?;
    precondition(headers, current.as_ref(), false)?;
    let posted_type = content_type(headers);
    let (content_type, content) = match &current {
        Some(doc) => {
            let merged = merge_json_documents(&doc.content_type, &doc.content, &posted_type, &body)
                .map_err(|e: MergeError| XapiError::bad(e.to_string()))?;
            ("application/json".to_owned(), merged)
        }
        None => {
            if is_json_content_type(&posted_type)
                && !serde_json::from_slice::<Value>(&body).is_ok_and(|v| v.is_object())
            {
                return Err(XapiError::bad("a JSON document sent by POST must be a JSON object"));
            }
            (posted_type, body.to_vec())
        }
    };
    let doc = Document { id, content_type, etag: etag(&content), content, updated: Timestamp::now() };
    state.store.put_document(&t.key, &doc).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_document(
    state: &AppState,
    caller: &Caller,
    kind: DocumentKind,
    uri: &Uri,
    headers: &HeaderMap,
) -> XapiResult<StatusCode> {
    caller.must_write()?;
    let t = target(kind, caller, uri, kind != DocumentKind::State, false)?;
    if let Some(id) = &t.id {
        let current = state.store.document(&t.key, id).await?;
        precondition(headers, current.as_ref(), false)?;
    }
    state.store.delete_documents(&t.key, t.id.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! document_handlers {
    ($kind:expr, $get:ident, $put:ident, $post:ident, $delete:ident) => {
        pub async fn $get(State(state): State<AppState>, caller: Caller, uri: Uri) -> XapiResult<Response> {
            get_document(&state, &caller, $kind, &uri).await
        }
        pub async fn $put(
            State(state): State<AppState>,
            caller: Caller,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> XapiResult<StatusCode> {
            put_document(&state, &caller, $kind, &uri, &headers, body).await
        }
        pub async fn $post(
            State(state): State<AppState>,
            caller: Caller,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> XapiResult<StatusCode> {
            post_document(&state, &caller, $kind, &uri, &headers, body).await
        }
        pub async fn $delete(
            State(state): State<AppState>,
            caller: Caller,
            uri: Uri,
            headers: HeaderMap,
        ) -> XapiResult<StatusCode> {
            delete_document(&state, &caller, $kind, &uri, &headers).await
        }
    };
}

document_handlers!(DocumentKind::State, get_state, put_state, post_state, delete_state);
document_handlers!(
    DocumentKind::ActivityProfile,
    get_activity_profile,
    put_activity_profile,
    post_activity_profile,
    delete_activity_profile
);
document_handlers!(
    DocumentKind::AgentProfile,
    get_agent_profile,
    put_agent_profile,
    post_agent_profile,
    delete_agent_profile
);

/// The Activities resource: the canonical definition held for an activity.
pub async fn activity(State(state): State<AppState>, caller: Caller, uri: Uri) -> XapiResult<Json<Value>> {
    caller.must_read()?;
    let pairs = parameters(&uri, &["activityId"])?;
    let id = activity_param(&pairs)?;
    let mut activity = json!({ "objectType": "Activity", "id": id });
    if let Some(d) = state.store.activity_definition(&id).await? {
        if let Ok(v) = serde_json::from_str::<Value>(&d) {
            activity["definition"] = v;
        }
    }
    Ok(Json(activity))
}

/// The Agents resource: a Person object combining what is known of an agent.
pub async fn agents(caller: Caller, uri: Uri) -> XapiResult<Json<Value>> {
    caller.must_read()?;
    let pairs = parameters(&uri, &["agent"])?;
    let agent = agent_param(&pairs)?;
    Ok(Json(Person::of([&agent]).to_json()))
}
