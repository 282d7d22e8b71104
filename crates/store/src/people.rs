//! Organisations, places and systems; people, their reporting line, employment history and role
//! grants; and the bulk writes behind imports and the demo.

use std::collections::HashMap;

use domain::ids::{OrganisationId, PersonId};
use domain::paging::{Page, PageRequest};
use domain::people::import::{OrganisationRow, PeoplePlan, PersonRecord};
use domain::people::{
    Email, EmailDomain, JobTitle, Level, OrganisationCode, OrganisationKind, OrganisationName, Ownership, PersonName,
    Profession, Role, RoleGrant, RoleScope, Sector, StaffNumber,
};
use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::{millis, Result, Store, StoreError};

/// An organisation as shown on its page and in the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub code: OrganisationCode,
    pub name: OrganisationName,
    pub kind: OrganisationKind,
    pub sector: Sector,
    pub ownership: Ownership,
    pub place: Option<String>,
    pub system: Option<String>,
    pub email_domains: Vec<EmailDomain>,
    pub people: u64,
}

/// What a form, an API call or an import says an organisation should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationFields {
    pub code: OrganisationCode,
    pub name: OrganisationName,
    pub kind: OrganisationKind,
    pub sector: Sector,
    pub ownership: Ownership,
    pub email_domains: Vec<EmailDomain>,
    pub place: Option<String>,
    pub system: Option<String>,
}

impl From<&OrganisationRow> for OrganisationFields {
    fn from(r: &OrganisationRow) -> Self {
        Self {
            code: r.code.clone(),
            name: r.name.clone(),
            kind: r.kind,
            sector: r.sector,
            ownership: r.ownership,
            email_domains: r.email_domains.clone(),
            place: r.place.clone(),
            system: r.system.clone(),
        }
    }
}

/// A short reference to an organisation, for lists and links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRef {
    pub id: OrganisationId,
    pub code: OrganisationCode,
    pub name: OrganisationName,
}

/// A short reference to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub id: PersonId,
    pub name: PersonName,
}

/// A person as shown on their profile and in the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub email: Email,
    pub name: PersonName,
    pub staff_number: Option<StaffNumber>,
    pub job_title: Option<JobTitle>,
    pub profession: Option<Profession>,
    pub level: Option<Level>,
    pub organisation: Option<OrganisationRef>,
    pub line_manager: Option<PersonRef>,
    pub start_date: Option<Date>,
}

impl Person {
    /// The fields an update writes back.
    pub fn record(&self) -> PersonRecord {
        PersonRecord {
            id: self.id,
            staff_number: self.staff_number.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            job_title: self.job_title.clone(),
            profession: self.profession.clone(),
            level: self.level,
            organisation: self.organisation.as_ref().map(|o| o.id),
            manager: self.line_manager.as_ref().map(|m| m.id),
            start_date: self.start_date,
        }
    }
}

/// One spell with an employer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employment {
    pub organisation: OrganisationRef,
    pub job_title: Option<JobTitle>,
    pub level: Option<Level>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
}

/// How many rows an import created, updated and left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Which people a list shows.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Part of a name or an email address.
    pub query: Option<String>,
    pub organisation: Option<OrganisationId>,
}

// ------------------------------------------------------------------ decoding

fn text(row: &AnyRow, col: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(col)?)
}

fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

