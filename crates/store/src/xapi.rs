//! The Learning Record Store: statements, documents, attachments and LRS credentials.
//!
//! Statements are validated and completed by the web layer with `domain::xapi`; here they are
//! stored as JSON text beside the terms they can be found by (see [`terms`]: the
//! `xapi_postings` table of migration 8 on PostgreSQL, the `xapi_terms` full-text index of
//! migration 11 on SQLite), so that every query form is an index lookup whatever the store's
//! size.

use domain::ids::{EntryId, OrganisationId, PersonId, ResourceId};
use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::{from_millis, millis, Result, Store, StoreError};

/// An LRS credential as its organisation's admins see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LrsCredential {
    pub key: String,
    pub organisation: OrganisationId,
    pub read: bool,
    pub write: bool,
    pub label: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// Whose statements and documents a request may read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LrsScope {
    /// A credential: statements it or its organisation's systems wrote about agents who are not
    /// goldthread people, and statements about the organisation's people.
    Organisation(OrganisationId),
    /// A person's own API token: statements about them.
    Person(PersonId),
}

impl LrsScope {
    /// The documents partition this scope reads and writes.
    fn owner(self) -> String {
        match self {
            Self::Organisation(o) => format!("org:{o}"),
            Self::Person(p) => format!("person:{p}"),
        }
    }
}

/// A statement ready to store: validated, completed, and with its terms worked out.
#[derive(Debug, Clone)]
pub struct NewStatement {
    pub id: Uuid,
    pub stored: Timestamp,
    pub body: String,
    /// The filter terms (`a:`, `A:`, `v:`, `o:`, `O:`, `r:` prefixed; see migration 8), without
    /// duplicates.
    pub terms: Vec<String>,
    /// Each mbox the statement names, as (the key of its mbox_sha1sum, its own key), so that an
    /// erasure by mbox_sha1sum finds it.
    pub mboxes: Vec<(String, String)>,
    /// The SHA-2 of each attachment the statement declares.
    pub attachment_hashes: Vec<String>,
    /// The statement this one voids, for a voiding statement.
    pub voids: Option<Uuid>,
    /// The statement its object refers to, when the object is a StatementRef.
    pub targets: Option<Uuid>,
    pub person: Option<PersonId>,
    pub organisation: Option<OrganisationId>,
    /// Activity definitions the statement carries (id, definition).
    pub definitions: Vec<(String, serde_json::Value)>,
    /// The learning-record entry this statement mirrors (goldthread's own statements).
    pub entry: Option<EntryId>,
    /// For another system's statement that belongs in the person's learning record.
    pub pending: Option<PendingFacts>,
}

/// What a statement waiting in a learning record shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFacts {
    pub title: String,
    pub resource: Option<ResourceId>,
    pub minutes: u32,
    pub occurred_on: Date,
}

/// A statement from another system waiting for its person's reflection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingItem {
    pub statement: Uuid,
    pub person: PersonId,
    pub facts: PendingFacts,
    pub received_at: Timestamp,
}

/// An attachment's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentContent {
    pub sha2: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A statement as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatement {
    pub seq: i64,
    pub id: Uuid,
    pub voided: bool,
    pub voids: Option<Uuid>,
    pub person: Option<PersonId>,
    pub organisation: Option<OrganisationId>,
    pub body: String,
}

/// A query over statements: every term must match.
#[derive(Debug, Clone)]
pub struct StatementQuery {
    pub scope: LrsScope,
    /// Filters that must all hold, each met by any one of its terms, in the order to look them
    /// up: the most selective first.
    pub terms: Vec<Vec<String>>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub ascending: bool,
    pub limit: u32,
    /// Only statements stored at or before this sequence number (fixed by a query's first page so
    /// that its `more` pages stay consistent while statements arrive).
    pub through_seq: Option<i64>,
    /// Continue after this sequence number (in the query's order).
    pub after_seq: Option<i64>,
}

/// One page of a statement query.
#[derive(Debug, Clone)]
pub struct StatementPage {
    pub statements: Vec<StoredStatement>,
    /// Whether more statements match after this page.
    pub more: bool,
    /// The sequence number this query reads through.
    pub through_seq: i64,
}

/// Where a document lives: the resource and the key the specification gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentKey {
    pub kind: DocumentKind,
    pub scope: LrsScope,
    pub activity: String,
    pub agent: String,
    /// A registration; empty for none. For a query over all registrations, see `any_registration`.
    pub registration: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    State,
    ActivityProfile,
    AgentProfile,
}

impl DocumentKind {
    fn code(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::ActivityProfile => "activity-profile",
            Self::AgentProfile => "agent-profile",
        }
    }
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub etag: String,
    pub updated: Timestamp,
}

/// What this server knows the LRS holds already, so that ingest need not look it up with every
/// batch: the definition stored for each activity it has written or read, and the mbox pairs it
/// has written. Filled only after a commit. Each is cleared when it grows past [`KNOWN_LIMIT`]
/// entries, and the mbox pairs by an erasure, which deletes some.
///
/// A definition written at the same moment by another batch (of another server on the same
/// PostgreSQL database, or of this one) may not be the one known here, until this server is sent
/// a definition of that activity that changes what it knows: the same outcome as two batches
/// writing at once without the cache (the later one's definition is kept, see
/// `write_definitions`).
#[derive(Debug, Default)]
pub(crate) struct Known {
    definitions: std::sync::Mutex<std::collections::HashMap<String, serde_json::Value>>,
    mboxes: std::sync::Mutex<std::collections::HashSet<(String, String)>>,
}

/// The most entries [`Known`] keeps of each kind (a few tens of megabytes at most).
const KNOWN_LIMIT: usize = 100_000;

/// Adds `new` to what `known` holds, starting again from nothing when that would pass
/// [`KNOWN_LIMIT`].
fn add_bounded<C: Default + Extend<T>, T>(known: &std::sync::Mutex<C>, new: Vec<T>, len: impl Fn(&C) -> usize) {
    if new.is_empty() {
        return;
    }
    let mut known = known.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if len(&known) + new.len() > KNOWN_LIMIT {
        *known = C::default();
    }
    known.extend(new);
}

/// PostgreSQL's writer of queued postings (see [`terms::queue`]): a task of its own, started by
/// the store's first batch and woken after each; a wake-up while it writes makes it look again.
#[derive(Debug, Default)]
pub(crate) struct PostingsWriter {
    started: std::sync::atomic::AtomicBool,
    wake: tokio::sync::Notify,
}

impl PostingsWriter {
    pub(crate) fn wake(self: &std::sync::Arc<Self>, pool: &sqlx::AnyPool) {
        if !self.started.swap(true, std::sync::atomic::Ordering::SeqCst) {
            tokio::spawn(write_postings_in_background(pool.clone(), std::sync::Arc::clone(self)));
        }
        self.wake.notify_one();
    }

    /// Lets the task see that the pool has closed, and end.
    pub(crate) fn stop(&self) {
        self.wake.notify_one();
    }
}

/// Postings written between two vacuums of the queue: these machines run PostgreSQL without
/// autovacuum, and each batch taken off the queue leaves its row, some 15 kB of keys stored
/// apart (TOAST), dead until a vacuum.
const VACUUM_QUEUE_AFTER: u64 = 100_000;

async fn write_postings_in_background(pool: sqlx::AnyPool, writer: std::sync::Arc<PostingsWriter>) {
    let mut since_vacuum = 0;
    loop {
        writer.wake.notified().await;
        if pool.is_closed() {
            return;
        }
        match terms::write_queued_apart(&pool).await {
            Ok(written) => since_vacuum += written,
            Err(_) if pool.is_closed() => return,
            Err(e) => {
                tracing::warn!(error = %e, "writing queued postings failed; the next batch, query or erasure writes them");
            }
        }
        if since_vacuum >= VACUUM_QUEUE_AFTER {
            since_vacuum = 0;
            if let Err(e) = sqlx::query("VACUUM xapi_unindexed").execute(&pool).await {
                tracing::warn!(error = %e, "vacuuming the queue of postings failed");
            }
        }
    }
}

impl Known {
    /// Removes from `sent` each activity whose known definition the batch leaves unchanged.
    fn drop_unchanged_definitions(&self, sent: &mut std::collections::BTreeMap<&str, Vec<&serde_json::Value>>) {
        let known = self.definitions.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        sent.retain(|id, incoming| {
            let Some(stored) = known.get(*id) else { return true };
            !incoming.iter().all(|d| *d == stored || domain::xapi::merge_definitions(stored, d) == *stored)
        });
    }

    /// The pairs of `pairs` not known to be written.
    fn new_mboxes<'a>(&self, pairs: std::collections::BTreeSet<(&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
        let known = self.mboxes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        pairs.into_iter().filter(|(h, m)| !known.contains(&((*h).to_owned(), (*m).to_owned()))).collect()
    }

    fn remember(&self, definitions: Vec<(String, serde_json::Value)>, mboxes: Vec<(String, String)>) {
        add_bounded(&self.definitions, definitions, std::collections::HashMap::len);
        add_bounded(&self.mboxes, mboxes, std::collections::HashSet::len);
    }

    fn forget_mboxes(&self) {
        self.mboxes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }
}

