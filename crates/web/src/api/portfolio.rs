//! API for the portfolio: the record as pdf and json, and sharing it by link (being written).

use axum::Router;
use utoipa::OpenApi;

use crate::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi()]
pub struct PortfolioApi;

pub fn routes() -> Router<AppState> {
    Router::new()
}
