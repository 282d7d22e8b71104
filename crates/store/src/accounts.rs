//! Accounts, sessions, API tokens, emailed tokens, sign-in throttling, form submissions and the
//! audit log. Secrets are stored only as hashes; the caller hashes them.

use domain::accounts::EmailTokenPurpose;
use domain::ids::{OrganisationId, PersonId, TokenId};
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

use crate::people::person_id;
use crate::{from_millis, millis, Result, Store, StoreError};

/// What the store knows of an account, for sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub person: PersonId,
    pub password_hash: Option<String>,
    pub email_confirmed: bool,
}

/// An API token as listed to its owner (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked: bool,
}

/// An account waiting to join an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRequest {
    pub person: PersonId,
    pub name: String,
    pub email: String,
    pub requested_at: Timestamp,
}

impl Store {
    /// Creates (or replaces the password of) the account for a person.
    pub async fn set_account(
        &self,
        person: PersonId,
        password_hash: &str,
        confirmed_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let updated = sqlx::query("UPDATE accounts SET password_hash = $2 WHERE person_id = $1")
            .bind(person.to_string())
            .bind(password_hash)
            .execute(self.pool())
            .await?;
        if updated.rows_affected() == 0 {
            sqlx::query("INSERT INTO accounts (person_id, password_hash, email_confirmed_at, created_at) VALUES ($1, $2, $3, $4)")
                .bind(person.to_string())
                .bind(password_hash)
                .bind(confirmed_at.map(millis))
                .bind(millis(now))
                .execute(self.pool())
                .await
                .map_err(|e| StoreError::conflict_as(e, "account"))?;
        }
        Ok(())
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>> {
        let row = sqlx::query("SELECT p.id, a.password_hash, a.email_confirmed_at FROM people p JOIN accounts a ON a.person_id = p.id WHERE p.email = $1")
            .bind(email)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(Account {
                person: person_id(&row, "id")?,
                password_hash: row.try_get::<Option<String>, _>("password_hash")?,
                email_confirmed: row.try_get::<Option<i64>, _>("email_confirmed_at")?.is_some(),
            })
        })
        .transpose()
    }

    pub async fn confirm_email(&self, person: PersonId, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE accounts SET email_confirmed_at = COALESCE(email_confirmed_at, $2) WHERE person_id = $1")
            .bind(person.to_string())
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    // -------------------------------------------------------------- sessions

    pub async fn create_session(
        &self,
        token_hash: &str,
        person: PersonId,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(person.to_string())
            .bind(millis(now))
            .bind(millis(expires))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The person a live session belongs to.
    pub async fn session_person(&self, token_hash: &str, now: Timestamp) -> Result<Option<PersonId>> {
        let row = sqlx::query("SELECT person_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(millis(now))
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| person_id(&r, "person_id")).transpose()
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    /// Ends every session of a person (after a password reset).
    pub async fn end_sessions_of(&self, person: PersonId) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person.to_string()).execute(self.pool()).await?;
        Ok(())
    }

    pub async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(millis(now)).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }

    // -------------------------------------------------------------- API tokens

    pub async fn create_api_token(
        &self,
        id: TokenId,
        person: PersonId,
        name: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO api_tokens (id, person_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.to_string())
            .bind(person.to_string())
            .bind(name)
            .bind(token_hash)
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The owner of a live (unrevoked) token, noting its use.
    pub async fn api_token_person(&self, token_hash: &str, now: Timestamp) -> Result<Option<PersonId>> {
        let row = sqlx::query("SELECT person_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(Some(person_id(&row, "person_id")?))
    }

    pub async fn api_tokens(&self, person: PersonId) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query("SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC")
            .bind(person.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r
                        .try_get::<String, _>("id")?
                        .parse()
                        .map_err(|_| StoreError::Corrupt("token id".to_owned()))?,
                    name: r.try_get("name")?,
                    created_at: from_millis(r.try_get("created_at")?)?,
                    last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(from_millis).transpose()?,
                    revoked: r.try_get::<Option<i64>, _>("revoked_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Revokes one of a person's tokens; another person's token is not found.
    pub async fn revoke_api_token(&self, person: PersonId, id: TokenId, now: Timestamp) -> Result<()> {
        let done =
            sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND person_id = $2")
                .bind(id.to_string())
                .bind(person.to_string())
                .bind(millis(now))
                .execute(self.pool())
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // -------------------------------------------------------------- emailed tokens

    pub async fn create_email_token(
        &self,
        token_hash: &str,
        purpose: EmailTokenPurpose,
        person: PersonId,
        now: Timestamp,
    ) -> Result<()> {
        let expires = now
            .checked_add(
                jiff::SignedDuration::try_from(purpose.lifetime()).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("INSERT INTO email_tokens (token_hash, purpose, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(purpose.code())
            .bind(person.to_string())
            .bind(millis(now))
            .bind(millis(expires))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Uses a token once: returns its person if it was live and of this purpose, and marks it
    /// used in the same statement so that two uses cannot both succeed.
    pub async fn use_email_token(
        &self,
        token_hash: &str,
        purpose: EmailTokenPurpose,
        now: Timestamp,
    ) -> Result<Option<PersonId>> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE email_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3")
            .bind(token_hash)
            .bind(purpose.code())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT person_id FROM email_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(person_id(&row, "person_id")?))
    }

    /// Whether a token is live, without using it (to show the form that will use it).
    pub async fn email_token_live(&self, token_hash: &str, purpose: EmailTokenPurpose, now: Timestamp) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3")
            .bind(token_hash)
            .bind(purpose.code())
            .bind(millis(now))
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }

    // -------------------------------------------------------------- throttling

    pub async fn record_sign_in_failure(&self, email: &str, address: &str, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO sign_in_failures (email, address, at) VALUES ($1, $2, $3)")
            .bind(email)
            .bind(address)
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Failures since `since` for this email and from this address.
    pub async fn sign_in_failures(&self, email: &str, address: &str, since: Timestamp) -> Result<(u32, u32)> {
        let by_email: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE email = $1 AND at > $2")
            .bind(email)
            .bind(millis(since))
            .fetch_one(self.pool())
            .await?;
        let by_address: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE address = $1 AND at > $2")
                .bind(address)
                .bind(millis(since))
                .fetch_one(self.pool())
                .await?;
        Ok((u32::try_from(by_email).unwrap_or(u32::MAX), u32::try_from(by_address).unwrap_or(u32::MAX)))
    }

    /// Forgets failures older than `before`: they no longer count towards any limit.
    pub async fn purge_sign_in_failures(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
            .bind(millis(before))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn clear_sign_in_failures(&self, email: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1").bind(email).execute(self.pool()).await?;
        Ok(())
    }

    // -------------------------------------------------------------- forms posted twice

    /// Claims a form's one-time key. Returns `None` the first time (go ahead), or the outcome
    /// recorded by the first submission when the same form comes again.
    pub async fn claim_submission(&self, key: &str, outcome: &str, now: Timestamp) -> Result<Option<String>> {
        let inserted = sqlx::query("INSERT INTO form_submissions (key, outcome, created_at) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(outcome)
            .bind(millis(now))
            .execute(self.pool())
            .await;
        match inserted {
            Ok(_) => Ok(None),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                let previous: String = sqlx::query_scalar("SELECT outcome FROM form_submissions WHERE key = $1")
                    .bind(key)
                    .fetch_one(self.pool())
                    .await?;
                Ok(Some(previous))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Forgets a claimed key when the action it guarded failed, so the form can be sent again.
    pub async fn release_submission(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM form_submissions WHERE key = $1").bind(key).execute(self.pool()).await?;
        Ok(())
    }

    // -------------------------------------------------------------- joining organisations

    pub async fn request_membership(
        &self,
        person: PersonId,
        organisation: OrganisationId,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("DELETE FROM membership_requests WHERE person_id = $1")
            .bind(person.to_string())
            .execute(self.pool())
            .await?;
        sqlx::query("INSERT INTO membership_requests (person_id, organisation_id, requested_at) VALUES ($1, $2, $3)")
            .bind(person.to_string())
            .bind(organisation.to_string())
            .bind(millis(now))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn membership_requests(&self, organisation: OrganisationId) -> Result<Vec<MembershipRequest>> {
        let rows = sqlx::query(
            "SELECT p.id, p.name, p.email, r.requested_at FROM membership_requests r JOIN people p ON p.id = r.person_id \
             WHERE r.organisation_id = $1 ORDER BY r.requested_at",
        )
        .bind(organisation.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MembershipRequest {
                    person: person_id(r, "id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    requested_at: from_millis(r.try_get("requested_at")?)?,
                })
            })
            .collect()
    }

    /// The organisation a person has asked to join, if any.
    pub async fn pending_membership(&self, person: PersonId) -> Result<Option<OrganisationId>> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT organisation_id FROM membership_requests WHERE person_id = $1")
                .bind(person.to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(id.and_then(|s| s.parse().ok()))
    }

    pub async fn clear_membership_request(&self, person: PersonId) -> Result<()> {
        sqlx::query("DELETE FROM membership_requests WHERE person_id = $1")
            .bind(person.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    // -------------------------------------------------------------- audit

    /// Notes who did what to whom. Subjects are ids, never personal data.
    pub async fn audit(
        &self,
        actor: Option<PersonId>,
        action: &str,
        subject: Option<String>,
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor_id, action, subject) VALUES ($1, $2, $3, $4)")
            .bind(millis(now))
            .bind(actor.map(|a| a.to_string()))
            .bind(action)
            .bind(subject)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn audit_count(&self, action: &str) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// A fresh random id for a token row.
pub fn new_token_id() -> TokenId {
    TokenId::from_uuid(Uuid::new_v4())
}
