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
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

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
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        lost::note(&e);
        StoreError::Database(e)
    }
}

impl StoreError {
    /// Turns a unique violation into `Conflict(what)`, leaving other errors as they are.
    pub(crate) fn conflict_as(e: sqlx::Error, what: &str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_owned()),
            _ => StoreError::from(e),
        }
    }
}

/// Connections the database server has closed (a restart, say). A pooled connection is not
/// pinged before each use (see `Store::connect`), so the first query after a restart meets a
/// closed one and fails, and sqlx drops that connection. Without more, every other connection
/// idle in the pool would fail one query in turn. So the first failure is noted here, and every
/// connection released to the pool before it is pinged before it is handed out again.
mod lost {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    use std::time::Instant;

    /// When a connection was last found closed, in microseconds after [`start`] (0: never).
    static AT: AtomicU64 = AtomicU64::new(0);

    fn start() -> Instant {
        static START: OnceLock<Instant> = OnceLock::new();
        *START.get_or_init(Instant::now)
    }

    /// Whether an error says the server closed the connection: it could not be read or written,
    /// or PostgreSQL ended the session (shutting down, crashed, or terminated by an admin).
    fn closed(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Io(_) => true,
            sqlx::Error::Database(db) => db.code().is_some_and(|c| matches!(c.as_ref(), "57P01" | "57P02" | "57P03")),
            _ => false,
        }
    }

    pub(super) fn note(e: &sqlx::Error) {
        if closed(e) {
            let micros = u64::try_from(start().elapsed().as_micros()).unwrap_or(u64::MAX).max(1);
            AT.fetch_max(micros, Ordering::Relaxed);
        }
    }

    /// Whether a connection released to the pool `idle_for` ago was released before a closed
    /// connection was last found.
    pub(super) fn since_released(idle_for: std::time::Duration) -> bool {
        let at = AT.load(Ordering::Relaxed);
        if at == 0 {
            return false;
        }
        let released = start().elapsed().saturating_sub(idle_for);
        u128::from(at) >= released.as_micros()
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How often the SQLite checkpointer copies the write-ahead log into the database. Each
/// checkpoint ends with a sync of the database file, which a commit's sync of the log can queue
/// behind: over 100,000 statements, a single-statement POST took 5.3 ms at p99 with a checkpoint
/// every 100 ms, 4.6 ms every 250 ms and 1.7 ms every second.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// A pooled connection unused for this long is pinged before it is handed out again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// Past this many pages (256 MiB) of log, the checkpointer makes writers wait while it copies
/// the rest, so that the log starts again from its beginning. Without that, a steady stream of
/// writes would keep the log growing: a passive checkpoint never catches up with a writer that
/// never pauses.
const RESTART_LOG_PAGES: i64 = 65_536;

/// SQLite's checkpoints, away from requests: every connection runs with
/// `wal_autocheckpoint = 0`, so no commit pays for copying the log into the database (with the
/// default, the commit that crossed 1,000 pages did, a few milliseconds every few hundred single
/// statements). Each tick copies what it can without waiting for anyone (PASSIVE); once the log
/// is over [`RESTART_LOG_PAGES`], it waits for the writer (RESTART). Ends when the pool closes.
async fn checkpoint_in_background(pool: AnyPool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        let passive = sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&pool).await;
        let outcome = match passive {
            Ok((_, log, _)) if log > RESTART_LOG_PAGES => {
                sqlx::query("PRAGMA wal_checkpoint(RESTART)").execute(&pool).await.map(|_| ())
            }
            other => other.map(|_| ()),
        };
        match outcome {
            Err(_) if pool.is_closed() => return,
            Err(e) => tracing::warn!(error = %e, "SQLite checkpoint failed; trying again"),
            Ok(()) => {}
        }
    }
}

/// How often the SQLite term merger looks for segments of the term index to merge.
const MERGE_TERMS_EVERY: Duration = Duration::from_millis(100);

