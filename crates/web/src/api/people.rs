//! `/api/v1/people`: the same people and the same scope rules as the pages.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::ids::PersonId;
use domain::paging::PageRequest;
use domain::people::import::{parse_date, PersonRecord};
use domain::people::{
    can_edit_person, can_manage_organisation, can_view_person, AdminScope, Email, JobTitle, Level, OrganisationCode,
    PersonName, Profession, StaffNumber,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use store::people::{PeopleFilter, Person};
use utoipa::ToSchema;

use super::{ApiError, FieldProblem, PageOf, PageParams};
use crate::auth::ApiUser;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/me", get(me))
        .route("/people", get(list).post(create))
        .route("/people/{id}", get(get_one).patch(update))
}

/// A short reference to an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationRefBody {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// A short reference to a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRefBody {
    pub id: String,
    pub name: String,
}

/// A person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonBody {
    pub id: String,
    pub name: String,
    pub email: String,
    pub staff_number: Option<String>,
    pub job_title: Option<String>,
    pub profession: Option<String>,
    /// A level code such as `band-5`, `vsm` or `registered-manager`.
    pub level: Option<String>,
    pub organisation: Option<OrganisationRefBody>,
    pub line_manager: Option<PersonRefBody>,
    /// ISO date.
    pub start_date: Option<String>,
}

impl From<Person> for PersonBody {
    fn from(p: Person) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name.into(),
            email: p.email.into(),
            staff_number: p.staff_number.map(Into::into),
            job_title: p.job_title.map(Into::into),
            profession: p.profession.map(Into::into),
            level: p.level.map(|l| l.code().to_owned()),
            organisation: p.organisation.map(|o| OrganisationRefBody {
                id: o.id.to_string(),
                code: o.code.into(),
                name: o.name.into(),
            }),
            line_manager: p.line_manager.map(|m| PersonRefBody { id: m.id.to_string(), name: m.name.into() }),
            start_date: p.start_date.map(|d| d.to_string()),
        }
    }
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/people/me", tag = "people", responses((status = 200, body = PersonBody), (status = 401, body = super::Problem)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<PersonBody> {
    Json(user.person.into())
}

/// People the caller may list: a system admin everyone, an organisation admin their
/// organisation's people, a line manager their team.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PageParams), responses((status = 200, body = inline(PageOf<PersonBody>)), (status = 403, body = super::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    params: Result<Query<PageParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PageOf<PersonBody>>, ApiError> {
    let Query(params) = params?;
    let request = PageRequest::new(params.page, params.per_page);
    let page = match user.viewer.admin_scope() {
        AdminScope::System => {
            state.store.list_people(&PeopleFilter { query: params.q, organisation: None }, request).await?
        }
        AdminScope::Organisations(orgs) => {
            state
                .store
                .list_people(&PeopleFilter { query: params.q, organisation: orgs.first().copied() }, request)
                .await?
        }
        AdminScope::None if user.viewer.has_reports => state.store.team(user.person.id, request).await?,
        AdminScope::None => return Err(ApiError::Forbidden),
    };
    Ok(Json(PageOf::from_page(page, PersonBody::from)))
}

async fn visible(state: &AppState, user: &crate::auth::CurrentUser, id: &str) -> Result<Person, ApiError> {
    let id: PersonId = id.parse().map_err(|_| ApiError::NotFound)?;
    let person = state.store.person(id).await?.ok_or(ApiError::NotFound)?;
    let chain = state.store.manager_chain(id).await?;
    if !can_view_person(&user.viewer, id, person.organisation.as_ref().map(|o| o.id), &chain) {
        // Not 404: the caller may know the id exists; what they lack is the right to see it.
        return Err(ApiError::Forbidden);
    }
    Ok(person)
}

/// One person, if the caller may see them.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = String, Path, description = "The person's id")), responses((status = 200, body = PersonBody), (status = 403, body = super::Problem), (status = 404, body = super::Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<PersonBody>, ApiError> {
    Ok(Json(visible(&state, &user, &id).await?.into()))
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub profession: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub level: Option<Option<String>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

fn field<T, E: std::fmt::Display>(errors: &mut Vec<FieldProblem>, name: &str, r: Result<T, E>) -> Option<T> {
    r.map_err(|e| errors.push(FieldProblem { field: name.to_owned(), message: e.to_string() })).ok()
}

