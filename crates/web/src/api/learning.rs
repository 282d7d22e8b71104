//! `/api/v1/resources` (the catalogue) and `/api/v1/people/{id}/learning` (the record).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::ids::{EntryId, PersonId, ResourceId};
use domain::learning::{
    can_manage_catalogue, can_see_entry, Activity, EstimatedMinutes, LearningKind, Reflection, ResourceKind,
    SearchTerms, Summary, TimeSpent, Title,
};
use domain::paging::PageRequest;
use domain::people::{Level, Sector};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use store::learning::{Entry, EntryFields, Resource, ResourceFields, ResourceFilter, ResourceSummary};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, FieldProblem, PageOf};
use crate::auth::ApiUser;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/resources", get(search).post(create))
        .route("/resources/{id}", get(get_one))
        .route("/people/{id}/learning", get(record).post(add_entry))
}

/// Catalogue search: text and filters, paged.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceQuery {
    /// Words to search for in titles and summaries.
    pub q: Option<String>,
    /// article, blog, video, podcast, e-learning, event, course or book.
    pub kind: Option<String>,
    /// Only resources that take at most this many minutes.
    pub max_minutes: Option<u32>,
    /// A level code such as band-6.
    pub level: Option<String>,
    /// health, social-care or social-work.
    pub sector: Option<String>,
    /// A behaviour tag.
    pub behaviour: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A resource in search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceItem {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub estimated_minutes: u32,
    pub publisher: Option<String>,
}

impl From<ResourceSummary> for ResourceItem {
    fn from(r: ResourceSummary) -> Self {
        Self {
            id: r.id.to_string(),
            title: r.title,
            summary: r.summary,
            kind: r.kind.code().to_owned(),
            estimated_minutes: r.estimated.get(),
            publisher: r.publisher,
        }
    }
}

/// A resource in full.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResourceBody {
    #[serde(default, skip_deserializing)]
    pub id: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub url: Option<String>,
    pub body: Option<String>,
    pub estimated_minutes: u32,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub behaviours: Vec<String>,
    pub publisher: Option<String>,
    /// ISO date.
    pub review_on: Option<String>,
    #[serde(default, skip_deserializing)]
    pub retired: bool,
    #[serde(default, skip_deserializing)]
    pub rating: Option<f64>,
}

impl From<Resource> for ResourceBody {
    fn from(r: Resource) -> Self {
        let f = r.fields;
        Self {
            id: r.id.to_string(),
            title: f.title.into(),
            summary: f.summary.into(),
            kind: f.kind.code().to_owned(),
            url: f.url,
            body: f.body,
            estimated_minutes: f.estimated.get(),
            levels: f.levels.iter().map(|l| l.code().to_owned()).collect(),
            sectors: f.sectors.iter().map(|s| s.code().to_owned()).collect(),
            behaviours: f.behaviours,
            publisher: f.publisher,
            review_on: f.review_on.map(|d| d.to_string()),
            retired: r.retired,
            rating: r.rating,
        }
    }
}

fn field<T, E: std::fmt::Display>(errors: &mut Vec<FieldProblem>, name: &str, r: Result<T, E>) -> Option<T> {
    r.map_err(|e| errors.push(FieldProblem { field: name.to_owned(), message: e.to_string() })).ok()
}

/// Searches the catalogue.
#[utoipa::path(get, path = "/api/v1/resources", tag = "learning", params(ResourceQuery), responses((status = 200, body = inline(PageOf<ResourceItem>)), (status = 422, body = super::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    q: Result<Query<ResourceQuery>, QueryRejection>,
) -> Result<Json<PageOf<ResourceItem>>, ApiError> {
    let Query(q) = q?;
    let mut errors = Vec::new();
    let filter = ResourceFilter {
        terms: SearchTerms::parse(q.q.as_deref().unwrap_or("")),
        kind: q.kind.as_deref().and_then(|k| field(&mut errors, "kind", k.parse::<ResourceKind>())),
        max_minutes: q.max_minutes,
        level: q.level.as_deref().and_then(|l| field(&mut errors, "level", l.parse::<Level>())),
        sector: q.sector.as_deref().and_then(|s| field(&mut errors, "sector", s.parse::<Sector>())),
        behaviour: q.behaviour,
        include_retired: false,
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let page = state.store.search_resources(&filter, PageRequest::new(q.page, q.per_page)).await?;
    Ok(Json(PageOf::from_page(page, ResourceItem::from)))
}

/// One resource.
#[utoipa::path(get, path = "/api/v1/resources/{id}", tag = "learning", params(("id" = String, Path, description = "The resource's id")), responses((status = 200, body = ResourceBody), (status = 404, body = super::Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ResourceBody>, ApiError> {
    let id: ResourceId = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(state.store.resource(id).await?.ok_or(ApiError::NotFound)?.into()))
}