/// Rows by a unique key, for any number of values of it: one statement whose text is the same
/// whatever the values, bound as one JSON array (`Backend::one_of`). Run in a transaction begun
/// with [`crate::Backend::begin_kept_plans`]: the plan is the same whatever the values, and
/// PostgreSQL keeps it instead of planning it again for every batch.
async fn fetch_lookups(
    conn: &mut sqlx::AnyConnection,
    backend: crate::Backend,
    columns: &str,
    from: &str,
    key: &str,
    values: &[&str],
) -> Result<Vec<sqlx::any::AnyRow>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT {columns} FROM {from} WHERE {}", backend.one_of(key, 1));
    let values = serde_json::to_string(values).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(sqlx::query(&sql).bind(values).fetch_all(&mut *conn).await?)
}

fn uuid_of(row: &sqlx::any::AnyRow, col: &str) -> Result<Uuid> {
    let s: String = row.try_get(col)?;
    Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt(format!("{col} is not a UUID")))
}

fn opt<T: std::str::FromStr>(row: &sqlx::any::AnyRow, col: &str) -> Result<Option<T>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("{col} is not an id")))).transpose()
}

const STATEMENT_COLUMNS: &str = "s.seq, s.id, s.voided, s.voids, s.person_id, s.organisation_id, s.body";

/// Statements found by id (`d.id`): through xapi_statement_ids, whose unique index the planner
/// trusts whatever its statistics, to the row by its primary key (and on PostgreSQL its month).
const BY_ID: &str = "xapi_statement_ids d JOIN xapi_statements s ON s.seq = d.seq AND s.stored = d.stored";

fn statement_of(row: &sqlx::any::AnyRow) -> Result<StoredStatement> {
    Ok(StoredStatement {
        seq: row.try_get("seq")?,
        id: uuid_of(row, "id")?,
        voided: row.try_get::<i64, _>("voided")? != 0,
        voids: opt::<Uuid>(row, "voids")?,
        person: opt(row, "person_id")?,
        organisation: opt(row, "organisation_id")?,
        body: row.try_get("body")?,
    })
}

/// The `mbox_sha1sum` of an email address.
pub fn mbox_sha1sum(email: &str) -> Option<String> {
    let mbox = domain::xapi::Mbox::parse(&format!("mailto:{email}")).ok()?;
    Some(domain::xapi::MboxSha1Sum::of(&mbox).as_str().to_owned())
}

impl Store {
    /// Fills in `people.mbox_sha1sum` for rows written before it existed.
    pub(crate) async fn fill_mbox_sha1sums(&self) -> Result<()> {
        let rows =
            sqlx::query("SELECT id, email FROM people WHERE mbox_sha1sum IS NULL").fetch_all(self.pool()).await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for r in &rows {
            let email: String = r.try_get("email")?;
            sqlx::query("UPDATE people SET mbox_sha1sum = $2 WHERE id = $1")
                .bind(r.try_get::<String, _>("id")?)
                .bind(mbox_sha1sum(&email))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves the index rows of statements stored before migration 8 from `xapi_index` (terms as
    /// text) to the term index (terms by key, see [`terms`]), fills in `xapi_mboxes` and `xapi_attachment_uses`
    /// from them, and empties `xapi_index`: all in one transaction, so it happens whole on the
    /// first start after the migration, or on the next if that one stopped part-way.
    pub(crate) async fn convert_xapi_index(&self) -> Result<()> {
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM xapi_index LIMIT 1) x")
            .fetch_one(self.pool())
            .await?;
        if rows == 0 {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let mut mboxes = std::collections::BTreeSet::new();
        // Each converted statement's time stored and term keys, for the term index and
        // xapi_statement_ids (migration 10).
        let mut keys_of: std::collections::BTreeMap<i64, (i64, std::collections::BTreeSet<Vec<u8>>)> =
            std::collections::BTreeMap::new();
        let mut after: Option<(String, i64)> = None;
        loop {
            let page = match &after {
                None => {
                    sqlx::query(
                        "SELECT x.term, x.statement_seq, s.stored FROM xapi_index x JOIN xapi_statements s ON s.seq = x.statement_seq \
                         ORDER BY x.term, x.statement_seq LIMIT 10000",
                    )
                }
                Some((term, seq)) => sqlx::query(
                    "SELECT x.term, x.statement_seq, s.stored FROM xapi_index x JOIN xapi_statements s ON s.seq = x.statement_seq \
                     WHERE x.term > $1 OR (x.term = $1 AND x.statement_seq > $2) ORDER BY x.term, x.statement_seq LIMIT 10000",
                )
                .bind(term.clone())
                .bind(*seq),
            }
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = page.last() else { break };
            after = Some((last.try_get("term")?, last.try_get("statement_seq")?));
            for r in &page {
                let term: String = r.try_get("term")?;
                if let Some(key) = term.strip_prefix("a:mbox:").or_else(|| term.strip_prefix("A:mbox:")) {
                    if let Ok(mbox) = domain::xapi::Mbox::parse(key) {
                        let sum = domain::xapi::Ifi::MboxSha1Sum(domain::xapi::MboxSha1Sum::of(&mbox)).key();
                        mboxes.insert((sum, format!("mbox:{key}")));
                    }
                }
                let (seq, stored) = (r.try_get::<i64, _>("statement_seq")?, r.try_get::<i64, _>("stored")?);
                keys_of.entry(seq).or_insert_with(|| (stored, Default::default())).1.insert(term_key(&term));
            }
        }
        let mboxes: Vec<(&str, &str)> = mboxes.iter().map(|(h, m)| (h.as_str(), m.as_str())).collect();
        insert_mboxes(&mut tx, self.backend, &mboxes).await?;
        // The agent-with-verb terms (av:) that statements stored before did not have.
        let pairs = sqlx::query(
            "SELECT a.term AS agent, v.term AS verb, a.statement_seq, s.stored FROM xapi_index a \
             JOIN xapi_index v ON v.statement_seq = a.statement_seq JOIN xapi_statements s ON s.seq = a.statement_seq \
             WHERE substr(a.term, 1, 2) = 'a:' AND substr(v.term, 1, 2) = 'v:'",
        )
        .fetch_all(&mut *tx)
        .await?;
        for r in &pairs {
            let (agent, verb): (String, String) = (r.try_get("agent")?, r.try_get("verb")?);
            let term = agent_verb_term(&agent[2..], &verb[2..]);
            let (seq, stored) = (r.try_get::<i64, _>("statement_seq")?, r.try_get::<i64, _>("stored")?);
            keys_of.entry(seq).or_insert_with(|| (stored, Default::default())).1.insert(term_key(&term));
        }
        // These statements were indexed only in xapi_index, so none is in the term index yet.
        let keys_of: Vec<(i64, i64, Vec<u8>)> = keys_of
            .into_iter()
            .map(|(seq, (stored, keys))| (seq, stored, keys.into_iter().collect::<Vec<_>>().concat()))
            .collect();
        let indexed: Vec<(i64, i64, &[u8])> =
            keys_of.iter().map(|(seq, stored, keys)| (*seq, *stored, keys.as_slice())).collect();
        terms::index(&mut tx, self.backend, &indexed).await?;
        for (seq, _, keys) in &keys_of {
            sqlx::query(
                "UPDATE xapi_statement_ids SET term_keys = $1 WHERE id = (SELECT s.id FROM xapi_statements s WHERE s.seq = $2)",
            )
            .bind(keys.clone())
            .bind(*seq)
            .execute(&mut *tx)
            .await?;
        }
        // Which statements use which attachment, read once from the bodies stored before.
        let with_attachments = sqlx::query("SELECT seq, body FROM xapi_statements WHERE body LIKE '%\"sha2\":\"%'")
            .fetch_all(&mut *tx)
            .await?;
        for row in with_attachments {
            let seq: i64 = row.try_get("seq")?;
            let body: String = row.try_get("body")?;
            let hashes = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("attachments").and_then(serde_json::Value::as_array).cloned())
                .unwrap_or_default();
            for sha2 in hashes.iter().filter_map(|a| a.get("sha2").and_then(serde_json::Value::as_str)) {
                insert_attachment_use(&mut tx, sha2, seq).await?;
            }
        }
        // The table is emptied and kept; a later migration can drop it.
        sqlx::query("DELETE FROM xapi_index").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges a little of SQLite's term index if it has segments to merge (see
    /// [`merge_term_index`]); answers whether it did. Nothing to do on PostgreSQL.
    pub async fn merge_terms(&self) -> Result<bool> {
        match self.backend {
            crate::Backend::Sqlite => merge_term_index(self.writer()).await,
            crate::Backend::Postgres => Ok(false),
        }
    }

    /// The people with these email addresses (as `Email` keeps them), with their organisations:
    /// one query for a batch of statements' actors.
    pub async fn people_by_emails(
        &self,
        emails: &[String],
    ) -> Result<std::collections::HashMap<String, (PersonId, Option<OrganisationId>)>> {
        self.lookup_rows("id, email, organisation_id", "people", "email", emails)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("email")?, (crate::id_of(row, "id")?, opt(row, "organisation_id")?))))
            .collect()
    }