/// SQLite's term index (`xapi_terms`, migration 11) merged away from requests: the table is set
/// not to merge in the transactions that write it, so each tick merges segments here, a small
/// amount of work per transaction (see [`Store::merge_terms`]), for as long as there is work,
/// letting the requests waiting for the writer go between. Ends when the pool closes.
async fn merge_terms_in_background(writer: AnyPool) {
    let mut tick = tokio::time::interval(MERGE_TERMS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            if writer.is_closed() {
                return;
            }
            match xapi::merge_term_index(&writer).await {
                Ok(true) => tokio::task::yield_now().await,
                Ok(false) => break,
                Err(_) if writer.is_closed() => return,
                Err(e) => {
                    tracing::warn!(error = %e, "merging the SQLite term index failed; trying again");
                    break;
                }
            }
        }
    }
}

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// Where statements are written: on SQLite one connection of its own, so that the pages it
    /// keeps in its cache stay valid from one batch to the next (a SQLite connection drops its
    /// whole cache when another connection has written); on PostgreSQL the shared pool.
    writer: AnyPool,
    /// SQLite: the connection that copies the write-ahead log into the database.
    checkpointer: Option<AnyPool>,
    backend: Backend,
    catalogue: std::sync::Arc<catalogue::Catalogue>,
    /// Months whose xapi_statements partition is known to exist (PostgreSQL).
    partitions: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
    /// What the LRS has written before, so that a batch need not look it up again.
    known: std::sync::Arc<xapi::Known>,
    /// SQLite: whether this store's term merger has been started (by its first migration).
    merging: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// PostgreSQL: writes the postings of the batches written, after each (see `xapi::terms`).
    postings: std::sync::Arc<xapi::PostingsWriter>,
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
            AnyPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(10))
                // sqlx pings a connection at every acquire by default: a round trip before every
                // query or transaction. Only one idle for a while is checked (the server may have
                // closed it), or one released before another was found closed (see `lost`); one
                // that fails is closed and another taken.
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for < PING_AFTER_IDLE && !lost::since_released(meta.idle_for) {
                            return Ok(true);
                        }
                        Ok(conn.ping().await.is_ok())
                    })
                })
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        for pragma in backend.connection_setup() {
                            conn.execute(*pragma).await?;
                        }
                        Ok(())
                    })
                })
        };
        let pool = pool_of(backend.max_connections()).connect_with(options.clone()).await?;
        let (writer, checkpointer) = match backend {
            // Both opened on first use.
            Backend::Sqlite => {
                let checkpointer = pool_of(1).connect_lazy_with(options.clone());
                tokio::spawn(checkpoint_in_background(checkpointer.clone()));
                (pool_of(1).connect_lazy_with(options), Some(checkpointer))
            }
            Backend::Postgres => (pool.clone(), None),
        };
        Ok(Self {
            pool,
            writer,
            checkpointer,
            backend,
            catalogue: Default::default(),
            partitions: Default::default(),
            known: Default::default(),
            merging: Default::default(),
            postings: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs the embedded migrations that have not yet run. Safe to call from several processes.
    /// On SQLite, then starts the term merger (once per store), which needs the term index.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(&self.pool, self.backend).await?;
        self.convert_xapi_index().await?;
        self.fill_mbox_sha1sums().await?;
        if self.backend == Backend::Sqlite && !self.merging.swap(true, std::sync::atomic::Ordering::SeqCst) {
            tokio::spawn(merge_terms_in_background(self.writer.clone()));
        }
        Ok(())
    }

    /// Answers whether the database is reachable.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// What autovacuum does in time, done now (after a bulk load): refreshes the planner's
    /// statistics and, on PostgreSQL, the visibility map that lets a walk of an index skip the
    /// table (see migration 9).
    pub async fn analyse(&self) -> Result<()> {
        sqlx::query(self.backend.vacuum_analyse()).execute(&self.pool).await?;
        Ok(())
    }

    /// Connections open and idle, for `/metrics`.
    pub fn pool_figures(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    pub async fn close(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.close().await;
        }
        self.writer.close().await;
        self.pool.close().await;
        self.postings.stop();
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Opens a transaction that writes, on the shared pool (see [`Backend::begin_write`]).
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(self.pool.begin_with(self.backend.begin_write()).await?)
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::testing::TestDb;

    /// SQLite-only: a merge of the term index commits without a sync of its own, and leaves the
    /// writer syncing every commit of statements as before.
    #[tokio::test]
    async fn sqlite_writer_syncs_every_commit_again_after_a_merge() {
        let db = TestDb::sqlite().await;
        let synchronous = || async {
            sqlx::query_scalar::<_, i64>("PRAGMA synchronous").fetch_one(db.store.writer()).await.expect("pragma")
        };
        assert_eq!(synchronous().await, 2, "FULL before");
        crate::xapi::merge_term_index(db.store.writer()).await.expect("merge");
        assert_eq!(synchronous().await, 2, "FULL after a merge");
        db.finish().await;
    }

    /// SQLite-only: no commit checkpoints (`wal_autocheckpoint = 0`), so what reaches the database
    /// file was copied there by the background checkpointer.
    #[tokio::test]
    async fn sqlite_log_is_copied_into_the_database_in_the_background() {
        let db = TestDb::sqlite().await;
        let file = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
        let before = std::fs::metadata(&file).expect("the database file exists").len();
        sqlx::query("CREATE TABLE filler (x BLOB)").execute(db.store.pool()).await.expect("create");
        for _ in 0..20 {
            sqlx::query(
                "INSERT INTO filler (x) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) \
                 SELECT randomblob(1024) FROM n",
            )
            .execute(db.store.pool())
            .await
            .expect("insert");
        }
        let autocheckpoint: i64 =
            sqlx::query_scalar("PRAGMA wal_autocheckpoint").fetch_one(db.store.pool()).await.expect("pragma");
        assert_eq!(autocheckpoint, 0, "commits leave the log to the checkpointer");
        // 1,000 rows of 1 KiB: about 1 MiB that only a checkpoint moves into the file.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let now = std::fs::metadata(&file).expect("the database file exists").len();
            if now > before + 1_000_000 {
                break;
            }
            assert!(Instant::now() < deadline, "the database file stayed at {now} bytes (from {before})");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let rows: i64 =
            sqlx::query_scalar("SELECT count(*) FROM filler").fetch_one(db.store.pool()).await.expect("count");
        assert_eq!(rows, 1000);
        db.finish().await;
    }
}
