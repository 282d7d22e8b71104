//! The xAPI 1.0.3 Learning Record Store under `/xapi/`.
//!
//! Statement and document rules live in `domain::xapi`, storage in `store::xapi`; this module is
//! the HTTP part of the specification's Communication document: authentication, the version
//! header, the alternate request syntax, parameters, ETags and multipart bodies.

mod auth;
mod documents;
mod erasure;
mod multipart;
pub mod record;
mod signature;
mod statements;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub use auth::issue_lrs_credentials;
pub use erasure::{erase_agent, Erased};

use crate::state::AppState;

/// The version this LRS speaks, sent on every response.
pub const VERSION: &str = "1.0.3";
const VERSION_HEADER: &str = "x-experience-api-version";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/about", get(about))
        .route("/statements", get(statements::get).put(statements::put).post(statements::post))
        .route("/activities", get(documents::activity))
        .route("/agents", get(documents::agents))
        .route(
            "/activities/state",
            get(documents::get_state)
                .put(documents::put_state)
                .post(documents::post_state)
                .delete(documents::delete_state),
        )
        .route(
            "/activities/profile",
            get(documents::get_activity_profile)
                .put(documents::put_activity_profile)
                .post(documents::post_activity_profile)
                .delete(documents::delete_activity_profile),
        )
        .route(
            "/agents/profile",
            get(documents::get_agent_profile)
                .put(documents::put_agent_profile)
                .post(documents::post_agent_profile)
                .delete(documents::delete_agent_profile),
        )
        .fallback(not_found)
        .layer(from_fn(version_checks))
}

/// A refusal, with the status the specification names and a message saying why.
#[derive(Debug)]
pub struct XapiError {
    status: StatusCode,
    message: String,
}

impl XapiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }
    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
}

impl From<domain::xapi::StatementError> for XapiError {
    fn from(e: domain::xapi::StatementError) -> Self {
        Self::bad(e.to_string())
    }
}

impl From<store::StoreError> for XapiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => Self::not_found("not found"),
            store::StoreError::Conflict(what) => Self::conflict(format!("that {what} is already taken")),
            other => {
                tracing::error!(error = %other, "LRS storage failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "the record store could not complete the request")
            }
        }
    }
}

impl IntoResponse for XapiError {
    fn into_response(self) -> Response {
        let mut r =
            (self.status, Json(json!({ "error": { "status": self.status.as_u16(), "message": self.message } })))
                .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"goldthread LRS\""));
        }
        r
    }
}

pub type XapiResult<T> = Result<T, XapiError>;

async fn about() -> Json<serde_json::Value> {
    Json(json!({ "version": ["1.0.3", "1.0.2", "1.0.1", "1.0.0"], "extensions": {} }))
}

async fn not_found() -> XapiError {
    XapiError::not_found("there is no such xAPI resource")
}

/// Headers the alternate request syntax may carry as form fields (Communication 1.3).
const FORM_HEADERS: &[&str] = &[
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
    "accept-language",
];

/// Runs before routing for every request: for `/xapi` ones, turns an alternate-syntax request (a
/// POST with `method` in the query and the rest in a form body) into the request it stands for,
/// and puts the version and Consistent-Through headers on whatever answer comes back.
pub async fn before_routing(limit: usize, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/xapi/") {
        return next.run(request).await;
    }
    let request = match alternate_syntax(limit, request).await {
        Ok(r) => r,
        Err(e) => return with_version(with_consistent_through(e.into_response())),
    };
    with_version(with_consistent_through(next.run(request).await))
}

/// X-Experience-API-Consistent-Through on every answer (Communication 2.1.3.s2.b5 asks it of
/// all statement requests; a client polling for consistency may ask anywhere under /xapi/). A
/// statements query sets its own, from the statements it saw; any other answer says now.
fn with_consistent_through(mut response: Response) -> Response {
    if let Ok(v) = HeaderValue::from_str(&domain::xapi::format_timestamp(jiff::Timestamp::now())) {
        response.headers_mut().entry("x-experience-api-consistent-through").or_insert(v);
    }
    response
}

/// Checks the version header on every resource but About.
async fn version_checks(request: Request, next: Next) -> Response {
    with_version(check_version(request, next).await)
}

