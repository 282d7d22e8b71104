//! Organisations: list, search, detail, create, edit, and requests to join.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::ids::{OrganisationId, PersonId};
use domain::paging::PageRequest;
use domain::people::{
    can_manage_organisation, can_view_organisation, EmailDomain, OrganisationCode, OrganisationKind, OrganisationName,
    Ownership, Sector,
};
use jiff::Timestamp;
use serde::Deserialize;
use store::people::{Organisation, OrganisationFields};

use super::view::{
    ButtonForm, Cell, DetailPage, Field, FormPage, Link, Pagination, SearchBox, Section, SummaryRow, TablePage,
};
use super::{admin_scope, Ctx, PageForm};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations", get(list))
        .route("/organisations/new", get(new_form).post(create))
        .route("/organisations/{id}", get(detail))
        .route("/organisations/{id}/edit", get(edit_form).post(edit))
        .route("/organisations/{id}/requests/{person}/approve", post(approve))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    page: Option<u32>,
    q: Option<String>,
    updated: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<TablePage, PageError> {
    let only = admin_scope(&user)?;
    let page = state.store.list_organisations(q.q.as_deref(), only.as_deref(), PageRequest::new(q.page, None)).await?;
    Ok(TablePage {
        layout: ctx.layout("Organisations", Some(&user)),
        intro: vec![],
        actions: if user.viewer.is_system_admin() {
            vec![Link::new("/organisations/new", "Add an organisation")]
        } else {
            vec![]
        },
        search: Some(SearchBox {
            action: "/organisations".to_owned(),
            label: "Search by name or code".to_owned(),
            value: q.q.clone().unwrap_or_default(),
        }),
        caption: format!("{} organisations", page.total),
        columns: vec!["Name".into(), "Code".into()],
        rows: page
            .items
            .iter()
            .map(|o| vec![Cell::link(o.name.as_str(), format!("/organisations/{}", o.id)), Cell::text(o.code.as_str())])
            .collect(),
        empty: "No organisations match.".to_owned(),
        pagination: Pagination::of(&page, "/organisations", q.q.as_deref()),
    })
}

async fn find(state: &AppState, user: &CurrentUser, id: &str) -> Result<Organisation, PageError> {
    let id: OrganisationId = id.parse().map_err(|_| PageError::NotFound)?;
    let org = state.store.organisation(id).await?.ok_or(PageError::NotFound)?;
    if !can_view_organisation(&user.viewer, id) {
        return Err(PageError::Forbidden);
    }
    Ok(org)
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<DetailPage, PageError> {
    let org = find(&state, &user, &id).await?;
    let manages = can_manage_organisation(&user.viewer, org.id);
    let domains = org.email_domains.iter().map(EmailDomain::as_str).collect::<Vec<_>>().join(", ");
    let mut rows = vec![
        SummaryRow::new("Code", org.code.as_str()),
        SummaryRow::new("Kind", org.kind.label()),
        SummaryRow::new("Sector", org.sector.label()),
        SummaryRow::new("Ownership", org.ownership.label()),
        SummaryRow::optional("Place", org.place.as_ref()),
        SummaryRow::optional("System", org.system.as_ref()),
        SummaryRow::new("Email domains", if domains.is_empty() { "None registered".to_owned() } else { domains }),
    ];
    if manages {
        rows.push(SummaryRow::link("People", org.people.to_string(), format!("/people?organisation={}", org.id)));
    } else {
        rows.push(SummaryRow::new("People", org.people.to_string()));
    }
    let mut sections = vec![];
    let mut buttons = vec![];
    let mut actions = vec![];
    if manages {
        actions.push(Link::new(format!("/organisations/{}/edit", org.id), "Edit this organisation"));
        actions.push(Link::new(format!("/organisations/{}/lrs-credentials", org.id), "LRS credentials (xAPI)"));
        let requests = state.store.membership_requests(org.id).await?;
        sections.push(Section {
            heading: "Requests to join".to_owned(),
            columns: vec!["Name".into(), "Email address".into(), "Asked on".into()],
            rows: requests
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(&r.name),
                        Cell::text(&r.email),
                        Cell::text(r.requested_at.strftime("%Y-%m-%d").to_string()),
                    ]
                })
                .collect(),
            empty: "Nobody is waiting to join.".to_owned(),
        });
        buttons = requests
            .iter()
            .map(|r| ButtonForm {
                action: format!("/organisations/{}/requests/{}/approve", org.id, r.person),
                label: format!("Let {} join", r.name),
                hidden: vec![],
                secondary: true,
            })
            .collect();
    }
    let banner = q.updated.map(|_| "The changes have been saved.".to_owned());
    Ok(DetailPage {
        layout: ctx
            .layout(org.name.as_str(), Some(&user))
            .with_banner(banner)
            .with_back("/organisations", "Back to organisations"),
        caption: None,
        rows,
        actions,
        sections,
        buttons,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OrgForm {
    code: String,
    name: String,
    kind: String,
    sector: String,
    ownership: String,
    email_domains: String,
    place: String,
    system: String,
    submission: String,
}

fn org_fields(form: &OrgForm) -> Vec<Field> {
    let choices = |all: Vec<(String, String)>| {
        std::iter::once((String::new(), "Choose".to_owned())).chain(all).collect::<Vec<_>>()
    };
    vec![
        Field::text("code", "Code").value(&form.code).hint("A short code, such as the organisation's ODS code"),
        Field::text("name", "Name").value(&form.name),
        Field::new("kind", "Kind", "select").value(&form.kind).options(choices(
            OrganisationKind::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned())).collect(),
        )),
        Field::new("sector", "Sector", "select")
            .value(&form.sector)
            .options(choices(Sector::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned())).collect())),
        Field::new("ownership", "Ownership", "select")
            .value(&form.ownership)
            .options(choices(Ownership::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned())).collect())),
        Field::text("email_domains", "Email domains").value(&form.email_domains).hint(
            "People who sign up with an address at these domains join this organisation. Separate several with spaces.",
        ),
        Field::text("place", "Place").value(&form.place).hint("Optional"),
        Field::text("system", "System").value(&form.system).hint("Optional, such as the integrated care system"),
        Field::new("submission", "", "hidden").value(&form.submission),
    ]
}