fn parse<T, E: std::fmt::Display>(value: &str, what: &str, f: impl Fn(&str) -> Result<T, E>) -> Result<T> {
    f(value).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn opt_parse<T, E: std::fmt::Display>(
    value: Option<String>,
    what: &str,
    f: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>> {
    value.map(|v| parse(&v, what, &f)).transpose()
}

fn uuid(value: &str) -> Result<Uuid> {
    Uuid::parse_str(value).map_err(|e| StoreError::Corrupt(format!("id: {e}")))
}

pub(crate) fn person_id(row: &AnyRow, col: &str) -> Result<PersonId> {
    Ok(PersonId::from_uuid(uuid(&text(row, col)?)?))
}

fn opt_org_id(row: &AnyRow, col: &str) -> Result<Option<OrganisationId>> {
    opt_text(row, col)?.map(|s| uuid(&s).map(OrganisationId::from_uuid)).transpose()
}

fn opt_person_id(row: &AnyRow, col: &str) -> Result<Option<PersonId>> {
    opt_text(row, col)?.map(|s| uuid(&s).map(PersonId::from_uuid)).transpose()
}

fn date(s: &str) -> Result<Date, jiff::Error> {
    s.parse()
}

const PERSON_COLUMNS: &str = "p.id, p.email, p.name, p.staff_number, p.job_title, p.profession, p.level, \
     p.organisation_id, p.line_manager_id, p.start_date, o.code AS org_code, o.name AS org_name, m.name AS manager_name";

const PERSON_FROM: &str =
    "people p LEFT JOIN organisations o ON o.id = p.organisation_id LEFT JOIN people m ON m.id = p.line_manager_id";

fn decode_person(row: &AnyRow) -> Result<Person> {
    let organisation =
        match (opt_org_id(row, "organisation_id")?, opt_text(row, "org_code")?, opt_text(row, "org_name")?) {
            (Some(id), Some(code), Some(name)) => Some(OrganisationRef {
                id,
                code: parse(&code, "organisation code", OrganisationCode::parse)?,
                name: parse(&name, "organisation name", OrganisationName::parse)?,
            }),
            _ => None,
        };
    let line_manager = match (opt_person_id(row, "line_manager_id")?, opt_text(row, "manager_name")?) {
        (Some(id), Some(name)) => Some(PersonRef { id, name: parse(&name, "manager name", PersonName::parse)? }),
        _ => None,
    };
    Ok(Person {
        id: person_id(row, "id")?,
        email: parse(&text(row, "email")?, "email", Email::parse)?,
        name: parse(&text(row, "name")?, "name", PersonName::parse)?,
        staff_number: opt_parse(opt_text(row, "staff_number")?, "staff number", StaffNumber::parse)?,
        job_title: opt_parse(opt_text(row, "job_title")?, "job title", JobTitle::parse)?,
        profession: opt_parse(opt_text(row, "profession")?, "profession", Profession::parse)?,
        level: opt_parse(opt_text(row, "level")?, "level", str::parse::<Level>)?,
        organisation,
        line_manager,
        start_date: opt_parse(opt_text(row, "start_date")?, "start date", date)?,
    })
}

fn decode_org_ref(row: &AnyRow) -> Result<OrganisationRef> {
    Ok(OrganisationRef {
        id: OrganisationId::from_uuid(uuid(&text(row, "id")?)?),
        code: parse(&text(row, "code")?, "organisation code", OrganisationCode::parse)?,
        name: parse(&text(row, "name")?, "organisation name", OrganisationName::parse)?,
    })
}

fn like_pattern(query: &str) -> String {
    let escaped: String = query
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

// ------------------------------------------------------------------ organisations

impl Store {
    /// Finds or creates a place (and its system) by name, inside a transaction.
    async fn place_id(
        tx: &mut Transaction<'_, Any>,
        place: Option<&str>,
        system: Option<&str>,
    ) -> Result<Option<String>> {
        let system_id = match system {
            None => None,
            Some(name) => {
                let found: Option<String> = sqlx::query_scalar("SELECT id FROM systems WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?;
                Some(match found {
                    Some(id) => id,
                    None => {
                        let id = Uuid::new_v4().to_string();
                        sqlx::query("INSERT INTO systems (id, name) VALUES ($1, $2)")
                            .bind(&id)
                            .bind(name)
                            .execute(&mut **tx)
                            .await?;
                        id
                    }
                })
            }
        };
        let Some(place) = place else { return Ok(None) };
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM places WHERE name = $1 AND COALESCE(system_id, '') = COALESCE($2, '')")
                .bind(place)
                .bind(&system_id)
                .fetch_optional(&mut **tx)
                .await?;
        Ok(Some(match found {
            Some(id) => id,
            None => {
                let id = Uuid::new_v4().to_string();
                sqlx::query("INSERT INTO places (id, system_id, name) VALUES ($1, $2, $3)")
                    .bind(&id)
                    .bind(&system_id)
                    .bind(place)
                    .execute(&mut **tx)
                    .await?;
                id
            }
        }))
    }

    async fn write_domains(tx: &mut Transaction<'_, Any>, id: OrganisationId, domains: &[EmailDomain]) -> Result<()> {
        sqlx::query("DELETE FROM organisation_domains WHERE organisation_id = $1")
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
        for d in domains {
            sqlx::query("INSERT INTO organisation_domains (domain, organisation_id) VALUES ($1, $2)")
                .bind(d.as_str())
                .bind(id.to_string())
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::conflict_as(e, "email domain"))?;
        }
        Ok(())
    }

    async fn insert_organisation(
        tx: &mut Transaction<'_, Any>,
        id: OrganisationId,
        f: &OrganisationFields,
        now: Timestamp,
    ) -> Result<()> {
        let place = Self::place_id(tx, f.place.as_deref(), f.system.as_deref()).await?;
        sqlx::query(
            "INSERT INTO organisations (id, code, name, name_lower, kind, sector, ownership, place_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id.to_string())
        .bind(f.code.as_str())
        .bind(f.name.as_str())
        .bind(f.name.as_str().to_lowercase())
        .bind(f.kind.code())
        .bind(f.sector.code())
        .bind(f.ownership.code())
        .bind(place)
        .bind(millis(now))
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "organisation code"))?;
        Self::write_domains(tx, id, &f.email_domains).await
    }

    async fn overwrite_organisation(
        tx: &mut Transaction<'_, Any>,
        id: OrganisationId,
        f: &OrganisationFields,
        now: Timestamp,
    ) -> Result<()> {
        let place = Self::place_id(tx, f.place.as_deref(), f.system.as_deref()).await?;
        let done = sqlx::query(
            "UPDATE organisations SET code = $2, name = $3, name_lower = $4, kind = $5, sector = $6, ownership = $7, place_id = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(f.code.as_str())
        .bind(f.name.as_str())
        .bind(f.name.as_str().to_lowercase())
        .bind(f.kind.code())
        .bind(f.sector.code())
        .bind(f.ownership.code())
        .bind(place)
        .bind(millis(now))
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "organisation code"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Self::write_domains(tx, id, &f.email_domains).await
    }

    pub async fn create_organisation(
        &self,
        id: OrganisationId,
        fields: &OrganisationFields,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_organisation(&mut tx, id, fields, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn update_organisation(
        &self,
        id: OrganisationId,
        fields: &OrganisationFields,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::overwrite_organisation(&mut tx, id, fields, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn organisation_where(&self, clause: &str, value: String) -> Result<Option<Organisation>> {
        let sql = format!(
            "SELECT o.id, o.code, o.name, o.kind, o.sector, o.ownership, pl.name AS place, sy.name AS system, \
             (SELECT COUNT(*) FROM people p WHERE p.organisation_id = o.id) AS people \
             FROM organisations o LEFT JOIN places pl ON pl.id = o.place_id LEFT JOIN systems sy ON sy.id = pl.system_id WHERE {clause}"
        );
        let Some(row) = sqlx::query(&sql).bind(value).fetch_optional(self.pool()).await? else { return Ok(None) };
        let r = decode_org_ref(&row)?;
        let domains: Vec<String> =
            sqlx::query_scalar("SELECT domain FROM organisation_domains WHERE organisation_id = $1 ORDER BY domain")
                .bind(r.id.to_string())
                .fetch_all(self.pool())
                .await?;
        Ok(Some(Organisation {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: parse(&text(&row, "kind")?, "kind", str::parse::<OrganisationKind>)?,
            sector: parse(&text(&row, "sector")?, "sector", str::parse::<Sector>)?,
            ownership: parse(&text(&row, "ownership")?, "ownership", str::parse::<Ownership>)?,
            place: opt_text(&row, "place")?,
            system: opt_text(&row, "system")?,
            email_domains: domains.iter().map(|d| parse(d, "domain", EmailDomain::parse)).collect::<Result<_>>()?,
            people: u64::try_from(row.try_get::<i64, _>("people")?).unwrap_or(0),
        }))
    }

    pub async fn organisation(&self, id: OrganisationId) -> Result<Option<Organisation>> {
        self.organisation_where("o.id = $1", id.to_string()).await
    }

    pub async fn organisation_by_code(&self, code: &OrganisationCode) -> Result<Option<Organisation>> {
        self.organisation_where("o.code = $1", code.as_str().to_owned()).await
    }

    /// The organisation that registered an email domain, if any.
    pub async fn organisation_for_domain(&self, domain: &str) -> Result<Option<OrganisationId>> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT organisation_id FROM organisation_domains WHERE domain = $1")
                .bind(domain.to_ascii_lowercase())
                .fetch_optional(self.pool())
                .await?;
        id.map(|s| uuid(&s).map(OrganisationId::from_uuid)).transpose()
    }

    /// Organisations by name, optionally only one (for an organisation admin), paged.
    pub async fn list_organisations(
        &self,
        query: Option<&str>,
        only: Option<&[OrganisationId]>,
        page: PageRequest,
    ) -> Result<Page<OrganisationRef>> {
        let mut clauses = vec!["1 = 1".to_owned()];
        let mut binds: Vec<String> = Vec::new();
        if let Some(q) = query.filter(|q| !q.trim().is_empty()) {
            binds.push(like_pattern(q));
            binds.push(q.trim().to_ascii_uppercase());
            clauses.push(format!("(name_lower LIKE ${} ESCAPE '\\' OR code = ${})", binds.len() - 1, binds.len()));
        }
        if let Some(ids) = only {
            if ids.is_empty() {
                return Ok(Page::new(vec![], page, 0));
            }
            let start = binds.len();
            binds.extend(ids.iter().map(ToString::to_string));
            let list: Vec<String> = (start + 1..=binds.len()).map(|i| format!("${i}")).collect();
            clauses.push(format!("id IN ({})", list.join(",")));
        }
        let filter = clauses.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM organisations WHERE {filter}");
        let sql = format!("SELECT id, code, name FROM organisations WHERE {filter} ORDER BY name_lower, code");
        self.paged(&count_sql, &sql, &binds, page, decode_org_ref).await
    }

    /// Every organisation's code and id, for imports.
    pub async fn organisation_codes(&self) -> Result<HashMap<OrganisationCode, OrganisationId>> {
        let rows = sqlx::query("SELECT id, code, name FROM organisations").fetch_all(self.pool()).await?;
        rows.iter().map(|r| decode_org_ref(r).map(|o| (o.code, o.id))).collect()
    }

    /// Creates or updates organisations from an import, matched on code, all or nothing.
    pub async fn import_organisations(
        &self,
        rows: &[OrganisationRow],
        mut new_id: impl FnMut() -> OrganisationId,
        now: Timestamp,
    ) -> Result<ImportCounts> {
        let mut counts = ImportCounts::default();
        let mut tx = self.begin().await?;
        for row in rows {
            let fields = OrganisationFields::from(row);
            let existing: Option<String> = sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1")
                .bind(row.code.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            match existing {
                None => {
                    Self::insert_organisation(&mut tx, new_id(), &fields, now).await?;
                    counts.created += 1;
                }
                Some(id) => {
                    let id = OrganisationId::from_uuid(uuid(&id)?);
                    let current = self.organisation_in(&mut tx, id).await?;
                    if current.as_ref() == Some(&fields) {
                        counts.unchanged += 1;
                    } else {
                        Self::overwrite_organisation(&mut tx, id, &fields, now).await?;
                        counts.updated += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    async fn organisation_in(
        &self,
        tx: &mut Transaction<'_, Any>,
        id: OrganisationId,
    ) -> Result<Option<OrganisationFields>> {
        let row = sqlx::query(
            "SELECT o.code, o.name, o.kind, o.sector, o.ownership, pl.name AS place, sy.name AS system \
             FROM organisations o LEFT JOIN places pl ON pl.id = o.place_id LEFT JOIN systems sy ON sy.id = pl.system_id WHERE o.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let domains: Vec<String> =
            sqlx::query_scalar("SELECT domain FROM organisation_domains WHERE organisation_id = $1 ORDER BY domain")
                .bind(id.to_string())
                .fetch_all(&mut **tx)
                .await?;
        let mut email_domains: Vec<EmailDomain> =
            domains.iter().map(|d| parse(d, "domain", EmailDomain::parse)).collect::<Result<_>>()?;
        email_domains.sort();
        Ok(Some(OrganisationFields {
            code: parse(&text(&row, "code")?, "code", OrganisationCode::parse)?,
            name: parse(&text(&row, "name")?, "name", OrganisationName::parse)?,
            kind: parse(&text(&row, "kind")?, "kind", str::parse::<OrganisationKind>)?,
            sector: parse(&text(&row, "sector")?, "sector", str::parse::<Sector>)?,
            ownership: parse(&text(&row, "ownership")?, "ownership", str::parse::<Ownership>)?,
            email_domains,
            place: opt_text(&row, "place")?,
            system: opt_text(&row, "system")?,
        }))
    }
}

// ------------------------------------------------------------------ people

impl Store {
    pub async fn person(&self, id: PersonId) -> Result<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM {PERSON_FROM} WHERE p.id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(self.pool()).await?;
        row.as_ref().map(decode_person).transpose()
    }

    pub async fn person_by_email(&self, email: &Email) -> Result<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM {PERSON_FROM} WHERE p.email = $1");
        let row = sqlx::query(&sql).bind(email.as_str()).fetch_optional(self.pool()).await?;
        row.as_ref().map(decode_person).transpose()
    }

    /// Creates one person, opening their first employment if they have an organisation.
    pub async fn create_person(&self, record: &PersonRecord, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_people(&mut tx, std::slice::from_ref(record), now, self.backend.max_params()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes a person's fields. A change of organisation closes the current employment and
    /// opens a new one, so the history survives the move.
    pub async fn update_person(&self, record: &PersonRecord, today: Date, now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::overwrite_person(&mut tx, record, today, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn overwrite_person(
        tx: &mut Transaction<'_, Any>,
        r: &PersonRecord,
        today: Date,
        now: Timestamp,
    ) -> Result<()> {
        let row = sqlx::query("SELECT organisation_id, line_manager_id FROM people WHERE id = $1")
            .bind(r.id.to_string())
            .fetch_optional(&mut **tx)
            .await?;
        let Some(row) = row else { return Err(StoreError::NotFound) };
        let before: Option<String> = row.try_get("organisation_id")?;
        let manager_before: Option<String> = row.try_get("line_manager_id")?;
        sqlx::query(
            "UPDATE people SET email = $2, name = $3, name_lower = $4, staff_number = $5, job_title = $6, profession = $7, level = $8, \
             organisation_id = $9, line_manager_id = $10, start_date = $11, updated_at = $12, mbox_sha1sum = $13 WHERE id = $1",
        )
        .bind(r.id.to_string())
        .bind(r.email.as_str())
        .bind(r.name.as_str())
        .bind(r.name.as_str().to_lowercase())
        .bind(r.staff_number.as_ref().map(|s| s.as_str().to_owned()))
        .bind(r.job_title.as_ref().map(|s| s.as_str().to_owned()))
        .bind(r.profession.as_ref().map(|s| s.as_str().to_owned()))
        .bind(r.level.map(|l| l.code()))
        .bind(r.organisation.map(|o| o.to_string()))
        .bind(r.manager.map(|m| m.to_string()))
        .bind(r.start_date.map(|d| d.to_string()))
        .bind(millis(now))
        .bind(crate::xapi::mbox_sha1sum(r.email.as_str()))
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "email address or staff number"))?;
        let manager_after = r.manager.map(|m| m.to_string());
        if manager_before != manager_after {
            sqlx::query("UPDATE reporting_lines SET ended_on = $2 WHERE person_id = $1 AND ended_on IS NULL")
                .bind(r.id.to_string())
                .bind(today.to_string())
                .execute(&mut **tx)
                .await?;
            if let Some(m) = manager_after {
                sqlx::query("INSERT INTO reporting_lines (person_id, manager_id, started_on) VALUES ($1, $2, $3)")
                    .bind(r.id.to_string())
                    .bind(m)
                    .bind(today.to_string())
                    .execute(&mut **tx)
                    .await?;
            }
        }
        let after = r.organisation.map(|o| o.to_string());
        if before != after {
            sqlx::query("UPDATE employments SET ended_on = $2 WHERE person_id = $1 AND ended_on IS NULL")
                .bind(r.id.to_string())
                .bind(today.to_string())
                .execute(&mut **tx)
                .await?;
            if let Some(org) = after {
                sqlx::query("INSERT INTO employments (id, person_id, organisation_id, job_title, level, started_on, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(Uuid::new_v4().to_string())
                    .bind(r.id.to_string())
                    .bind(org)
                    .bind(r.job_title.as_ref().map(|s| s.as_str().to_owned()))
                    .bind(r.level.map(|l| l.code()))
                    .bind(today.to_string())
                    .bind(millis(now))
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Inserts people in batches (managers must come before their reports), each with an open
    /// employment where they have an organisation.
    async fn insert_people(
        tx: &mut Transaction<'_, Any>,
        records: &[PersonRecord],
        now: Timestamp,
        max_params: usize,
    ) -> Result<()> {
        const PEOPLE_COLS: usize = 14;
        const EMPLOYMENT_COLS: usize = 7;
        const BULK_ROWS: usize = 1_000;
        const BULK_CACHE_KIB: i64 = 512 * 1024;
        let sqlite = tx.backend_name() == "SQLite";
        let backend = if sqlite { crate::Backend::Sqlite } else { crate::Backend::Postgres };
        // Random ids, emails and staff numbers land all over six indexes; with SQLite's default
        // page cache (2 MB) nearly every row of a bulk load reads pages back from the file and
        // spills others to the log. A bigger cache for the length of the load keeps the indexes
        // in memory; the connection's own setting comes back afterwards.
        let restore_cache = if sqlite && records.len() >= BULK_ROWS {
            let before: i64 = sqlx::query_scalar("PRAGMA cache_size").fetch_one(&mut **tx).await?;
            sqlx::query(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}")).execute(&mut **tx).await?;
            Some(before)
        } else {
            None
        };
        let at = millis(now);
        for chunk in records.chunks(max_params / PEOPLE_COLS) {
            let sql = format!(
                "INSERT INTO people (id, email, name, name_lower, staff_number, job_title, profession, level, organisation_id, line_manager_id, start_date, created_at, updated_at, mbox_sha1sum) VALUES {}",
                backend.values(chunk.len(), PEOPLE_COLS)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(r.id.to_string())
                    .bind(r.email.as_str().to_owned())
                    .bind(r.name.as_str().to_owned())
                    .bind(r.name.as_str().to_lowercase())
                    .bind(r.staff_number.as_ref().map(|s| s.as_str().to_owned()))
                    .bind(r.job_title.as_ref().map(|s| s.as_str().to_owned()))
                    .bind(r.profession.as_ref().map(|s| s.as_str().to_owned()))
                    .bind(r.level.map(|l| l.code()))
                    .bind(r.organisation.map(|o| o.to_string()))
                    .bind(r.manager.map(|m| m.to_string()))
                    .bind(r.start_date.map(|d| d.to_string()))
                    .bind(at)
                    .bind(at)
                    .bind(crate::xapi::mbox_sha1sum(r.email.as_str()));
            }
            q.execute(&mut **tx).await.map_err(|e| StoreError::conflict_as(e, "email address or staff number"))?;
        }
        let employed: Vec<&PersonRecord> = records.iter().filter(|r| r.organisation.is_some()).collect();
        for chunk in employed.chunks(max_params / EMPLOYMENT_COLS) {
            let sql = format!(
                "INSERT INTO employments (id, person_id, organisation_id, job_title, level, started_on, recorded_at) VALUES {}",
                backend.values(chunk.len(), EMPLOYMENT_COLS)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                // The employment id is derived from the person's, so that generated data stays
                // deterministic for a seed.
                let id = Uuid::new_v5(&r.id.as_uuid(), b"employment");
                q = q
                    .bind(id.to_string())
                    .bind(r.id.to_string())
                    .bind(r.organisation.map(|o| o.to_string()))
                    .bind(r.job_title.as_ref().map(|s| s.as_str().to_owned()))
                    .bind(r.level.map(|l| l.code()))
                    .bind(r.start_date.map(|d| d.to_string()))
                    .bind(at);
            }
            q.execute(&mut **tx).await?;
        }
        // Reporting lines begin on the start date where known (the import describes the line as it
        // is), otherwise today.
        let managed: Vec<&PersonRecord> = records.iter().filter(|r| r.manager.is_some()).collect();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
        for chunk in managed.chunks(max_params / 3) {
            let sql = format!(
                "INSERT INTO reporting_lines (person_id, manager_id, started_on) VALUES {}",
                backend.values(chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(r.id.to_string())
                    .bind(r.manager.map(|m| m.to_string()))
                    .bind(r.start_date.map_or_else(|| today.clone(), |d| d.to_string()));
            }
            q.execute(&mut **tx).await?;
        }
        if let Some(before) = restore_cache {
            sqlx::query(&format!("PRAGMA cache_size = {before}")).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Every stored person's importable fields, for planning an import.
    pub async fn person_records(&self) -> Result<Vec<PersonRecord>> {
        let rows = sqlx::query("SELECT id, email, name, staff_number, job_title, profession, level, organisation_id, line_manager_id, start_date FROM people")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(PersonRecord {
                    id: person_id(row, "id")?,
                    staff_number: opt_parse(opt_text(row, "staff_number")?, "staff number", StaffNumber::parse)?,
                    name: parse(&text(row, "name")?, "name", PersonName::parse)?,
                    email: parse(&text(row, "email")?, "email", Email::parse)?,
                    job_title: opt_parse(opt_text(row, "job_title")?, "job title", JobTitle::parse)?,
                    profession: opt_parse(opt_text(row, "profession")?, "profession", Profession::parse)?,
                    level: opt_parse(opt_text(row, "level")?, "level", str::parse::<Level>)?,
                    organisation: opt_org_id(row, "organisation_id")?,
                    manager: opt_person_id(row, "line_manager_id")?,
                    start_date: opt_parse(opt_text(row, "start_date")?, "start date", date)?,
                })
            })
            .collect()
    }

    /// Applies a planned people import in one transaction: all of it or none of it.
    pub async fn apply_people_plan(&self, plan: &PeoplePlan, today: Date, now: Timestamp) -> Result<ImportCounts> {
        let mut tx = self.begin().await?;
        Self::insert_people(&mut tx, &plan.creates, now, self.backend.max_params()).await?;
        for r in &plan.updates {
            Self::overwrite_person(&mut tx, r, today, now).await?;
        }
        tx.commit().await?;
        Ok(ImportCounts { created: plan.creates.len(), updated: plan.updates.len(), unchanged: plan.unchanged })
    }

    /// People matching a filter, by name, paged.
    pub async fn list_people(&self, filter: &PeopleFilter, page: PageRequest) -> Result<Page<Person>> {
        let mut clauses = vec!["1 = 1".to_owned()];
        let mut binds: Vec<String> = Vec::new();
        if let Some(q) = filter.query.as_deref().filter(|q| !q.trim().is_empty()) {
            binds.push(like_pattern(q));
            binds.push(q.trim().to_lowercase());
            clauses.push(format!("(p.name_lower LIKE ${} ESCAPE '\\' OR p.email = ${})", binds.len() - 1, binds.len()));
        }
        if let Some(o) = filter.organisation {
            binds.push(o.to_string());
            clauses.push(format!("p.organisation_id = ${}", binds.len()));
        }
        self.people_page(&clauses.join(" AND "), &binds, page).await
    }

    async fn people_page(&self, filter: &str, binds: &[String], page: PageRequest) -> Result<Page<Person>> {
        let count_sql = format!("SELECT COUNT(*) FROM people p WHERE {filter}");
        let sql = format!("SELECT {PERSON_COLUMNS} FROM {PERSON_FROM} WHERE {filter} ORDER BY p.name_lower, p.id");
        self.paged(&count_sql, &sql, binds, page, decode_person).await
    }

    /// Everyone who reports to `manager`, directly or through others, paged by name.
    pub async fn team(&self, manager: PersonId, page: PageRequest) -> Result<Page<Person>> {
        // The recursive part is bounded by depth so that bad data cannot make it run forever.
        let tree = "p.id IN (WITH RECURSIVE team(id, depth) AS ( \
                 SELECT id, 1 FROM people WHERE line_manager_id = $1 \
                 UNION ALL SELECT c.id, t.depth + 1 FROM people c JOIN team t ON c.line_manager_id = t.id WHERE t.depth < 50) \
             SELECT id FROM team)";
        self.people_page(tree, &[manager.to_string()], page).await
    }

    pub async fn has_reports(&self, person: PersonId) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM people WHERE line_manager_id = $1 LIMIT 1) x")
                .bind(person.to_string())
                .fetch_one(self.pool())
                .await?;
        Ok(n > 0)
    }

    /// The chain of line managers above a person, nearest first (at most 50).
    pub async fn manager_chain(&self, person: PersonId) -> Result<Vec<PersonId>> {
        let rows = sqlx::query(
            "WITH RECURSIVE chain(id, depth) AS ( \
                 SELECT line_manager_id, 1 FROM people WHERE id = $1 AND line_manager_id IS NOT NULL \
                 UNION ALL SELECT p.line_manager_id, c.depth + 1 FROM people p JOIN chain c ON p.id = c.id \
                 WHERE p.line_manager_id IS NOT NULL AND c.depth < 50) \
             SELECT id FROM chain ORDER BY depth",
        )
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| person_id(r, "id")).collect()
    }

    /// A person's employers, most recent first.
    pub async fn employment_history(&self, person: PersonId) -> Result<Vec<Employment>> {
        let rows = sqlx::query(
            "SELECT o.id, o.code, o.name, e.job_title, e.level, e.started_on, e.ended_on FROM employments e \
             JOIN organisations o ON o.id = e.organisation_id WHERE e.person_id = $1 ORDER BY CASE WHEN e.ended_on IS NULL THEN 0 ELSE 1 END, e.recorded_at DESC, COALESCE(e.started_on, '') DESC",
        )
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Employment {
                    organisation: decode_org_ref(row)?,
                    job_title: opt_parse(opt_text(row, "job_title")?, "job title", JobTitle::parse)?,
                    level: opt_parse(opt_text(row, "level")?, "level", str::parse::<Level>)?,
                    started_on: opt_parse(opt_text(row, "started_on")?, "start", date)?,
                    ended_on: opt_parse(opt_text(row, "ended_on")?, "end", date)?,
                })
            })
            .collect()
    }

    pub async fn grants(&self, person: PersonId) -> Result<Vec<RoleGrant>> {
        let rows = sqlx::query("SELECT role, organisation_id FROM role_grants WHERE person_id = $1 ORDER BY role")
            .bind(person.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let role = parse(&text(row, "role")?, "role", str::parse::<Role>)?;
                let scope = match opt_org_id(row, "organisation_id")? {
                    Some(o) => RoleScope::Organisation(o),
                    None => RoleScope::System,
                };
                Ok(RoleGrant { role, scope })
            })
            .collect()
    }

    /// Grants a role; granting one already held changes nothing.
    pub async fn grant(&self, person: PersonId, grant: RoleGrant, now: Timestamp) -> Result<()> {
        if self.grants(person).await?.contains(&grant) {
            return Ok(());
        }
        let org = match grant.scope {
            RoleScope::Organisation(o) => Some(o.to_string()),
            RoleScope::System => None,
        };
        sqlx::query(
            "INSERT INTO role_grants (id, person_id, role, organisation_id, granted_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(person.to_string())
        .bind(grant.role.code())
        .bind(org)
        .bind(millis(now))
        .execute(self.pool())
        .await
        .map_err(|e| StoreError::conflict_as(e, "role"))?;
        Ok(())
    }

    /// How many people are stored, for the demo and the benchmarks.
    pub async fn count_people(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people").fetch_one(self.pool()).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Bulk-loads generated organisations (with ids chosen by the caller) in one transaction.
    pub async fn load_organisations(
        &self,
        orgs: &[(OrganisationId, OrganisationFields)],
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for (id, f) in orgs {
            Self::insert_organisation(&mut tx, *id, f, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Bulk-loads generated people, managers first, in one transaction.
    pub async fn load_people(&self, people: &[PersonRecord], now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_people(&mut tx, people, now, self.backend.max_params()).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" 50%_Off "), "%50\\%\\_off%");
    }
}