async fn check_version(request: Request, next: Next) -> Response {
    let about = request.uri().path().ends_with("/about");
    if !about {
        match request.headers().get(VERSION_HEADER).map(|v| v.to_str().unwrap_or_default().trim().to_owned()) {
            None => {
                return XapiError::bad("send the X-Experience-API-Version header (this LRS speaks 1.0.3)")
                    .into_response()
            }
            Some(v) if !is_supported_version(&v) => {
                return XapiError::bad(format!(
                    "X-Experience-API-Version {v:?} is not supported: use 1.0.3 (any 1.0.x)"
                ))
                .into_response()
            }
            Some(_) => {}
        }
    }
    next.run(request).await
}

/// Any 1.0.x version (Communication 3.3.s3.b5).
fn is_supported_version(v: &str) -> bool {
    v == "1.0"
        || v.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

fn with_version(mut response: Response) -> Response {
    response.headers_mut().insert(HeaderName::from_static(VERSION_HEADER), HeaderValue::from_static(VERSION));
    response
}

async fn alternate_syntax(limit: usize, request: Request) -> XapiResult<Request> {
    let query = request.uri().query().unwrap_or_default().to_owned();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap_or_default();
    let Some((_, method)) = pairs.iter().find(|(k, _)| k == "method") else {
        return Ok(request);
    };
    if request.method() != Method::POST {
        return Err(XapiError::bad("the method parameter (alternate request syntax) is allowed only on POST"));
    }
    if pairs.len() > 1 {
        return Err(XapiError::bad(
            "with the alternate request syntax, every parameter but method goes in the form body, not the query",
        ));
    }
    let method: Method = match method.to_ascii_uppercase().as_str() {
        "GET" => Method::GET,
        "PUT" => Method::PUT,
        "POST" => Method::POST,
        "DELETE" => Method::DELETE,
        other => {
            return Err(XapiError::bad(format!("method {other:?} is not one the alternate request syntax allows")))
        }
    };
    let (parts, body) = request.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(XapiError::bad("an alternate-syntax request must be sent as application/x-www-form-urlencoded"));
    }
    let bytes: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| XapiError::new(StatusCode::PAYLOAD_TOO_LARGE, "the request body is too large"))?;
    let form: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| XapiError::bad("the form body could not be read"))?;
    let mut headers = HeaderMap::new();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            headers.insert(name.clone(), value.clone());
        }
    }
    let mut params: Vec<(String, String)> = Vec::new();
    let mut content = String::new();
    for (k, v) in form {
        let lower = k.to_ascii_lowercase();
        if lower == "content" {
            content = v;
        } else if FORM_HEADERS.contains(&lower.as_str()) {
            let name = HeaderName::from_bytes(lower.as_bytes()).map_err(|_| XapiError::bad("a bad header name"))?;
            let value = HeaderValue::from_str(&v).map_err(|_| XapiError::bad(format!("a bad value for {k}")))?;
            headers.insert(name, value);
        } else {
            params.push((k, v));
        }
    }
    if !content.is_empty() && !headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    headers.remove(header::CONTENT_LENGTH);
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let path = parts.uri.path();
    let uri: Uri = if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
        .parse()
        .map_err(|_| XapiError::bad("the parameters do not make an address"))?;
    let mut rebuilt = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(content))
        .map_err(|_| XapiError::bad("the alternate-syntax request could not be rebuilt"))?;
    *rebuilt.headers_mut() = headers;
    *rebuilt.extensions_mut() = parts.extensions;
    Ok(rebuilt)
}

/// Query parameters, refusing any the resource does not define.
pub(crate) fn parameters(uri: &Uri, allowed: &[&str]) -> XapiResult<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or_default())
        .map_err(|_| XapiError::bad("the query string could not be read"))?;
    for (k, _) in &pairs {
        if !allowed.contains(&k.as_str()) {
            return Err(XapiError::bad(format!(
                "{k:?} is not a parameter of this resource (it takes {})",
                allowed.join(", ")
            )));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &pairs {
        if seen.contains(&k.as_str()) {
            return Err(XapiError::bad(format!("the parameter {k:?} is given twice")));
        }
        seen.push(k);
    }
    Ok(pairs)
}

pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}
