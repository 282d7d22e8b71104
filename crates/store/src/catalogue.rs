//! Catalogue search through the in-memory index ([`domain::learning::CatalogueIndex`]).
//!
//! The resources table is the truth. Each write to the catalogue takes the next catalogue version
//! (one per transaction) and stamps the resources it wrote with it. Before each search, a server
//! reads the current version (one small query); if it is newer than its index, it reads just the
//! resources stamped since and folds them in. Servers sharing a database therefore never answer
//! from a stale catalogue, and a restarted server rebuilds its index on its first search.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use domain::ids::ResourceId;
use domain::learning::{CatalogueDoc, CatalogueIndex, EstimatedMinutes, ResourceFilter};
use domain::paging::{Page, PageRequest};
use sqlx::{Any, Row, Transaction};

use crate::learning::ResourceSummary;
use crate::{id_of, Result, Store, StoreError};

/// One server's index and the catalogue version it reflects.
#[derive(Debug, Default)]
pub(crate) struct Catalogue {
    state: RwLock<Indexed>,
    /// Held while reading changes from the database, so that concurrent searches after a change
    /// read it once.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Indexed {
    version: i64,
    index: Arc<CatalogueIndex>,
}

impl Default for Indexed {
    fn default() -> Self {
        Self { version: -1, index: Arc::new(CatalogueIndex::new()) }
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("resource {what}"))
}

impl Store {
    /// Takes the next catalogue version for a transaction that writes resources.
    pub(crate) async fn next_catalogue_version(tx: &mut Transaction<'_, Any>) -> Result<i64> {
        Ok(sqlx::query_scalar("UPDATE catalogue_version SET version = version + 1 WHERE id = 1 RETURNING version")
            .fetch_one(&mut **tx)
            .await?)
    }

    /// The index, brought up to the database's catalogue version.
    async fn catalogue_index(&self) -> Result<Arc<CatalogueIndex>> {
        let current: i64 =
            sqlx::query_scalar("SELECT version FROM catalogue_version WHERE id = 1").fetch_one(self.pool()).await?;
        let (version, index) = self.read_catalogue(|i| (i.version, i.index.clone()));
        if version >= current {
            return Ok(index);
        }
        drop(index);
        let _one_at_a_time = self.catalogue.refreshing.lock().await;
        let since = self.read_catalogue(|i| i.version);
        if since >= current {
            return Ok(self.read_catalogue(|i| i.index.clone()));
        }
        let (version, changed) = self.resources_changed_since(since).await?;
        let mut state = self.catalogue.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A search still running on the old index keeps it; the index is copied only then.
        let index = Arc::make_mut(&mut state.index);
        for doc in changed {
            index.upsert(doc);
        }
        state.version = version;
        Ok(state.index.clone())
    }

    fn read_catalogue<T>(&self, f: impl FnOnce(&Indexed) -> T) -> T {
        f(&self.catalogue.state.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// The catalogue version and the resources stamped after `version`, read from one snapshot.
    async fn resources_changed_since(&self, version: i64) -> Result<(i64, Vec<CatalogueDoc>)> {
        // Reads only: a deferred transaction, so it does not take SQLite's write lock.
        let mut tx = self.pool().begin().await?;
        if let Some(sql) = self.backend.snapshot_reads() {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        let now: i64 =
            sqlx::query_scalar("SELECT version FROM catalogue_version WHERE id = 1").fetch_one(&mut *tx).await?;
        let rows = sqlx::query(
            "SELECT id, title, summary, kind, estimated_minutes, publisher, retired_at FROM resources WHERE indexed_version > $1",
        )
        .bind(version)
        .fetch_all(&mut *tx)
        .await?;
        let mut docs = Vec::with_capacity(rows.len());
        let mut slot: HashMap<ResourceId, usize> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: ResourceId = id_of(row, "id")?;
            let minutes: i64 = row.try_get("estimated_minutes")?;
            slot.insert(id, docs.len());
            docs.push(CatalogueDoc {
                id,
                title: row.try_get("title")?,
                summary: row.try_get("summary")?,
                kind: row.try_get::<String, _>("kind")?.parse().map_err(|_| corrupt("kind"))?,
                estimated: EstimatedMinutes::new(u32::try_from(minutes).unwrap_or(0))
                    .map_err(|_| corrupt("minutes"))?,
                publisher: row.try_get("publisher")?,
                levels: Vec::new(),
                sectors: Vec::new(),
                behaviours: Vec::new(),
                retired: row.try_get::<Option<i64>, _>("retired_at")?.is_some(),
            });
        }
        for (table, column) in
            [("resource_levels", "level"), ("resource_sectors", "sector"), ("resource_behaviours", "behaviour")]
        {
            let sql = format!(
                "SELECT x.resource_id, x.{column} FROM {table} x JOIN resources r ON r.id = x.resource_id WHERE r.indexed_version > $1"
            );
            for row in sqlx::query(&sql).bind(version).fetch_all(&mut *tx).await? {
                let id: ResourceId = id_of(&row, "resource_id")?;
                let value: String = row.try_get(column)?;
                let Some(doc) = slot.get(&id).map(|&i| &mut docs[i]) else { continue };
                match column {
                    "level" => doc.levels.push(value.parse().map_err(|_| corrupt("level"))?),
                    "sector" => doc.sectors.push(value.parse().map_err(|_| corrupt("sector"))?),
                    _ => doc.behaviours.push(value),
                }
            }
        }
        tx.commit().await?;
        Ok((now, docs))
    }

    /// Searches the catalogue: ranked full-text matches on title and summary (titles weigh
    /// more; every word must match, the last also as a prefix), filtered, paged. Without search
    /// words, resources come by title.
    pub async fn search_resources(&self, filter: &ResourceFilter, page: PageRequest) -> Result<Page<ResourceSummary>> {
        let index = self.catalogue_index().await?;
        let hits = index.search(filter, page.offset() as usize, page.per_page() as usize);
        let items = hits
            .docs
            .into_iter()
            .map(|d| ResourceSummary {
                id: d.id,
                title: d.title.clone(),
                summary: d.summary.clone(),
                kind: d.kind,
                estimated: d.estimated,
                publisher: d.publisher.clone(),
            })
            .collect();
        Ok(Page::new(items, page, hits.total))
    }
}