fn parse_org_form(form: &OrgForm) -> Result<OrganisationFields, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut err = |f: &str, m: String| errors.push((f.to_owned(), m));
    let code = OrganisationCode::parse(&form.code).map_err(|e| err("code", format!("Code {e}"))).ok();
    let name = OrganisationName::parse(&form.name).map_err(|e| err("name", format!("Name {e}"))).ok();
    let kind = form
        .kind
        .parse::<OrganisationKind>()
        .map_err(|_| err("kind", "Choose the kind of organisation".to_owned()))
        .ok();
    let sector = form.sector.parse::<Sector>().map_err(|_| err("sector", "Choose the sector".to_owned())).ok();
    let ownership =
        form.ownership.parse::<Ownership>().map_err(|_| err("ownership", "Choose the ownership".to_owned())).ok();
    let mut email_domains = Vec::new();
    for d in form.email_domains.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|d| !d.is_empty()) {
        match EmailDomain::parse(d) {
            Ok(d) => email_domains.push(d),
            Err(_) => err("email_domains", format!("{d} is not an email domain: use one such as example.nhs.uk")),
        }
    }
    email_domains.sort();
    email_domains.dedup();
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match (code, name, kind, sector, ownership) {
        (Some(code), Some(name), Some(kind), Some(sector), Some(ownership)) if errors.is_empty() => {
            Ok(OrganisationFields {
                code,
                name,
                kind,
                sector,
                ownership,
                email_domains,
                place: text(&form.place),
                system: text(&form.system),
            })
        }
        _ => Err(errors),
    }
}

fn conflict_error(what: &str) -> Vec<(String, String)> {
    let field = if what.contains("domain") { "email_domains" } else { "code" };
    vec![(field.to_owned(), format!("That {what} is already taken by another organisation"))]
}

