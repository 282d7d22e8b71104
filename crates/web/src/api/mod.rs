//! The JSON API under `/api/v1/`, described by OpenAPI 3 at `/api/openapi.json` (generated from
//! the handlers by utoipa, so it cannot drift). Errors are `application/problem+json`.
//! Authentication is by personal API token only (`Authorization: Bearer`), never by cookie.

pub mod frameworks;
pub mod hub;
pub mod learning;
pub mod organisations;
pub mod people;
pub mod portfolio;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use crate::AppState;

/// A problem, as RFC 9457 describes: what went wrong, and for bad input, each field's error.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication needed")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid input")]
    Invalid(Vec<FieldProblem>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => ApiError::NotFound,
            store::StoreError::Conflict(what) => ApiError::Conflict(format!("that {what} is already taken")),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        ApiError::BadRequest(e.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::BadRequest(e.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NotFound
    }
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldProblem { field: field.to_owned(), message: message.into() }])
    }

    fn parts(self) -> (StatusCode, &'static str, Option<String>, Vec<FieldProblem>) {
        match self {
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "Authentication needed",
                Some("Send a personal API token as Authorization: Bearer TOKEN".to_owned()),
                vec![],
            ),
            ApiError::Forbidden => {
                (StatusCode::FORBIDDEN, "Forbidden", Some("Your roles do not allow this".to_owned()), vec![])
            }
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not found", None, vec![]),
            ApiError::Conflict(d) => (StatusCode::CONFLICT, "Conflict", Some(d), vec![]),
            ApiError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", None, errors),
            ApiError::BadRequest(d) => (StatusCode::BAD_REQUEST, "Bad request", Some(d), vec![]),
            ApiError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "API request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error", None, vec![])
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthenticated = matches!(self, ApiError::Unauthenticated);
        let (status, title, detail, errors) = self.parts();
        let body = Problem {
            kind: "about:blank".to_owned(),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut response =
            (status, [(header::CONTENT_TYPE, "application/problem+json")], Json(body).into_response().into_body())
                .into_response();
        if unauthenticated {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Paging parameters for list endpoints.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 25).
    pub per_page: Option<u32>,
    /// Search text.
    pub q: Option<String>,
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T: ToSchema> PageOf<T> {
    pub fn from_page<U>(page: domain::paging::Page<U>, f: impl FnMut(U) -> T) -> Self {
        let p = page.map(f);
        Self { items: p.items, page: p.page, per_page: p.per_page, total: p.total }
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "goldthread API", description = "People, organisations, the learning catalogue and the learning record of goldthread."),
    paths(
        people::me, people::list, people::get_one, people::update, people::create,
        organisations::list, organisations::get_one, organisations::create,
        learning::search, learning::get_one, learning::create, learning::record, learning::add_entry,
    ),
    components(schemas(Problem, FieldProblem, people::PersonBody, people::PersonPatch, people::NewPerson, organisations::OrganisationBody, organisations::NewOrganisation, learning::ResourceBody, learning::ResourceItem, learning::EntryBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// The whole OpenAPI document: the core, with each capability's part merged in.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(hub::HubApi::openapi());
    doc.merge(portfolio::PortfolioApi::openapi());
    doc.merge(frameworks::FrameworksApi::openapi());
    doc
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .nest(
            "/v1",
            people::routes()
                .merge(organisations::routes())
                .merge(learning::routes())
                .merge(hub::routes())
                .merge(portfolio::routes())
                .merge(frameworks::routes()),
        )
        .fallback(api_not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_api_error_has_its_status_and_problem_type() {
        for (e, status) in [
            (ApiError::Unauthenticated, 401),
            (ApiError::Forbidden, 403),
            (ApiError::NotFound, 404),
            (ApiError::Conflict("x".into()), 409),
            (ApiError::invalid("name", "Enter a name"), 422),
            (ApiError::BadRequest("x".into()), 400),
            (ApiError::Internal(anyhow::anyhow!("boom")), 500),
        ] {
            let r = e.into_response();
            assert_eq!(r.status().as_u16(), status);
            assert_eq!(r.headers()[header::CONTENT_TYPE], "application/problem+json");
        }
    }

    #[test]
    fn store_conflicts_become_409s() {
        assert!(matches!(ApiError::from(store::StoreError::Conflict("email".into())), ApiError::Conflict(_)));
    }
}
