//! Profiles, teams, and the admin's people pages: list, search, detail, create, edit, move.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::ids::{OrganisationId, PersonId, TokenId};
use domain::paging::PageRequest;
use domain::people::import::{parse_date, PersonRecord};
use domain::people::{
    can_edit_person, can_manage_organisation, can_view_person, Email, JobTitle, Level, OrganisationCode, PersonName,
    Profession, StaffNumber,
};
use jiff::Timestamp;
use serde::Deserialize;
use store::people::{PeopleFilter, Person};

use super::view::{
    ButtonForm, Cell, DetailPage, Field, FormPage, Link, Pagination, SearchBox, Section, SummaryRow, TablePage,
};
use super::{admin_scope, Ctx, PageForm};
use crate::auth::{issue_api_token, CurrentUser};
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/profile", get(profile))
        .route("/profile/edit", get(edit_profile_form).post(edit_profile))
        .route("/profile/join", post(join))
        .route("/profile/tokens", get(tokens).post(create_token))
        .route("/profile/tokens/{id}/revoke", post(revoke_token))
        .route("/team", get(team))
        .route("/people", get(list))
        .route("/people/new", get(new_form).post(create))
        .route("/people/{id}", get(detail))
        .route("/people/{id}/edit", get(edit_form).post(edit))
        .route("/people/{id}/invite", post(invite))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    page: Option<u32>,
    q: Option<String>,
    organisation: Option<String>,
    updated: Option<String>,
    created: Option<String>,
}

fn level_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Not given".to_owned()))
        .chain(Level::ALL.iter().map(|l| (l.code().to_owned(), l.label().to_owned())))
        .collect()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The person's profile rows, shared by "my profile" and an admin's view of a person.
fn person_rows(p: &Person) -> Vec<SummaryRow> {
    let mut rows = vec![
        SummaryRow::new("Name", p.name.as_str()),
        SummaryRow::new("Email address", p.email.as_str()),
        SummaryRow::optional("Job title", p.job_title.as_ref()),
        SummaryRow::optional("Profession", p.profession.as_ref()),
        SummaryRow::optional("Level", p.level.map(|l| l.label())),
    ];
    rows.push(match &p.organisation {
        Some(o) => SummaryRow::new("Organisation", o.name.as_str()),
        None => SummaryRow::new("Organisation", "None yet"),
    });
    rows.push(SummaryRow::optional("Line manager", p.line_manager.as_ref().map(|m| m.name.as_str())));
    rows.push(SummaryRow::optional("Staff number", p.staff_number.as_ref()));
    rows.push(SummaryRow::optional("Start date", p.start_date));
    rows
}

async fn history_section(state: &AppState, person: PersonId) -> Result<Section, PageError> {
    let history = state.store.employment_history(person).await?;
    Ok(Section {
        heading: "Employment history".to_owned(),
        columns: vec!["Organisation".into(), "Job title".into(), "Level".into(), "From".into(), "To".into()],
        rows: history
            .into_iter()
            .map(|e| {
                vec![
                    Cell::text(e.organisation.name.as_str()),
                    Cell::text(opt(&e.job_title)),
                    Cell::text(e.level.map_or_else(String::new, |l| l.label().to_owned())),
                    Cell::text(opt(&e.started_on)),
                    Cell::text(e.ended_on.map_or_else(|| "Now".to_owned(), |d| d.to_string())),
                ]
            })
            .collect(),
        empty: "No employment is recorded yet.".to_owned(),
    })
}

