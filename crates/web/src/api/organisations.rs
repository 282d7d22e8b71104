//! `/api/v1/organisations`.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::ids::OrganisationId;
use domain::paging::PageRequest;
use domain::people::{
    can_view_organisation, AdminScope, EmailDomain, OrganisationCode, OrganisationKind, OrganisationName, Ownership,
    Sector,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use store::people::{Organisation, OrganisationFields};
use utoipa::ToSchema;

use super::{ApiError, FieldProblem, PageOf, PageParams};
use crate::auth::ApiUser;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/organisations", get(list).post(create)).route("/organisations/{id}", get(get_one))
}

/// An organisation in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationSummary {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationBody {
    pub id: String,
    pub code: String,
    pub name: String,
    /// nhs-trust, integrated-care-board, gp-practice, care-provider, local-authority,
    /// voluntary-organisation or other.
    pub kind: String,
    /// health, social-care or social-work.
    pub sector: String,
    /// public, independent or third.
    pub ownership: String,
    pub place: Option<String>,
    pub system: Option<String>,
    pub email_domains: Vec<String>,
    pub people: u64,
}

impl From<Organisation> for OrganisationBody {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            code: o.code.into(),
            name: o.name.into(),
            kind: o.kind.code().to_owned(),
            sector: o.sector.code().to_owned(),
            ownership: o.ownership.code().to_owned(),
            place: o.place,
            system: o.system,
            email_domains: o.email_domains.into_iter().map(Into::into).collect(),
            people: o.people,
        }
    }
}

/// Organisations the caller may see: all for a system admin; otherwise their own and those they
/// administer.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(PageParams), responses((status = 200, body = inline(PageOf<OrganisationSummary>))))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<PageOf<OrganisationSummary>>, ApiError> {
    let Query(params) = params?;
    let only: Option<Vec<OrganisationId>> = match user.viewer.admin_scope() {
        AdminScope::System => None,
        AdminScope::Organisations(mut orgs) => {
            orgs.extend(user.viewer.organisation);
            Some(orgs)
        }
        AdminScope::None => Some(user.viewer.organisation.into_iter().collect()),
    };
    let page = state
        .store
        .list_organisations(params.q.as_deref(), only.as_deref(), PageRequest::new(params.page, params.per_page))
        .await?;
    Ok(Json(PageOf::from_page(page, |o| OrganisationSummary {
        id: o.id.to_string(),
        code: o.code.into(),
        name: o.name.into(),
    })))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", params(("id" = String, Path, description = "The organisation's id")), responses((status = 200, body = OrganisationBody), (status = 403, body = super::Problem), (status = 404, body = super::Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<OrganisationBody>, ApiError> {
    let id: OrganisationId = id.parse().map_err(|_| ApiError::NotFound)?;
    let org = state.store.organisation(id).await?.ok_or(ApiError::NotFound)?;
    if !can_view_organisation(&user.viewer, id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(org.into()))
}

/// An organisation to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub sector: String,
    pub ownership: String,
    #[serde(default)]
    pub email_domains: Vec<String>,
    pub place: Option<String>,
    pub system: Option<String>,
}

fn field<T, E: std::fmt::Display>(errors: &mut Vec<FieldProblem>, name: &str, r: Result<T, E>) -> Option<T> {
    r.map_err(|e| errors.push(FieldProblem { field: name.to_owned(), message: e.to_string() })).ok()
}

/// Adds an organisation (system admins only).
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = NewOrganisation, responses((status = 201, body = OrganisationBody), (status = 403, body = super::Problem), (status = 409, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<NewOrganisation>, JsonRejection>,
) -> Result<(StatusCode, Json<OrganisationBody>), ApiError> {
    if !user.viewer.is_system_admin() {
        return Err(ApiError::Forbidden);
    }
    let Json(body) = body?;
    let mut errors = Vec::new();
    let code = field(&mut errors, "code", OrganisationCode::parse(&body.code));
    let name = field(&mut errors, "name", OrganisationName::parse(&body.name));
    let kind = field(&mut errors, "kind", body.kind.parse::<OrganisationKind>());
    let sector = field(&mut errors, "sector", body.sector.parse::<Sector>());
    let ownership = field(&mut errors, "ownership", body.ownership.parse::<Ownership>());
    let email_domains: Vec<EmailDomain> =
        body.email_domains.iter().filter_map(|d| field(&mut errors, "email_domains", EmailDomain::parse(d))).collect();
    let (Some(code), Some(name), Some(kind), Some(sector), Some(ownership)) = (code, name, kind, sector, ownership)
    else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let fields = OrganisationFields {
        code,
        name,
        kind,
        sector,
        ownership,
        email_domains,
        place: body.place,
        system: body.system,
    };
    let id = OrganisationId::from_uuid(uuid::Uuid::now_v7());
    let now = Timestamp::now();
    state.store.create_organisation(id, &fields, now).await?;
    state.store.audit(Some(user.person.id), "organisation.created", Some(id.to_string()), now).await?;
    let org = state.store.organisation(id).await?.ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(org.into())))
}
