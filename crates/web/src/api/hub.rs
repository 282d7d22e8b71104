//! API for the knowledge hub: topics and case studies (being written).

use axum::Router;
use utoipa::OpenApi;

use crate::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi()]
pub struct HubApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}