/// Adds a resource (admins and programme leads).
#[utoipa::path(post, path = "/api/v1/resources", tag = "learning", request_body = ResourceBody, responses((status = 201, body = ResourceBody), (status = 403, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<ResourceBody>, JsonRejection>,
) -> Result<(StatusCode, Json<ResourceBody>), ApiError> {
    if !can_manage_catalogue(&user.viewer) {
        return Err(ApiError::Forbidden);
    }
    let Json(b) = body?;
    let fields = parse_resource(&b).map_err(ApiError::Invalid)?;
    let id = ResourceId::from_uuid(uuid::Uuid::now_v7());
    let now = Timestamp::now();
    state.store.create_resource(id, &fields, Some(user.person.id), now).await?;
    state.store.audit(Some(user.person.id), "resource.created", Some(id.to_string()), now).await?;
    Ok((StatusCode::CREATED, Json(state.store.resource(id).await?.ok_or(ApiError::NotFound)?.into())))
}

/// Checks a resource from the API or an import file.
pub fn parse_resource(b: &ResourceBody) -> Result<ResourceFields, Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&b.title));
    let summary = field(&mut errors, "summary", Summary::parse(&b.summary));
    let kind = field(&mut errors, "kind", b.kind.parse::<ResourceKind>());
    let estimated = field(&mut errors, "estimated_minutes", EstimatedMinutes::new(b.estimated_minutes));
    if let Some(u) = &b.url {
        if !(u.starts_with("https://") || u.starts_with("http://")) || u.contains(char::is_whitespace) {
            errors.push(FieldProblem {
                field: "url".to_owned(),
                message: "must be a web address starting https://".to_owned(),
            });
        }
    }
    let levels: Vec<Level> = b.levels.iter().filter_map(|l| field(&mut errors, "levels", l.parse::<Level>())).collect();
    let sectors: Vec<Sector> =
        b.sectors.iter().filter_map(|s| field(&mut errors, "sectors", s.parse::<Sector>())).collect();
    let review_on =
        b.review_on.as_deref().and_then(|d| field(&mut errors, "review_on", domain::people::import::parse_date(d)));
    match (title, summary, kind, estimated) {
        (Some(title), Some(summary), Some(kind), Some(estimated)) if errors.is_empty() => Ok(ResourceFields {
            title,
            summary,
            kind,
            url: b.url.clone(),
            body: b.body.clone(),
            estimated,
            levels,
            sectors,
            behaviours: b.behaviours.clone(),
            publisher: b.publisher.clone(),
            review_on,
        }),
        _ => Err(errors),
    }
}

/// An entry in a learning record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryBody {
    #[serde(default, skip_deserializing)]
    pub id: String,
    pub title: String,
    /// resource, stretch-assignment, shadowing, action-learning, coaching, conference, course,
    /// reading, reflection or other.
    pub activity: String,
    /// experience, others or formal (70:20:10).
    pub kind: String,
    /// ISO date.
    pub occurred_on: String,
    pub minutes: u32,
    pub learned: String,
    pub apply: Option<String>,
    #[serde(default)]
    pub behaviours: Vec<String>,
    #[serde(default, skip_deserializing)]
    pub resource: Option<String>,
    #[serde(default, skip_deserializing)]
    pub hidden: bool,
}

