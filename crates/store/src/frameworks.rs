//! Frameworks (every imported version, and the crosswalks), self-assessments with their history,
//! 360° feedback (invitations, answers until the close, the report computed once at the close) and
//! development plans.
//!
//! The rules are the domain's (`domain::frameworks`); this module only keeps what they decide.
//! Two things it does enforce, because only a transaction can: an answer is accepted only while
//! its 360 is open and its invitation unused and unexpired, and a 360 closes exactly once, with
//! its report written and its raw answers deleted in the same transaction.

use std::collections::BTreeMap;
use std::fmt;

use domain::frameworks::feedback::{
    BehaviourResult, Comments, DomainFigure, DomainResult, Figure, Finding, PoolStatus,
};
use domain::frameworks::{
    export_framework, parse_framework, shipped, Answer, BehaviourRef, Crosswalk, Format, Framework, Goal, Importance,
    Invitation, InvitationId, Rater, RaterGroup, ReleaseError, Report, Scale, SelfAssessment, SelfRating, Slug, Source,
};
use domain::ids::{EntryId, PersonId, ResourceId};
use domain::people::{Email, Level, Sector};
use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::people::person_id;
use crate::{from_millis, id_of, millis, Result, Store, StoreError};

pub use domain::ids::{AssessmentId, FeedbackId, GoalId};

fn corrupt(what: &str, e: impl fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn slug(s: &str) -> Result<Slug> {
    Slug::parse(s).map_err(|e| corrupt("id", e))
}

fn opt_millis(row: &AnyRow, col: &str) -> Result<Option<Timestamp>> {
    row.try_get::<Option<i64>, _>(col)?.map(from_millis).transpose()
}

fn opt_person(row: &AnyRow, col: &str) -> Result<Option<PersonId>> {
    row.try_get::<Option<String>, _>(col)?.map(|s| s.parse().map_err(|_| corrupt(col, "not an id"))).transpose()
}

fn split(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').filter(|t| !t.is_empty())
}

fn join<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|t| t.to_string()).collect::<Vec<_>>().join("|")
}

/// The code a rater group is stored under.
pub fn group_from_code(code: &str) -> Option<RaterGroup> {
    RaterGroup::ALL.iter().copied().find(|g| g.code() == code)
}

/// The code a report's source is stored under.
pub const fn source_code(source: Source) -> &'static str {
    match source {
        Source::Myself => "self",
        Source::LineManager => "line-manager",
        Source::Peers => "peers",
        Source::DirectReports => "direct-reports",
        Source::Others => "others",
        Source::AllRaters => "all-raters",
    }
}

pub fn source_from_code(code: &str) -> Option<Source> {
    [Source::Myself, Source::LineManager, Source::Peers, Source::DirectReports, Source::Others, Source::AllRaters]
        .into_iter()
        .find(|s| source_code(*s) == code)
}

// -------------------------------------------------------------------- frameworks

/// A framework version in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkSummary {
    pub id: Slug,
    pub version: String,
    pub name: String,
    pub publisher: String,
    pub imported_at: Timestamp,
}

/// What importing a framework did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// A new framework, or a new version of one.
    Added,
    /// This version was already there, exactly the same.
    Unchanged,
}

fn decode_summary(row: &AnyRow) -> Result<FrameworkSummary> {
    Ok(FrameworkSummary {
        id: slug(&row.try_get::<String, _>("id")?)?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        publisher: row.try_get("publisher")?,
        imported_at: from_millis(row.try_get("imported_at")?)?,
    })
}

fn decode_framework(document: &str) -> Result<Framework> {
    parse_framework(document, Format::Json).map_err(|e| corrupt("framework", e))
}

/// The current version of each framework: the one imported last.
const CURRENT: &str = "f.imported_at = (SELECT MAX(g.imported_at) FROM frameworks g WHERE g.id = f.id)";

