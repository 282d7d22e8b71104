//! goldthread's web layer: pages, the JSON API and the operations endpoints over one axum
//! router. Handlers are thin: they parse input, ask the domain and the store, and render.

pub mod api;
mod assets;
pub mod auth;
mod charts;
mod charts_360;
mod error;
pub mod import;
mod mail;
mod middleware;
mod ops;
mod pages;
mod pdf;
mod state;
mod xapi;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use store::Store;

pub use auth::{hash_password, issue_api_token, new_password};
pub use state::AppState;
pub use xapi::record::backfill_entry_statements;
pub use xapi::{erase_agent, issue_lrs_credentials, Erased};

/// Settings for the web server. Each comes from a flag or a `GOLDTHREAD_*` variable in the binary.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where people reach the server, without a trailing slash; used in emailed links.
    pub base_url: String,
    /// SMTP server for outgoing mail; without one, mail goes to the log.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Mark cookies Secure (behind TLS).
    pub secure_cookies: bool,
    /// The largest request body accepted (uploads included).
    pub max_body_bytes: usize,
    /// How long a request may take before it is answered with 503.
    pub request_timeout: Duration,
    /// How long a session lasts without signing in again.
    pub session_lifetime: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            base_url: "http://127.0.0.1:8080".to_owned(),
            smtp_url: None,
            mail_from: "goldthread <no-reply@goldthread.invalid>".to_owned(),
            secure_cookies: false,
            max_body_bytes: 20 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            session_lifetime: Duration::from_secs(12 * 3600),
        }
    }
}

/// Builds the whole application: every route and every middleware, as the server runs it.
pub fn app(store: Store, config: Config) -> anyhow::Result<Router> {
    let limit = config.max_body_bytes;
    let state = AppState::new(store, config)?;
    let routed = middleware::wrap(
        Router::new()
            .merge(pages::routes())
            .nest("/api", api::routes())
            .nest("/xapi", xapi::routes())
            .merge(ops::routes())
            .merge(assets::routes())
            .fallback(pages::not_found),
        state.clone(),
    )
    .with_state(state);
    // The xAPI alternate request syntax changes a request's method, so it must come before
    // routing; the version header goes on every /xapi response, refusals by the outer layers too.
    let outer = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(move |request, next| xapi::before_routing(limit, request, next)))
        .service(routed);
    Ok(Router::new().fallback_service(outer))
}

/// Serves the application on `listener` until `shutdown` resolves, then lets requests in flight
/// finish. Tests start the app this way too, on port 0.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if config.smtp_url.is_none() {
        tracing::warn!("no SMTP server is set (--smtp-url / GOLDTHREAD_SMTP_URL): outgoing mail will be written to the log instead of sent");
    }
    let router = app(store, config)?;
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
