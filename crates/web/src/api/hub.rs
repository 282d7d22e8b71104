//! `/api/v1/case-studies`: search published case studies, read one, and submit one for review.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::hub::{can_review_case_study, can_see_case_study, CaseStudyFields, CaseStudyText, ReviewState};
use domain::ids::CaseStudyId;
use domain::learning::SearchTerms;
use domain::paging::PageRequest;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use store::hub::{CaseStudy, CaseStudyFilter, CaseStudySummary};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{ApiError, FieldProblem, PageOf};
use crate::auth::ApiUser;
use crate::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(search, get_one, submit),
    components(schemas(CaseStudyItem, CaseStudyBody, NewCaseStudy)),
    tags((name = "hub", description = "The knowledge hub: case studies shared between organisations"))
)]
pub struct HubApi;

pub fn routes() -> Router<AppState> {
    Router::new().route("/case-studies", get(search).post(submit)).route("/case-studies/{id}", get(get_one))
}

/// Searching published case studies.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseStudyQuery {
    /// Words to search for in titles, tags, context, what was done and outcomes.
    pub q: Option<String>,
    /// Only case studies with this tag.
    pub tag: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 25).
    pub per_page: Option<u32>,
}

/// A published case study in search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseStudyItem {
    pub id: String,
    pub title: String,
    /// The start of its context.
    pub excerpt: String,
    pub tags: Vec<String>,
    /// The organisation's name.
    pub organisation: Option<String>,
    /// When it was published (RFC 3339).
    pub published_at: Option<String>,
}

impl From<CaseStudySummary> for CaseStudyItem {
    fn from(c: CaseStudySummary) -> Self {
        Self {
            id: c.id.to_string(),
            title: c.title,
            excerpt: c.excerpt,
            tags: c.tags,
            organisation: c.organisation_name,
            published_at: c.published_at.map(|t| t.to_string()),
        }
    }
}

/// A case study in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseStudyBody {
    pub id: String,
    pub title: String,
    pub context: String,
    pub what_was_done: String,
    pub outcomes: String,
    pub contact: String,
    pub tags: Vec<String>,
    pub organisation_id: Option<String>,
    /// The organisation's name.
    pub organisation: Option<String>,
    /// submitted (waiting for review), published or rejected (sent back to its author).
    pub status: String,
    /// The last reviewer's note: shown to the submitter and reviewers only, and never once published.
    pub review_note: Option<String>,
    /// When it was sent (RFC 3339).
    pub submitted_at: String,
    /// When it was published (RFC 3339).
    pub published_at: Option<String>,
}

impl CaseStudyBody {
    fn of(c: CaseStudy, show_note: bool) -> Self {
        let f = c.fields;
        Self {
            id: c.id.to_string(),
            title: f.title.into(),
            context: f.context.into(),
            what_was_done: f.what_was_done.into(),
            outcomes: f.outcomes.into(),
            contact: f.contact.into(),
            tags: f.tags.into(),
            organisation_id: c.organisation.map(|o| o.to_string()),
            organisation: c.organisation_name,
            status: c.state.code().to_owned(),
            review_note: c.review_note.filter(|_| show_note && c.state != ReviewState::Published),
            submitted_at: c.submitted_at.to_string(),
            published_at: c.published_at.map(|t| t.to_string()),
        }
    }
}

/// A case study to submit. It is shown as coming from the submitter's organisation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCaseStudy {
    /// 5 to 200 characters.
    pub title: String,
    /// The service, the people it serves and the problem: 20 to 6,000 characters.
    pub context: String,
    /// 20 to 6,000 characters.
    pub what_was_done: String,
    /// What changed and how you know: 20 to 6,000 characters.
    pub outcomes: String,
    /// Who to ask about it: 3 to 300 characters.
    pub contact: String,
    /// At most 12 tags of 2 to 40 letters, digits, spaces or hyphens.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Searches published case studies.
#[utoipa::path(get, path = "/api/v1/case-studies", tag = "hub", params(CaseStudyQuery), responses((status = 200, body = inline(PageOf<CaseStudyItem>)), (status = 401, body = super::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    q: Result<Query<CaseStudyQuery>, QueryRejection>,
) -> Result<Json<PageOf<CaseStudyItem>>, ApiError> {
    let Query(q) = q?;
    let filter = CaseStudyFilter {
        terms: SearchTerms::parse(q.q.as_deref().unwrap_or("")),
        tag: q.tag.filter(|t| !t.trim().is_empty()),
    };
    let page = state.store.search_case_studies(&filter, PageRequest::new(q.page, q.per_page)).await?;
    Ok(Json(PageOf::from_page(page, CaseStudyItem::from)))
}

/// One case study: published ones to anyone; others to their submitter and reviewers only.
#[utoipa::path(get, path = "/api/v1/case-studies/{id}", tag = "hub", params(("id" = String, Path, description = "The case study's id")), responses((status = 200, body = CaseStudyBody), (status = 403, body = super::Problem), (status = 404, body = super::Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CaseStudyBody>, ApiError> {
    let id: CaseStudyId = id.parse().map_err(|_| ApiError::NotFound)?;
    let cs = state.store.case_study(id).await?.ok_or(ApiError::NotFound)?;
    if !can_see_case_study(&user.viewer, cs.state, cs.submitted_by, cs.organisation) {
        return Err(ApiError::Forbidden);
    }
    let show_note = cs.submitted_by == Some(user.person.id) || can_review_case_study(&user.viewer, cs.organisation);
    Ok(Json(CaseStudyBody::of(cs, show_note)))
}

/// Checks a submitted case study: every problem at once, named by field.
fn parse_case_study(b: &NewCaseStudy) -> Result<CaseStudyFields, Vec<FieldProblem>> {
    let tags: Vec<&str> = b.tags.iter().map(String::as_str).collect();
    CaseStudyFields::parse(&CaseStudyText {
        title: &b.title,
        context: &b.context,
        what_was_done: &b.what_was_done,
        outcomes: &b.outcomes,
        contact: &b.contact,
        tags: &tags,
    })
    .map_err(|problems| {
        problems.into_iter().map(|p| FieldProblem { field: p.part.name().to_owned(), message: p.message }).collect()
    })
}

/// Submits a case study for review. It is published once a reviewer has read it.
#[utoipa::path(post, path = "/api/v1/case-studies", tag = "hub", request_body = NewCaseStudy, responses((status = 201, body = CaseStudyBody, headers(("Location" = String, description = "The new case study's address"))), (status = 400, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<NewCaseStudy>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(b) = body?;
    let fields = parse_case_study(&b).map_err(ApiError::Invalid)?;
    let id = CaseStudyId::from_uuid(uuid::Uuid::now_v7());
    let now = Timestamp::now();
    let organisation = user.person.organisation.as_ref().map(|o| o.id);
    state.store.submit_case_study(id, &fields, user.person.id, organisation, now).await?;
    state.store.audit(Some(user.person.id), "case-study.submitted", Some(id.to_string()), now).await?;
    let cs = state.store.case_study(id).await?.ok_or(ApiError::NotFound)?;
    let location = format!("/api/v1/case-studies/{id}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(CaseStudyBody::of(cs, true))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_named_by_their_field() {
        let b = NewCaseStudy {
            title: "Rotas made with the team".to_owned(),
            context: "A home care service short of staff.".to_owned(),
            what_was_done: "Team leaders met weekly to plan rotas with carers.".to_owned(),
            outcomes: String::new(),
            contact: "x".repeat(301),
            tags: vec![],
        };
        let problems = parse_case_study(&b).expect_err("outcomes are missing and the contact is too long");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["outcomes", "contact"]);
    }
}