async fn insert_framework(
    tx: &mut Transaction<'_, Any>,
    framework: &Framework,
    by: Option<PersonId>,
    now: Timestamp,
) -> Result<Imported> {
    let document = export_framework(framework, Format::Json);
    let existing: Option<String> = sqlx::query_scalar("SELECT document FROM frameworks WHERE id = $1 AND version = $2")
        .bind(framework.id().as_str())
        .bind(framework.version())
        .fetch_optional(&mut **tx)
        .await?;
    match existing {
        Some(d) if d == document => return Ok(Imported::Unchanged),
        Some(_) => return Err(StoreError::Conflict("framework version".to_owned())),
        None => {}
    }
    // Imported later than any version before it, even within one millisecond.
    let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(imported_at) FROM frameworks WHERE id = $1")
        .bind(framework.id().as_str())
        .fetch_one(&mut **tx)
        .await?;
    let at = latest.map_or(millis(now), |l| l.max(millis(now) - 1) + 1);
    sqlx::query(
        "INSERT INTO frameworks (id, version, name, publisher, document, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(framework.id().as_str())
    .bind(framework.version())
    .bind(framework.name())
    .bind(framework.publisher())
    .bind(document)
    .bind(by.map(|p| p.to_string()))
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(|e| StoreError::conflict_as(e, "framework version"))?;
    Ok(Imported::Added)
}

impl Store {
    /// Puts the shipped frameworks and crosswalks in the database the first time any framework is
    /// read, so that a new database has them without a step of its own.
    async fn ensure_shipped(&self) -> Result<()> {
        let ids: Vec<String> = shipped::frameworks().iter().map(|f| f.id().to_string()).collect();
        let present: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT id) FROM frameworks WHERE id IN ($1, $2, $3)")
            .bind(ids.first().cloned().unwrap_or_default())
            .bind(ids.get(1).cloned().unwrap_or_default())
            .bind(ids.get(2).cloned().unwrap_or_default())
            .fetch_one(self.pool())
            .await?;
        if usize::try_from(present).unwrap_or(0) >= ids.len() {
            return Ok(());
        }
        let now = Timestamp::now();
        let install = async {
            let mut tx = self.begin().await?;
            for f in shipped::frameworks() {
                let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM frameworks WHERE id = $1")
                    .bind(f.id().as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                if known == 0 {
                    insert_framework(&mut tx, &f, None, now).await?;
                }
            }
            insert_crosswalks(&mut tx, &shipped::crosswalks()).await?;
            tx.commit().await.map_err(|e| StoreError::conflict_as(e, "framework"))
        };
        match install.await {
            // Another server installed them at the same moment.
            Err(StoreError::Conflict(_)) => Ok(()),
            other => other,
        }
    }

    /// The current version of every framework, by name.
    pub async fn frameworks(&self) -> Result<Vec<FrameworkSummary>> {
        self.ensure_shipped().await?;
        let sql = format!(
            "SELECT f.id, f.version, f.name, f.publisher, f.imported_at FROM frameworks f WHERE {CURRENT} ORDER BY f.name, f.id"
        );
        sqlx::query(&sql).fetch_all(self.pool()).await?.iter().map(decode_summary).collect()
    }

    /// Every version of one framework, newest first.
    pub async fn framework_versions(&self, id: &str) -> Result<Vec<FrameworkSummary>> {
        self.ensure_shipped().await?;
        sqlx::query(
            "SELECT id, version, name, publisher, imported_at FROM frameworks WHERE id = $1 ORDER BY imported_at DESC",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode_summary)
        .collect()
    }

    /// The current version of a framework.
    pub async fn framework(&self, id: &str) -> Result<Option<Framework>> {
        self.ensure_shipped().await?;
        let sql = format!("SELECT f.document FROM frameworks f WHERE f.id = $1 AND {CURRENT}");
        let doc: Option<String> = sqlx::query_scalar(&sql).bind(id).fetch_optional(self.pool()).await?;
        doc.as_deref().map(decode_framework).transpose()
    }

    /// One version of a framework, as an assessment made against it needs.
    pub async fn framework_version(&self, id: &str, version: &str) -> Result<Option<Framework>> {
        self.ensure_shipped().await?;
        let doc: Option<String> = sqlx::query_scalar("SELECT document FROM frameworks WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(self.pool())
            .await?;
        doc.as_deref().map(decode_framework).transpose()
    }

    /// The current version of every framework, whole: what crosswalks are checked against.
    pub async fn current_frameworks(&self) -> Result<Vec<Framework>> {
        self.ensure_shipped().await?;
        let sql = format!("SELECT f.document FROM frameworks f WHERE {CURRENT} ORDER BY f.id");
        let docs: Vec<String> = sqlx::query_scalar(&sql).fetch_all(self.pool()).await?;
        docs.iter().map(|d| decode_framework(d)).collect()
    }

    /// Imports a checked framework. A new id or a new version is added (and becomes current); the
    /// same version again changes nothing if it is the same, and is a conflict if it is not.
    pub async fn import_framework(
        &self,
        framework: &Framework,
        by: Option<PersonId>,
        now: Timestamp,
    ) -> Result<Imported> {
        self.ensure_shipped().await?;
        let mut tx = self.begin().await?;
        let done = insert_framework(&mut tx, framework, by, now).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Every crosswalk, grouped by the behaviour mapped from.
    pub async fn crosswalks(&self) -> Result<Vec<Crosswalk>> {
        self.ensure_shipped().await?;
        let rows = sqlx::query("SELECT from_ref, to_ref FROM framework_crosswalks ORDER BY from_ref, to_ref")
            .fetch_all(self.pool())
            .await?;
        let mut out: Vec<Crosswalk> = Vec::new();
        for row in &rows {
            let from: BehaviourRef =
                row.try_get::<String, _>("from_ref")?.parse().map_err(|e| corrupt("crosswalk", e))?;
            let to: BehaviourRef = row.try_get::<String, _>("to_ref")?.parse().map_err(|e| corrupt("crosswalk", e))?;
            match out.last_mut() {
                Some(last) if last.from == from => last.to.push(to),
                _ => out.push(Crosswalk { from, to: vec![to] }),
            }
        }
        Ok(out)
    }

    /// Adds checked crosswalks, all or none; those already there are left as they are. Answers
    /// how many links were new.
    pub async fn import_crosswalks(&self, crosswalks: &[Crosswalk]) -> Result<u64> {
        self.ensure_shipped().await?;
        let mut tx = self.begin().await?;
        let added = insert_crosswalks(&mut tx, crosswalks).await?;
        tx.commit().await?;
        Ok(added)
    }
}

async fn insert_crosswalks(tx: &mut Transaction<'_, Any>, crosswalks: &[Crosswalk]) -> Result<u64> {
    let mut added = 0;
    for c in crosswalks {
        for to in &c.to {
            let done = sqlx::query(
                "INSERT INTO framework_crosswalks (from_ref, to_ref) VALUES ($1, $2) ON CONFLICT (from_ref, to_ref) DO NOTHING",
            )
            .bind(c.from.to_string())
            .bind(to.to_string())
            .execute(&mut **tx)
            .await?;
            added += done.rows_affected();
        }
    }
    Ok(added)
}

// -------------------------------------------------------------------- self-assessment

/// A self-assessment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRecord {
    pub id: AssessmentId,
    pub person: PersonId,
    pub assessment: SelfAssessment,
    pub started_at: Timestamp,
    pub updated_at: Timestamp,
    /// Set when the person said it was finished; until then it is a draft they can come back to.
    pub completed_at: Option<Timestamp>,
    /// Whether the person shares it with their line manager.
    pub shared: bool,
}

/// Scales by framework id and version.
type ScaleCache = BTreeMap<(String, String), Scale>;

const ASSESSMENT_COLUMNS: &str =
    "id, person_id, framework_id, framework_version, started_at, updated_at, completed_at, shared";

impl Store {
    /// Reads one assessment and its ratings; `scales` keeps each framework version's scale, so
    /// that a list reads each framework once.
    async fn decode_assessment(&self, row: &AnyRow, scales: &mut ScaleCache) -> Result<AssessmentRecord> {
        let id: AssessmentId = id_of(row, "id")?;
        let framework = slug(&row.try_get::<String, _>("framework_id")?)?;
        let version: String = row.try_get("framework_version")?;
        let key = (framework.to_string(), version.clone());
        if !scales.contains_key(&key) {
            let f = self
                .framework_version(framework.as_str(), &version)
                .await?
                .ok_or_else(|| corrupt("assessment", "its framework version is missing"))?;
            scales.insert(key.clone(), f.scale().clone());
        }
        let scale = scales.get(&key).ok_or_else(|| corrupt("assessment", "no scale"))?;
        let rows = sqlx::query(
            "SELECT behaviour, rating, note, evidence FROM self_ratings WHERE assessment_id = $1 ORDER BY behaviour",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut ratings = BTreeMap::new();
        for r in &rows {
            let value = u8::try_from(r.try_get::<i64, _>("rating")?).map_err(|e| corrupt("rating", e))?;
            let rating = scale.rating(value).map_err(|e| corrupt("rating", e))?;
            let evidence = split(&r.try_get::<String, _>("evidence")?)
                .map(|e| e.parse::<EntryId>().map_err(|_| corrupt("evidence", "not an id")))
                .collect::<Result<Vec<_>>>()?;
            ratings.insert(
                slug(&r.try_get::<String, _>("behaviour")?)?,
                SelfRating { rating, note: r.try_get("note")?, evidence },
            );
        }
        Ok(AssessmentRecord {
            id,
            person: person_id(row, "person_id")?,
            assessment: SelfAssessment { framework, version, ratings },
            started_at: from_millis(row.try_get("started_at")?)?,
            updated_at: from_millis(row.try_get("updated_at")?)?,
            completed_at: opt_millis(row, "completed_at")?,
            shared: row.try_get::<i64, _>("shared")? != 0,
        })
    }

    /// Saves a person's self-assessment: a new one, or their draft again. Ratings are replaced
    /// whole; `complete` finishes it. A completed assessment is history and is not changed again.
    pub async fn save_assessment(
        &self,
        id: AssessmentId,
        person: PersonId,
        assessment: &SelfAssessment,
        complete: bool,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let existing = sqlx::query("SELECT person_id, completed_at FROM self_assessments WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let completed_at = complete.then(|| millis(now));
        match existing {
            Some(row) => {
                if person_id(&row, "person_id")? != person {
                    return Err(StoreError::NotFound);
                }
                if row.try_get::<Option<i64>, _>("completed_at")?.is_some() {
                    return Err(StoreError::Conflict("completed assessment".to_owned()));
                }
                sqlx::query("UPDATE self_assessments SET updated_at = $2, completed_at = $3 WHERE id = $1")
                    .bind(id.to_string())
                    .bind(millis(now))
                    .bind(completed_at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM self_ratings WHERE assessment_id = $1")
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO self_assessments (id, person_id, framework_id, framework_version, started_at, updated_at, completed_at, shared) \
                     VALUES ($1, $2, $3, $4, $5, $5, $6, 0)",
                )
                .bind(id.to_string())
                .bind(person.to_string())
                .bind(assessment.framework.as_str())
                .bind(assessment.version.as_str())
                .bind(millis(now))
                .bind(completed_at)
                .execute(&mut *tx)
                .await?;
            }
        }
        for (behaviour, r) in &assessment.ratings {
            sqlx::query(
                "INSERT INTO self_ratings (assessment_id, behaviour, rating, note, evidence) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id.to_string())
            .bind(behaviour.as_str())
            .bind(i64::from(r.rating.value()))
            .bind(r.note.clone())
            .bind(join(&r.evidence))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn assessment(&self, id: AssessmentId) -> Result<Option<AssessmentRecord>> {
        let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM self_assessments WHERE id = $1");
        match sqlx::query(&sql).bind(id.to_string()).fetch_optional(self.pool()).await? {
            Some(row) => Ok(Some(self.decode_assessment(&row, &mut ScaleCache::new()).await?)),
            None => Ok(None),
        }
    }

    /// A person's self-assessments, newest first; of one framework only if `framework` is given.
    pub async fn assessments_of(&self, person: PersonId, framework: Option<&str>) -> Result<Vec<AssessmentRecord>> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM self_assessments WHERE person_id = $1 AND ($2 = '' OR framework_id = $2) \
             ORDER BY started_at DESC, id"
        );
        let rows = sqlx::query(&sql)
            .bind(person.to_string())
            .bind(framework.unwrap_or("").to_owned())
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut scales = ScaleCache::new();
        for row in &rows {
            out.push(self.decode_assessment(row, &mut scales).await?);
        }
        Ok(out)
    }

    /// Shares one of `owner`'s assessments with their line manager, or stops sharing it.
    pub async fn set_assessment_shared(&self, id: AssessmentId, owner: PersonId, shared: bool) -> Result<()> {
        let done = sqlx::query("UPDATE self_assessments SET shared = $3 WHERE id = $1 AND person_id = $2")
            .bind(id.to_string())
            .bind(owner.to_string())
            .bind(i64::from(shared))
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

// -------------------------------------------------------------------- 360° feedback

/// A 360 as its subject or an administrator starts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedback {
    pub id: FeedbackId,
    pub subject: PersonId,
    pub started_by: PersonId,
    pub facilitator: Option<PersonId>,
    pub framework: Slug,
    pub version: String,
}

/// One invitation to rate. Someone outside goldthread gets a single-use link: only its secret's
/// hash is kept, with when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    pub invitation: Invitation,
    pub token_hash: Option<String>,
    pub expires_at: Option<Timestamp>,
}

/// A 360 as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRecord {
    pub id: FeedbackId,
    pub subject: PersonId,
    pub started_by: Option<PersonId>,
    pub facilitator: Option<PersonId>,
    pub framework: Slug,
    pub version: String,
    pub started_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// Answers so far (the subject's own included).
    pub answered: u64,
}

impl FeedbackRecord {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// An invitation as stored. Whether and when it was answered is kept so that reminders go only
/// to those who have not; how it was answered is not kept past the close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub invitation: Invitation,
    pub feedback: FeedbackId,
    pub invited_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub answered_at: Option<Timestamp>,
    pub reminded_at: Option<Timestamp>,
}

/// Why an answer was not taken. Nothing was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRefused {
    /// No such invitation.
    Unknown,
    /// The 360 has closed and its report is released.
    Closed,
    /// The invitation was answered already (a link is single-use).
    Used,
    /// The link has expired.
    Expired,
}

/// Why a 360 did not close. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseRefused {
    Unknown,
    AlreadyClosed,
    /// The domain would not release a report (no answers, for instance).
    Release(ReleaseError),
}

const FEEDBACK_COLUMNS: &str =
    "id, subject_id, started_by, facilitator_id, framework_id, framework_version, started_at, closed_at, answered";

fn decode_feedback(row: &AnyRow) -> Result<FeedbackRecord> {
    Ok(FeedbackRecord {
        id: id_of(row, "id")?,
        subject: person_id(row, "subject_id")?,
        started_by: opt_person(row, "started_by")?,
        facilitator: opt_person(row, "facilitator_id")?,
        framework: slug(&row.try_get::<String, _>("framework_id")?)?,
        version: row.try_get("framework_version")?,
        started_at: from_millis(row.try_get("started_at")?)?,
        closed_at: opt_millis(row, "closed_at")?,
        answered: u64::try_from(row.try_get::<i64, _>("answered")?).unwrap_or(0),
    })
}

const INVITATION_COLUMNS: &str =
    "i.id, i.feedback_id, i.rater_group, i.person_id, i.email, i.invited_at, i.expires_at, i.answered_at, i.reminded_at";

fn decode_invitation(row: &AnyRow) -> Result<InvitationRecord> {
    let group: String = row.try_get("rater_group")?;
    let rater = match (opt_person(row, "person_id")?, row.try_get::<Option<String>, _>("email")?) {
        (Some(p), _) => Rater::Person(p),
        (None, Some(e)) => Rater::Outside(Email::parse(&e).map_err(|e| corrupt("email", e))?),
        (None, None) => return Err(corrupt("invitation", "names no rater")),
    };
    Ok(InvitationRecord {
        invitation: Invitation {
            id: InvitationId::from_uuid(id_of(row, "id")?),
            group: group_from_code(&group).ok_or_else(|| corrupt("rater_group", &group))?,
            rater,
        },
        feedback: id_of(row, "feedback_id")?,
        invited_at: from_millis(row.try_get("invited_at")?)?,
        expires_at: opt_millis(row, "expires_at")?,
        answered_at: opt_millis(row, "answered_at")?,
        reminded_at: opt_millis(row, "reminded_at")?,
    })
}

async fn insert_invitations(
    tx: &mut Transaction<'_, Any>,
    feedback: FeedbackId,
    invitations: &[NewInvitation],
    now: Timestamp,
) -> Result<()> {
    for n in invitations {
        let (person, email) = match &n.invitation.rater {
            Rater::Person(p) => (Some(p.to_string()), None),
            Rater::Outside(e) => (None, Some(e.as_str().to_owned())),
        };
        sqlx::query(
            "INSERT INTO feedback_invitations (id, feedback_id, rater_group, person_id, email, token_hash, expires_at, invited_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(n.invitation.id.to_string())
        .bind(feedback.to_string())
        .bind(n.invitation.group.code())
        .bind(person)
        .bind(email)
        .bind(n.token_hash.clone())
        .bind(n.expires_at.map(millis))
        .bind(millis(now))
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "invitation"))?;
    }
    Ok(())
}

fn encode_pairs<K: fmt::Display, V>(map: &BTreeMap<K, V>, value: impl Fn(&V) -> u8) -> String {
    join(map.iter().map(|(k, v)| format!("{k}={}", value(v))))
}

fn decode_pairs(text: &str) -> Result<Vec<(Slug, u8)>> {
    split(text)
        .map(|pair| {
            let (k, v) = pair.split_once('=').ok_or_else(|| corrupt("answer", pair))?;
            Ok((slug(k)?, v.parse::<u8>().map_err(|e| corrupt("answer", e))?))
        })
        .collect()
}

fn decode_answer(row: &AnyRow, framework: &Framework) -> Result<Answer> {
    let mut ratings = BTreeMap::new();
    for (b, v) in decode_pairs(&row.try_get::<String, _>("ratings")?)? {
        ratings.insert(b, framework.scale().rating(v).map_err(|e| corrupt("answer", e))?);
    }
    let mut importance = BTreeMap::new();
    for (d, v) in decode_pairs(&row.try_get::<String, _>("importance")?)? {
        importance.insert(d, Importance::new(v).ok_or_else(|| corrupt("importance", v))?);
    }
    Ok(Answer {
        invitation: InvitationId::from_uuid(id_of(row, "invitation_id")?),
        ratings,
        importance,
        comment: row.try_get("comment")?,
    })
}

impl Store {
    /// Starts a 360 with its first invitations (the subject's own among them).
    pub async fn create_feedback(&self, f: &NewFeedback, invitations: &[NewInvitation], now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO feedbacks (id, subject_id, started_by, facilitator_id, framework_id, framework_version, started_at, answered) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
        )
        .bind(f.id.to_string())
        .bind(f.subject.to_string())
        .bind(f.started_by.to_string())
        .bind(f.facilitator.map(|p| p.to_string()))
        .bind(f.framework.as_str())
        .bind(f.version.as_str())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        insert_invitations(&mut tx, f.id, invitations, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Invites more raters to an open 360; a closed one is a conflict.
    pub async fn add_invitations(&self, id: FeedbackId, invitations: &[NewInvitation], now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let open = sqlx::query("UPDATE feedbacks SET answered = answered WHERE id = $1 AND closed_at IS NULL")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if open.rows_affected() == 0 {
            return Err(StoreError::Conflict("closed 360".to_owned()));
        }
        insert_invitations(&mut tx, id, invitations, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn feedback(&self, id: FeedbackId) -> Result<Option<FeedbackRecord>> {
        let sql = format!("SELECT {FEEDBACK_COLUMNS} FROM feedbacks WHERE id = $1");
        sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(decode_feedback)
            .transpose()
    }

    /// The 360s a person is the subject of, started, or facilitates, newest first.
    pub async fn feedbacks_for(&self, person: PersonId) -> Result<Vec<FeedbackRecord>> {
        let sql = format!(
            "SELECT {FEEDBACK_COLUMNS} FROM feedbacks WHERE subject_id = $1 OR facilitator_id = $1 OR started_by = $1 ORDER BY started_at DESC, id"
        );
        sqlx::query(&sql).bind(person.to_string()).fetch_all(self.pool()).await?.iter().map(decode_feedback).collect()
    }

    /// A 360's invitations, in the order they were made.
    pub async fn invitations(&self, id: FeedbackId) -> Result<Vec<InvitationRecord>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM feedback_invitations i WHERE i.feedback_id = $1 ORDER BY i.invited_at, i.id"
        );
        sqlx::query(&sql).bind(id.to_string()).fetch_all(self.pool()).await?.iter().map(decode_invitation).collect()
    }

    pub async fn invitation(&self, id: InvitationId) -> Result<Option<InvitationRecord>> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM feedback_invitations i WHERE i.id = $1");
        sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(decode_invitation)
            .transpose()
    }

    /// The invitation whose link's secret hashes to `token_hash`, used or not (so that a refusal
    /// can say why).
    pub async fn invitation_by_token_hash(&self, token_hash: &str) -> Result<Option<InvitationRecord>> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM feedback_invitations i WHERE i.token_hash = $1");
        sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(decode_invitation)
            .transpose()
    }

    /// Invitations a person has yet to answer, in 360s still open, oldest first.
    pub async fn invitations_waiting_for(&self, person: PersonId) -> Result<Vec<InvitationRecord>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM feedback_invitations i JOIN feedbacks f ON f.id = i.feedback_id \
             WHERE i.person_id = $1 AND i.answered_at IS NULL AND f.closed_at IS NULL ORDER BY i.invited_at, i.id"
        );
        sqlx::query(&sql).bind(person.to_string()).fetch_all(self.pool()).await?.iter().map(decode_invitation).collect()
    }

    /// Takes an answer, once, while its 360 is open and its link (if any) has not expired.
    /// Counting the answer on the 360's row first means a close running at the same moment
    /// either sees this answer or refuses it; never half.
    pub async fn submit_answer(&self, answer: &Answer, now: Timestamp) -> Result<Result<(), AnswerRefused>> {
        let Some(inv) = self.invitation(answer.invitation).await? else { return Ok(Err(AnswerRefused::Unknown)) };
        let mut tx = self.begin().await?;
        let open = sqlx::query("UPDATE feedbacks SET answered = answered + 1 WHERE id = $1 AND closed_at IS NULL")
            .bind(inv.feedback.to_string())
            .execute(&mut *tx)
            .await?;
        if open.rows_affected() == 0 {
            return Ok(Err(AnswerRefused::Closed));
        }
        let taken = sqlx::query(
            "UPDATE feedback_invitations SET answered_at = $2 \
             WHERE id = $1 AND answered_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(inv.invitation.id.to_string())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() == 0 {
            let refusal = if inv.answered_at.is_some() {
                AnswerRefused::Used
            } else if inv.expires_at.is_some_and(|e| e <= now) {
                AnswerRefused::Expired
            } else {
                AnswerRefused::Used
            };
            return Ok(Err(refusal));
        }
        sqlx::query(
            "INSERT INTO feedback_answers (invitation_id, ratings, importance, comment) VALUES ($1, $2, $3, $4)",
        )
        .bind(answer.invitation.to_string())
        .bind(encode_pairs(&answer.ratings, |r| r.value()))
        .bind(encode_pairs(&answer.importance, |i| i.value()))
        .bind(answer.comment.clone())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Closes a 360 once: `release` computes the report from its framework version, invitations
    /// and answers; the report is kept, the raw answers are deleted and the 360 takes no more
    /// answers, all in one transaction. If `release` refuses, nothing changes.
    pub async fn close_feedback(
        &self,
        id: FeedbackId,
        now: Timestamp,
        release: impl FnOnce(&Framework, &[Invitation], &[Answer]) -> std::result::Result<Report, ReleaseError>,
    ) -> Result<Result<Report, CloseRefused>> {
        let Some(record) = self.feedback(id).await? else { return Ok(Err(CloseRefused::Unknown)) };
        let framework = self
            .framework_version(record.framework.as_str(), &record.version)
            .await?
            .ok_or_else(|| corrupt("360", "its framework version is missing"))?;
        let mut tx = self.begin().await?;
        let claimed = sqlx::query("UPDATE feedbacks SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
            .bind(id.to_string())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        if claimed.rows_affected() == 0 {
            return Ok(Err(CloseRefused::AlreadyClosed));
        }
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM feedback_invitations i WHERE i.feedback_id = $1");
        let invitations: Vec<Invitation> = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| decode_invitation(r).map(|i| i.invitation))
            .collect::<Result<_>>()?;
        let answers: Vec<Answer> = sqlx::query(
            "SELECT a.invitation_id, a.ratings, a.importance, a.comment FROM feedback_answers a \
             JOIN feedback_invitations i ON i.id = a.invitation_id WHERE i.feedback_id = $1 ORDER BY a.invitation_id",
        )
        .bind(id.to_string())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| decode_answer(r, &framework))
        .collect::<Result<_>>()?;
        let report = match release(&framework, &invitations, &answers) {
            Ok(r) => r,
            Err(e) => return Ok(Err(CloseRefused::Release(e))),
        };
        write_report(&mut tx, id, &report).await?;
        sqlx::query(
            "DELETE FROM feedback_answers WHERE invitation_id IN (SELECT id FROM feedback_invitations WHERE feedback_id = $1)",
        )
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(report))
    }

    /// The report of a closed 360, as it was released; none while it is open.
    pub async fn feedback_report(&self, id: FeedbackId) -> Result<Option<Report>> {
        let Some(record) = self.feedback(id).await? else { return Ok(None) };
        if record.is_open() {
            return Ok(None);
        }
        let key = id.to_string();
        let shown: i64 = sqlx::query_scalar("SELECT others_comments_shown FROM feedbacks WHERE id = $1")
            .bind(&key)
            .fetch_one(self.pool())
            .await?;
        let pools = sqlx::query("SELECT source, invited, answered FROM feedback_report_pools WHERE feedback_id = $1")
            .bind(&key)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(PoolStatus {
                    source: source_of(r)?,
                    invited: count(r.try_get("invited")?),
                    answered: r.try_get::<Option<i64>, _>("answered")?.map(count),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut pools = pools;
        pools.sort_by_key(|p| p.source);
        let figures =
            sqlx::query("SELECT measure, item, source, mean, n FROM feedback_report_figures WHERE feedback_id = $1")
                .bind(&key)
                .fetch_all(self.pool())
                .await?;
        let mut by_item: BTreeMap<(String, String), Vec<StoredFigure>> = BTreeMap::new();
        for r in &figures {
            by_item.entry((r.try_get("measure")?, r.try_get("item")?)).or_default().push((
                source_of(r)?,
                r.try_get("mean")?,
                count(r.try_get("n")?),
            ));
        }
        for list in by_item.values_mut() {
            list.sort_by_key(|f| f.0);
        }
        let figures_of = |measure: &str, item: &str| by_item.get(&(measure.to_owned(), item.to_owned())).cloned();
        let items = sqlx::query(
            "SELECT kind, item, domain, gap, finding, priority FROM feedback_report_items WHERE feedback_id = $1 ORDER BY seq",
        )
        .bind(&key)
        .fetch_all(self.pool())
        .await?;
        let (mut behaviours, mut domains) = (Vec::new(), Vec::new());
        for r in &items {
            let kind: String = r.try_get("kind")?;
            let item: String = r.try_get("item")?;
            if kind == "behaviour" {
                let finding = match r.try_get::<Option<String>, _>("finding")?.as_deref() {
                    Some("blind-spot") => Some(Finding::BlindSpot),
                    Some("hidden-strength") => Some(Finding::HiddenStrength),
                    _ => None,
                };
                behaviours.push(BehaviourResult {
                    behaviour: slug(&item)?,
                    domain: slug(&r.try_get::<String, _>("domain")?)?,
                    figures: figures_of("rating", &item)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(source, mean, answers)| Figure { source, mean, answers })
                        .collect(),
                    gap: r.try_get("gap")?,
                    finding,
                });
            } else {
                domains.push(DomainResult {
                    domain: slug(&item)?,
                    ratings: figures_of("domain", &item)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(source, mean, behaviours)| DomainFigure { source, mean, behaviours })
                        .collect(),
                    importance: figures_of("importance", &item)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(source, mean, answers)| Figure { source, mean, answers })
                        .collect(),
                    priority: r.try_get::<i64, _>("priority")? != 0,
                });
            }
        }
        let comments = sqlx::query(
            "SELECT source, body FROM feedback_report_comments WHERE feedback_id = $1 ORDER BY source, seq",
        )
        .bind(&key)
        .fetch_all(self.pool())
        .await?;
        let mut c = Comments { own: None, manager: Vec::new(), others: (shown != 0).then(Vec::new) };
        for r in &comments {
            let body: String = r.try_get("body")?;
            match source_of(r)? {
                Source::Myself => c.own = Some(body),
                Source::LineManager => c.manager.push(body),
                _ => c.others.get_or_insert_with(Vec::new).push(body),
            }
        }
        Ok(Some(Report {
            framework: record.framework,
            version: record.version,
            threshold: domain::frameworks::THRESHOLD,
            pools,
            behaviours,
            domains,
            comments: c,
        }))
    }

    /// Invitations in open 360s that have not been answered, were made before `before`, and have
    /// not been reminded since `before` (nor have expired): whom to remind.
    pub async fn invitations_to_remind(&self, before: Timestamp, now: Timestamp) -> Result<Vec<InvitationRecord>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM feedback_invitations i JOIN feedbacks f ON f.id = i.feedback_id \
             WHERE f.closed_at IS NULL AND i.answered_at IS NULL AND i.rater_group <> 'self' AND i.invited_at < $1 \
             AND (i.reminded_at IS NULL OR i.reminded_at < $1) AND (i.expires_at IS NULL OR i.expires_at > $2) \
             ORDER BY i.invited_at, i.id"
        );
        sqlx::query(&sql)
            .bind(millis(before))
            .bind(millis(now))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode_invitation)
            .collect()
    }

    /// Gives an outsider's invitation a new link (its secret's hash) and expiry, for a reminder:
    /// the old link stops working. Only while it is unanswered.
    pub async fn renew_link(&self, id: InvitationId, token_hash: &str, expires_at: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE feedback_invitations SET token_hash = $2, expires_at = $3 \
             WHERE id = $1 AND answered_at IS NULL AND token_hash IS NOT NULL",
        )
        .bind(id.to_string())
        .bind(token_hash)
        .bind(millis(expires_at))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn mark_reminded(&self, id: InvitationId, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE feedback_invitations SET reminded_at = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// A shown figure as stored: its source, mean and count.
type StoredFigure = (Source, f64, usize);

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

fn source_of(row: &AnyRow) -> Result<Source> {
    let s: String = row.try_get("source")?;
    source_from_code(&s).ok_or_else(|| corrupt("source", s))
}

async fn write_report(tx: &mut Transaction<'_, Any>, id: FeedbackId, report: &Report) -> Result<()> {
    let key = id.to_string();
    for p in &report.pools {
        sqlx::query(
            "INSERT INTO feedback_report_pools (feedback_id, source, invited, answered) VALUES ($1, $2, $3, $4)",
        )
        .bind(&key)
        .bind(source_code(p.source))
        .bind(p.invited as i64)
        .bind(p.answered.map(|a| a as i64))
        .execute(&mut **tx)
        .await?;
    }
    let figure = |measure: &'static str, item: String, source: Source, mean: f64, n: usize| {
        sqlx::query(
            "INSERT INTO feedback_report_figures (feedback_id, measure, item, source, mean, n) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(key.clone())
        .bind(measure)
        .bind(item)
        .bind(source_code(source))
        .bind(mean)
        .bind(n as i64)
    };
    let item = |kind: &'static str, item: String, seq: usize, domain: String| {
        sqlx::query(
            "INSERT INTO feedback_report_items (feedback_id, kind, item, seq, domain, gap, finding, priority) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(key.clone())
        .bind(kind)
        .bind(item)
        .bind(seq as i64)
        .bind(domain)
    };
    for (seq, b) in report.behaviours.iter().enumerate() {
        let finding = b.finding.map(|f| match f {
            Finding::BlindSpot => "blind-spot",
            Finding::HiddenStrength => "hidden-strength",
        });
        item("behaviour", b.behaviour.to_string(), seq, b.domain.to_string())
            .bind(b.gap)
            .bind(finding)
            .bind(0i64)
            .execute(&mut **tx)
            .await?;
        for f in &b.figures {
            figure("rating", b.behaviour.to_string(), f.source, f.mean, f.answers).execute(&mut **tx).await?;
        }
    }
    for (seq, d) in report.domains.iter().enumerate() {
        item("domain", d.domain.to_string(), seq, d.domain.to_string())
            .bind(None::<f64>)
            .bind(None::<String>)
            .bind(i64::from(d.priority))
            .execute(&mut **tx)
            .await?;
        for f in &d.ratings {
            figure("domain", d.domain.to_string(), f.source, f.mean, f.behaviours).execute(&mut **tx).await?;
        }
        for f in &d.importance {
            figure("importance", d.domain.to_string(), f.source, f.mean, f.answers).execute(&mut **tx).await?;
        }
    }
    let c = &report.comments;
    let mut comments: Vec<(Source, usize, &str)> = Vec::new();
    comments.extend(c.own.iter().map(|s| (Source::Myself, 0, s.as_str())));
    comments.extend(c.manager.iter().enumerate().map(|(i, s)| (Source::LineManager, i, s.as_str())));
    comments.extend(c.others.iter().flatten().enumerate().map(|(i, s)| (Source::Others, i, s.as_str())));
    for (source, seq, body) in comments {
        sqlx::query("INSERT INTO feedback_report_comments (feedback_id, source, seq, body) VALUES ($1, $2, $3, $4)")
            .bind(&key)
            .bind(source_code(source))
            .bind(seq as i64)
            .bind(body)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE feedbacks SET others_comments_shown = $2 WHERE id = $1")
        .bind(&key)
        .bind(i64::from(c.others.is_some()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// -------------------------------------------------------------------- the development plan

/// A goal of a person's development plan, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalRecord {
    pub id: GoalId,
    pub person: PersonId,
    pub goal: Goal,
    pub created_at: Timestamp,
}

/// A comment on a plan, by its owner or their line manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanComment {
    pub author: Option<PersonId>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: Timestamp,
}

/// A resource that could be recommended: what it is tagged against, and for whom it is written.
pub use domain::frameworks::Candidate;

fn date(row: &AnyRow, col: &str) -> Result<Date> {
    row.try_get::<String, _>(col)?.parse().map_err(|e| corrupt(col, e))
}

fn decode_goal(row: &AnyRow) -> Result<GoalRecord> {
    Ok(GoalRecord {
        id: id_of(row, "id")?,
        person: person_id(row, "person_id")?,
        goal: Goal {
            title: row.try_get("title")?,
            set_on: date(row, "set_on")?,
            target: date(row, "target_on")?,
            behaviours: split(&row.try_get::<String, _>("behaviours")?)
                .map(|b| b.parse().map_err(|e| corrupt("behaviours", e)))
                .collect::<Result<_>>()?,
            resources: split(&row.try_get::<String, _>("resources")?)
                .map(|r| r.parse().map_err(|_| corrupt("resources", "not an id")))
                .collect::<Result<_>>()?,
        },
        created_at: from_millis(row.try_get("created_at")?)?,
    })
}

impl Store {
    pub async fn add_goal(&self, id: GoalId, person: PersonId, goal: &Goal, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO plan_goals (id, person_id, title, set_on, target_on, behaviours, resources, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(person.to_string())
        .bind(goal.title.as_str())
        .bind(goal.set_on.to_string())
        .bind(goal.target.to_string())
        .bind(join(&goal.behaviours))
        .bind(join(&goal.resources))
        .bind(millis(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A person's goals, soonest target first.
    pub async fn goals_of(&self, person: PersonId) -> Result<Vec<GoalRecord>> {
        sqlx::query(
            "SELECT id, person_id, title, set_on, target_on, behaviours, resources, created_at FROM plan_goals \
             WHERE person_id = $1 ORDER BY target_on, created_at, id",
        )
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode_goal)
        .collect()
    }

    /// Removes one of `owner`'s goals; another person's, or none, is not found.
    pub async fn remove_goal(&self, id: GoalId, owner: PersonId) -> Result<()> {
        let done = sqlx::query("DELETE FROM plan_goals WHERE id = $1 AND person_id = $2")
            .bind(id.to_string())
            .bind(owner.to_string())
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn add_plan_comment(&self, person: PersonId, author: PersonId, body: &str, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO plan_comments (person_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(person.to_string())
            .bind(author.to_string())
            .bind(body)
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Comments on a person's plan, oldest first.
    pub async fn plan_comments(&self, person: PersonId) -> Result<Vec<PlanComment>> {
        let rows = sqlx::query(
            "SELECT c.author_id, p.name AS author_name, c.body, c.created_at FROM plan_comments c \
             LEFT JOIN people p ON p.id = c.author_id WHERE c.person_id = $1 ORDER BY c.created_at, c.id",
        )
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PlanComment {
                    author: opt_person(r, "author_id")?,
                    author_name: r.try_get("author_name")?,
                    body: r.try_get("body")?,
                    created_at: from_millis(r.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    /// Resources in the catalogue (not retired) tagged against any of `behaviours`, with their
    /// levels and sectors: the candidates for recommendations.
    pub async fn candidates_tagged(&self, behaviours: &[BehaviourRef]) -> Result<Vec<Candidate>> {
        if behaviours.is_empty() {
            return Ok(Vec::new());
        }
        let tags: Vec<String> = behaviours.iter().map(ToString::to_string).collect();
        let mut out: BTreeMap<ResourceId, Candidate> = BTreeMap::new();
        for chunk in tags.chunks(self.backend().max_params().min(500)) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT r.id, r.title, b.behaviour FROM resources r JOIN resource_behaviours b ON b.resource_id = r.id \
                 WHERE r.retired_at IS NULL AND r.id IN (SELECT resource_id FROM resource_behaviours WHERE behaviour IN ({}))",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for t in chunk {
                q = q.bind(t);
            }
            for row in q.fetch_all(self.pool()).await? {
                let id: ResourceId = id_of(&row, "id")?;
                let c = out.entry(id).or_insert_with(|| Candidate {
                    resource: id,
                    title: row.try_get("title").unwrap_or_default(),
                    behaviours: Vec::new(),
                    levels: Vec::new(),
                    sectors: Vec::new(),
                });
                if let Ok(b) = row.try_get::<String, _>("behaviour")?.parse::<BehaviourRef>() {
                    if !c.behaviours.contains(&b) {
                        c.behaviours.push(b);
                    }
                }
            }
        }
        for c in out.values_mut() {
            let levels: Vec<String> = sqlx::query_scalar("SELECT level FROM resource_levels WHERE resource_id = $1")
                .bind(c.resource.to_string())
                .fetch_all(self.pool())
                .await?;
            c.levels = levels.iter().filter_map(|l| l.parse::<Level>().ok()).collect();
            let sectors: Vec<String> = sqlx::query_scalar("SELECT sector FROM resource_sectors WHERE resource_id = $1")
                .bind(c.resource.to_string())
                .fetch_all(self.pool())
                .await?;
            c.sectors = sectors.iter().filter_map(|s| s.parse::<Sector>().ok()).collect();
        }
        Ok(out.into_values().collect())
    }
}
