//! The xAPI 1.0.3 Learning Record Store under `/xapi/`.

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
