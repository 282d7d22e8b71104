//! Embedded migrations, run at start-up. Each runs once, in a transaction, recorded in
//! `schema_migrations`; on PostgreSQL an advisory lock keeps two starting processes apart.

use sqlx::{AnyPool, Connection, Executor};

use crate::{Backend, Result};

/// One migration: SQL for both backends, then SQL for one backend only.
struct Migration {
    version: i64,
    name: &'static str,
    both: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Append only: a released migration never changes.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "people",
        both: include_str!("../migrations/0001_people.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 2,
        name: "learning",
        both: include_str!("../migrations/0002_learning.sql"),
        sqlite: include_str!("../migrations/0002_learning.sqlite.sql"),
        postgres: include_str!("../migrations/0002_learning.postgres.sql"),
    },
    Migration {
        version: 3,
        name: "portfolio",
        both: include_str!("../migrations/0003_portfolio.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "hub",
        both: include_str!("../migrations/0004_hub.sql"),
        sqlite: include_str!("../migrations/0004_hub.sqlite.sql"),
        postgres: include_str!("../migrations/0004_hub.postgres.sql"),
    },
    Migration {
        version: 5,
        name: "catalogue index",
        both: include_str!("../migrations/0005_catalogue_index.sql"),
        sqlite: include_str!("../migrations/0005_catalogue_index.sqlite.sql"),
        postgres: include_str!("../migrations/0005_catalogue_index.postgres.sql"),
    },
    Migration {
        version: 6,
        name: "xapi",
        both: include_str!("../migrations/0006_xapi.sql"),
        sqlite: include_str!("../migrations/0006_xapi.sqlite.sql"),
        postgres: include_str!("../migrations/0006_xapi.postgres.sql"),
    },
    Migration {
        version: 7,
        name: "frameworks",
        both: include_str!("../migrations/0007_frameworks.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "xapi terms",
        both: include_str!("../migrations/0008_xapi_terms.sql"),
        sqlite: include_str!("../migrations/0008_xapi_terms.sqlite.sql"),
        postgres: include_str!("../migrations/0008_xapi_terms.postgres.sql"),
    },
    Migration {
        version: 9,
        name: "xapi postings covering",
        both: "",
        sqlite: "",
        postgres: include_str!("../migrations/0009_xapi_postings_covering.postgres.sql"),
    },
    Migration {
        version: 10,
        name: "xapi fewer indexes",
        both: include_str!("../migrations/0010_xapi_fewer_indexes.sql"),
        sqlite: include_str!("../migrations/0010_xapi_fewer_indexes.sqlite.sql"),
        postgres: include_str!("../migrations/0010_xapi_fewer_indexes.postgres.sql"),
    },
    Migration {
        version: 11,
        name: "xapi term index",
        both: "",
        sqlite: include_str!("../migrations/0011_xapi_term_index.sqlite.sql"),
        postgres: "",
    },
    Migration {
        version: 12,
        name: "xapi postings queued",
        both: "",
        sqlite: "",
        postgres: include_str!("../migrations/0012_xapi_postings_queued.postgres.sql"),
    },
    Migration {
        version: 13,
        name: "xapi terms crisismerge",
        both: "",
        sqlite: include_str!("../migrations/0013_xapi_terms_crisismerge.sqlite.sql"),
        postgres: "",
    },
];

/// Applies the migrations not yet applied.
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
        for Migration { version, name, both, sqlite, postgres } in MIGRATIONS {
            let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_one(&mut *conn)
                .await?;
            if done > 0 {
                continue;
            }
            tracing::info!(version, name, "applying migration");
            let mut tx = conn.begin().await?;
            let own = match backend {
                Backend::Sqlite => sqlite,
                Backend::Postgres => postgres,
            };
            tx.execute(sqlx::raw_sql(&backend.render_migration(&format!("{both}\n{own}")))).await?;
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