/// Changes a person's profile fields (the person themself, or an admin of their organisation).
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people", request_body = PersonPatch, params(("id" = String, Path, description = "The person's id")), responses((status = 200, body = PersonBody), (status = 403, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<PersonPatch>, JsonRejection>,
) -> Result<Json<PersonBody>, ApiError> {
    let person = visible(&state, &user, &id).await?;
    if !can_edit_person(&user.viewer, person.id, person.organisation.as_ref().map(|o| o.id)) {
        return Err(ApiError::Forbidden);
    }
    let Json(patch) = body?;
    let mut errors = Vec::new();
    let mut record = person.record();
    if let Some(name) = patch.name {
        record.name = field(&mut errors, "name", PersonName::parse(&name)).unwrap_or(record.name);
    }
    if let Some(v) = patch.job_title {
        record.job_title = v.and_then(|v| field(&mut errors, "job_title", JobTitle::parse(&v)));
    }
    if let Some(v) = patch.profession {
        record.profession = v.and_then(|v| field(&mut errors, "profession", Profession::parse(&v)));
    }
    if let Some(v) = patch.level {
        record.level = v.and_then(|v| field(&mut errors, "level", v.parse::<Level>()));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let now = Timestamp::now();
    state.store.update_person(&record, now.to_zoned(jiff::tz::TimeZone::UTC).date(), now).await?;
    state.store.audit(Some(user.person.id), "person.updated", Some(person.id.to_string()), now).await?;
    let updated = state.store.person(person.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(updated.into()))
}

/// A person to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub name: String,
    pub email: String,
    /// The organisation's code.
    pub organisation: String,
    pub staff_number: Option<String>,
    pub job_title: Option<String>,
    pub profession: Option<String>,
    pub level: Option<String>,
    /// The line manager's email address.
    pub line_manager: Option<String>,
    /// ISO date.
    pub start_date: Option<String>,
}

/// Adds a person to an organisation the caller administers.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = NewPerson, responses((status = 201, body = PersonBody), (status = 403, body = super::Problem), (status = 409, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<NewPerson>, JsonRejection>,
) -> Result<(StatusCode, Json<PersonBody>), ApiError> {
    if matches!(user.viewer.admin_scope(), AdminScope::None) {
        return Err(ApiError::Forbidden);
    }
    let Json(body) = body?;
    let mut errors = Vec::new();
    let name = field(&mut errors, "name", PersonName::parse(&body.name));
    let email = field(&mut errors, "email", Email::parse(&body.email));
    let opt = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let staff_number = opt(&body.staff_number).and_then(|v| field(&mut errors, "staff_number", StaffNumber::parse(&v)));
    let job_title = opt(&body.job_title).and_then(|v| field(&mut errors, "job_title", JobTitle::parse(&v)));
    let profession = opt(&body.profession).and_then(|v| field(&mut errors, "profession", Profession::parse(&v)));
    let level = opt(&body.level).and_then(|v| field(&mut errors, "level", v.parse::<Level>()));
    let start_date = opt(&body.start_date).and_then(|v| field(&mut errors, "start_date", parse_date(&v)));
    let organisation = match field(&mut errors, "organisation", OrganisationCode::parse(&body.organisation)) {
        Some(code) => match state.store.organisation_by_code(&code).await? {
            Some(o) if can_manage_organisation(&user.viewer, o.id) => Some(o.id),
            Some(_) => return Err(ApiError::Forbidden),
            None => {
                errors.push(FieldProblem {
                    field: "organisation".to_owned(),
                    message: "no organisation has that code".to_owned(),
                });
                None
            }
        },
        None => None,
    };
    let manager = match opt(&body.line_manager).map(|m| Email::parse(&m)) {
        Some(Ok(m)) => match state.store.person_by_email(&m).await? {
            Some(p) => Some(p.id),
            None => {
                errors.push(FieldProblem {
                    field: "line_manager".to_owned(),
                    message: "nobody has that email address".to_owned(),
                });
                None
            }
        },
        Some(Err(e)) => {
            errors.push(FieldProblem { field: "line_manager".to_owned(), message: e.to_string() });
            None
        }
        None => None,
    };
    let (Some(name), Some(email), Some(organisation)) = (name, email, organisation) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let record = PersonRecord {
        id: PersonId::from_uuid(uuid::Uuid::now_v7()),
        staff_number,
        name,
        email,
        job_title,
        profession,
        level,
        organisation: Some(organisation),
        manager,
        start_date,
    };
    let now = Timestamp::now();
    state.store.create_person(&record, now).await?;
    state.store.audit(Some(user.person.id), "person.created", Some(record.id.to_string()), now).await?;
    let created = state.store.person(record.id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(created.into())))
}
