//! The portfolio: a person's whole record for a period, in one read, and the links through which
//! they share it (made, listed, found by their secret's hash, revoked, and every view logged).

use domain::ids::{PersonId, ShareId};
use domain::people::Email;
use domain::portfolio::{Period, Recipient, ShareStatus};
use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::learning::{decode_entry, Entry, ENTRY_COLUMNS, ENTRY_FROM};
use crate::people::person_id;
use crate::{from_millis, millis, Result, Store, StoreError};

/// A share link as the learner makes it. The secret itself is never stored: only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShare {
    pub id: ShareId,
    pub person: PersonId,
    pub token_hash: String,
    pub recipient: Recipient,
    pub recipient_email: Option<Email>,
    pub period: Period,
    pub expires_at: Timestamp,
}

/// A share link as stored, with how often it has been used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub id: ShareId,
    pub person: PersonId,
    pub recipient: String,
    pub recipient_email: Option<String>,
    pub period: Period,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub views: u64,
}

impl Share {
    pub fn status(&self, now: Timestamp) -> ShareStatus {
        ShareStatus::at(now, self.expires_at, self.revoked_at)
    }
}

/// One view through a share link: when, and what was viewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareView {
    pub share: ShareId,
    pub viewed_at: Timestamp,
    pub note: Option<String>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn share_id(row: &AnyRow, col: &str) -> Result<ShareId> {
    row.try_get::<String, _>(col)?.parse().map_err(|_| corrupt(col, "not an id"))
}

fn date(row: &AnyRow, col: &str) -> Result<Option<Date>> {
    row.try_get::<Option<String>, _>(col)?.map(|d| d.parse::<Date>().map_err(|e| corrupt(col, e))).transpose()
}

const SHARE_COLUMNS: &str = "s.id, s.person_id, s.recipient, s.recipient_email, s.period_from, s.period_to, \
     s.expires_at, s.revoked_at, s.created_at, \
     (SELECT COUNT(*) FROM portfolio_share_views v WHERE v.share_id = s.id) AS views";

fn decode_share(row: &AnyRow) -> Result<Share> {
    let period = Period::new(date(row, "period_from")?, date(row, "period_to")?).map_err(|e| corrupt("period", e))?;
    Ok(Share {
        id: share_id(row, "id")?,
        person: person_id(row, "person_id")?,
        recipient: row.try_get("recipient")?,
        recipient_email: row.try_get("recipient_email")?,
        period,
        expires_at: from_millis(row.try_get("expires_at")?)?,
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_millis).transpose()?,
        created_at: from_millis(row.try_get("created_at")?)?,
        views: u64::try_from(row.try_get::<i64, _>("views")?).unwrap_or(0),
    })
}

fn decode_view(row: &AnyRow) -> Result<ShareView> {
    Ok(ShareView {
        share: share_id(row, "share_id")?,
        viewed_at: from_millis(row.try_get("viewed_at")?)?,
        note: row.try_get("note")?,
    })
}

impl Store {
    // ---------------------------------------------------------------- the record for a period

