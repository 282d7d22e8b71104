//! The knowledge hub: topics and the catalogue resources they gather, and case studies with
//! their review and full-text search (published ones only).

use domain::hub::{CaseStudyFields, CaseStudyTitle, Contact, Narrative, ReviewNote, ReviewState, Tags, TopicSlug};
use domain::ids::{CaseStudyId, OrganisationId, PersonId, ResourceId};
use domain::learning::{EstimatedMinutes, SearchTerms};
use domain::paging::{Page, PageRequest};
use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::learning::ResourceSummary;
use crate::{from_millis, id_of, millis, Result, Store, StoreError};

/// A topic in the list of topics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSummary {
    pub slug: TopicSlug,
    pub title: String,
    pub summary: String,
    /// How many resources it gathers that are still offered.
    pub resources: u64,
}

/// A topic with its resources, by title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub slug: TopicSlug,
    pub title: String,
    pub summary: String,
    pub resources: Vec<TopicResource>,
}

/// A resource in a topic. Retired resources stay listed (and say so) until someone removes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicResource {
    pub resource: ResourceSummary,
    pub retired: bool,
}

/// A case study in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStudy {
    pub id: CaseStudyId,
    pub fields: CaseStudyFields,
    pub organisation: Option<OrganisationId>,
    pub organisation_name: Option<String>,
    pub submitted_by: Option<PersonId>,
    pub submitter_name: Option<String>,
    pub state: ReviewState,
    /// The last reviewer's note, kept when the case study is changed and sent again.
    pub review_note: Option<String>,
    pub submitted_at: Timestamp,
    pub reviewed_by: Option<PersonId>,
    pub reviewer_name: Option<String>,
    pub reviewed_at: Option<Timestamp>,
    pub published_at: Option<Timestamp>,
}

/// A case study in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStudySummary {
    pub id: CaseStudyId,
    pub title: String,
    /// The start of its context, cut at a word.
    pub excerpt: String,
    pub tags: Vec<String>,
    pub organisation_name: Option<String>,
    pub submitter_name: Option<String>,
    pub state: ReviewState,
    pub submitted_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

/// What to search published case studies for.
#[derive(Debug, Clone, Default)]
pub struct CaseStudyFilter {
    pub terms: SearchTerms,
    /// Only case studies with this tag (as typed: it is normalised here).
    pub tag: Option<String>,
}

/// A case study for [`Store::load_case_studies`] (the demo and imports).
#[derive(Debug, Clone)]
pub struct NewCaseStudy {
    pub id: CaseStudyId,
    pub fields: CaseStudyFields,
    pub submitted_by: Option<PersonId>,
    pub organisation: Option<OrganisationId>,
    /// Published (by `reviewed_by`, at the load's time) or waiting for review.
    pub published: bool,
    pub reviewed_by: Option<PersonId>,
}

const EXCERPT_CHARS: usize = 280;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn opt_id_of<T: std::str::FromStr>(row: &AnyRow, col: &str) -> Result<Option<T>> {
    let s: Option<String> = row.try_get(col)?;
    s.map(|s| s.parse().map_err(|_| StoreError::Corrupt(format!("{col} is not an id")))).transpose()
}

fn opt_time(row: &AnyRow, col: &str) -> Result<Option<Timestamp>> {
    row.try_get::<Option<i64>, _>(col)?.map(from_millis).transpose()
}

fn split_tags(s: &str) -> Vec<String> {
    s.split('|').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

fn state_of(row: &AnyRow) -> Result<ReviewState> {
    row.try_get::<String, _>("status")?.parse().map_err(|e| corrupt("status", e))
}

/// The start of `text`, at most [`EXCERPT_CHARS`] characters, cut at a word, on one line.
fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches(|c: char| c.is_ascii_punctuation()))
}

const SUMMARY_COLUMNS: &str = "c.id, c.title, c.context, c.tags, c.status, c.submitted_at, c.published_at, \
     o.name AS organisation_name, p.name AS submitter_name";

