//! Fresh databases for tests, on both backends.
//!
//! SQLite gets a new file in a temporary directory. PostgreSQL gets a new database on the server
//! named by `GOLDTHREAD_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`),
//! dropped when the test ends. When that server does not answer, a test under `CI=true` fails;
//! elsewhere it says loudly that the PostgreSQL half was skipped.

use std::path::PathBuf;

use sqlx::{Connection, Executor};
use uuid::Uuid;

use crate::{Backend, Store};

pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database made for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

/// The PostgreSQL server tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("GOLDTHREAD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.to_owned())
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestDb {
    /// A new, migrated database of the given backend, or `None` when PostgreSQL is unreachable
    /// outside CI (after saying so).
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite().await),
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("goldthread-test-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("the temporary directory is writable");
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let store = Store::connect(&url).await.expect("a new SQLite file opens");
        store.migrate().await.expect("migrations run on SQLite");
        Self { store, url, cleanup: Cleanup::File(dir) }
    }

    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_admin_url();
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL at {admin_url} is required under CI=true and did not answer: {e}");
                }
                eprintln!(
                    "\n!!! POSTGRESQL SKIPPED: no server at {admin_url} ({e}); this test ran on SQLite only !!!\n"
                );
                return None;
            }
        };
        let name = format!("goldthread_test_{}", Uuid::new_v4().simple());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("the test server lets us create databases");
        let url = replace_database(&admin_url, &name);
        let store = Store::connect(&url).await.expect("the new PostgreSQL database opens");
        store.migrate().await.expect("migrations run on PostgreSQL");
        Some(Self { store, url, cleanup: Cleanup::Database { admin_url, name } })
    }

    /// Closes and removes the database. Called at the end of a passing test; a failing test
    /// leaves its database behind to look at.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
                }
            }
        }
    }
}

/// Runs one test body against a fresh SQLite database and a fresh PostgreSQL database, as two
/// tests named `NAME::sqlite` and `NAME::postgres`. The body is an async block that receives a
/// [`TestDb`] by reference.
#[macro_export]
macro_rules! backend_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: &$crate::testing::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::new($crate::Backend::Sqlite).await.expect("SQLite is always there");
                body(&db).await;
                db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::testing::TestDb::new($crate::Backend::Postgres).await else { return };
                body(&db).await;
                db.finish().await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(replace_database("postgres://u@h/db?sslmode=disable", "t1"), "postgres://u@h/t1?sslmode=disable");
        assert_eq!(replace_database("postgres://u@h", "t1"), "postgres://u@h/t1");
    }
}
