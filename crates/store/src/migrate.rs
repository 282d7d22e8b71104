//! Embedded migrations, run at start-up. Each runs once, in a transaction, recorded in
//! `schema_migrations`; on PostgreSQL an advisory lock keeps two starting processes apart.

use sqlx::{AnyPool, Connection, Executor};

use crate::{Backend, Result};

/// (version, name, SQL). Append only: a released migration never changes.
const MIGRATIONS: &[(i64, &str, &str)] = &[(1, "people", include_str!("../migrations/0001_people.sql"))];

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    let mut conn = pool.acquire().await?;
    if backend == Backend::Postgres {
        conn.execute("SELECT pg_advisory_lock(7245001)").await?;
    }
    let result = async {
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
        for (version, name, sql) in MIGRATIONS {
            let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_one(&mut *conn)
                .await?;
            if done > 0 {
                continue;
            }
            tracing::info!(version, name, "applying migration");
            let mut tx = conn.begin().await?;
            tx.execute(sqlx::raw_sql(&backend.render_migration(sql))).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(jiff::Timestamp::now().as_millisecond())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }
    .await;
    if backend == Backend::Postgres {
        conn.execute("SELECT pg_advisory_unlock(7245001)").await?;
    }
    result
}