    /// The person whose email has this `mbox_sha1sum`, if any.
    pub async fn person_by_mbox_sha1sum(&self, sha1: &str) -> Result<Option<PersonId>> {
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE mbox_sha1sum = $1")
            .bind(sha1.to_ascii_lowercase())
            .fetch_optional(self.pool())
            .await?;
        id.map(|i| i.parse().map_err(|_| StoreError::Corrupt("person id".to_owned()))).transpose()
    }

    // ---------------------------------------------------------------- credentials

    pub async fn create_lrs_credential(&self, credential: &LrsCredential, secret_hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO lrs_credentials (key, secret_hash, organisation_id, can_read, can_write, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(credential.key.clone())
        .bind(secret_hash.to_owned())
        .bind(credential.organisation.to_string())
        .bind(i64::from(credential.read))
        .bind(i64::from(credential.write))
        .bind(credential.label.clone())
        .bind(millis(credential.created_at))
        .execute(self.pool())
        .await
        .map_err(|e| StoreError::conflict_as(e, "credential key"))?;
        Ok(())
    }

    fn credential_of(row: &sqlx::any::AnyRow) -> Result<LrsCredential> {
        Ok(LrsCredential {
            key: row.try_get("key")?,
            organisation: crate::id_of(row, "organisation_id")?,
            read: row.try_get::<i64, _>("can_read")? != 0,
            write: row.try_get::<i64, _>("can_write")? != 0,
            label: row.try_get("label")?,
            created_at: from_millis(row.try_get("created_at")?)?,
            revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_millis).transpose()?,
        })
    }

