//! The learning catalogue (resources, search, ratings), the recording timer, and the learning
//! record (entries, their history, evidence files).

use domain::ids::{EntryId, OrganisationId, PersonId, ResourceId};
use domain::learning::{Activity, EstimatedMinutes, LearningKind, Reflection, ResourceKind, Summary, TimeSpent, Title};
use domain::paging::{Page, PageRequest};
use domain::people::{Level, Sector};
use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::people::person_id;
use crate::{from_millis, id_of, millis, Result, Store, StoreError};

/// What a resource is, as an admin or an import describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFields {
    pub title: Title,
    pub summary: Summary,
    pub kind: ResourceKind,
    pub url: Option<String>,
    pub body: Option<String>,
    pub estimated: EstimatedMinutes,
    pub levels: Vec<Level>,
    pub sectors: Vec<Sector>,
    pub behaviours: Vec<String>,
    pub publisher: Option<String>,
    pub review_on: Option<Date>,
}

/// A resource as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: ResourceId,
    pub fields: ResourceFields,
    pub retired: bool,
    pub rating: Option<f64>,
    pub ratings: u64,
}

/// A resource in a list of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSummary {
    pub id: ResourceId,
    pub title: String,
    pub summary: String,
    pub kind: ResourceKind,
    pub estimated: EstimatedMinutes,
    pub publisher: Option<String>,
}

pub use domain::learning::ResourceFilter;

/// A learner's rating and review of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub person: PersonId,
    pub name: String,
    pub stars: u8,
    pub review: Option<String>,
    pub rated_at: Timestamp,
}

/// What an entry in the learning record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields {
    pub title: Title,
    pub activity: Activity,
    pub kind: LearningKind,
    pub occurred_on: Date,
    pub time: TimeSpent,
    pub reflection: Reflection,
    pub behaviours: Vec<String>,
    pub resource: Option<ResourceId>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub person: PersonId,
    pub fields: EntryFields,
    pub hidden: bool,
    pub organisation: Option<String>,
    pub has_evidence: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One change in an entry's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryChange {
    pub change: String,
    pub snapshot: Option<String>,
    pub changed_at: Timestamp,
}

/// An evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

fn corrupt(what: &str) -> impl Fn(String) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

