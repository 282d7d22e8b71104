use std::sync::Arc;

use store::Store;

use crate::mail::Mailer;
use crate::Config;

/// What every handler can reach. Holds nothing that matters between requests: sessions and the
/// rest live in the database, so several servers can share one.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub mailer: Mailer,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> anyhow::Result<Self> {
        let mailer = Mailer::new(config.smtp_url.as_deref(), &config.mail_from)?;
        Ok(Self { store, config: Arc::new(config), mailer })
    }
}
