//! goldthread's store: every SQL statement lives here, one module per capability, behind one API
//! that runs on SQLite (the default, one file) and on PostgreSQL (for more than one machine).
//!
//! Queries go through sqlx's `Any` driver with `$n` placeholders, which both backends accept.
//! The few places where the two dialects differ are in [`dialect`].

pub mod accounts;
mod catalogue;
mod dialect;
pub mod frameworks;
pub mod hub;
pub mod learning;
mod migrate;
pub mod people;
pub mod portfolio;
pub mod testing;
pub mod xapi;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use dialect::Backend;

/// Everything the store can fail with. A unique-constraint violation is its own variant so that
/// the web layer can turn it into a field error rather than a server error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("that {0} is already taken")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("the database URL is not usable: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Turns a unique violation into `Conflict(what)`, leaving other errors as they are.
    pub(crate) fn conflict_as(e: sqlx::Error, what: &str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_owned()),
            _ => StoreError::Database(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where statements are written: on SQLite one connection of its own, so that the pages it
    /// keeps in its cache stay valid from one batch to the next (a SQLite connection drops its
    /// whole cache when another connection has written); on PostgreSQL the shared pool.
    writer: AnyPool,
    backend: Backend,
    catalogue: std::sync::Arc<catalogue::Catalogue>,
    /// Months whose xapi_statements partition is known to exist (PostgreSQL).
    partitions: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
}

impl Store {
    /// Connects to `url` (`sqlite://FILE` or `postgres://...`), creating a SQLite file if absent.
    /// Does not migrate: call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)
            .ok_or_else(|| StoreError::BadUrl("use sqlite://FILE or postgres://USER@HOST/DATABASE".to_owned()))?;
        let url = backend.normalise_url(url);
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::BadUrl(e.to_string()))?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(1));
        let pool_of = |connections: u32| {
            AnyPoolOptions::new().max_connections(connections).acquire_timeout(Duration::from_secs(10)).after_connect(
                move |conn, _| {
                    Box::pin(async move {
                        for pragma in backend.connection_setup() {
                            conn.execute(*pragma).await?;
                        }
                        Ok(())
                    })
                },
            )
        };
        let pool = pool_of(backend.max_connections()).connect_with(options.clone()).await?;
        let writer = match backend {
            // Opened on first use, after the migrations: a connection open while they change the
            // schema can later be refused a write with SQLITE_BUSY.
            Backend::Sqlite => pool_of(1).connect_lazy_with(options),
            Backend::Postgres => pool.clone(),
        };
        Ok(Self { pool, writer, backend, catalogue: Default::default(), partitions: Default::default() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs the embedded migrations that have not yet run. Safe to call from several processes.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(&self.pool, self.backend).await?;
        self.convert_xapi_index().await?;
        self.fill_mbox_sha1sums().await
    }

    /// Answers whether the database is reachable.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Refreshes the planner's statistics (after a bulk load).
    pub async fn analyse(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Connections open and idle, for `/metrics`.
    pub fn pool_figures(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool statements are written through (see `writer`).
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// One page of a list: `count_sql` gives the total and `select_sql` the rows (this adds the
    /// page's LIMIT and OFFSET); both take the same `binds` as `$1`, `$2`, ... in order.
    pub(crate) async fn paged<T>(
        &self,
        count_sql: &str,
        select_sql: &str,
        binds: &[String],
        page: domain::paging::PageRequest,
        decode: impl Fn(&sqlx::any::AnyRow) -> Result<T>,
    ) -> Result<domain::paging::Page<T>> {
        let mut count = sqlx::query_scalar::<_, i64>(count_sql);
        for b in binds {
            count = count.bind(b);
        }
        let total = count.fetch_one(&self.pool).await?;
        let sql = format!("{select_sql} LIMIT {} OFFSET {}", page.per_page(), page.offset());
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let items = rows.iter().map(decode).collect::<Result<_>>()?;
        Ok(domain::paging::Page::new(items, page, u64::try_from(total).unwrap_or(0)))
    }
}

/// Unix milliseconds from a timestamp, as stored.
pub(crate) fn millis(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

pub(crate) fn from_millis(ms: i64) -> Result<jiff::Timestamp> {
    jiff::Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Reads a text column holding an id.
pub(crate) fn id_of<T: FromStr>(row: &sqlx::any::AnyRow, col: &str) -> Result<T> {
    let s: String = sqlx::Row::try_get(row, col)?;
    s.parse().map_err(|_| StoreError::Corrupt(format!("{col} is not an id")))
}