fn split_tags(s: &str) -> Vec<String> {
    s.split('|').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Behaviour tags: trimmed, lower case, no `|`, de-duplicated, in order.
pub fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase().replace('|', " ");
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

pub(crate) const ENTRY_COLUMNS: &str = "e.id, e.person_id, e.resource_id, e.title, e.activity, e.learning_kind, e.occurred_on, e.minutes, e.learned, e.apply, \
     e.behaviours, e.hidden, e.created_at, e.updated_at, o.name AS organisation_name, \
     (SELECT COUNT(*) FROM learning_evidence v WHERE v.entry_id = e.id) AS evidence";

pub(crate) const ENTRY_FROM: &str = "learning_entries e LEFT JOIN organisations o ON o.id = e.organisation_id";

pub(crate) fn decode_entry(row: &AnyRow) -> Result<Entry> {
    let text = |c: &str| row.try_get::<String, _>(c);
    let minutes: i64 = row.try_get("minutes")?;
    Ok(Entry {
        id: id_of(row, "id")?,
        person: person_id(row, "person_id")?,
        fields: EntryFields {
            title: Title::parse(&text("title")?).map_err(|e| corrupt("title")(e.to_string()))?,
            activity: text("activity")?
                .parse()
                .map_err(|e: domain::people::UnknownCode| corrupt("activity")(e.to_string()))?,
            kind: text("learning_kind")?
                .parse()
                .map_err(|e: domain::people::UnknownCode| corrupt("kind")(e.to_string()))?,
            occurred_on: text("occurred_on")?.parse().map_err(|e: jiff::Error| corrupt("date")(e.to_string()))?,
            time: TimeSpent::minutes(minutes).map_err(|e| corrupt("minutes")(e.to_string()))?,
            reflection: Reflection::new(
                &text("learned")?,
                &row.try_get::<Option<String>, _>("apply")?.unwrap_or_default(),
            )
            .map_err(|e| corrupt("reflection")(e.to_string()))?,
            behaviours: split_tags(&text("behaviours")?),
            resource: row
                .try_get::<Option<String>, _>("resource_id")?
                .map(|s| s.parse())
                .transpose()
                .map_err(|_| corrupt("resource")("not an id".to_owned()))?,
        },
        hidden: row.try_get::<i64, _>("hidden")? != 0,
        organisation: row.try_get("organisation_name")?,
        has_evidence: row.try_get::<i64, _>("evidence")? > 0,
        created_at: from_millis(row.try_get("created_at")?)?,
        updated_at: from_millis(row.try_get("updated_at")?)?,
    })
}

fn snapshot(f: &EntryFields, hidden: bool) -> String {
    // A plain JSON object, written by hand to keep serde_json out of the store.
    let esc = |s: &str| {
        s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t")
    };
    format!(
        "{{\"title\":\"{}\",\"activity\":\"{}\",\"kind\":\"{}\",\"occurred_on\":\"{}\",\"minutes\":{},\"learned\":\"{}\",\"apply\":\"{}\",\"behaviours\":\"{}\",\"hidden\":{}}}",
        esc(f.title.as_str()),
        f.activity.code(),
        f.kind.code(),
        f.occurred_on,
        f.time.get(),
        esc(f.reflection.learned()),
        esc(f.reflection.apply().unwrap_or("")),
        esc(&f.behaviours.join("|")),
        hidden
    )
}

impl From<&domain::learning::import::ResourceRow> for ResourceFields {
    fn from(r: &domain::learning::import::ResourceRow) -> Self {
        let mut levels = r.levels.clone();
        levels.sort();
        levels.dedup();
        let mut sectors = r.sectors.clone();
        sectors.sort_by_key(|s| s.code());
        sectors.dedup();
        let mut behaviours = normalise_tags(&r.behaviours);
        behaviours.sort();
        Self {
            title: r.title.clone(),
            summary: r.summary.clone(),
            kind: r.kind,
            url: r.url.clone(),
            body: r.body.clone(),
            estimated: r.estimated,
            levels,
            sectors,
            behaviours,
            publisher: r.publisher.clone(),
            review_on: r.review_on,
        }
    }
}

impl Store {
    // ---------------------------------------------------------------- catalogue

    async fn write_resource_tags(tx: &mut Transaction<'_, Any>, id: ResourceId, f: &ResourceFields) -> Result<()> {
        for table in ["resource_levels", "resource_sectors", "resource_behaviours"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE resource_id = $1"))
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
        }
        let mut levels: Vec<&str> = f.levels.iter().map(|l| l.code()).collect();
        levels.sort_unstable();
        levels.dedup();
        for l in levels {
            sqlx::query("INSERT INTO resource_levels (resource_id, level) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(l)
                .execute(&mut **tx)
                .await?;
        }
        let mut sectors: Vec<&str> = f.sectors.iter().map(|s| s.code()).collect();
        sectors.sort_unstable();
        sectors.dedup();
        for s in sectors {
            sqlx::query("INSERT INTO resource_sectors (resource_id, sector) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(s)
                .execute(&mut **tx)
                .await?;
        }
        for b in normalise_tags(&f.behaviours) {
            sqlx::query("INSERT INTO resource_behaviours (resource_id, behaviour) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(b)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    async fn insert_resource(
        tx: &mut Transaction<'_, Any>,
        id: ResourceId,
        f: &ResourceFields,
        by: Option<PersonId>,
        now: Timestamp,
        version: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO resources (id, title, summary, kind, url, body, estimated_minutes, publisher, review_on, created_by, created_at, updated_at, indexed_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
        )
        .bind(id.to_string())
        .bind(f.title.as_str())
        .bind(f.summary.as_str())
        .bind(f.kind.code())
        .bind(f.url.clone())
        .bind(f.body.clone())
        .bind(i64::from(f.estimated.get()))
        .bind(f.publisher.clone())
        .bind(f.review_on.map(|d| d.to_string()))
        .bind(by.map(|p| p.to_string()))
        .bind(millis(now))
        .bind(version)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "resource"))?;
        Self::write_resource_tags(tx, id, f).await
    }

    pub async fn create_resource(
        &self,
        id: ResourceId,
        fields: &ResourceFields,
        by: Option<PersonId>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let version = Self::next_catalogue_version(&mut tx).await?;
        Self::insert_resource(&mut tx, id, fields, by, now, version).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds many resources in one transaction (imports and the demo).
    pub async fn load_resources(
        &self,
        resources: &[(ResourceId, ResourceFields)],
        by: Option<PersonId>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let version = Self::next_catalogue_version(&mut tx).await?;
        for (id, f) in resources {
            Self::insert_resource(&mut tx, *id, f, by, now, version).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Imports resources in one transaction: each is matched to a stored one by its web address,
    /// or by its title when it has none; a match is updated if anything differs, otherwise left.
    pub async fn import_resources(
        &self,
        rows: &[ResourceFields],
        by: Option<PersonId>,
        mut new_id: impl FnMut() -> ResourceId,
        now: Timestamp,
    ) -> Result<crate::people::ImportCounts> {
        let mut counts = crate::people::ImportCounts::default();
        let mut tx = self.begin().await?;
        let version = Self::next_catalogue_version(&mut tx).await?;
        for f in rows {
            let found: Option<String> =
                match &f.url {
                    Some(u) => {
                        sqlx::query_scalar("SELECT id FROM resources WHERE url = $1 ORDER BY created_at LIMIT 1")
                            .bind(u.clone())
                            .fetch_optional(&mut *tx)
                            .await?
                    }
                    None => sqlx::query_scalar(
                        "SELECT id FROM resources WHERE LOWER(title) = $1 AND url IS NULL ORDER BY created_at LIMIT 1",
                    )
                    .bind(f.title.as_str().to_lowercase())
                    .fetch_optional(&mut *tx)
                    .await?,
                };
            match found {
                None => {
                    Self::insert_resource(&mut tx, new_id(), f, by, now, version).await?;
                    counts.created += 1;
                }
                Some(id) => {
                    let id: ResourceId = id.parse().map_err(|_| StoreError::Corrupt("resource id".to_owned()))?;
                    if Self::resource_fields_in(&mut tx, id).await?.as_ref() == Some(f) {
                        counts.unchanged += 1;
                    } else {
                        Self::overwrite_resource(&mut tx, id, f, now, version).await?;
                        counts.updated += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    async fn resource_fields_in(tx: &mut Transaction<'_, Any>, id: ResourceId) -> Result<Option<ResourceFields>> {
        let row = sqlx::query("SELECT title, summary, kind, url, body, estimated_minutes, publisher, review_on FROM resources WHERE id = $1").bind(id.to_string()).fetch_optional(&mut **tx).await?;
        let Some(row) = row else { return Ok(None) };
        let mut tags = Vec::new();
        for sql in [
            "SELECT level FROM resource_levels WHERE resource_id = $1 ORDER BY level",
            "SELECT sector FROM resource_sectors WHERE resource_id = $1 ORDER BY sector",
            "SELECT behaviour FROM resource_behaviours WHERE resource_id = $1 ORDER BY behaviour",
        ] {
            tags.push(sqlx::query_scalar::<_, String>(sql).bind(id.to_string()).fetch_all(&mut **tx).await?);
        }
        let minutes: i64 = row.try_get("estimated_minutes")?;
        let mut levels: Vec<Level> = tags[0].iter().filter_map(|l| l.parse().ok()).collect();
        levels.sort();
        let sectors: Vec<Sector> = tags[1].iter().filter_map(|s| s.parse().ok()).collect();
        Ok(Some(ResourceFields {
            title: Title::parse(&row.try_get::<String, _>("title")?).map_err(|e| corrupt("title")(e.to_string()))?,
            summary: Summary::parse(&row.try_get::<String, _>("summary")?)
                .map_err(|e| corrupt("summary")(e.to_string()))?,
            kind: row
                .try_get::<String, _>("kind")?
                .parse()
                .map_err(|e: domain::people::UnknownCode| corrupt("kind")(e.to_string()))?,
            url: row.try_get("url")?,
            body: row.try_get("body")?,
            estimated: EstimatedMinutes::new(u32::try_from(minutes).unwrap_or(0))
                .map_err(|e| corrupt("minutes")(e.to_string()))?,
            levels,
            sectors,
            behaviours: tags[2].clone(),
            publisher: row.try_get("publisher")?,
            review_on: row.try_get::<Option<String>, _>("review_on")?.and_then(|d| d.parse().ok()),
        }))
    }

    pub async fn update_resource(&self, id: ResourceId, f: &ResourceFields, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let version = Self::next_catalogue_version(&mut tx).await?;
        Self::overwrite_resource(&mut tx, id, f, now, version).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn overwrite_resource(
        tx: &mut Transaction<'_, Any>,
        id: ResourceId,
        f: &ResourceFields,
        now: Timestamp,
        version: i64,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE resources SET title = $2, summary = $3, kind = $4, url = $5, body = $6, estimated_minutes = $7, publisher = $8, review_on = $9, updated_at = $10, indexed_version = $11 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(f.title.as_str())
        .bind(f.summary.as_str())
        .bind(f.kind.code())
        .bind(f.url.clone())
        .bind(f.body.clone())
        .bind(i64::from(f.estimated.get()))
        .bind(f.publisher.clone())
        .bind(f.review_on.map(|d| d.to_string()))
        .bind(millis(now))
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::write_resource_tags(tx, id, f).await
    }

    /// Retires a resource (or brings it back): retired resources leave search but keep entries.
    pub async fn set_resource_retired(&self, id: ResourceId, retired: bool, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let version = Self::next_catalogue_version(&mut tx).await?;
        let done =
            sqlx::query("UPDATE resources SET retired_at = $2, updated_at = $3, indexed_version = $4 WHERE id = $1")
                .bind(id.to_string())
                .bind(retired.then(|| millis(now)))
                .bind(millis(now))
                .bind(version)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn resource(&self, id: ResourceId) -> Result<Option<Resource>> {
        let row = sqlx::query(
            "SELECT r.id, r.title, r.summary, r.kind, r.url, r.body, r.estimated_minutes, r.publisher, r.review_on, r.retired_at, \
             (SELECT COUNT(*) FROM resource_ratings x WHERE x.resource_id = r.id) AS ratings, \
             (SELECT CAST(SUM(x.stars) AS BIGINT) FROM resource_ratings x WHERE x.resource_id = r.id) AS stars \
             FROM resources r WHERE r.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let tags = |sql: &'static str| sqlx::query_scalar::<_, String>(sql).bind(id.to_string()).fetch_all(self.pool());
        let levels = tags("SELECT level FROM resource_levels WHERE resource_id = $1 ORDER BY level").await?;
        let sectors = tags("SELECT sector FROM resource_sectors WHERE resource_id = $1 ORDER BY sector").await?;
        let behaviours =
            tags("SELECT behaviour FROM resource_behaviours WHERE resource_id = $1 ORDER BY behaviour").await?;
        let text = |c: &str| row.try_get::<String, _>(c);
        let minutes: i64 = row.try_get("estimated_minutes")?;
        let ratings: i64 = row.try_get("ratings")?;
        let stars: Option<i64> = row.try_get("stars")?;
        Ok(Some(Resource {
            id,
            fields: ResourceFields {
                title: Title::parse(&text("title")?).map_err(|e| corrupt("title")(e.to_string()))?,
                summary: Summary::parse(&text("summary")?).map_err(|e| corrupt("summary")(e.to_string()))?,
                kind: text("kind")?.parse().map_err(|e: domain::people::UnknownCode| corrupt("kind")(e.to_string()))?,
                url: row.try_get("url")?,
                body: row.try_get("body")?,
                estimated: EstimatedMinutes::new(u32::try_from(minutes).unwrap_or(0))
                    .map_err(|e| corrupt("minutes")(e.to_string()))?,
                levels: levels.iter().filter_map(|l| l.parse().ok()).collect(),
                sectors: sectors.iter().filter_map(|s| s.parse().ok()).collect(),
                behaviours,
                publisher: row.try_get("publisher")?,
                review_on: row.try_get::<Option<String>, _>("review_on")?.and_then(|d| d.parse().ok()),
            },
            retired: row.try_get::<Option<i64>, _>("retired_at")?.is_some(),
            rating: stars.filter(|_| ratings > 0).map(|s| s as f64 / ratings as f64),
            ratings: u64::try_from(ratings).unwrap_or(0),
        }))
    }

    /// Rates a resource (1 to 5 stars) with an optional review; rating again replaces it.
    pub async fn rate_resource(
        &self,
        resource: ResourceId,
        person: PersonId,
        stars: u8,
        review: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM resource_ratings WHERE resource_id = $1 AND person_id = $2")
            .bind(resource.to_string())
            .bind(person.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO resource_ratings (resource_id, person_id, stars, review, rated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(resource.to_string())
            .bind(person.to_string())
            .bind(i64::from(stars))
            .bind(review.map(str::to_owned))
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn reviews(&self, resource: ResourceId) -> Result<Vec<Review>> {
        let rows = sqlx::query(
            "SELECT x.person_id, p.name, x.stars, x.review, x.rated_at FROM resource_ratings x JOIN people p ON p.id = x.person_id \
             WHERE x.resource_id = $1 ORDER BY x.rated_at DESC LIMIT 50",
        )
        .bind(resource.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Review {
                    person: person_id(r, "person_id")?,
                    name: r.try_get("name")?,
                    stars: u8::try_from(r.try_get::<i64, _>("stars")?).unwrap_or(0),
                    review: r.try_get("review")?,
                    rated_at: from_millis(r.try_get("rated_at")?)?,
                })
            })
            .collect()
    }

    // ---------------------------------------------------------------- the timer

    /// Notes that a person opened a resource, keeping the first open until they record it.
    /// Returns when the timer started.
    pub async fn open_resource(&self, person: PersonId, resource: ResourceId, now: Timestamp) -> Result<Timestamp> {
        sqlx::query("INSERT INTO resource_opens (person_id, resource_id, opened_at) VALUES ($1, $2, $3) ON CONFLICT (person_id, resource_id) DO NOTHING")
            .bind(person.to_string())
            .bind(resource.to_string())
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        self.opened_at(person, resource).await?.ok_or(StoreError::NotFound)
    }

    /// Sets when a person opened a resource, as if they had opened it at `at`. For tests, which
    /// should not wait out real durations.
    #[doc(hidden)]
    pub async fn reset_open_for_tests(&self, person: PersonId, resource: ResourceId, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE resource_opens SET opened_at = $3 WHERE person_id = $1 AND resource_id = $2")
            .bind(person.to_string())
            .bind(resource.to_string())
            .bind(millis(at))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn opened_at(&self, person: PersonId, resource: ResourceId) -> Result<Option<Timestamp>> {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT opened_at FROM resource_opens WHERE person_id = $1 AND resource_id = $2")
                .bind(person.to_string())
                .bind(resource.to_string())
                .fetch_optional(self.pool())
                .await?;
        at.map(from_millis).transpose()
    }

    /// Resources a person opened and has not recorded yet, most recent first.
    pub async fn open_resources(&self, person: PersonId, limit: u32) -> Result<Vec<(ResourceId, String, Timestamp)>> {
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.title, o.opened_at FROM resource_opens o JOIN resources r ON r.id = o.resource_id WHERE o.person_id = $1 ORDER BY o.opened_at DESC LIMIT {limit}"
        ))
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok((id_of(r, "id")?, r.try_get("title")?, from_millis(r.try_get("opened_at")?)?))).collect()
    }

    // ---------------------------------------------------------------- entries

    async fn history(
        tx: &mut Transaction<'_, Any>,
        entry: EntryId,
        person: PersonId,
        change: &str,
        snapshot: Option<String>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO learning_entry_history (entry_id, person_id, change, snapshot, changed_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(entry.to_string())
            .bind(person.to_string())
            .bind(change)
            .bind(snapshot)
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Records an entry, with its first history line. A recorded resource's timer is cleared in
    /// the same transaction.
    pub async fn record_entry(
        &self,
        id: EntryId,
        person: PersonId,
        f: &EntryFields,
        organisation: Option<OrganisationId>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_entry(&mut tx, id, person, f, organisation, now).await?;
        if let Some(r) = f.resource {
            sqlx::query("DELETE FROM resource_opens WHERE person_id = $1 AND resource_id = $2")
                .bind(person.to_string())
                .bind(r.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert_entry(
        tx: &mut Transaction<'_, Any>,
        id: EntryId,
        person: PersonId,
        f: &EntryFields,
        organisation: Option<OrganisationId>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO learning_entries (id, person_id, resource_id, title, activity, learning_kind, occurred_on, minutes, learned, apply, behaviours, hidden, organisation_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $13)",
        )
        .bind(id.to_string())
        .bind(person.to_string())
        .bind(f.resource.map(|r| r.to_string()))
        .bind(f.title.as_str())
        .bind(f.activity.code())
        .bind(f.kind.code())
        .bind(f.occurred_on.to_string())
        .bind(i64::from(f.time.get()))
        .bind(f.reflection.learned())
        .bind(f.reflection.apply().map(str::to_owned))
        .bind(normalise_tags(&f.behaviours).join("|"))
        .bind(organisation.map(|o| o.to_string()))
        .bind(millis(now))
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "entry"))?;
        Self::history(tx, id, person, "created", Some(snapshot(f, false)), now).await
    }

    /// Adds many entries in one transaction (the demo). History is written for each.
    pub async fn load_entries(
        &self,
        entries: &[(EntryId, PersonId, EntryFields, Option<OrganisationId>)],
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for (id, person, f, org) in entries {
            Self::insert_entry(&mut tx, *id, *person, f, *org, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn entry(&self, id: EntryId) -> Result<Option<Entry>> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE e.id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(self.pool()).await?;
        row.as_ref().map(decode_entry).transpose()
    }

    /// Changes an entry of `owner`'s; another person's entry is not found.
    pub async fn update_entry(&self, id: EntryId, owner: PersonId, f: &EntryFields, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE learning_entries SET title = $3, activity = $4, learning_kind = $5, occurred_on = $6, minutes = $7, learned = $8, apply = $9, behaviours = $10, updated_at = $11 \
             WHERE id = $1 AND person_id = $2",
        )
        .bind(id.to_string())
        .bind(owner.to_string())
        .bind(f.title.as_str())
        .bind(f.activity.code())
        .bind(f.kind.code())
        .bind(f.occurred_on.to_string())
        .bind(i64::from(f.time.get()))
        .bind(f.reflection.learned())
        .bind(f.reflection.apply().map(str::to_owned))
        .bind(normalise_tags(&f.behaviours).join("|"))
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let hidden: i64 = sqlx::query_scalar("SELECT hidden FROM learning_entries WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        Self::history(&mut tx, id, owner, "edited", Some(snapshot(f, hidden != 0)), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Hides an entry from the line manager, or shows it again.
    pub async fn set_entry_hidden(&self, id: EntryId, owner: PersonId, hidden: bool, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE learning_entries SET hidden = $3, updated_at = $4 WHERE id = $1 AND person_id = $2")
                .bind(id.to_string())
                .bind(owner.to_string())
                .bind(i64::from(hidden))
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::history(&mut tx, id, owner, if hidden { "hidden" } else { "shown" }, None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an entry of `owner`'s. Its history keeps a line saying it was deleted.
    pub async fn delete_entry(&self, id: EntryId, owner: PersonId, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM learning_entries WHERE id = $1 AND person_id = $2")
            .bind(id.to_string())
            .bind(owner.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::history(&mut tx, id, owner, "deleted", None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn entry_history(&self, id: EntryId) -> Result<Vec<EntryChange>> {
        let rows = sqlx::query(
            "SELECT change, snapshot, changed_at FROM learning_entry_history WHERE entry_id = $1 ORDER BY id",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EntryChange {
                    change: r.try_get("change")?,
                    snapshot: r.try_get("snapshot")?,
                    changed_at: from_millis(r.try_get("changed_at")?)?,
                })
            })
            .collect()
    }

    /// A person's entries, newest first, optionally between two dates, and optionally only those
    /// a manager may see (not hidden, on or after `visible_from`).
    pub async fn entries(
        &self,
        person: PersonId,
        from: Option<Date>,
        to: Option<Date>,
        visible_from: Option<Date>,
        page: PageRequest,
    ) -> Result<Page<Entry>> {
        let mut clauses = vec!["e.person_id = $1".to_owned()];
        let mut binds = vec![person.to_string()];
        if let Some(d) = from {
            binds.push(d.to_string());
            clauses.push(format!("e.occurred_on >= ${}", binds.len()));
        }
        if let Some(d) = to {
            binds.push(d.to_string());
            clauses.push(format!("e.occurred_on <= ${}", binds.len()));
        }
        if let Some(d) = visible_from {
            binds.push(d.to_string());
            clauses.push(format!("e.hidden = 0 AND e.occurred_on >= ${}", binds.len()));
        }
        let filter = clauses.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM learning_entries e WHERE {filter}");
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE {filter} ORDER BY e.occurred_on DESC, e.created_at DESC, e.id DESC");
        self.paged(&count_sql, &sql, &binds, page, decode_entry).await
    }

    /// Minutes by kind and by month (`YYYY-MM`) for a person's entries between two dates.
    pub async fn learning_minutes(
        &self,
        person: PersonId,
        from: Date,
        to: Date,
    ) -> Result<Vec<(String, LearningKind, u64)>> {
        let rows = sqlx::query(
            "SELECT SUBSTR(occurred_on, 1, 7) AS month, learning_kind, CAST(SUM(minutes) AS BIGINT) AS minutes FROM learning_entries \
             WHERE person_id = $1 AND occurred_on >= $2 AND occurred_on <= $3 GROUP BY SUBSTR(occurred_on, 1, 7), learning_kind ORDER BY month",
        )
        .bind(person.to_string())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("month")?,
                    r.try_get::<String, _>("learning_kind")?
                        .parse()
                        .map_err(|e: domain::people::UnknownCode| corrupt("kind")(e.to_string()))?,
                    u64::try_from(r.try_get::<i64, _>("minutes")?).unwrap_or(0),
                ))
            })
            .collect()
    }

    /// Behaviours a person's entries have developed, with how many entries each.
    pub async fn behaviours_covered(&self, person: PersonId) -> Result<Vec<(String, u64)>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT behaviours FROM learning_entries WHERE person_id = $1 AND behaviours <> ''")
                .bind(person.to_string())
                .fetch_all(self.pool())
                .await?;
        let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for b in rows.iter().flat_map(|r| split_tags(r)) {
            *counts.entry(b).or_default() += 1;
        }
        let mut out: Vec<(String, u64)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    // ---------------------------------------------------------------- evidence

    pub async fn put_evidence(&self, entry: EntryId, owner: PersonId, evidence: &Evidence) -> Result<()> {
        let mut tx = self.begin().await?;
        let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM learning_entries WHERE id = $1 AND person_id = $2")
            .bind(entry.to_string())
            .bind(owner.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if owned == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM learning_evidence WHERE entry_id = $1")
            .bind(entry.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO learning_evidence (entry_id, file_name, content_type, size, content) VALUES ($1, $2, $3, $4, $5)")
            .bind(entry.to_string())
            .bind(evidence.file_name.clone())
            .bind(evidence.content_type.clone())
            .bind(i64::try_from(evidence.content.len()).unwrap_or(i64::MAX))
            .bind(evidence.content.clone())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn evidence(&self, entry: EntryId) -> Result<Option<Evidence>> {
        let row = sqlx::query("SELECT file_name, content_type, content FROM learning_evidence WHERE entry_id = $1")
            .bind(entry.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(Evidence {
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                content: r.try_get("content")?,
            })
        })
        .transpose()
    }

    // ---------------------------------------------------------------- reporting line

    /// A person's current line manager and the day that line began.
    pub async fn current_manager_since(&self, person: PersonId) -> Result<Option<(PersonId, Date)>> {
        let row = sqlx::query("SELECT manager_id, started_on FROM reporting_lines WHERE person_id = $1 AND ended_on IS NULL ORDER BY id DESC LIMIT 1")
            .bind(person.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok((
                person_id(&r, "manager_id")?,
                r.try_get::<String, _>("started_on")?
                    .parse()
                    .map_err(|e: jiff::Error| corrupt("date")(e.to_string()))?,
            ))
        })
        .transpose()
    }
}
