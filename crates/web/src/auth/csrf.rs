//! CSRF protection for every form: a double-submit token. Each browser gets a random token in an
//! HttpOnly, SameSite=Strict cookie; every form carries the same token in a hidden `csrf` field
//! (or, for file uploads, in the form's action URL); a state-changing request without a match is
//! refused before any handler runs. The JSON API is exempt: it authenticates only by bearer
//! token, never by cookie, so a forged cross-site request carries no credentials.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{cookie, new_secret, same_secret, set_cookie};
use crate::middleware::is_unsafe;
use crate::AppState;

pub const COOKIE: &str = "gt_csrf";
pub const FIELD: &str = "csrf";

/// The token for this request, for templates to put in forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn exempt(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path.starts_with("/xapi")
}

fn token_in_query(query: Option<&str>) -> Option<String> {
    form_field(query?.as_bytes(), FIELD)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if exempt(&path) {
        return next.run(request).await;
    }
    let existing = cookie(request.headers(), COOKIE).filter(|c| c.len() == 64).map(str::to_owned);
    let mut request = request;
    if is_unsafe(request.method()) {
        let Some(expected) = existing.clone() else {
            return crate::error::PageError::CsrfFailed.into_response();
        };
        let mut sent = token_in_query(request.uri().query());
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if sent.is_none() && is_form {
            let (parts, body) = request.into_parts();
            let bytes = match to_bytes(body, state.config.max_body_bytes).await {
                Ok(b) => b,
                Err(_) => return crate::error::PageError::TooLarge.into_response(),
            };
            sent = form_field(&bytes, FIELD);
            request = Request::from_parts(parts, Body::from(bytes));
        }
        if !sent.is_some_and(|s| same_secret(&s, &expected)) {
            return crate::error::PageError::CsrfFailed.into_response();
        }
    }
    let token = existing.clone().unwrap_or_else(new_secret);
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if existing.is_none() {
        let value = set_cookie(COOKIE, &token, 30 * 24 * 3600, "Strict", state.config.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}
