//! The NHS.UK frontend's published CSS, JS and images, compiled into the binary, and our own
//! small script. Served with long cache lifetimes: file names carry the frontend's version.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

macro_rules! nhsuk {
    ($path:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../node_modules/nhsuk-frontend/dist/nhsuk/", $path))
    };
}

/// (name served under /assets/, content type, bytes)
const FILES: &[(&str, &str, &[u8])] = &[
    ("nhsuk-frontend.min.css", "text/css; charset=utf-8", nhsuk!("nhsuk-frontend.min.css")),
    ("nhsuk-frontend.min.js", "text/javascript; charset=utf-8", nhsuk!("nhsuk-frontend.min.js")),
    ("images/favicon.ico", "image/x-icon", nhsuk!("assets/images/favicon.ico")),
    ("images/favicon.svg", "image/svg+xml", nhsuk!("assets/images/favicon.svg")),
    ("images/nhsuk-icon-180.png", "image/png", nhsuk!("assets/images/nhsuk-icon-180.png")),
    ("goldthread.js", "text/javascript; charset=utf-8", include_bytes!("../assets/goldthread.js")),
    ("goldthread.css", "text/css; charset=utf-8", include_bytes!("../assets/goldthread.css")),
];

async fn asset(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=86400")], *bytes)
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(asset))
}