async fn profile(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<DetailPage, PageError> {
    let banner = q.updated.map(|_| "Your profile has been updated.".to_owned());
    let mut actions =
        vec![Link::new("/profile/edit", "Edit your profile"), Link::new("/profile/tokens", "Your API tokens")];
    let mut buttons = vec![];
    if user.person.organisation.is_none() {
        match state.store.pending_membership(user.person.id).await? {
            Some(o) => {
                let name = state
                    .store
                    .organisation(o)
                    .await?
                    .map_or_else(|| "an organisation".to_owned(), |o| o.name.as_str().to_owned());
                actions.push(Link::new(
                    "/profile",
                    format!("You have asked to join {name}: an administrator will look at your request"),
                ));
            }
            None => buttons.push(ButtonForm {
                action: "/profile/join".to_owned(),
                label: "Ask to join an organisation".to_owned(),
                hidden: vec![],
                secondary: true,
            }),
        }
    }
    Ok(DetailPage {
        layout: ctx.layout("Your profile", Some(&user)).with_banner(banner),
        caption: None,
        rows: person_rows(&user.person),
        actions,
        sections: vec![history_section(&state, user.person.id).await?],
        buttons,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProfileForm {
    name: String,
    job_title: String,
    profession: String,
    level: String,
}

fn profile_page(ctx: &Ctx, user: &CurrentUser, form: &ProfileForm, errors: &[(String, String)]) -> FormPage {
    let fields = vec![
        Field::text("name", "Full name").value(&form.name).autocomplete("name"),
        Field::text("job_title", "Job title").value(&form.job_title).autocomplete("organization-title"),
        Field::text("profession", "Profession or staff group")
            .value(&form.profession)
            .hint("For example, nursing, social work, allied health, management"),
        Field::new("level", "Level", "select")
            .value(&form.level)
            .hint("Your Agenda for Change band, or your level in social care")
            .options(level_options()),
    ];
    FormPage::new(
        ctx.layout("Edit your profile", Some(user)).with_back("/profile", "Back to your profile"),
        "/profile/edit",
        fields,
        "Save changes",
    )
    .with_errors(errors)
}

async fn edit_profile_form(ctx: Ctx, user: CurrentUser) -> FormPage {
    let p = &user.person;
    let form = ProfileForm {
        name: p.name.as_str().to_owned(),
        job_title: opt(&p.job_title),
        profession: opt(&p.profession),
        level: p.level.map(|l| l.code().to_owned()).unwrap_or_default(),
    };
    profile_page(&ctx, &user, &form, &[])
}

/// Parses an optional text field: empty means none.
fn optional<T, E: std::fmt::Display>(
    value: &str,
    field: &str,
    label: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    if value.trim().is_empty() {
        return None;
    }
    parse(value).map_err(|e| errors.push((field.to_owned(), format!("{label} {e}")))).ok()
}

async fn edit_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<ProfileForm>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let name =
        PersonName::parse(&form.name).map_err(|_| errors.push(("name".to_owned(), "Enter your name".to_owned()))).ok();
    let job_title = optional(&form.job_title, "job_title", "Job title", JobTitle::parse, &mut errors);
    let profession = optional(&form.profession, "profession", "Profession", Profession::parse, &mut errors);
    let level = optional(&form.level, "level", "Level:", str::parse::<Level>, &mut errors);
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Ok(profile_page(&ctx, &user, &form, &errors).into_response());
    };
    let record = PersonRecord { name, job_title, profession, level, ..user.person.record() };
    let now = Timestamp::now();
    state.store.update_person(&record, now.to_zoned(jiff::tz::TimeZone::UTC).date(), now).await?;
    state.store.audit(Some(user.person.id), "profile.updated", Some(user.person.id.to_string()), now).await?;
    Ok(Redirect::to("/profile?updated=1").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JoinForm {
    organisation: String,
}

fn join_page(ctx: &Ctx, user: &CurrentUser, form: &JoinForm, errors: &[(String, String)]) -> FormPage {
    let fields = vec![Field::text("organisation", "Organisation code")
        .value(&form.organisation)
        .hint("Your employer's code, such as its ODS code. Your organisation's administrator can tell you.")];
    let mut page = FormPage::new(
        ctx.layout("Ask to join an organisation", Some(user)).with_back("/profile", "Back to your profile"),
        "/profile/join",
        fields,
        "Send request",
    )
    .with_errors(errors);
    page.intro = vec!["An administrator of the organisation will confirm that you work there.".to_owned()];
    page
}

async fn join(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<JoinForm>,
) -> Result<Response, PageError> {
    if form.organisation.trim().is_empty() {
        return Ok(join_page(&ctx, &user, &form, &[]).into_response());
    }
    let code = OrganisationCode::parse(&form.organisation).ok();
    let found = match code {
        Some(c) => state.store.organisation_by_code(&c).await?,
        None => None,
    };
    let Some(org) = found else {
        return Ok(join_page(
            &ctx,
            &user,
            &form,
            &[("organisation".to_owned(), "There is no organisation with that code".to_owned())],
        )
        .into_response());
    };
    state.store.request_membership(user.person.id, org.id, Timestamp::now()).await?;
    Ok(Redirect::to("/profile").into_response())
}

// ------------------------------------------------------------------ API tokens

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    name: String,
}

async fn tokens_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    new_token: Option<String>,
    errors: &[(String, String)],
) -> Result<Response, PageError> {
    let tokens = state.store.api_tokens(user.person.id).await?;
    let mut intro = vec![
        "Tokens let your own scripts and other systems use the goldthread API as you. Treat a token like a password."
            .to_owned(),
    ];
    if let Some(t) = new_token {
        intro.push(format!("Your new token (copy it now: it will not be shown again): {t}"));
    }
    let fields = vec![Field::text("name", "Name for a new token")
        .hint("So that you can recognise it later, for example \"reporting script\"")];
    let mut page = FormPage::new(
        ctx.layout("Your API tokens", Some(user)).with_back("/profile", "Back to your profile"),
        "/profile/tokens",
        fields,
        "Create token",
    )
    .with_errors(errors);
    page.intro = intro;
    page.links = tokens
        .iter()
        .map(|t| {
            let state = if t.revoked { "revoked" } else { "active" };
            Link::new(
                format!("/profile/tokens/{}/revoke", t.id),
                format!("{} ({state}, created {}): revoke", t.name, t.created_at.strftime("%Y-%m-%d")),
            )
        })
        .collect();
    Ok(page.into_response())
}

async fn tokens(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    tokens_page(&state, &ctx, &user, None, &[]).await
}

async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return tokens_page(
            &state,
            &ctx,
            &user,
            None,
            &[("name".to_owned(), "Enter a name of up to 100 characters".to_owned())],
        )
        .await;
    }
    let token = issue_api_token(&state.store, user.person.id, name, Timestamp::now()).await?;
    tokens_page(&state, &ctx, &user, Some(token), &[]).await
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: TokenId = id.parse().map_err(|_| PageError::NotFound)?;
    state.store.revoke_api_token(user.person.id, id, Timestamp::now()).await?;
    Ok(Redirect::to("/profile/tokens").into_response())
}