    /// A credential and its secret's hash, by key.
    pub async fn lrs_credential(&self, key: &str) -> Result<Option<(LrsCredential, String)>> {
        let row = sqlx::query(
            "SELECT key, secret_hash, organisation_id, can_read, can_write, label, created_at, revoked_at \
             FROM lrs_credentials WHERE key = $1",
        )
        .bind(key.to_owned())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok((Self::credential_of(&r)?, r.try_get("secret_hash")?))).transpose()
    }

    /// An organisation's credentials, newest first.
    pub async fn lrs_credentials(&self, organisation: OrganisationId) -> Result<Vec<LrsCredential>> {
        let rows = sqlx::query(
            "SELECT key, organisation_id, can_read, can_write, label, created_at, revoked_at \
             FROM lrs_credentials WHERE organisation_id = $1 ORDER BY created_at DESC, key",
        )
        .bind(organisation.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(Self::credential_of).collect()
    }

    /// Revokes one of an organisation's credentials; it stops working at once.
    pub async fn revoke_lrs_credential(&self, organisation: OrganisationId, key: &str, now: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE lrs_credentials SET revoked_at = $3 WHERE key = $1 AND organisation_id = $2 AND revoked_at IS NULL",
        )
        .bind(key.to_owned())
        .bind(organisation.to_string())
        .bind(millis(now))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // ---------------------------------------------------------------- statements

    /// Statements with these ids, whatever their scope (for the conflict check on a re-sent id
    /// and for checking what a voiding statement targets).
    pub async fn statements_by_id(&self, ids: &[Uuid]) -> Result<Vec<StoredStatement>> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.lookup_rows(STATEMENT_COLUMNS, BY_ID, "d.id", &ids).await?.iter().map(statement_of).collect()
    }

    /// Rows by a unique key, for many values of it ([`fetch_lookups`]), in a transaction that
    /// keeps its plan ([`crate::Backend::begin_kept_plans`]).
    async fn lookup_rows(
        &self,
        columns: &str,
        from: &str,
        key: &str,
        values: &[String],
    ) -> Result<Vec<sqlx::any::AnyRow>> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let mut tx = self.pool().begin_with(self.backend.begin_kept_plans()).await?;
        let out = fetch_lookups(&mut tx, self.backend, columns, from, key, &values).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// On PostgreSQL, makes sure the month's partition of xapi_statements exists for a time.
    async fn ensure_statement_partition(&self, at: Timestamp) -> Result<()> {
        if self.backend != crate::Backend::Postgres {
            return Ok(());
        }
        let month = at.to_zoned(jiff::tz::TimeZone::UTC).date().first_of_month();
        let key = i64::from(month.year()) * 12 + i64::from(month.month());
        if self.partitions.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&key) {
            return Ok(());
        }
        let start = month.to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let end = start.checked_add(jiff::Span::new().months(1)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let name = format!("xapi_statements_y{:04}m{:02}", month.year(), month.month());
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {name} PARTITION OF xapi_statements FOR VALUES FROM ({}) TO ({})",
            start.timestamp().as_millisecond(),
            end.timestamp().as_millisecond()
        );
        // Two servers may race to make the same month; the loser's error is harmless.
        if let Err(e) = sqlx::query(&sql).execute(self.pool()).await {
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_class WHERE relname = $1")
                .bind(name)
                .fetch_one(self.pool())
                .await?;
            if exists == 0 {
                return Err(e.into());
            }
        }
        self.partitions.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key);
        Ok(())
    }

    /// The names of xapi_statements' partitions (PostgreSQL), oldest first; none on SQLite.
    pub async fn statement_partitions(&self) -> Result<Vec<String>> {
        if self.backend != crate::Backend::Postgres {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'xapi_statements' ORDER BY c.relname",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Stores statements and their attachments in one transaction: all or none.
    pub async fn insert_statements(
        &self,
        statements: &[NewStatement],
        attachments: &[AttachmentContent],
    ) -> Result<()> {
        for s in statements {
            self.ensure_statement_partition(s.stored).await?;
        }
        let mut tx = self.writer().begin_with(self.backend.begin_batch_write()).await?;
        for a in attachments {
            sqlx::query(
                "INSERT INTO xapi_attachments (sha2, content_type, content) VALUES ($1, $2, $3) ON CONFLICT (sha2) DO NOTHING",
            )
            .bind(a.sha2.clone())
            .bind(a.content_type.clone())
            .bind(a.content.clone())
            .execute(&mut *tx)
            .await?;
        }
        let seqs = Self::insert_statement_rows(&mut tx, self.backend, statements).await?;
        for (s, seq) in statements.iter().zip(seqs) {
            Self::statement_links(&mut tx, s, seq).await?;
        }
        let definitions = Self::write_definitions(&mut tx, self.backend, &self.known, statements).await?;
        let mboxes = Self::write_mboxes(&mut tx, self.backend, &self.known, statements).await?;
        tx.commit().await?;
        // Only what has been committed is known: a batch refused (a conflicting id, say) leaves
        // the next one to write what it carried.
        self.known.remember(definitions, mboxes);
        if terms::queued(self.backend, statements.len()) {
            self.postings.wake(self.pool());
        }
        Ok(())
    }

    /// Writes the statements' ids, rows and terms with a few multi-row inserts; returns each
    /// statement's sequence number, in order.
    async fn insert_statement_rows(
        tx: &mut Transaction<'_, Any>,
        backend: crate::Backend,
        statements: &[NewStatement],
    ) -> Result<Vec<i64>> {
        let mut seq_of: std::collections::HashMap<String, i64> =
            std::collections::HashMap::with_capacity(statements.len());
        for chunk in statements.chunks(200) {
            let sql = format!(
                "INSERT INTO xapi_statements (id, stored, organisation_id, person_id, voids, entry_id, body) VALUES {} RETURNING id, seq",
                backend.values(chunk.len(), 7)
            );
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q
                    .bind(s.id.to_string())
                    .bind(millis(s.stored))
                    .bind(s.organisation.map(|o| o.to_string()))
                    .bind(s.person.map(|p| p.to_string()))
                    .bind(s.voids.map(|v| v.to_string()))
                    .bind(s.entry.map(|e| e.to_string()))
                    .bind(s.body.clone());
            }
            for row in q.fetch_all(&mut **tx).await.map_err(|e| StoreError::conflict_as(e, "statement id"))? {
                seq_of.insert(row.try_get("id")?, row.try_get("seq")?);
            }
        }
        let seqs = statements
            .iter()
            .map(|s| {
                seq_of.get(&s.id.to_string()).copied().ok_or_else(|| StoreError::Corrupt("statement seq".to_owned()))
            })
            .collect::<Result<Vec<i64>>>()?;
        let keys: Vec<Vec<u8>> =
            Self::term_keys_of(tx, backend, statements).await?.into_iter().map(|k| k.concat()).collect();
        // Ids are unique across partitions here; a statement is found by id through this table,
        // which also keeps its term keys.
        for ((chunk, seqs), keys) in statements.chunks(500).zip(seqs.chunks(500)).zip(keys.chunks(500)) {
            let sql = format!(
                "INSERT INTO xapi_statement_ids (id, stored, seq, term_keys) VALUES {}",
                backend.values(chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for ((s, seq), keys) in chunk.iter().zip(seqs).zip(keys) {
                q = q.bind(s.id.to_string()).bind(millis(s.stored)).bind(*seq).bind(keys.clone());
            }
            q.execute(&mut **tx).await.map_err(|e| StoreError::conflict_as(e, "statement id"))?;
        }
        let indexed: Vec<(i64, i64, &[u8])> = statements
            .iter()
            .zip(&seqs)
            .zip(&keys)
            .map(|((s, seq), keys)| (*seq, millis(s.stored), keys.as_slice()))
            .collect();
        if terms::queued(backend, statements.len()) {
            terms::queue(tx, &indexed).await?;
        } else {
            terms::index(tx, backend, &indexed).await?;
        }
        Ok(seqs)
    }

    /// The term keys each statement is indexed under, sorted and without repeats: its own terms'
    /// and, when its object is a StatementRef, every key of its target (anywhere in the batch, or
    /// stored before), so that the filter rules for StatementRefs (Communication 2.1.3.s3) hold
    /// recursively, since a target carries its own target's keys already.
    async fn term_keys_of(
        tx: &mut Transaction<'_, Any>,
        backend: crate::Backend,
        statements: &[NewStatement],
    ) -> Result<Vec<Vec<Vec<u8>>>> {
        let own: Vec<Vec<Vec<u8>>> = statements.iter().map(|s| s.terms.iter().map(|t| term_key(t)).collect()).collect();
        let in_batch: std::collections::HashMap<Uuid, usize> =
            statements.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let mut outside: Vec<String> = statements
            .iter()
            .filter_map(|s| s.targets)
            .filter(|t| !in_batch.contains_key(t))
            .map(|t| t.to_string())
            .collect();
        outside.sort_unstable();
        outside.dedup();
        let mut stored: std::collections::HashMap<String, Vec<u8>> = std::collections::HashMap::new();
        let outside: Vec<&str> = outside.iter().map(String::as_str).collect();
        for row in fetch_lookups(tx, backend, "id, term_keys", "xapi_statement_ids", "id", &outside).await? {
            if let Some(keys) = row.try_get::<Option<Vec<u8>>, _>("term_keys")? {
                stored.insert(row.try_get("id")?, keys);
            }
        }
        let mut out = Vec::with_capacity(statements.len());
        for (i, s) in statements.iter().enumerate() {
            let mut keys = own[i].clone();
            let mut seen = std::collections::HashSet::from([i]);
            let mut target = s.targets;
            while let Some(t) = target {
                match in_batch.get(&t) {
                    Some(&j) if seen.insert(j) => {
                        keys.extend(own[j].iter().cloned());
                        target = statements[j].targets;
                    }
                    Some(_) => break,
                    None => {
                        if let Some(k) = stored.get(&t.to_string()) {
                            keys.extend(k.chunks(TERM_KEY_LEN).map(<[u8]>::to_vec));
                        }
                        break;
                    }
                }
            }
            keys.sort_unstable();
            keys.dedup();
            out.push(keys);
        }
        Ok(out)
    }

    /// What a statement changes beyond its own rows: the attachments it uses, the statement it
    /// voids, and its place in a learning record.
    async fn statement_links(tx: &mut Transaction<'_, Any>, s: &NewStatement, seq: i64) -> Result<()> {
        for sha2 in &s.attachment_hashes {
            insert_attachment_use(tx, sha2, seq).await?;
        }
        if let Some(target) = s.voids {
            sqlx::query(
                "UPDATE xapi_statements SET voided = 1 WHERE voids IS NULL AND seq = (SELECT seq FROM xapi_statement_ids WHERE id = $1) \
                 AND stored = (SELECT stored FROM xapi_statement_ids WHERE id = $1)",
            )
                .bind(target.to_string())
                .execute(&mut **tx)
                .await?;
        }
        if let (Some(p), Some(person)) = (&s.pending, s.person) {
            sqlx::query(
                "INSERT INTO xapi_pending (statement_id, person_id, title, resource_id, minutes, occurred_on, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(s.id.to_string())
            .bind(person.to_string())
            .bind(p.title.clone())
            .bind(p.resource.map(|r| r.to_string()))
            .bind(i64::from(p.minutes))
            .bind(p.occurred_on.to_string())
            .bind(millis(s.stored))
            .execute(&mut **tx)
            .await?;
        }
        if let Some(target) = s.voids {
            // A voided statement no longer waits in anyone's record.
            sqlx::query("UPDATE xapi_pending SET resolved_at = $2 WHERE statement_id = $1 AND resolved_at IS NULL")
                .bind(target.to_string())
                .bind(millis(s.stored))
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Keeps, for each activity a batch carries a definition of, everything the statements have
    /// said of it (`domain::xapi::merge_definitions`, in the order stored). Rows are written in
    /// id order, so that concurrent batches lock them in the same order (no deadlock), and only
    /// when the definition changed. Two batches carrying different languages of one activity at
    /// the same moment may each write without the other's: the later one's definition is kept.
    ///
    /// An activity whose definition this server has written or read before, and which the batch
    /// leaves as it was (the common case: a system sends the same definition with every
    /// statement), is not looked up again. Returns the definitions to remember once committed.
    async fn write_definitions(
        tx: &mut Transaction<'_, Any>,
        backend: crate::Backend,
        known: &Known,
        statements: &[NewStatement],
    ) -> Result<Vec<(String, serde_json::Value)>> {
        let mut sent: std::collections::BTreeMap<&str, Vec<&serde_json::Value>> = std::collections::BTreeMap::new();
        for s in statements {
            for (id, definition) in &s.definitions {
                sent.entry(id).or_default().push(definition);
            }
        }
        known.drop_unchanged_definitions(&mut sent);
        if sent.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = sent.keys().copied().collect();
        let mut stored: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for row in fetch_lookups(tx, backend, "id, definition", "xapi_activities", "id", &ids).await? {
            stored.insert(row.try_get("id")?, row.try_get("definition")?);
        }
        let mut now_stored: Vec<(String, serde_json::Value)> = Vec::with_capacity(sent.len());
        let mut changed: Vec<(&str, String)> = Vec::new();
        for (id, definitions) in &sent {
            let before: Option<serde_json::Value> = stored.get(*id).and_then(|d| serde_json::from_str(d).ok());
            let mut merged = before.clone();
            for incoming in definitions {
                merged = Some(match merged {
                    Some(m) => domain::xapi::merge_definitions(&m, incoming),
                    None => (*incoming).clone(),
                });
            }
            if let Some(m) = merged {
                if before.as_ref() != Some(&m) {
                    changed.push((id, m.to_string()));
                }
                now_stored.push(((*id).to_owned(), m));
            }
        }
        let changed: Vec<(&str, &str)> = changed.iter().map(|(id, d)| (*id, d.as_str())).collect();
        insert_text_pairs(
            tx,
            backend,
            "INSERT INTO xapi_activities (id, definition)",
            "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
            &changed,
        )
        .await?;
        Ok(now_stored)
    }

    /// Keeps, for each mbox a batch names, the key of its mbox_sha1sum (for erasure), unless this
    /// server has written that pair before. Returns the pairs to remember once committed.
    async fn write_mboxes(
        tx: &mut Transaction<'_, Any>,
        backend: crate::Backend,
        known: &Known,
        statements: &[NewStatement],
    ) -> Result<Vec<(String, String)>> {
        let pairs: std::collections::BTreeSet<(&str, &str)> =
            statements.iter().flat_map(|s| s.mboxes.iter().map(|(h, m)| (h.as_str(), m.as_str()))).collect();
        let pairs: Vec<(&str, &str)> = known.new_mboxes(pairs);
        insert_mboxes(tx, backend, &pairs).await?;
        Ok(pairs.into_iter().map(|(h, m)| (h.to_owned(), m.to_owned())).collect())
    }

    fn scope_clause(scope: LrsScope, n: usize) -> String {
        match scope {
            LrsScope::Organisation(_) => format!(
                "((s.person_id IS NULL AND s.organisation_id = ${n}) OR s.person_id IN (SELECT p.id FROM people p WHERE p.organisation_id = ${n}))"
            ),
            LrsScope::Person(_) => format!("s.person_id = ${n}"),
        }
    }

    fn scope_value(scope: LrsScope) -> String {
        match scope {
            LrsScope::Organisation(o) => o.to_string(),
            LrsScope::Person(p) => p.to_string(),
        }
    }

    /// Writes the postings still queued (PostgreSQL, see [`terms::queue`]), waiting for any the
    /// background writer is writing: afterwards, every statement acknowledged before is found by
    /// its terms. Returns the postings written here; nothing to do on SQLite.
    pub async fn write_waiting_postings(&self) -> Result<u64> {
        if self.backend == crate::Backend::Sqlite {
            return Ok(0);
        }
        // One look first, instead of a transaction for every filtered query. A batch being
        // written by another session is still seen here, and waited for below.
        let waiting: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM xapi_unindexed)").fetch_one(self.pool()).await?;
        if !waiting {
            return Ok(0);
        }
        terms::write_queued_apart(self.pool()).await
    }

    /// One statement by id within a scope, voided or not (the caller decides what to show).
    pub async fn statement(&self, scope: LrsScope, id: Uuid) -> Result<Option<StoredStatement>> {
        let sql =
            format!("SELECT {STATEMENT_COLUMNS} FROM {BY_ID} WHERE d.id = $1 AND {}", Self::scope_clause(scope, 2));
        let row =
            sqlx::query(&sql).bind(id.to_string()).bind(Self::scope_value(scope)).fetch_optional(self.pool()).await?;
        row.as_ref().map(statement_of).transpose()
    }

    /// The highest sequence number stored so far.
    pub async fn last_statement_seq(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM xapi_statements")
            .fetch_one(self.pool())
            .await?
            .unwrap_or(0))
    }

    /// A page of statements matching a query, voided statements left out, in stored order.
    pub async fn query_statements(&self, q: &StatementQuery) -> Result<StatementPage> {
        if !q.terms.is_empty() {
            self.write_waiting_postings().await?;
        }
        let through = match q.through_seq {
            Some(t) => t,
            None => self.last_statement_seq().await?,
        };
        // Conditions on the sequence number, the time stored and the terms are written on `{seq}`
        // and `{stored}`: the index row's columns when the query walks the index, so that they
        // are checked (and the range sought) before the statement's row is read.
        let mut binds: Vec<Bind> = Vec::new();
        let mut clauses = vec!["s.voided = 0".to_owned()];
        binds.push(Bind::Int(through));
        clauses.push(format!("{{seq}} <= ${}", binds.len()));
        binds.push(Bind::Text(Self::scope_value(q.scope)));
        clauses.push(Self::scope_clause(q.scope, binds.len()));
        if let Some(since) = q.since {
            binds.push(Bind::Int(millis(since)));
            clauses.push(format!("{{stored}} > ${}", binds.len()));
        }
        if let Some(until) = q.until {
            binds.push(Bind::Int(millis(until)));
            clauses.push(format!("{{stored}} <= ${}", binds.len()));
        }
        if let Some(after) = q.after_seq {
            binds.push(Bind::Int(after));
            clauses.push(format!("{{seq}} {} ${}", if q.ascending { ">" } else { "<" }, binds.len()));
        }
        let order = if q.ascending { "ASC" } else { "DESC" };
        let limit = i64::from(q.limit) + 1;
        let sql = match q.terms.split_first() {
            None => format!(
                "SELECT {STATEMENT_COLUMNS} FROM xapi_statements s WHERE {} ORDER BY s.seq {order} LIMIT {limit}",
                clauses.join(" AND ").replace("{seq}", "s.seq").replace("{stored}", "s.stored")
            ),
            // The full-text index finds the statements with every term (any of each group's),
            // newest or oldest first, within the range of sequence numbers, and stops at the
            // limit; each one's row is then read by its key. CROSS JOIN keeps that order of
            // tables whatever the planner makes of the other conditions.
            Some(_) if self.backend == crate::Backend::Sqlite => {
                let groups: Vec<Vec<Vec<u8>>> =
                    q.terms.iter().map(|g| g.iter().map(|t| term_key(t)).collect()).collect();
                binds.push(Bind::Text(terms::match_expression(&groups)));
                format!(
                    "SELECT {STATEMENT_COLUMNS} FROM xapi_terms(${}) i CROSS JOIN xapi_statements s \
                     WHERE s.seq = i.rowid AND {} ORDER BY i.rowid {order} LIMIT {limit}",
                    binds.len(),
                    clauses.join(" AND ").replace("{seq}", "i.rowid").replace("{stored}", "s.stored")
                )
            }
            Some((lead, rest)) => {
                for either in rest {
                    let marks: Vec<String> = either
                        .iter()
                        .map(|t| {
                            binds.push(Bind::Bytes(term_key(t)));
                            format!("${}", binds.len())
                        })
                        .collect();
                    clauses.push(format!(
                        "EXISTS (SELECT 1 FROM xapi_postings x WHERE x.term_key IN ({}) AND x.statement_seq = {{seq}})",
                        marks.join(", ")
                    ));
                }
                let conditions =
                    clauses.join(" AND ").replace("{seq}", "i.statement_seq").replace("{stored}", "i.stored");
                // Each of the lead's terms is one walk down the index in order, stopped at the
                // limit; with two, the two walks are merged (a StatementRef can carry both).
                let walks: Vec<String> = lead
                    .iter()
                    .map(|t| {
                        binds.push(Bind::Bytes(term_key(t)));
                        format!(
                            "SELECT {STATEMENT_COLUMNS} FROM xapi_postings i \
                             JOIN xapi_statements s ON s.seq = i.statement_seq AND s.stored = i.stored \
                             WHERE i.term_key = ${} AND {conditions} ORDER BY i.statement_seq {order} LIMIT {limit}",
                            binds.len(),
                        )
                    })
                    .collect();
                match walks.as_slice() {
                    [one] => one.clone(),
                    _ => {
                        let parts: Vec<String> =
                            walks.iter().enumerate().map(|(k, w)| format!("SELECT * FROM ({w}) w{k}")).collect();
                        format!("{} ORDER BY seq {order} LIMIT {limit}", parts.join(" UNION "))
                    }
                }
            }
        };
        let mut query = sqlx::query(&sql);
        for b in &binds {
            query = match b {
                Bind::Int(i) => query.bind(*i),
                Bind::Text(t) => query.bind(t.clone()),
                Bind::Bytes(b) => query.bind(b.clone()),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut statements = rows.iter().map(statement_of).collect::<Result<Vec<_>>>()?;
        let more = statements.len() > q.limit as usize;
        statements.truncate(q.limit as usize);
        Ok(StatementPage { statements, more, through_seq: through })
    }

    /// Attachment contents by SHA-2.
    pub async fn attachments(&self, sha2: &[String]) -> Result<Vec<AttachmentContent>> {
        let mut out = Vec::new();
        for s in sha2 {
            let row = sqlx::query("SELECT sha2, content_type, content FROM xapi_attachments WHERE sha2 = $1")
                .bind(s.clone())
                .fetch_optional(self.pool())
                .await?;
            if let Some(r) = row {
                out.push(AttachmentContent {
                    sha2: r.try_get("sha2")?,
                    content_type: r.try_get("content_type")?,
                    content: r.try_get("content")?,
                });
            }
        }
        Ok(out)
    }

    /// The canonical definition the store holds for an activity.
    pub async fn activity_definition(&self, id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT definition FROM xapi_activities WHERE id = $1")
            .bind(id.to_owned())
            .fetch_optional(self.pool())
            .await?)
    }

    /// The stored definitions of these activities (those that have one), by activity id: one
    /// lookup, for the canonical format of a page of statements.
    pub async fn activity_definitions(&self, ids: &[String]) -> Result<std::collections::HashMap<String, String>> {
        self.lookup_rows("id, definition", "xapi_activities", "id", ids)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("definition")?)))
            .collect()
    }

    /// Up to `limit` entries, in id order after `after`, that are shown (not hidden) but that no
    /// current statement mirrors: entries recorded before the LRS existed, loaded in bulk (the
    /// demo), or whose statement could not be written at the time.
    pub async fn entries_without_statement(
        &self,
        after: Option<EntryId>,
        limit: u32,
    ) -> Result<Vec<crate::learning::Entry>> {
        use crate::learning::{decode_entry, ENTRY_COLUMNS, ENTRY_FROM};
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE e.hidden = 0 AND e.id > $1 AND NOT EXISTS \
             (SELECT 1 FROM xapi_statements s WHERE s.entry_id = e.id AND s.voided = 0 AND s.voids IS NULL) \
             ORDER BY e.id LIMIT {limit}"
        );
        let rows =
            sqlx::query(&sql).bind(after.map(|e| e.to_string()).unwrap_or_default()).fetch_all(self.pool()).await?;
        rows.iter().map(decode_entry).collect()
    }

    /// The statement that currently mirrors a learning-record entry (not voided), if any.
    pub async fn entry_statement(&self, entry: EntryId) -> Result<Option<Uuid>> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM xapi_statements WHERE entry_id = $1 AND voided = 0 AND voids IS NULL ORDER BY seq DESC LIMIT 1",
        )
        .bind(entry.to_string())
        .fetch_optional(self.pool())
        .await?;
        id.map(|i| Uuid::parse_str(&i).map_err(|_| StoreError::Corrupt("statement id".to_owned()))).transpose()
    }

    /// The catalogue resource each of these activities is, where one is: an activity IRI
    /// `urn:goldthread:resource:ID` is that resource; any other is the first resource created
    /// with that URL. Looked up for a whole batch of statements at once.
    pub async fn resources_for_activities(
        &self,
        activities: &[&str],
    ) -> Result<std::collections::HashMap<String, ResourceId>> {
        // A URN's id may be written in either case: each is looked up as the id it names, and
        // answered under the IRI as sent.
        let mut by_urn: Vec<(ResourceId, &str)> = Vec::new();
        let mut by_url: Vec<String> = Vec::new();
        for a in activities {
            match domain::learning::statement::resource_in_urn(a) {
                Some(r) => by_urn.push((r, a)),
                None => by_url.push((*a).to_owned()),
            }
        }
        let mut ids: Vec<String> = by_urn.iter().map(|(r, _)| r.to_string()).collect();
        for list in [&mut ids, &mut by_url] {
            list.sort_unstable();
            list.dedup();
        }
        let mut stored = std::collections::HashSet::new();
        for row in self.lookup_rows("id", "resources", "id", &ids).await? {
            stored.insert(crate::id_of::<ResourceId>(&row, "id")?);
        }
        let mut out: std::collections::HashMap<String, ResourceId> =
            by_urn.into_iter().filter(|(r, _)| stored.contains(r)).map(|(r, a)| ((*a).to_owned(), r)).collect();
        // Several resources may share a URL: the first created is the one (then the least id,
        // so that the choice does not depend on the order rows come back in).
        let mut first: std::collections::HashMap<String, (i64, ResourceId)> = std::collections::HashMap::new();
        for row in self.lookup_rows("id, url, created_at", "resources", "url", &by_url).await? {
            let candidate = (row.try_get::<i64, _>("created_at")?, crate::id_of::<ResourceId>(&row, "id")?);
            let best = first.entry(row.try_get("url")?).or_insert(candidate);
            *best = (*best).min(candidate);
        }
        out.extend(first.into_iter().map(|(url, (_, id))| (url, id)));
        Ok(out)
    }

    /// Statements from other systems waiting in a person's record, newest first.
    pub async fn pending_statements(&self, person: PersonId) -> Result<Vec<PendingItem>> {
        let rows = sqlx::query(
            "SELECT statement_id, person_id, title, resource_id, minutes, occurred_on, received_at FROM xapi_pending \
             WHERE person_id = $1 AND resolved_at IS NULL ORDER BY received_at DESC, statement_id LIMIT 100",
        )
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingItem {
                    statement: uuid_of(r, "statement_id")?,
                    person: crate::id_of(r, "person_id")?,
                    facts: PendingFacts {
                        title: r.try_get("title")?,
                        resource: opt(r, "resource_id")?,
                        minutes: u32::try_from(r.try_get::<i64, _>("minutes")?).unwrap_or(0),
                        occurred_on: r
                            .try_get::<String, _>("occurred_on")?
                            .parse()
                            .map_err(|_| StoreError::Corrupt("pending date".to_owned()))?,
                    },
                    received_at: from_millis(r.try_get("received_at")?)?,
                })
            })
            .collect()
    }

    /// Settles a waiting statement: added to the record as `entry`, or dismissed (`None`). Only
    /// its person can, once.
    pub async fn resolve_pending(
        &self,
        statement: Uuid,
        person: PersonId,
        entry: Option<EntryId>,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE xapi_pending SET resolved_at = $3, entry_id = $4 WHERE statement_id = $1 AND person_id = $2 AND resolved_at IS NULL",
        )
        .bind(statement.to_string())
        .bind(person.to_string())
        .bind(millis(now))
        .bind(entry.map(|e| e.to_string()))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Erases everything held about one agent, named by its identifier keys (every form it can
    /// be matched by): each statement that names it anywhere (and each that targets one of
    /// those), their index rows and waiting entries, the attachments no other statement uses,
    /// and its documents. Leaves only a count of what went. Returns (statements, documents).
    pub async fn erase_agent(&self, keys: &[String], by: Option<PersonId>, now: Timestamp) -> Result<(u64, u64)> {
        // The mbox pairs this server knows of are deleted below: forgotten before (so that no
        // batch skips one while the erasure runs) and after (for any batch that did).
        self.known.forget_mboxes();
        let mut tx = self.begin().await?;
        // Every statement acknowledged is found by its terms, postings still queued included.
        if self.backend == crate::Backend::Postgres {
            terms::write_queued(&mut tx).await?;
        }
        // An mbox_sha1sum also names every mbox whose sum it is that a statement has used.
        let mut keys: Vec<String> = keys.to_vec();
        for k in keys.clone() {
            let mboxes: Vec<String> = sqlx::query_scalar("SELECT mbox_key FROM xapi_mboxes WHERE sha1_key = $1")
                .bind(k)
                .fetch_all(&mut *tx)
                .await?;
            keys.extend(mboxes);
        }
        keys.sort_unstable();
        keys.dedup();
        let mut seqs: Vec<i64> = Vec::new();
        for k in &keys {
            let named = [term_key(&format!("a:{k}")), term_key(&format!("A:{k}"))];
            seqs.extend(terms::statements_with_any(&mut tx, self.backend, &named).await?);
            sqlx::query("DELETE FROM xapi_mboxes WHERE sha1_key = $1 OR mbox_key = $1")
                .bind(k.clone())
                .execute(&mut *tx)
                .await?;
        }
        seqs.sort_unstable();
        seqs.dedup();
        let mut hashes: Vec<String> = Vec::new();
        for seq in &seqs {
            let row = sqlx::query("SELECT id, body FROM xapi_statements WHERE seq = $1")
                .bind(*seq)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else { continue };
            let id: String = row.try_get("id")?;
            let used: Vec<String> =
                sqlx::query_scalar("SELECT sha2 FROM xapi_attachment_uses WHERE statement_seq = $1")
                    .bind(*seq)
                    .fetch_all(&mut *tx)
                    .await?;
            hashes.extend(used);
            sqlx::query("DELETE FROM xapi_attachment_uses WHERE statement_seq = $1")
                .bind(*seq)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM xapi_pending WHERE statement_id = $1").bind(id.clone()).execute(&mut *tx).await?;
            let keys: Option<Vec<u8>> = sqlx::query_scalar("SELECT term_keys FROM xapi_statement_ids WHERE id = $1")
                .bind(id.clone())
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
            sqlx::query("DELETE FROM xapi_statement_ids WHERE id = $1").bind(id).execute(&mut *tx).await?;
            terms::forget(&mut tx, self.backend, *seq, keys.as_deref()).await?;
            sqlx::query("DELETE FROM xapi_statements WHERE seq = $1").bind(*seq).execute(&mut *tx).await?;
        }
        hashes.sort_unstable();
        hashes.dedup();
        for h in hashes {
            let used: Option<i64> =
                sqlx::query_scalar("SELECT statement_seq FROM xapi_attachment_uses WHERE sha2 = $1 LIMIT 1")
                    .bind(h.clone())
                    .fetch_optional(&mut *tx)
                    .await?;
            if used.is_none() {
                sqlx::query("DELETE FROM xapi_attachments WHERE sha2 = $1").bind(h).execute(&mut *tx).await?;
            }
        }
        let mut documents = 0;
        for k in &keys {
            documents += sqlx::query("DELETE FROM xapi_documents WHERE agent_key = $1")
                .bind(k.clone())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let statements = seqs.len() as u64;
        sqlx::query("INSERT INTO xapi_erasures (erased_at, erased_by, statements, documents) VALUES ($1, $2, $3, $4)")
            .bind(millis(now))
            .bind(by.map(|p| p.to_string()))
            .bind(i64::try_from(statements).unwrap_or(i64::MAX))
            .bind(i64::try_from(documents).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.known.forget_mboxes();
        self.empty_log().await?;
        Ok((statements, documents))
    }

    /// On SQLite, copies the log into the database and empties it, so that the earlier copies
    /// of pages it holds (an erased agent's rows among them) leave the files too. It runs on the
    /// checkpointer's connection, so it waits for a background checkpoint rather than meeting
    /// it (SQLite runs one checkpoint at a time), and then for readers in the middle of a read
    /// (up to the busy timeout of 10 s); if one still holds the log, the erasure stands
    /// (nothing of it can be read through the store) and the log's old pages are overwritten as
    /// the store writes on, which is logged. Nothing to do on PostgreSQL.
    async fn empty_log(&self) -> Result<()> {
        let Some(checkpointer) = &self.checkpointer else { return Ok(()) };
        let (busy, _, _): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(checkpointer).await?;
        if busy != 0 {
            tracing::warn!("after an erasure, readers kept the SQLite log from being emptied; its old pages remain until overwritten");
        }
        Ok(())
    }

    /// How many erasures have been made.
    pub async fn erasure_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM xapi_erasures").fetch_one(self.pool()).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    // ---------------------------------------------------------------- documents

    pub async fn document(&self, key: &DocumentKey, id: &str) -> Result<Option<Document>> {
        let row = sqlx::query(
            "SELECT doc_id, content_type, content, etag, updated FROM xapi_documents \
             WHERE kind = $1 AND owner = $2 AND activity_id = $3 AND agent_key = $4 AND registration = $5 AND doc_id = $6",
        )
        .bind(key.kind.code())
        .bind(key.scope.owner())
        .bind(key.activity.clone())
        .bind(key.agent.clone())
        .bind(key.registration.clone())
        .bind(id.to_owned())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Document {
                id: r.try_get("doc_id")?,
                content_type: r.try_get("content_type")?,
                content: r.try_get("content")?,
                etag: r.try_get("etag")?,
                updated: from_millis(r.try_get("updated")?)?,
            })
        })
        .transpose()
    }

    /// The ids of the documents under a key, optionally only those updated after `since`.
    pub async fn document_ids(&self, key: &DocumentKey, since: Option<Timestamp>) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT doc_id FROM xapi_documents WHERE kind = $1 AND owner = $2 AND activity_id = $3 AND agent_key = $4 \
             AND registration = $5 AND updated > $6 ORDER BY doc_id",
        )
        .bind(key.kind.code())
        .bind(key.scope.owner())
        .bind(key.activity.clone())
        .bind(key.agent.clone())
        .bind(key.registration.clone())
        .bind(since.map_or(i64::MIN, millis))
        .fetch_all(self.pool())
        .await?)
    }

    /// Writes a document (creating or replacing it).
    pub async fn put_document(&self, key: &DocumentKey, doc: &Document) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::delete_documents_in(&mut tx, key, Some(&doc.id)).await?;
        sqlx::query(
            "INSERT INTO xapi_documents (kind, owner, activity_id, agent_key, registration, doc_id, content_type, content, etag, updated) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(key.kind.code())
        .bind(key.scope.owner())
        .bind(key.activity.clone())
        .bind(key.agent.clone())
        .bind(key.registration.clone())
        .bind(doc.id.clone())
        .bind(doc.content_type.clone())
        .bind(doc.content.clone())
        .bind(doc.etag.clone())
        .bind(millis(doc.updated))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes one document, or (with no id) every document under the key; for state documents
    /// with no registration given, every registration's. Returns how many went.
    pub async fn delete_documents(&self, key: &DocumentKey, id: Option<&str>) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = Self::delete_documents_in(&mut tx, key, id).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn delete_documents_in(tx: &mut Transaction<'_, Any>, key: &DocumentKey, id: Option<&str>) -> Result<u64> {
        let mut sql =
            "DELETE FROM xapi_documents WHERE kind = $1 AND owner = $2 AND activity_id = $3 AND agent_key = $4"
                .to_owned();
        let all_registrations = id.is_none() && key.registration.is_empty();
        if !all_registrations {
            sql.push_str(" AND registration = $5");
        }
        if id.is_some() {
            sql.push_str(" AND doc_id = $6");
        }
        let mut q = sqlx::query(&sql)
            .bind(key.kind.code())
            .bind(key.scope.owner())
            .bind(key.activity.clone())
            .bind(key.agent.clone());
        if !all_registrations {
            q = q.bind(key.registration.clone());
        }
        if let Some(id) = id {
            q = q.bind(id.to_owned());
        }
        Ok(q.execute(&mut **tx).await?.rows_affected())
    }
}

