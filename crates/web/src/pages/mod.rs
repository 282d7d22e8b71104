//! Server-rendered pages, one module per capability. Every page works without JavaScript.

mod accounts;
mod frameworks;
mod hub;
mod import;
mod learning;
mod lrs;
mod organisations;
mod people;
mod portfolio;
mod record;
pub mod view;

use axum::extract::rejection::FormRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use serde::de::DeserializeOwned;

use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::error_page;
use crate::AppState;
use view::Layout;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(accounts::routes())
        .merge(people::routes())
        .merge(organisations::routes())
        .merge(import::routes())
        .merge(learning::routes())
        .merge(record::routes())
        .merge(hub::routes())
        .merge(portfolio::routes())
        .merge(lrs::routes())
        .merge(frameworks::routes())
}

/// What every page handler needs besides the person: the CSRF token for its forms and the path
/// (to mark the navigation).
#[derive(Debug, Clone)]
pub struct Ctx {
    pub csrf: CsrfToken,
    pub path: String,
}

impl Ctx {
    pub fn layout(&self, title: impl Into<String>, user: Option<&CurrentUser>) -> Layout {
        Layout::new(title, &self.csrf, user, &self.path)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            csrf: parts.extensions.get::<CsrfToken>().cloned().unwrap_or_else(|| CsrfToken(String::new())),
            path: parts.uri.path().to_owned(),
        })
    }
}

/// A submitted form. A body that is not a form at all (not UTF-8, say) is a clear 400 page, not
/// a bare message.
pub struct PageForm<T>(pub T);

impl<S, T> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = crate::error::PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Self(v)),
            Err(FormRejection::BytesRejection(_)) => Err(crate::error::PageError::TooLarge),
            Err(e) => {
                Err(crate::error::PageError::BadRequest(format!("The form could not be read: {}", e.body_text())))
            }
        }
    }
}

/// The NHS-styled 404 page, with navigation when someone is signed in.
pub async fn not_found(ctx: Ctx, user: MaybeUser) -> Response {
    let layout = ctx.layout("Page not found", user.0.as_ref());
    error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        vec![
            "If you typed the web address, check it is correct.".to_owned(),
            "If you pasted the web address, check you copied the entire address.".to_owned(),
        ],
        Some(layout),
    )
}

/// A local path to return to after signing in; anything else (another site) becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// The organisations an admin manages: `None` means all of them (a system admin); someone who
/// administers nothing is refused.
pub fn admin_scope(user: &CurrentUser) -> Result<Option<Vec<domain::ids::OrganisationId>>, crate::error::PageError> {
    match user.viewer.admin_scope() {
        domain::people::AdminScope::System => Ok(None),
        domain::people::AdminScope::Organisations(orgs) => Ok(Some(orgs)),
        domain::people::AdminScope::None => Err(crate::error::PageError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_next(Some("/profile")), "/profile");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