impl From<Entry> for EntryBody {
    fn from(e: Entry) -> Self {
        let f = e.fields;
        Self {
            id: e.id.to_string(),
            title: f.title.into(),
            activity: f.activity.code().to_owned(),
            kind: f.kind.code().to_owned(),
            occurred_on: f.occurred_on.to_string(),
            minutes: f.time.get(),
            learned: f.reflection.learned().to_owned(),
            apply: f.reflection.apply().map(str::to_owned),
            behaviours: f.behaviours,
            resource: f.resource.map(|r| r.to_string()),
            hidden: e.hidden,
        }
    }
}

/// Paging for a record.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A person's learning record: all of it for its owner; for their line manager, the entries
/// since the line began that are not hidden.
#[utoipa::path(get, path = "/api/v1/people/{id}/learning", tag = "learning", params(("id" = String, Path, description = "The person's id"), RecordQuery), responses((status = 200, body = inline(PageOf<EntryBody>)), (status = 403, body = super::Problem)))]
pub async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    q: Result<Query<RecordQuery>, QueryRejection>,
) -> Result<Json<PageOf<EntryBody>>, ApiError> {
    let Query(q) = q?;
    let person: PersonId = id.parse().map_err(|_| ApiError::NotFound)?;
    state.store.person(person).await?.ok_or(ApiError::NotFound)?;
    let visible_from = if person == user.person.id {
        None
    } else {
        match state.store.current_manager_since(person).await? {
            Some((m, since)) if m == user.person.id => Some(since),
            _ => return Err(ApiError::Forbidden),
        }
    };
    let page = state.store.entries(person, None, None, visible_from, PageRequest::new(q.page, q.per_page)).await?;
    // The store's filter and the domain rule must agree; the rule has the last word.
    let manager = state.store.current_manager_since(person).await?;
    let page = page.map(|e| (can_see_entry(user.person.id, e.person, e.fields.occurred_on, e.hidden, manager), e));
    if page.items.iter().any(|(ok, _)| !ok) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(PageOf::from_page(page, |(_, e)| EntryBody::from(e))))
}

/// Records learning that happened elsewhere, in one's own record.
#[utoipa::path(post, path = "/api/v1/people/{id}/learning", tag = "learning", request_body = EntryBody, params(("id" = String, Path, description = "The person's id")), responses((status = 201, body = EntryBody), (status = 403, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn add_entry(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<EntryBody>, JsonRejection>,
) -> Result<(StatusCode, Json<EntryBody>), ApiError> {
    let person: PersonId = id.parse().map_err(|_| ApiError::NotFound)?;
    if person != user.person.id {
        return Err(ApiError::Forbidden);
    }
    let Json(b) = body?;
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&b.title));
    let activity = field(&mut errors, "activity", b.activity.parse::<Activity>());
    if activity == Some(Activity::Resource) {
        errors.push(FieldProblem {
            field: "activity".to_owned(),
            message: "catalogue resources are recorded through \"Record your learning\" after the timer".to_owned(),
        });
    }
    let kind = field(&mut errors, "kind", b.kind.parse::<LearningKind>());
    let occurred_on = field(&mut errors, "occurred_on", domain::people::import::parse_date(&b.occurred_on));
    let time = field(&mut errors, "minutes", TimeSpent::minutes(i64::from(b.minutes)));
    let reflection = field(&mut errors, "learned", Reflection::new(&b.learned, b.apply.as_deref().unwrap_or("")));
    let (Some(title), Some(activity), Some(kind), Some(occurred_on), Some(time), Some(reflection)) =
        (title, activity, kind, occurred_on, time, reflection)
    else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let fields =
        EntryFields { title, activity, kind, occurred_on, time, reflection, behaviours: b.behaviours, resource: None };
    let id = EntryId::from_uuid(uuid::Uuid::now_v7());
    state
        .store
        .record_entry(id, person, &fields, user.person.organisation.as_ref().map(|o| o.id), Timestamp::now())
        .await?;
    crate::xapi::record::sync_entry(&state, id).await;
    Ok((StatusCode::CREATED, Json(state.store.entry(id).await?.ok_or(ApiError::NotFound)?.into())))
}