async fn new_form(ctx: Ctx, user: CurrentUser) -> Result<FormPage, PageError> {
    if !user.viewer.is_system_admin() {
        return Err(PageError::Forbidden);
    }
    let form = OrgForm { submission: crate::auth::new_secret(), ..OrgForm::default() };
    Ok(FormPage::new(
        ctx.layout("Add an organisation", Some(&user)).with_back("/organisations", "Back to organisations"),
        "/organisations/new",
        org_fields(&form),
        "Save organisation",
    ))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<OrgForm>,
) -> Result<Response, PageError> {
    if !user.viewer.is_system_admin() {
        return Err(PageError::Forbidden);
    }
    let page = |errors: &[(String, String)]| {
        FormPage::new(
            ctx.layout("Add an organisation", Some(&user)).with_back("/organisations", "Back to organisations"),
            "/organisations/new",
            org_fields(&form),
            "Save organisation",
        )
        .with_errors(errors)
        .into_response()
    };
    let fields = match parse_org_form(&form) {
        Ok(f) => f,
        Err(errors) => return Ok(page(&errors)),
    };
    let id = OrganisationId::from_uuid(uuid::Uuid::new_v4());
    let now = Timestamp::now();
    let key = format!("organisation:{}", form.submission);
    let outcome = format!("/organisations/{id}?updated=1");
    if !form.submission.is_empty() {
        if let Some(previous) = state.store.claim_submission(&key, &outcome, now).await? {
            return Ok(Redirect::to(&previous).into_response());
        }
    }
    match state.store.create_organisation(id, &fields, now).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(what)) => {
            state.store.release_submission(&key).await?;
            return Ok(page(&conflict_error(&what)));
        }
        Err(e) => return Err(e.into()),
    }
    state.store.audit(Some(user.person.id), "organisation.created", Some(id.to_string()), now).await?;
    Ok(Redirect::to(&outcome).into_response())
}

pub(super) async fn managed(state: &AppState, user: &CurrentUser, id: &str) -> Result<Organisation, PageError> {
    let org = find(state, user, id).await?;
    if !can_manage_organisation(&user.viewer, org.id) {
        return Err(PageError::Forbidden);
    }
    Ok(org)
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<FormPage, PageError> {
    let org = managed(&state, &user, &id).await?;
    let form = OrgForm {
        code: org.code.as_str().to_owned(),
        name: org.name.as_str().to_owned(),
        kind: org.kind.code().to_owned(),
        sector: org.sector.code().to_owned(),
        ownership: org.ownership.code().to_owned(),
        email_domains: org.email_domains.iter().map(EmailDomain::as_str).collect::<Vec<_>>().join(" "),
        place: org.place.clone().unwrap_or_default(),
        system: org.system.clone().unwrap_or_default(),
        submission: String::new(),
    };
    Ok(FormPage::new(
        ctx.layout(format!("Edit {}", org.name.as_str()), Some(&user)),
        format!("/organisations/{}/edit", org.id),
        org_fields(&form),
        "Save changes",
    ))
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<OrgForm>,
) -> Result<Response, PageError> {
    let org = managed(&state, &user, &id).await?;
    let page = |errors: &[(String, String)]| {
        FormPage::new(
            ctx.layout(format!("Edit {}", org.name.as_str()), Some(&user)),
            format!("/organisations/{}/edit", org.id),
            org_fields(&form),
            "Save changes",
        )
        .with_errors(errors)
        .into_response()
    };
    let fields = match parse_org_form(&form) {
        Ok(f) => f,
        Err(errors) => return Ok(page(&errors)),
    };
    let now = Timestamp::now();
    match state.store.update_organisation(org.id, &fields, now).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(what)) => return Ok(page(&conflict_error(&what))),
        Err(e) => return Err(e.into()),
    }
    state.store.audit(Some(user.person.id), "organisation.updated", Some(org.id.to_string()), now).await?;
    Ok(Redirect::to(&format!("/organisations/{}?updated=1", org.id)).into_response())
}

async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, person)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let org = managed(&state, &user, &id).await?;
    let person: PersonId = person.parse().map_err(|_| PageError::NotFound)?;
    if state.store.pending_membership(person).await? != Some(org.id) {
        return Err(PageError::NotFound);
    }
    let p = state.store.person(person).await?.ok_or(PageError::NotFound)?;
    let now = Timestamp::now();
    let record = domain::people::import::PersonRecord { organisation: Some(org.id), ..p.record() };
    state.store.update_person(&record, now.to_zoned(jiff::tz::TimeZone::UTC).date(), now).await?;
    state.store.clear_membership_request(person).await?;
    state.store.audit(Some(user.person.id), "membership.approved", Some(person.to_string()), now).await?;
    Ok(Redirect::to(&format!("/organisations/{}?updated=1", org.id)).into_response())
}
