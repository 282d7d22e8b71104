//! Frameworks, self-assessment, 360° feedback and the development plan: the pages.

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