// ------------------------------------------------------------------ team

fn people_rows(people: &[Person], linked: bool) -> Vec<Vec<Cell>> {
    people
        .iter()
        .map(|p| {
            vec![
                if linked {
                    Cell::link(p.name.as_str(), format!("/people/{}", p.id))
                } else {
                    Cell::text(p.name.as_str())
                },
                Cell::text(opt(&p.job_title)),
                Cell::text(p.level.map_or_else(String::new, |l| l.label().to_owned())),
                Cell::text(p.organisation.as_ref().map_or_else(String::new, |o| o.name.as_str().to_owned())),
                Cell::text(p.line_manager.as_ref().map_or_else(String::new, |m| m.name.as_str().to_owned())),
            ]
        })
        .collect()
}

fn people_columns() -> Vec<String> {
    vec!["Name".into(), "Job title".into(), "Level".into(), "Organisation".into(), "Line manager".into()]
}

async fn team(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<TablePage, PageError> {
    if !user.viewer.has_reports {
        return Err(PageError::Forbidden);
    }
    let page = state.store.team(user.person.id, PageRequest::new(q.page, None)).await?;
    Ok(TablePage {
        layout: ctx.layout("Your team", Some(&user)),
        intro: vec!["Everyone who reports to you, directly or through their own managers.".to_owned()],
        actions: vec![],
        search: None,
        caption: format!("{} people in your team", page.total),
        columns: people_columns(),
        rows: people_rows(&page.items, true),
        empty: "Nobody reports to you.".to_owned(),
        pagination: Pagination::of(&page, "/team", None),
    })
}

// ------------------------------------------------------------------ admin: people

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<TablePage, PageError> {
    let managed = admin_scope(&user)?;
    let wanted: Option<OrganisationId> = q.organisation.as_deref().and_then(|o| o.parse().ok());
    let organisation = match (&managed, wanted) {
        (None, w) => w,
        (Some(orgs), Some(w)) if orgs.contains(&w) => Some(w),
        (Some(_), Some(_)) => return Err(PageError::Forbidden),
        (Some(orgs), None) => orgs.first().copied(),
    };
    let filter = PeopleFilter { query: q.q.clone(), organisation };
    let page = state.store.list_people(&filter, PageRequest::new(q.page, None)).await?;
    let banner = q.created.map(|_| "The person has been added.".to_owned());
    Ok(TablePage {
        layout: ctx.layout("People", Some(&user)).with_banner(banner),
        intro: vec![],
        actions: vec![Link::new("/people/new", "Add a person")],
        search: Some(SearchBox {
            action: "/people".to_owned(),
            label: "Search by name or email address".to_owned(),
            value: q.q.clone().unwrap_or_default(),
        }),
        caption: format!("{} people", page.total),
        columns: people_columns(),
        rows: people_rows(&page.items, true),
        empty: "No people match.".to_owned(),
        pagination: Pagination::of(&page, "/people", q.q.as_deref()),
    })
}

/// Loads a person the user may see, or refuses.
async fn visible_person(state: &AppState, user: &CurrentUser, id: &str) -> Result<Person, PageError> {
    let id: PersonId = id.parse().map_err(|_| PageError::NotFound)?;
    let person = state.store.person(id).await?.ok_or(PageError::NotFound)?;
    let chain = state.store.manager_chain(id).await?;
    if !can_view_person(&user.viewer, id, person.organisation.as_ref().map(|o| o.id), &chain) {
        return Err(PageError::Forbidden);
    }
    Ok(person)
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<DetailPage, PageError> {
    let person = visible_person(&state, &user, &id).await?;
    let editable = can_edit_person(&user.viewer, person.id, person.organisation.as_ref().map(|o| o.id))
        && person.id != user.person.id;
    let mut actions = vec![];
    let mut buttons = vec![];
    if editable {
        actions.push(Link::new(format!("/people/{}/edit", person.id), "Edit or move this person"));
        if state.store.account_by_email(person.email.as_str()).await?.is_none() {
            buttons.push(ButtonForm {
                action: format!("/people/{}/invite", person.id),
                label: "Send an invitation".to_owned(),
                hidden: vec![],
                secondary: true,
            });
        }
    }
    let banner = q.updated.map(|_| "The changes have been saved.".to_owned());
    Ok(DetailPage {
        layout: ctx
            .layout(person.name.as_str(), Some(&user))
            .with_banner(banner)
            .with_back("/people", "Back to people"),
        caption: None,
        rows: person_rows(&person),
        actions,
        sections: vec![history_section(&state, person.id).await?],
        buttons,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PersonForm {
    name: String,
    email: String,
    staff_number: String,
    job_title: String,
    profession: String,
    level: String,
    organisation: String,
    line_manager: String,
    start_date: String,
    submission: String,
}

fn person_fields(form: &PersonForm) -> Vec<Field> {
    vec![
        Field::text("name", "Full name").value(&form.name),
        Field::new("email", "Work email address", "email").value(&form.email),
        Field::text("staff_number", "Staff number")
            .value(&form.staff_number)
            .hint("Optional. Unique across the system."),
        Field::text("job_title", "Job title").value(&form.job_title),
        Field::text("profession", "Profession or staff group").value(&form.profession),
        Field::new("level", "Level", "select").value(&form.level).options(level_options()),
        Field::text("organisation", "Organisation code")
            .value(&form.organisation)
            .hint("Changing it moves the person: their employment history keeps the old organisation."),
        Field::new("line_manager", "Line manager's email address", "email").value(&form.line_manager).hint("Optional"),
        Field::text("start_date", "Start date").value(&form.start_date).hint("For example, 2024-04-01 or 01/04/2024"),
        Field::new("submission", "", "hidden").value(&form.submission),
    ]
}

/// Turns the admin's person form into a record, checking every field and the access and
/// reporting-line rules. `id` is the person being edited, or the new person's id.
async fn parse_person_form(
    state: &AppState,
    user: &CurrentUser,
    id: PersonId,
    form: &PersonForm,
) -> Result<Result<PersonRecord, Vec<(String, String)>>, PageError> {
    let mut errors = Vec::new();
    let name = PersonName::parse(&form.name)
        .map_err(|_| errors.push(("name".to_owned(), "Enter the person's name".to_owned())))
        .ok();
    let email = Email::parse(&form.email).map_err(|e| errors.push(("email".to_owned(), e.to_string()))).ok();
    let staff_number = optional(&form.staff_number, "staff_number", "Staff number", StaffNumber::parse, &mut errors);
    let job_title = optional(&form.job_title, "job_title", "Job title", JobTitle::parse, &mut errors);
    let profession = optional(&form.profession, "profession", "Profession", Profession::parse, &mut errors);
    let level = optional(&form.level, "level", "Level:", str::parse::<Level>, &mut errors);
    let start_date = optional(&form.start_date, "start_date", "Start date", parse_date, &mut errors);
    let mut organisation = None;
    match OrganisationCode::parse(&form.organisation) {
        Err(_) => errors.push(("organisation".to_owned(), "Enter the organisation's code".to_owned())),
        Ok(code) => match state.store.organisation_by_code(&code).await? {
            None => errors.push(("organisation".to_owned(), "There is no organisation with that code".to_owned())),
            Some(o) if !can_manage_organisation(&user.viewer, o.id) => errors
                .push(("organisation".to_owned(), "You can only add people to organisations you manage".to_owned())),
            Some(o) => organisation = Some(o.id),
        },
    }
    let mut manager = None;
    if !form.line_manager.trim().is_empty() {
        match Email::parse(&form.line_manager) {
            Err(e) => errors.push(("line_manager".to_owned(), e.to_string())),
            Ok(e) => match state.store.person_by_email(&e).await? {
                None => errors.push(("line_manager".to_owned(), "Nobody has that email address".to_owned())),
                Some(m) if m.id == id => {
                    errors.push(("line_manager".to_owned(), "A person cannot be their own line manager".to_owned()))
                }
                Some(m) => {
                    let chain = state.store.manager_chain(m.id).await?;
                    if chain.contains(&id) {
                        errors.push((
                            "line_manager".to_owned(),
                            "That would make the reporting line loop: this person is above them".to_owned(),
                        ));
                    } else {
                        manager = Some(m.id);
                    }
                }
            },
        }
    }
    if let Some(email) = &email {
        if state.store.person_by_email(email).await?.is_some_and(|p| p.id != id) {
            errors.push(("email".to_owned(), "Another person already has this email address".to_owned()));
        }
    }
    match (name, email) {
        (Some(name), Some(email)) if errors.is_empty() => Ok(Ok(PersonRecord {
            id,
            staff_number,
            name,
            email,
            job_title,
            profession,
            level,
            organisation,
            manager,
            start_date,
        })),
        _ => Ok(Err(errors)),
    }
}

fn person_form_page(
    ctx: &Ctx,
    user: &CurrentUser,
    title: &str,
    action: String,
    form: &PersonForm,
    errors: &[(String, String)],
) -> FormPage {
    FormPage::new(
        ctx.layout(title, Some(user)).with_back("/people", "Back to people"),
        action,
        person_fields(form),
        "Save person",
    )
    .with_errors(errors)
}

async fn new_form(ctx: Ctx, user: CurrentUser) -> Result<FormPage, PageError> {
    admin_scope(&user)?;
    let form = PersonForm { submission: crate::auth::new_secret(), ..PersonForm::default() };
    Ok(person_form_page(&ctx, &user, "Add a person", "/people/new".to_owned(), &form, &[]))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<PersonForm>,
) -> Result<Response, PageError> {
    admin_scope(&user)?;
    let id = PersonId::from_uuid(uuid::Uuid::new_v4());
    let record = match parse_person_form(&state, &user, id, &form).await? {
        Ok(r) => r,
        Err(errors) => {
            return Ok(
                person_form_page(&ctx, &user, "Add a person", "/people/new".to_owned(), &form, &errors).into_response()
            )
        }
    };
    let now = Timestamp::now();
    // A form sent twice (a double click) adds the person once and shows the first result.
    let outcome = format!("/people/{id}?updated=1");
    if !form.submission.is_empty() {
        if let Some(previous) =
            state.store.claim_submission(&format!("person:{}", form.submission), &outcome, now).await?
        {
            return Ok(Redirect::to(&previous).into_response());
        }
    }
    match state.store.create_person(&record, now).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(what)) => {
            state.store.release_submission(&format!("person:{}", form.submission)).await?;
            return Ok(person_form_page(
                &ctx,
                &user,
                "Add a person",
                "/people/new".to_owned(),
                &form,
                &[("staff_number".to_owned(), format!("That {what} is already taken"))],
            )
            .into_response());
        }
        Err(e) => return Err(e.into()),
    }
    state.store.audit(Some(user.person.id), "person.created", Some(id.to_string()), now).await?;
    Ok(Redirect::to(&outcome).into_response())
}

async fn editable_person(state: &AppState, user: &CurrentUser, id: &str) -> Result<Person, PageError> {
    let person = visible_person(state, user, id).await?;
    if person.id == user.person.id
        || !can_edit_person(&user.viewer, person.id, person.organisation.as_ref().map(|o| o.id))
    {
        return Err(PageError::Forbidden);
    }
    Ok(person)
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<FormPage, PageError> {
    let p = editable_person(&state, &user, &id).await?;
    let manager_email = match &p.line_manager {
        Some(m) => state.store.person(m.id).await?.map(|m| m.email.as_str().to_owned()).unwrap_or_default(),
        None => String::new(),
    };
    let form = PersonForm {
        name: p.name.as_str().to_owned(),
        email: p.email.as_str().to_owned(),
        staff_number: opt(&p.staff_number),
        job_title: opt(&p.job_title),
        profession: opt(&p.profession),
        level: p.level.map(|l| l.code().to_owned()).unwrap_or_default(),
        organisation: p.organisation.as_ref().map(|o| o.code.as_str().to_owned()).unwrap_or_default(),
        line_manager: manager_email,
        start_date: opt(&p.start_date),
        submission: String::new(),
    };
    Ok(person_form_page(
        &ctx,
        &user,
        &format!("Edit {}", p.name.as_str()),
        format!("/people/{}/edit", p.id),
        &form,
        &[],
    ))
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<PersonForm>,
) -> Result<Response, PageError> {
    let p = editable_person(&state, &user, &id).await?;
    let title = format!("Edit {}", p.name.as_str());
    let record = match parse_person_form(&state, &user, p.id, &form).await? {
        Ok(r) => r,
        Err(errors) => {
            return Ok(
                person_form_page(&ctx, &user, &title, format!("/people/{}/edit", p.id), &form, &errors).into_response()
            )
        }
    };
    let now = Timestamp::now();
    match state.store.update_person(&record, now.to_zoned(jiff::tz::TimeZone::UTC).date(), now).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(what)) => {
            return Ok(person_form_page(
                &ctx,
                &user,
                &title,
                format!("/people/{}/edit", p.id),
                &form,
                &[("staff_number".to_owned(), format!("That {what} is already taken"))],
            )
            .into_response());
        }
        Err(e) => return Err(e.into()),
    }
    state.store.audit(Some(user.person.id), "person.updated", Some(p.id.to_string()), now).await?;
    Ok(Redirect::to(&format!("/people/{}?updated=1", p.id)).into_response())
}

async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = editable_person(&state, &user, &id).await?;
    super::accounts::send_invitation(&state, &user, p.id, &p.email).await?;
    Ok(Redirect::to(&format!("/people/{}?updated=1", p.id)).into_response())
}