    /// Every entry of a person's in `period`, newest first (ties by when recorded, then by id),
    /// without paging: a portfolio holds all of them.
    pub async fn portfolio_entries(&self, person: PersonId, period: Period) -> Result<Vec<Entry>> {
        let mut clauses = vec!["e.person_id = $1".to_owned()];
        let mut binds = vec![person.to_string()];
        if let Some(d) = period.from() {
            binds.push(d.to_string());
            clauses.push(format!("e.occurred_on >= ${}", binds.len()));
        }
        if let Some(d) = period.to() {
            binds.push(d.to_string());
            clauses.push(format!("e.occurred_on <= ${}", binds.len()));
        }
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM {ENTRY_FROM} WHERE {} ORDER BY e.occurred_on DESC, e.created_at DESC, e.id DESC",
            clauses.join(" AND ")
        );
        let mut q = sqlx::query(&sql);
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(self.pool()).await?.iter().map(decode_entry).collect()
    }

    // ---------------------------------------------------------------- share links

    pub async fn create_share(&self, share: &NewShare, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO portfolio_shares (id, person_id, token_hash, recipient, recipient_email, period_from, period_to, expires_at, revoked_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)",
        )
        .bind(share.id.to_string())
        .bind(share.person.to_string())
        .bind(share.token_hash.as_str())
        .bind(share.recipient.as_str())
        .bind(share.recipient_email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(share.period.from().map(|d| d.to_string()))
        .bind(share.period.to().map(|d| d.to_string()))
        .bind(millis(share.expires_at))
        .bind(millis(now))
        .execute(self.pool())
        .await
        .map_err(|e| StoreError::conflict_as(e, "share link"))?;
        Ok(())
    }

    /// A person's share links, newest first, whatever their state.
    pub async fn shares_of(&self, person: PersonId) -> Result<Vec<Share>> {
        let sql = format!(
            "SELECT {SHARE_COLUMNS} FROM portfolio_shares s WHERE s.person_id = $1 ORDER BY s.created_at DESC, s.id"
        );
        sqlx::query(&sql).bind(person.to_string()).fetch_all(self.pool()).await?.iter().map(decode_share).collect()
    }

    pub async fn share(&self, id: ShareId) -> Result<Option<Share>> {
        let sql = format!("SELECT {SHARE_COLUMNS} FROM portfolio_shares s WHERE s.id = $1");
        sqlx::query(&sql).bind(id.to_string()).fetch_optional(self.pool()).await?.as_ref().map(decode_share).transpose()
    }

    /// The link whose secret hashes to `token_hash`, whether or not it still works (so that a
    /// refusal can say why).
    pub async fn share_by_token_hash(&self, token_hash: &str) -> Result<Option<Share>> {
        let sql = format!("SELECT {SHARE_COLUMNS} FROM portfolio_shares s WHERE s.token_hash = $1");
        sqlx::query(&sql).bind(token_hash).fetch_optional(self.pool()).await?.as_ref().map(decode_share).transpose()
    }

    /// The link whose secret hashes to `token_hash` if it works at `now`: not revoked, not expired.
    pub async fn live_share(&self, token_hash: &str, now: Timestamp) -> Result<Option<Share>> {
        let sql = format!(
            "SELECT {SHARE_COLUMNS} FROM portfolio_shares s WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2"
        );
        sqlx::query(&sql)
            .bind(token_hash)
            .bind(millis(now))
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(decode_share)
            .transpose()
    }

    /// Revokes one of `owner`'s links from `now`. Revoking a revoked link changes nothing; another
    /// person's link, or none, is not found.
    pub async fn revoke_share(&self, id: ShareId, owner: PersonId, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM portfolio_shares WHERE id = $1 AND person_id = $2")
            .bind(id.to_string())
            .bind(owner.to_string())
            .fetch_one(&mut *tx)
            .await?;
        if owned == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE portfolio_shares SET revoked_at = $3 WHERE id = $1 AND person_id = $2 AND revoked_at IS NULL",
        )
        .bind(id.to_string())
        .bind(owner.to_string())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs a view through a link, but only if the link still works at `now`; answers whether it
    /// did. Checking and logging in one statement means a link revoked a moment ago shows nothing.
    pub async fn log_share_view(&self, id: ShareId, now: Timestamp, note: &str) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO portfolio_share_views (share_id, viewed_at, note) \
             SELECT s.id, $2, $3 FROM portfolio_shares s WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
        )
        .bind(id.to_string())
        .bind(millis(now))
        .bind(note)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Views through all of a person's links, newest first, at most `limit`.
    pub async fn share_views_of(&self, person: PersonId, limit: u32) -> Result<Vec<ShareView>> {
        let sql = format!(
            "SELECT v.share_id, v.viewed_at, v.note FROM portfolio_share_views v JOIN portfolio_shares s ON s.id = v.share_id \
             WHERE s.person_id = $1 ORDER BY v.viewed_at DESC, v.id DESC LIMIT {limit}"
        );
        sqlx::query(&sql).bind(person.to_string()).fetch_all(self.pool()).await?.iter().map(decode_view).collect()
    }

    /// Views through one link, newest first.
    pub async fn share_views(&self, id: ShareId) -> Result<Vec<ShareView>> {
        sqlx::query(
            "SELECT share_id, viewed_at, note FROM portfolio_share_views WHERE share_id = $1 ORDER BY viewed_at DESC, id DESC",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode_view)
        .collect()
    }
}