/// The term index: the statements each term key is found in, newest or oldest first. The one
/// place where the two backends keep it differently.
///
/// - PostgreSQL: `xapi_postings`, a row per term key and statement, in a B-tree by key with
///   the statement's seq (and time stored, migration 9).
/// - SQLite: `xapi_terms`, a full-text index (FTS5, migration 11) with a document per statement
///   whose rowid is its seq and whose words are its keys in hex (a copy of which is kept beside
///   the statement's id, in `xapi_statement_ids.term_keys`). A B-tree by a hash puts each
///   index row of a batch on a page of its own, and SQLite writes every page a transaction
///   changed to its log at the commit; FTS5 writes a transaction's words as one small sorted
///   segment and merges segments as they pile up.
pub(crate) mod terms {
    use sqlx::{Any, Transaction};

    use super::TERM_KEY_LEN;
    use crate::{Backend, Result};

    /// Indexes new statements under their keys: (seq, time stored, keys one after another).
    pub(super) async fn index(
        tx: &mut Transaction<'_, Any>,
        backend: Backend,
        statements: &[(i64, i64, &[u8])],
    ) -> Result<()> {
        match backend {
            Backend::Sqlite => {
                let documents: Vec<(i64, String)> = statements
                    .iter()
                    .filter(|(_, _, keys)| !keys.is_empty())
                    .map(|(seq, _, keys)| (*seq, words(keys)))
                    .collect();
                for chunk in documents.chunks(500) {
                    let sql = format!("INSERT INTO xapi_terms (rowid, keys) VALUES {}", backend.values(chunk.len(), 2));
                    let mut q = sqlx::query(&sql);
                    for (seq, words) in chunk {
                        q = q.bind(*seq).bind(words.clone());
                    }
                    q.execute(&mut **tx).await?;
                }
            }
            Backend::Postgres => {
                let Some(postings) = Postings::of(statements) else { return Ok(()) };
                // One statement of fixed text, whatever the number of rows: a multi-row VALUES
                // would be a new statement to parse and plan for each count of rows, with an
                // expression to set up for each of its thousands of parameters.
                sqlx::query(&format!("WITH taken (keys, seqs, times) AS (VALUES ($1, $2, $3)) {WRITE_TAKEN}"))
                    .bind(postings.keys)
                    .bind(postings.seqs)
                    .bind(postings.times)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Whether a batch of `statements` has its postings queued ([`queue`]) rather than written
    /// in its transaction: on PostgreSQL, a batch of [`QUEUE_FROM`] or more. A few postings cost
    /// less than the second transaction that would write them, and a single POST's latency is
    /// left as it was.
    pub(super) fn queued(backend: Backend, statements: usize) -> bool {
        backend == Backend::Postgres && statements >= QUEUE_FROM
    }

    const QUEUE_FROM: usize = 16;

    /// PostgreSQL: queues new statements' postings, to be written after the batch's transaction
    /// (by [`write_queued`]), as one row of `xapi_unindexed` (migration 12) written in it. About
    /// nine B-tree rows a statement, each in a random place, took a third of a batch's time;
    /// written apart, they leave the request's path for the server's other core.
    pub(super) async fn queue(tx: &mut Transaction<'_, Any>, statements: &[(i64, i64, &[u8])]) -> Result<()> {
        let Some(postings) = Postings::of(statements) else { return Ok(()) };
        sqlx::query("INSERT INTO xapi_unindexed (first_seq, keys, seqs, times) VALUES ($1, $2, $3, $4)")
            .bind(postings.first_seq)
            .bind(postings.keys)
            .bind(postings.seqs)
            .bind(postings.times)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// PostgreSQL: writes every queued batch's postings and takes the batches off the queue, a
    /// few at a time; returns the postings written. A batch another session is writing is
    /// waited for and left to it, so none is written twice, and every batch committed before
    /// this began has its postings written when it returns.
    pub(crate) async fn write_queued(conn: &mut sqlx::AnyConnection) -> Result<u64> {
        // A few batches a statement keeps the planner's estimate of the rows (a thousand a
        // generate_series, times the batches) under the cost at which PostgreSQL compiles a
        // query to machine code first, which took longer than running it.
        let sql = format!(
            "WITH taken AS (DELETE FROM xapi_unindexed WHERE first_seq IN \
             (SELECT first_seq FROM xapi_unindexed ORDER BY first_seq LIMIT 8 FOR UPDATE) \
             RETURNING keys, seqs, times) {WRITE_TAKEN}"
        );
        let mut written = 0;
        loop {
            let n = sqlx::query(&sql).execute(&mut *conn).await?.rows_affected();
            if n == 0 {
                return Ok(written);
            }
            written += n;
        }
    }

    /// [`write_queued`] in a transaction of its own, committed without waiting for the log to
    /// reach the disk: what it writes is rebuilt from the queue, and a crash that loses the
    /// commit loses its taking of the batches off the queue with it. A single POST then does
    /// not wait behind a second sync of the log for its postings.
    pub(crate) async fn write_queued_apart(pool: &sqlx::AnyPool) -> Result<u64> {
        let mut tx = pool.begin().await?;
        sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await?;
        let written = write_queued(&mut tx).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// The postings of the batches in `taken (keys, seqs, times)`, in key order, so that rows of
    /// one key (a common verb, say) go to their leaf page one after another. Each batch's values
    /// are read once (`OFFSET 0` keeps the planner from copying the expressions into every
    /// row): its keys, stored apart (TOAST), would otherwise be fetched again for each key, and
    /// its lists parsed again for each number.
    const WRITE_TAKEN: &str = "INSERT INTO xapi_postings (term_key, statement_seq, stored) \
         SELECT substring(l.keys FROM i * 16 + 1 FOR 16), l.seqs[i + 1], l.times[i + 1] FROM taken t \
         CROSS JOIN LATERAL (SELECT t.keys || ''::bytea AS keys, string_to_array(t.seqs, ',')::bigint[] AS seqs, \
         string_to_array(t.times, ',')::bigint[] AS times OFFSET 0) l \
         CROSS JOIN LATERAL generate_series(0, octet_length(l.keys) / 16 - 1) AS i ORDER BY 1, 2";

    /// A batch's postings as three values: the keys one after another, and for each key its
    /// statement's seq and time stored, as lists of numbers.
    struct Postings {
        first_seq: i64,
        keys: Vec<u8>,
        seqs: String,
        times: String,
    }

    impl Postings {
        /// None when the statements have no keys.
        fn of(statements: &[(i64, i64, &[u8])]) -> Option<Self> {
            let first_seq = statements.iter().map(|(seq, _, _)| *seq).min()?;
            let count: usize = statements.iter().map(|(_, _, keys)| keys.len() / TERM_KEY_LEN).sum();
            if count == 0 {
                return None;
            }
            let mut out = Postings {
                first_seq,
                keys: Vec::with_capacity(count * TERM_KEY_LEN),
                seqs: String::with_capacity(count * 8),
                times: String::with_capacity(count * 14),
            };
            let mut number = itoa::Buffer::new();
            for (seq, stored, keys) in statements {
                for key in keys.chunks(TERM_KEY_LEN) {
                    if !out.keys.is_empty() {
                        out.seqs.push(',');
                        out.times.push(',');
                    }
                    out.keys.extend_from_slice(key);
                    out.seqs.push_str(number.format(*seq));
                    out.times.push_str(number.format(*stored));
                }
            }
            Some(out)
        }
    }

    /// The statements indexed under any of these keys.
    pub(super) async fn statements_with_any(
        tx: &mut Transaction<'_, Any>,
        backend: Backend,
        keys: &[Vec<u8>],
    ) -> Result<Vec<i64>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        Ok(match backend {
            Backend::Sqlite => {
                sqlx::query_scalar("SELECT rowid FROM xapi_terms($1)")
                    .bind(match_expression(&[keys.to_vec()]))
                    .fetch_all(&mut **tx)
                    .await?
            }
            Backend::Postgres => {
                let marks: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
                let sql = format!("SELECT statement_seq FROM xapi_postings WHERE term_key IN ({})", marks.join(", "));
                let mut q = sqlx::query_scalar(&sql);
                for k in keys {
                    q = q.bind(k.clone());
                }
                q.fetch_all(&mut **tx).await?
            }
        })
    }

    /// Takes a statement out of the index; `keys` are its keys (kept since migration 10), without
    /// which PostgreSQL finds its rows the slow way. On SQLite, a document is deleted by giving
    /// its words again (the index keeps no copy), and, with secure-delete, they leave the index
    /// at once; a statement without keys has no document.
    pub(super) async fn forget(
        tx: &mut Transaction<'_, Any>,
        backend: Backend,
        seq: i64,
        keys: Option<&[u8]>,
    ) -> Result<()> {
        match (backend, keys) {
            (Backend::Sqlite, Some(keys)) if !keys.is_empty() => {
                sqlx::query("INSERT INTO xapi_terms (xapi_terms, rowid, keys) VALUES ('delete', $1, $2)")
                    .bind(seq)
                    .bind(words(keys))
                    .execute(&mut **tx)
                    .await?;
            }
            (Backend::Sqlite, _) => {}
            (Backend::Postgres, Some(keys)) => {
                for key in keys.chunks(TERM_KEY_LEN) {
                    sqlx::query("DELETE FROM xapi_postings WHERE term_key = $1 AND statement_seq = $2")
                        .bind(key.to_vec())
                        .bind(seq)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            (Backend::Postgres, None) => {
                sqlx::query("DELETE FROM xapi_postings WHERE statement_seq = $1").bind(seq).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    /// An FTS5 query for the statements with a key of each group: `("k1" OR "k2") AND "k3"`,
    /// each key a quoted word of hex (a bare word that starts with a digit would not parse).
    pub(super) fn match_expression(groups: &[Vec<Vec<u8>>]) -> String {
        groups
            .iter()
            .map(|group| {
                let words: Vec<String> = group.iter().map(|k| format!("\"{}\"", words(k))).collect();
                format!("({})", words.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Keys (each `TERM_KEY_LEN` bytes) as words of lower-case hex, one space between.
    fn words(keys: &[u8]) -> String {
        let mut out = String::with_capacity(keys.len() / TERM_KEY_LEN * (2 * TERM_KEY_LEN + 1));
        let mut word = [0u8; 2 * TERM_KEY_LEN];
        for (i, key) in keys.chunks(TERM_KEY_LEN).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let word = &mut word[..2 * key.len()];
            if hex::encode_to_slice(key, word).is_ok() {
                out.push_str(std::str::from_utf8(word).unwrap_or_default());
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::{match_expression, words};

        #[test]
        fn keys_are_words_of_lower_case_hex_and_groups_are_anded_alternatives() {
            let (a, b) = (vec![0x0a; 16], (0u8..16).collect::<Vec<u8>>());
            let (a_hex, b_hex) = ("0a".repeat(16), "000102030405060708090a0b0c0d0e0f");
            assert_eq!(words(&[a.clone(), b.clone()].concat()), format!("{a_hex} {b_hex}"));
            assert_eq!(words(&[]), "");
            assert_eq!(
                match_expression(&[vec![a.clone(), b.clone()], vec![b]]),
                format!("(\"{a_hex}\" OR \"{b_hex}\") AND (\"{b_hex}\")")
            );
        }
    }
}

/// Writes (mbox_sha1sum key, mbox key) pairs, skipping any already there.
async fn insert_mboxes(tx: &mut Transaction<'_, Any>, backend: crate::Backend, pairs: &[(&str, &str)]) -> Result<()> {
    insert_text_pairs(tx, backend, "INSERT INTO xapi_mboxes (sha1_key, mbox_key)", "ON CONFLICT DO NOTHING", pairs)
        .await
}

/// `{insert} VALUES (..), (..) {then}` for rows of two text columns, 500 rows a statement.
async fn insert_text_pairs(
    tx: &mut Transaction<'_, Any>,
    backend: crate::Backend,
    insert: &str,
    then: &str,
    pairs: &[(&str, &str)],
) -> Result<()> {
    for chunk in pairs.chunks(500) {
        let sql = format!("{insert} VALUES {} {then}", backend.values(chunk.len(), 2));
        let mut q = sqlx::query(&sql);
        for (a, b) in chunk {
            q = q.bind((*a).to_owned()).bind((*b).to_owned());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Records that a statement uses an attachment (for erasure), once.
async fn insert_attachment_use(tx: &mut Transaction<'_, Any>, sha2: &str, seq: i64) -> Result<()> {
    sqlx::query("INSERT INTO xapi_attachment_uses (sha2, statement_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(sha2.to_owned())
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

enum Bind {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// The term of an agent (by its key, see `Ifi::key`) with a verb (its IRI): a person's
/// statements with one verb, the commonest query, are one walk of the index.
pub fn agent_verb_term(agent_key: &str, verb: &str) -> String {
    format!("av:{agent_key}|{verb}")
}

/// What a term is indexed under: the first 16 bytes of its SHA-256. Index rows stay short and
/// compare as bytes whatever the term's length, and hold no address in clear; 128 bits make a
/// collision between two of a store's terms as unlikely as one between two random UUIDs.
pub(crate) fn term_key(term: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(term.as_bytes())[..TERM_KEY_LEN].to_vec()
}

/// Merges a little of SQLite's term index, at most [`MERGE_PAGES`] pages written in one
/// transaction of the writer (`writer`), if it has segments to merge; answers whether it did.
/// FTS5 counts a merge that did work as two changes or more.
///
/// A merge commits without syncing the log (`synchronous = NORMAL` for its one transaction): it
/// only rearranges what is stored, and a crash that loses it leaves the segments unmerged, to be
/// merged again. The next commit of statements syncs the log up to its own end, the merge's pages
/// with it, and a checkpoint syncs the log before it copies any of it. The writer is set back to
/// `synchronous = FULL` after; if that fails, the connection is closed, not returned to the pool.
pub(crate) async fn merge_term_index(writer: &sqlx::AnyPool) -> Result<bool> {
    let mut conn = writer.acquire().await?;
    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
    let merged = merge_once(&mut conn).await;
    if sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await.is_err() {
        conn.close_on_drop();
    }
    merged
}

async fn merge_once(conn: &mut sqlx::AnyConnection) -> Result<bool> {
    let before: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
    sqlx::query("INSERT INTO xapi_terms (xapi_terms, rank) VALUES ('merge', $1)")
        .bind(MERGE_PAGES)
        .execute(&mut *conn)
        .await?;
    let after: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *conn).await?;
    Ok(after - before >= 2)
}

/// How much of SQLite's term index one merge transaction may write, in pages: a request that
/// waits for the writer behind a merge waits for about this much. Merging a term index of
/// 100,000 documents to the end took the same time in steps of 16 pages as of 64, at 1.7 ms a
/// step against 5.4 ms. Over 300,000 statements and 4,500 single-statement POSTs (`xapi_bench
/// 300000 3000 300 1`, two runs each), POSTs that waited over 2 ms for the writer numbered 32 and
/// 12 with merges of 64 pages synced at commit, and 4 and 6 with merges of 16 pages not synced.
const MERGE_PAGES: i64 = 16;

/// The length of a term key, in bytes; a statement's keys are kept one after another.
const TERM_KEY_LEN: usize = 16;
// PostgreSQL's insert of postings cuts its keys apart at 16 bytes, written in its SQL.
const _: () = assert!(TERM_KEY_LEN == 16);
