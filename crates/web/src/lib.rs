//! goldthread's web layer: pages, the JSON API and the operations endpoints over one axum router.

pub mod auth;