const SUMMARY_JOINS: &str =
    "LEFT JOIN organisations o ON o.id = c.organisation_id LEFT JOIN people p ON p.id = c.submitted_by";

fn decode_summary(row: &AnyRow) -> Result<CaseStudySummary> {
    Ok(CaseStudySummary {
        id: id_of(row, "id")?,
        title: row.try_get("title")?,
        excerpt: excerpt(&row.try_get::<String, _>("context")?),
        tags: split_tags(&row.try_get::<String, _>("tags")?),
        organisation_name: row.try_get("organisation_name")?,
        submitter_name: row.try_get("submitter_name")?,
        state: state_of(row)?,
        submitted_at: from_millis(row.try_get("submitted_at")?)?,
        published_at: opt_time(row, "published_at")?,
    })
}

fn decode_case_study(row: &AnyRow) -> Result<CaseStudy> {
    let text = |c: &str| row.try_get::<String, _>(c);
    let fields = CaseStudyFields {
        title: CaseStudyTitle::parse(&text("title")?).map_err(|e| corrupt("title", e))?,
        context: Narrative::parse(&text("context")?).map_err(|e| corrupt("context", e))?,
        what_was_done: Narrative::parse(&text("what_was_done")?).map_err(|e| corrupt("what was done", e))?,
        outcomes: Narrative::parse(&text("outcomes")?).map_err(|e| corrupt("outcomes", e))?,
        contact: Contact::parse(&text("contact")?).map_err(|e| corrupt("contact", e))?,
        tags: Tags::new(&split_tags(&text("tags")?)).map_err(|e| corrupt("tags", e))?,
    };
    Ok(CaseStudy {
        id: id_of(row, "id")?,
        fields,
        organisation: opt_id_of(row, "organisation_id")?,
        organisation_name: row.try_get("organisation_name")?,
        submitted_by: opt_id_of(row, "submitted_by")?,
        submitter_name: row.try_get("submitter_name")?,
        state: state_of(row)?,
        review_note: row.try_get("review_note")?,
        submitted_at: from_millis(row.try_get("submitted_at")?)?,
        reviewed_by: opt_id_of(row, "reviewed_by")?,
        reviewer_name: row.try_get("reviewer_name")?,
        reviewed_at: opt_time(row, "reviewed_at")?,
        published_at: opt_time(row, "published_at")?,
    })
}

impl Store {
    // ---------------------------------------------------------------- topics

