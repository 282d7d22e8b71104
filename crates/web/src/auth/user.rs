//! Who is asking: from the session cookie on pages, from a bearer token on the API.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use domain::ids::PersonId;
use domain::people::Viewer;
use jiff::Timestamp;
use store::people::Person;
use store::Store;

use super::{cookie, hash_secret, SESSION_COOKIE};
use crate::api::ApiError;
use crate::error::PageError;
use crate::AppState;

/// The signed-in person and what the access rules need to know of them.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub person: Person,
    pub viewer: Viewer,
}

impl CurrentUser {
    pub async fn load(store: &Store, id: PersonId) -> store::Result<Option<Self>> {
        let Some(person) = store.person(id).await? else { return Ok(None) };
        let grants = store.grants(id).await?;
        let has_reports = store.has_reports(id).await?;
        let viewer =
            Viewer { person: id, organisation: person.organisation.as_ref().map(|o| o.id), grants, has_reports };
        Ok(Some(Self { person, viewer }))
    }

    async fn from_session(parts: &Parts, state: &AppState) -> Result<Option<Self>, PageError> {
        if let Some(found) = parts.extensions.get::<Option<CurrentUser>>() {
            return Ok(found.clone());
        }
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else { return Ok(None) };
        let Some(id) = state.store.session_person(&hash_secret(secret), Timestamp::now()).await? else {
            return Ok(None);
        };
        Ok(Self::load(&state.store, id).await?)
    }
}

/// A signed-in person, or a redirect to the sign-in page that comes back here afterwards.
impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let state = AppState::from_ref(state);
        let user = Self::from_session(parts, &state).await?;
        parts.extensions.insert(user.clone());
        user.ok_or_else(|| {
            PageError::SignInNeeded(
                parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
            )
        })
    }
}

/// The signed-in person if there is one (for pages anyone may see).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S> FromRequestParts<S> for MaybeUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let state = AppState::from_ref(state);
        let user = CurrentUser::from_session(parts, &state).await?;
        parts.extensions.insert(user.clone());
        Ok(Self(user))
    }
}

impl<S> OptionalFromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, PageError> {
        Ok(<MaybeUser as FromRequestParts<S>>::from_request_parts(parts, state).await?.0)
    }
}

/// A person calling the API with `Authorization: Bearer TOKEN`. Cookies are never accepted here.
#[derive(Debug, Clone)]
pub struct ApiUser(pub CurrentUser);

impl<S> FromRequestParts<S> for ApiUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthenticated)?;
        let id = state
            .store
            .api_token_person(&hash_secret(token), Timestamp::now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let user = CurrentUser::load(&state.store, id).await?.ok_or(ApiError::Unauthenticated)?;
        Ok(Self(user))
    }
}
