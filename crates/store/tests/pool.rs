//! The store's connection pool when the database server drops its connections (a restart, say).

use goldthread_store::testing::{postgres_admin_url, TestDb};
use goldthread_store::Backend;
use sqlx::{Connection, Executor};

/// Connections are not pinged before each use (see `Store::connect`), so a query may meet a
/// connection the server has closed; that connection must then be dropped, not handed out again,
/// and the others open at the time are pinged before their next use.
#[tokio::test]
async fn after_postgresql_drops_every_connection_the_store_recovers_within_a_few_queries() {
    let Some(db) = TestDb::new(Backend::Postgres).await else { return };
    let store = &db.store;
    // Several connections open at once, so that several are dropped.
    let counts = futures_join(store).await;
    assert!(counts.iter().all(Result::is_ok));
    let name = db.url.rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
    let mut admin = sqlx::PgConnection::connect(&postgres_admin_url()).await.unwrap();
    let dropped: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(!dropped.is_empty(), "the store had connections open");
    admin.execute("SELECT 1").await.unwrap();
    // The first query may meet a dropped connection and fail; the others dropped are found by
    // a ping before they are used, and every query after that succeeds.
    let mut failures = 0;
    let mut in_a_row = 0;
    for _ in 0..(dropped.len() + 20) {
        match store.erasure_count().await {
            Ok(_) => in_a_row += 1,
            Err(_) => {
                failures += 1;
                in_a_row = 0;
            }
        }
    }
    assert!(failures <= 1, "{failures} failed queries for {} dropped connections", dropped.len());
    assert!(in_a_row >= 20, "the last 20 queries succeeded ({in_a_row} in a row)");
    db.finish().await;
}

/// Four queries at once.
async fn futures_join(store: &goldthread_store::Store) -> Vec<goldthread_store::Result<u64>> {
    let (a, b, c, d) =
        tokio::join!(store.erasure_count(), store.erasure_count(), store.erasure_count(), store.erasure_count());
    vec![a, b, c, d]
}