    /// Every topic, in its set order, with how many offered resources each gathers.
    pub async fn topics(&self) -> Result<Vec<TopicSummary>> {
        let rows = sqlx::query(
            "SELECT t.slug, t.title, t.summary, \
             (SELECT COUNT(*) FROM topic_resources x JOIN resources r ON r.id = x.resource_id \
              WHERE x.topic_id = t.id AND r.retired_at IS NULL) AS resources \
             FROM topics t ORDER BY t.position, t.title",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TopicSummary {
                    slug: TopicSlug::parse(&r.try_get::<String, _>("slug")?).map_err(|e| corrupt("slug", e))?,
                    title: r.try_get("title")?,
                    summary: r.try_get("summary")?,
                    resources: u64::try_from(r.try_get::<i64, _>("resources")?).unwrap_or(0),
                })
            })
            .collect()
    }

    /// A topic and its resources (offered ones first, then by title).
    pub async fn topic(&self, slug: &TopicSlug) -> Result<Option<Topic>> {
        let row = sqlx::query("SELECT id, title, summary FROM topics WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let topic_id: String = row.try_get("id")?;
        let rows = sqlx::query(
            "SELECT r.id, r.title, r.summary, r.kind, r.estimated_minutes, r.publisher, r.retired_at \
             FROM topic_resources x JOIN resources r ON r.id = x.resource_id WHERE x.topic_id = $1 \
             ORDER BY CASE WHEN r.retired_at IS NULL THEN 0 ELSE 1 END, r.title, r.id",
        )
        .bind(&topic_id)
        .fetch_all(self.pool())
        .await?;
        let resources = rows
            .iter()
            .map(|r| {
                let minutes: i64 = r.try_get("estimated_minutes")?;
                Ok(TopicResource {
                    resource: ResourceSummary {
                        id: id_of(r, "id")?,
                        title: r.try_get("title")?,
                        summary: r.try_get("summary")?,
                        kind: r.try_get::<String, _>("kind")?.parse().map_err(|e| corrupt("kind", e))?,
                        estimated: EstimatedMinutes::new(u32::try_from(minutes).unwrap_or(0))
                            .map_err(|e| corrupt("minutes", e))?,
                        publisher: r.try_get("publisher")?,
                    },
                    retired: r.try_get::<Option<i64>, _>("retired_at")?.is_some(),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(Topic {
            slug: slug.clone(),
            title: row.try_get("title")?,
            summary: row.try_get("summary")?,
            resources,
        }))
    }

    async fn topic_id(&self, slug: &TopicSlug) -> Result<String> {
        sqlx::query_scalar("SELECT id FROM topics WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Adds a resource to a topic. Returns false when it was there already. A topic or a
    /// resource that does not exist is [`StoreError::NotFound`].
    pub async fn add_topic_resource(
        &self,
        slug: &TopicSlug,
        resource: ResourceId,
        by: Option<PersonId>,
        now: Timestamp,
    ) -> Result<bool> {
        let topic = self.topic_id(slug).await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM resources WHERE id = $1")
            .bind(resource.to_string())
            .fetch_one(self.pool())
            .await?;
        if exists == 0 {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query(
            "INSERT INTO topic_resources (topic_id, resource_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (topic_id, resource_id) DO NOTHING",
        )
        .bind(topic)
        .bind(resource.to_string())
        .bind(by.map(|p| p.to_string()))
        .bind(millis(now))
        .execute(self.pool())
        .await
        .map_err(|e| match &e {
            // The resource was deleted between the check and the insert.
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => StoreError::from(e),
        })?;
        Ok(done.rows_affected() > 0)
    }

    /// Takes a resource out of a topic; one that is not in it is [`StoreError::NotFound`].
    pub async fn remove_topic_resource(&self, slug: &TopicSlug, resource: ResourceId) -> Result<()> {
        let topic = self.topic_id(slug).await?;
        let done = sqlx::query("DELETE FROM topic_resources WHERE topic_id = $1 AND resource_id = $2")
            .bind(topic)
            .bind(resource.to_string())
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The topics a resource belongs to, in their set order.
    pub async fn topics_of_resource(&self, resource: ResourceId) -> Result<Vec<(TopicSlug, String)>> {
        let rows = sqlx::query(
            "SELECT t.slug, t.title FROM topic_resources x JOIN topics t ON t.id = x.topic_id \
             WHERE x.resource_id = $1 ORDER BY t.position",
        )
        .bind(resource.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    TopicSlug::parse(&r.try_get::<String, _>("slug")?).map_err(|e| corrupt("slug", e))?,
                    r.try_get("title")?,
                ))
            })
            .collect()
    }

    /// Puts many resources into topics in one transaction (the demo); ones already there stay.
    pub async fn load_topic_resources(&self, links: &[(TopicSlug, ResourceId)], now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        for (slug, resource) in links {
            sqlx::query(
                "INSERT INTO topic_resources (topic_id, resource_id, added_by, added_at) \
                 SELECT t.id, $2, NULL, $3 FROM topics t WHERE t.slug = $1 \
                 ON CONFLICT (topic_id, resource_id) DO NOTHING",
            )
            .bind(slug.as_str())
            .bind(resource.to_string())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    // ---------------------------------------------------------------- case studies

    async fn insert_case_study(
        tx: &mut Transaction<'_, Any>,
        id: CaseStudyId,
        f: &CaseStudyFields,
        by: Option<PersonId>,
        organisation: Option<OrganisationId>,
        published_by: Option<Option<PersonId>>,
        now: Timestamp,
    ) -> Result<()> {
        let (status, reviewed_by, reviewed_at) = match published_by {
            Some(reviewer) => (ReviewState::Published, reviewer, Some(millis(now))),
            None => (ReviewState::Submitted, None, None),
        };
        sqlx::query(
            "INSERT INTO case_studies (id, title, context, what_was_done, outcomes, contact, tags, organisation_id, submitted_by, status, submitted_at, reviewed_by, reviewed_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id.to_string())
        .bind(f.title.as_str())
        .bind(f.context.as_str())
        .bind(f.what_was_done.as_str())
        .bind(f.outcomes.as_str())
        .bind(f.contact.as_str())
        .bind(f.tags.as_slice().join("|"))
        .bind(organisation.map(|o| o.to_string()))
        .bind(by.map(|p| p.to_string()))
        .bind(status.code())
        .bind(millis(now))
        .bind(reviewed_by.map(|p| p.to_string()))
        .bind(reviewed_at)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "case study"))?;
        Ok(())
    }

    /// Records a submitted case study, waiting for review.
    pub async fn submit_case_study(
        &self,
        id: CaseStudyId,
        fields: &CaseStudyFields,
        by: PersonId,
        organisation: Option<OrganisationId>,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        Self::insert_case_study(&mut tx, id, fields, Some(by), organisation, None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds many case studies in one transaction (the demo).
    pub async fn load_case_studies(&self, studies: &[NewCaseStudy], now: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        for s in studies {
            let published = s.published.then_some(s.reviewed_by);
            Self::insert_case_study(&mut tx, s.id, &s.fields, s.submitted_by, s.organisation, published, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn case_study(&self, id: CaseStudyId) -> Result<Option<CaseStudy>> {
        let row = sqlx::query(
            "SELECT c.id, c.title, c.context, c.what_was_done, c.outcomes, c.contact, c.tags, c.organisation_id, \
             c.submitted_by, c.status, c.review_note, c.submitted_at, c.reviewed_by, c.reviewed_at, c.published_at, \
             o.name AS organisation_name, p.name AS submitter_name, v.name AS reviewer_name \
             FROM case_studies c LEFT JOIN organisations o ON o.id = c.organisation_id \
             LEFT JOIN people p ON p.id = c.submitted_by LEFT JOIN people v ON v.id = c.reviewed_by WHERE c.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(decode_case_study).transpose()
    }

    /// Searches published case studies: ranked full-text matches over the title, tags and story
    /// (title and tags weigh most), optionally with one tag, paged. Without search terms, the
    /// most recently published come first.
    pub async fn search_case_studies(
        &self,
        filter: &CaseStudyFilter,
        page: PageRequest,
    ) -> Result<Page<CaseStudySummary>> {
        let mut binds: Vec<String> = Vec::new();
        let mut clauses = vec![format!("c.status = '{}'", ReviewState::Published.code())];
        let (from, order) = if filter.terms.is_empty() {
            ("case_studies c".to_owned(), "c.published_at DESC, c.id".to_owned())
        } else {
            binds.push(self.backend.search_text(&filter.terms));
            let (from, matches, rank) = self.backend.case_study_search(1);
            clauses.push(matches);
            (from, format!("{rank}, c.published_at DESC, c.id"))
        };
        if let Some(tag) = filter.tag.as_deref().filter(|t| !t.trim().is_empty()) {
            // Tags hold letters, digits, spaces and hyphens only, so none of LIKE's wildcards.
            let Some(tag) = Tags::new(&[tag]).ok().and_then(|t| t.as_slice().first().cloned()) else {
                return Ok(Page::new(Vec::new(), page, 0));
            };
            binds.push(format!("%|{tag}|%"));
            clauses.push(format!("('|' || c.tags || '|') LIKE ${}", binds.len()));
        }
        let filter_sql = clauses.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) FROM {from} WHERE {filter_sql}");
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM {from} {SUMMARY_JOINS} WHERE {filter_sql} ORDER BY {order}");
        self.paged(&count_sql, &sql, &binds, page, decode_summary).await
    }

    /// Case studies waiting for review, oldest first: all of them (`only` is `None`, for a system
    /// admin) or those of the given organisations.
    pub async fn case_studies_for_review(
        &self,
        only: Option<&[OrganisationId]>,
        page: PageRequest,
    ) -> Result<Page<CaseStudySummary>> {
        let mut binds: Vec<String> = vec![ReviewState::Submitted.code().to_owned()];
        let mut filter_sql = "c.status = $1".to_owned();
        if let Some(orgs) = only {
            if orgs.is_empty() {
                return Ok(Page::new(Vec::new(), page, 0));
            }
            let marks: Vec<String> = orgs
                .iter()
                .map(|o| {
                    binds.push(o.to_string());
                    format!("${}", binds.len())
                })
                .collect();
            filter_sql.push_str(&format!(" AND c.organisation_id IN ({})", marks.join(", ")));
        }
        let count_sql = format!("SELECT COUNT(*) FROM case_studies c WHERE {filter_sql}");
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM case_studies c {SUMMARY_JOINS} WHERE {filter_sql} ORDER BY c.submitted_at, c.id");
        self.paged(&count_sql, &sql, &binds, page, decode_summary).await
    }

    /// The case studies a person has sent, in every state, newest first (at most 100).
    pub async fn case_studies_submitted_by(&self, person: PersonId) -> Result<Vec<CaseStudySummary>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM case_studies c {SUMMARY_JOINS} WHERE c.submitted_by = $1 \
             ORDER BY c.submitted_at DESC, c.id LIMIT 100"
        ))
        .bind(person.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decode_summary).collect()
    }

    /// Moves a case study from one review state to another (as the domain's transition decided),
    /// noting who did it, when, and why. If the case study is no longer in `from` (someone else
    /// reviewed it meanwhile) nothing changes and the answer is `Conflict`.
    pub async fn review_case_study(
        &self,
        id: CaseStudyId,
        from: ReviewState,
        to: ReviewState,
        note: Option<&ReviewNote>,
        by: PersonId,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE case_studies SET status = $3, review_note = $4, reviewed_by = $5, reviewed_at = $6, published_at = $7 \
             WHERE id = $1 AND status = $2",
        )
        .bind(id.to_string())
        .bind(from.code())
        .bind(to.code())
        .bind(note.map(|n| n.as_str().to_owned()))
        .bind(by.to_string())
        .bind(millis(now))
        .bind((to == ReviewState::Published).then(|| millis(now)))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(self.why_unchanged(id).await);
        }
        Ok(())
    }

    /// Changes a case study of `owner`'s and moves it from `from` to `to` (sending it again after
    /// it was sent back). The last review note is kept, for the next reviewer to see.
    pub async fn resubmit_case_study(
        &self,
        id: CaseStudyId,
        owner: PersonId,
        f: &CaseStudyFields,
        from: ReviewState,
        to: ReviewState,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE case_studies SET title = $5, context = $6, what_was_done = $7, outcomes = $8, contact = $9, tags = $10, \
             status = $4, submitted_at = $11, published_at = NULL WHERE id = $1 AND submitted_by = $2 AND status = $3",
        )
        .bind(id.to_string())
        .bind(owner.to_string())
        .bind(from.code())
        .bind(to.code())
        .bind(f.title.as_str())
        .bind(f.context.as_str())
        .bind(f.what_was_done.as_str())
        .bind(f.outcomes.as_str())
        .bind(f.contact.as_str())
        .bind(f.tags.as_slice().join("|"))
        .bind(millis(now))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(self.why_unchanged(id).await);
        }
        Ok(())
    }

    async fn why_unchanged(&self, id: CaseStudyId) -> StoreError {
        match self.case_study(id).await {
            Ok(Some(_)) => StoreError::Conflict("case study's review".to_owned()),
            Ok(None) => StoreError::NotFound,
            Err(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("Short\n\ntext"), "Short text");
        let long = "word ".repeat(100);
        let e = excerpt(&long);
        assert!(e.ends_with("word…"), "{e}");
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
