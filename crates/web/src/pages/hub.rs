//! The knowledge hub: topics and case studies (being written).

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
