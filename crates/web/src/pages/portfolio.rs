//! The portfolio: the record as PDF and JSON, and sharing it by link (being written).

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
