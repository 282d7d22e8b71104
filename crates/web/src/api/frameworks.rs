//! Frameworks, assessments, 360° feedback and plans in the JSON API.

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
