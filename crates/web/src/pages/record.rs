//! The learning record: my entries, recording learning that happened elsewhere (with evidence),
//! an entry's page and history, editing, hiding and deleting, and the development dashboard.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::ids::{EntryId, PersonId};
use domain::learning::{can_see_entry, sniff, Activity, Balance, LearningKind, Reflection, TimeSpent, Title};
use domain::paging::PageRequest;
use jiff::civil::Date;
use jiff::Timestamp;
use serde::Deserialize;
use store::learning::{Entry, EntryFields, Evidence};

use super::learning::{parse_tags, say_minutes};
use super::view::{
    render, ButtonForm, Cell, DetailPage, Field, FormPage, Layout, Link, Pagination, Section, SummaryRow, TablePage,
};
use super::{Ctx, PageForm};
use crate::auth::CurrentUser;
use crate::charts::{columns, paired_percent, BarChart};
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/record", get(list))
        .route("/record/new", get(new_form).post(create))
        .route("/record/{id}", get(detail))
        .route("/record/{id}/edit", get(edit_form).post(edit))
        .route("/record/{id}/delete", post(delete))
        .route("/record/{id}/visibility", post(toggle_hidden))
        .route("/record/{id}/evidence", get(evidence))
        .route("/record/from-other-systems/{id}/dismiss", post(dismiss_pending))
        .route("/people/{id}/record", get(report_record))
}

fn today() -> Date {
    Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    page: Option<u32>,
    recorded: Option<String>,
    updated: Option<String>,
    deleted: Option<String>,
}

fn entry_rows(entries: &[Entry], linked: bool) -> Vec<Vec<Cell>> {
    entries
        .iter()
        .map(|e| {
            vec![
                Cell::text(e.fields.occurred_on.to_string()),
                if linked {
                    Cell::link(e.fields.title.as_str(), format!("/record/{}", e.id))
                } else {
                    Cell::text(e.fields.title.as_str())
                },
                Cell::text(e.fields.activity.label()),
                Cell::text(e.fields.kind.label()),
                Cell::text(say_minutes(e.fields.time.get())),
            ]
        })
        .collect()
}

fn entry_columns() -> Vec<String> {
    vec!["Date".into(), "What".into(), "Activity".into(), "Kind".into(), "Time".into()]
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<TablePage, PageError> {
    let page = state.store.entries(user.person.id, None, None, None, PageRequest::new(q.page, None)).await?;
    let banner = q.deleted.map(|_| "The entry has been deleted.".to_owned());
    Ok(TablePage {
        layout: ctx.layout("Your learning record", Some(&user)).with_banner(banner),
        intro: vec![
            "Everything you have learned, wherever you learned it. Your record stays yours when you change employer."
                .to_owned(),
        ],
        actions: vec![
            Link::new("/record/new", "Record learning that happened elsewhere"),
            Link::new("/learning", "Find learning in the catalogue"),
            Link::new("/portfolio", "Export or share your record (your portfolio)"),
        ],
        search: None,
        caption: format!("{} entries", page.total),
        columns: entry_columns(),
        rows: entry_rows(&page.items, true),
        empty: "Nothing recorded yet.".to_owned(),
        pagination: Pagination::of(&page, "/record", None),
    })
}

// ------------------------------------------------------------------ recording other learning

#[derive(Debug, Default, Clone)]
struct EntryForm {
    title: String,
    activity: String,
    kind: String,
    date: String,
    hours: String,
    minutes: String,
    learned: String,
    apply: String,
    behaviours: String,
    submission: String,
    /// The statement from another system this entry adds to the record, if any.
    from: String,
}

impl EntryForm {
    fn from_map(m: &HashMap<String, String>) -> Self {
        let g = |k: &str| m.get(k).cloned().unwrap_or_default();
        Self {
            title: g("title"),
            activity: g("activity"),
            kind: g("kind"),
            date: g("date"),
            hours: g("hours"),
            minutes: g("minutes"),
            learned: g("learned"),
            apply: g("apply"),
            behaviours: g("behaviours"),
            submission: g("submission"),
            from: g("from"),
        }
    }

    fn of(e: &EntryFields) -> Self {
        Self {
            title: e.title.as_str().to_owned(),
            activity: e.activity.code().to_owned(),
            kind: e.kind.code().to_owned(),
            date: e.occurred_on.to_string(),
            hours: (e.time.get() / 60).to_string(),
            minutes: (e.time.get() % 60).to_string(),
            learned: e.reflection.learned().to_owned(),
            apply: e.reflection.apply().unwrap_or("").to_owned(),
            behaviours: e.behaviours.join(", "),
            submission: String::new(),
            from: String::new(),
        }
    }

    /// Checks every field; `resource` carries over from an entry being edited.
    fn parse(&self, resource: Option<domain::ids::ResourceId>) -> Result<EntryFields, Vec<(String, String)>> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut err = |f: &str, m: String| errors.push((f.to_owned(), m));
        let title = Title::parse(&self.title).map_err(|e| err("title", format!("Title {e}"))).ok();
        let activity = self
            .activity
            .parse::<Activity>()
            .map_err(|_| err("activity", "Choose what the activity was".to_owned()))
            .ok();
        let kind = self
            .kind
            .parse::<LearningKind>()
            .map_err(|_| err("kind", "Choose what kind of learning it was".to_owned()))
            .ok();
        let date = domain::people::import::parse_date(&self.date)
            .map_err(|_| err("date", "Enter the date as, for example, 2026-03-27".to_owned()))
            .ok();
        if date.is_some_and(|d| d > today()) {
            err("date", "The date must be today or in the past".to_owned());
        }
        let time = TimeSpent::parse(&self.hours, &self.minutes).map_err(|e| err("hours", e.to_string())).ok();
        let reflection = Reflection::new(&self.learned, &self.apply).map_err(|e| err("learned", e.to_string())).ok();
        match (title, activity, kind, date, time, reflection) {
            (Some(title), Some(activity), Some(kind), Some(occurred_on), Some(time), Some(reflection))
                if errors.is_empty() =>
            {
                Ok(EntryFields {
                    title,
                    activity,
                    kind,
                    occurred_on,
                    time,
                    reflection,
                    behaviours: parse_tags(&self.behaviours),
                    resource,
                })
            }
            _ => Err(errors),
        }
    }

    fn fields(&self, with_evidence: bool) -> Vec<Field> {
        let mut fields = vec![
            Field::text("title", "What was it?")
                .value(&self.title)
                .hint("For example, shadowing the director of nursing"),
            Field::new("activity", "Activity", "select").value(&self.activity).options(
                std::iter::once((String::new(), "Choose".to_owned())).chain(
                    Activity::ALL
                        .iter()
                        .filter(|a| **a != Activity::Resource)
                        .map(|a| (a.code().to_owned(), a.label().to_owned())),
                ),
            ),
            Field::new("kind", "What kind of learning was it?", "radios")
                .value(&self.kind)
                .hint("The 70:20:10 model: from experience, from others, or formal")
                .options(LearningKind::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned()))),
            Field::text("date", "Date").value(&self.date).hint("For example, 2026-03-27"),
            Field::text("hours", "Hours spent").value(&self.hours),
            Field::text("minutes", "And minutes").value(&self.minutes),
            Field::new("learned", "What did you learn?", "textarea").value(&self.learned),
            Field::new("apply", "How will you use it in practice?", "textarea").value(&self.apply),
            Field::text("behaviours", "Behaviours it developed")
                .value(&self.behaviours)
                .hint("Separate them with commas"),
        ];
        if with_evidence {
            fields.push(
                Field::new("evidence", "Evidence (optional)", "file")
                    .accept(".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.txt")
                    .hint(
                        "A certificate, notes or a photo: PDF, PNG, JPEG, Word, Excel, PowerPoint or text, up to 10 MB",
                    ),
            );
            fields.push(Field::new("submission", "", "hidden").value(&self.submission));
            fields.push(Field::new("from", "", "hidden").value(&self.from));
        }
        fields
    }
}

fn new_page(ctx: &Ctx, user: &CurrentUser, form: &EntryForm, errors: &[(String, String)]) -> FormPage {
    let mut page = FormPage::new(
        ctx.layout("Record learning", Some(user)).with_back("/record", "Back to your record"),
        format!("/record/new?csrf={}", ctx.csrf.0),
        form.fields(true),
        "Save entry",
    )
    .with_errors(errors);
    page.multipart = true;
    page
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    /// A statement from another system to add to the record.
    from: String,
}

/// The statement from another system a form adds to the record, if it is the user's and waiting.
async fn waiting(
    state: &AppState,
    user: &CurrentUser,
    from: &str,
) -> Result<Option<store::xapi::PendingItem>, PageError> {
    if from.is_empty() {
        return Ok(None);
    }
    let id = uuid::Uuid::parse_str(from).map_err(|_| PageError::NotFound)?;
    let pending = state.store.pending_statements(user.person.id).await?;
    Ok(Some(pending.into_iter().find(|p| p.statement == id).ok_or(PageError::NotFound)?))
}

async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<FormPage, PageError> {
    let mut form =
        EntryForm { date: today().to_string(), submission: crate::auth::new_secret(), ..EntryForm::default() };
    if let Some(p) = waiting(&state, &user, &q.from).await? {
        form.title = p.facts.title.clone();
        form.date = p.facts.occurred_on.to_string();
        form.hours = (p.facts.minutes / 60).to_string();
        form.minutes = (p.facts.minutes % 60).to_string();
        form.activity = Activity::Course.code().to_owned();
        form.from = p.statement.to_string();
    }
    Ok(new_page(&ctx, &user, &form, &[]))
}

/// Dismisses learning another system sent: it leaves the dashboard and never enters the record.
async fn dismiss_pending(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    match state.store.resolve_pending(id, user.person.id, None, Timestamp::now()).await {
        Ok(()) | Err(store::StoreError::NotFound) => Ok(Redirect::to("/dashboard").into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut values = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) =
        multipart.next_field().await.map_err(|e| PageError::BadRequest(format!("The form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "evidence" {
            let file_name = field
                .file_name()
                .unwrap_or("evidence")
                .chars()
                .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                .take(200)
                .collect::<String>();
            let bytes = field.bytes().await.map_err(|_| PageError::TooLarge)?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else {
            values.insert(
                name,
                field.text().await.map_err(|_| PageError::BadRequest("The form could not be read".to_owned()))?,
            );
        }
    }
    let form = EntryForm::from_map(&values);
    let mut parsed = form.parse(None);
    let evidence = match &file {
        None => None,
        Some((name, bytes)) => match sniff(bytes) {
            Ok(kind) => Some(Evidence {
                file_name: name.clone(),
                content_type: kind.content_type().to_owned(),
                content: bytes.clone(),
            }),
            Err(e) => {
                let mut errors = parsed.err().unwrap_or_default();
                errors.push(("evidence".to_owned(), e.to_string()));
                parsed = Err(errors);
                None
            }
        },
    };
    let fields = match parsed {
        Ok(f) => f,
        Err(errors) => return Ok(new_page(&ctx, &user, &form, &errors).into_response()),
    };
    let now = Timestamp::now();
    let entry = EntryId::from_uuid(uuid::Uuid::now_v7());
    let outcome = format!("/record/{entry}?recorded=1");
    let key = format!("entry:{}", form.submission);
    if !form.submission.is_empty() {
        if let Some(previous) = state.store.claim_submission(&key, &outcome, now).await? {
            return Ok(Redirect::to(&previous).into_response());
        }
    }
    let saved = async {
        state
            .store
            .record_entry(entry, user.person.id, &fields, user.person.organisation.as_ref().map(|o| o.id), now)
            .await?;
        if let Some(e) = &evidence {
            state.store.put_evidence(entry, user.person.id, e).await?;
        }
        Ok::<(), store::StoreError>(())
    }
    .await;
    if let Err(e) = saved {
        if !form.submission.is_empty() {
            state.store.release_submission(&key).await?;
        }
        return Err(e.into());
    }
    crate::xapi::record::sync_entry(&state, entry).await;
    if let Some(p) = waiting(&state, &user, &form.from).await.ok().flatten() {
        match state.store.resolve_pending(p.statement, user.person.id, Some(entry), now).await {
            Ok(()) | Err(store::StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Redirect::to(&outcome).into_response())
}

// ------------------------------------------------------------------ one entry

fn entry_id(id: &str) -> Result<EntryId, PageError> {
    id.parse().map_err(|_| PageError::NotFound)
}

/// Loads an entry the user may see: their own, or a report's that the rules allow.
async fn visible_entry(state: &AppState, user: &CurrentUser, id: &str) -> Result<Entry, PageError> {
    let entry = state.store.entry(entry_id(id)?).await?.ok_or(PageError::NotFound)?;
    let manager = state.store.current_manager_since(entry.person).await?;
    if !can_see_entry(user.person.id, entry.person, entry.fields.occurred_on, entry.hidden, manager) {
        return Err(PageError::Forbidden);
    }
    Ok(entry)
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<DetailPage, PageError> {
    let e = visible_entry(&state, &user, &id).await?;
    let mine = e.person == user.person.id;
    let f = &e.fields;
    let mut rows = vec![
        SummaryRow::new("Date", f.occurred_on.to_string()),
        SummaryRow::new("Activity", f.activity.label()),
        SummaryRow::new("Kind of learning", f.kind.label()),
        SummaryRow::new("Time spent", say_minutes(f.time.get())),
        SummaryRow::new("What I learned", f.reflection.learned()),
        SummaryRow::optional("How I will use it", f.reflection.apply()),
        SummaryRow::new(
            "Behaviours",
            if f.behaviours.is_empty() { "None given".to_owned() } else { f.behaviours.join(", ") },
        ),
        SummaryRow::optional("Employer at the time", e.organisation.as_ref()),
    ];
    if let Some(r) = f.resource {
        rows.push(SummaryRow::link("Resource", "Open the resource's page", format!("/learning/resources/{r}")));
    }
    if e.has_evidence {
        rows.push(SummaryRow::link("Evidence", "Download the evidence", format!("/record/{}/evidence", e.id)));
    }
    if mine {
        rows.push(SummaryRow::new(
            "Your line manager",
            if e.hidden {
                "Cannot see this entry (hidden)"
            } else {
                "Can see this entry if it is from their time as your manager"
            },
        ));
    }
    let history = state.store.entry_history(e.id).await?;
    let sections = if mine {
        vec![Section {
            heading: "History of this entry".to_owned(),
            columns: vec!["When".into(), "What happened".into()],
            rows: history
                .iter()
                .map(|c| {
                    vec![Cell::text(c.changed_at.strftime("%Y-%m-%d %H:%M").to_string()), Cell::text(c.change.clone())]
                })
                .collect(),
            empty: String::new(),
        }]
    } else {
        vec![]
    };
    let banner = if q.recorded.is_some() {
        Some("Your learning has been recorded.".to_owned())
    } else {
        q.updated.map(|_| "The entry has been updated.".to_owned())
    };
    let (actions, buttons) = if mine {
        (
            vec![
                Link::new(format!("/record/{}/edit", e.id), "Edit this entry"),
                Link::new("/record", "Back to your record"),
            ],
            vec![
                ButtonForm {
                    action: format!("/record/{}/visibility", e.id),
                    label: if e.hidden {
                        "Let my line manager see it".to_owned()
                    } else {
                        "Hide it from my line manager".to_owned()
                    },
                    hidden: vec![],
                    secondary: true,
                },
                ButtonForm {
                    action: format!("/record/{}/delete", e.id),
                    label: "Delete this entry".to_owned(),
                    hidden: vec![],
                    secondary: true,
                },
            ],
        )
    } else {
        (vec![Link::new(format!("/people/{}/record", e.person), "Back to their record")], vec![])
    };
    Ok(DetailPage {
        layout: ctx.layout(f.title.as_str(), Some(&user)).with_banner(banner),
        caption: Some("Learning record".to_owned()),
        rows,
        actions,
        sections,
        buttons,
    })
}

async fn own_entry(state: &AppState, user: &CurrentUser, id: &str) -> Result<Entry, PageError> {
    let e = state.store.entry(entry_id(id)?).await?.ok_or(PageError::NotFound)?;
    if e.person != user.person.id {
        return Err(PageError::Forbidden);
    }
    Ok(e)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditForm {
    title: String,
    activity: String,
    kind: String,
    date: String,
    hours: String,
    minutes: String,
    learned: String,
    apply: String,
    behaviours: String,
}

impl From<EditForm> for EntryForm {
    fn from(f: EditForm) -> Self {
        Self {
            title: f.title,
            activity: f.activity,
            kind: f.kind,
            date: f.date,
            hours: f.hours,
            minutes: f.minutes,
            learned: f.learned,
            apply: f.apply,
            behaviours: f.behaviours,
            submission: String::new(),
            from: String::new(),
        }
    }
}

fn edit_page(ctx: &Ctx, user: &CurrentUser, id: EntryId, form: &EntryForm, errors: &[(String, String)]) -> FormPage {
    let mut fields = form.fields(false);
    if form.activity == Activity::Resource.code() {
        fields[1] = Field::new("activity", "", "hidden").value(&form.activity);
    }
    FormPage::new(
        ctx.layout("Edit the entry", Some(user)).with_back(format!("/record/{id}"), "Back to the entry"),
        format!("/record/{id}/edit"),
        fields,
        "Save changes",
    )
    .with_errors(errors)
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<FormPage, PageError> {
    let e = own_entry(&state, &user, &id).await?;
    Ok(edit_page(&ctx, &user, e.id, &EntryForm::of(&e.fields), &[]))
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<EditForm>,
) -> Result<Response, PageError> {
    let e = own_entry(&state, &user, &id).await?;
    let form = EntryForm::from(form);
    match form.parse(e.fields.resource) {
        Err(errors) => Ok(edit_page(&ctx, &user, e.id, &form, &errors).into_response()),
        Ok(fields) => {
            state.store.update_entry(e.id, user.person.id, &fields, Timestamp::now()).await?;
            crate::xapi::record::sync_entry(&state, e.id).await;
            Ok(Redirect::to(&format!("/record/{}?updated=1", e.id)).into_response())
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let e = own_entry(&state, &user, &id).await?;
    state.store.delete_entry(e.id, user.person.id, Timestamp::now()).await?;
    crate::xapi::record::sync_entry(&state, e.id).await;
    Ok(Redirect::to("/record?deleted=1").into_response())
}

async fn toggle_hidden(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let e = own_entry(&state, &user, &id).await?;
    state.store.set_entry_hidden(e.id, user.person.id, !e.hidden, Timestamp::now()).await?;
    crate::xapi::record::sync_entry(&state, e.id).await;
    Ok(Redirect::to(&format!("/record/{}?updated=1", e.id)).into_response())
}

async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let e = visible_entry(&state, &user, &id).await?;
    let file = state.store.evidence(e.id).await?.ok_or(PageError::NotFound)?;
    let name: String = file.file_name.chars().filter(|c| c.is_ascii_alphanumeric() || ".-_ ".contains(*c)).collect();
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", if name.is_empty() { "evidence".to_owned() } else { name }),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        file.content,
    )
        .into_response())
}

// ------------------------------------------------------------------ a report's record

async fn report_record(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<TablePage, PageError> {
    let person: PersonId = id.parse().map_err(|_| PageError::NotFound)?;
    if person == user.person.id {
        return Err(PageError::Forbidden);
    }
    let p = state.store.person(person).await?.ok_or(PageError::NotFound)?;
    let Some((_, since)) = state.store.current_manager_since(person).await?.filter(|(m, _)| *m == user.person.id)
    else {
        return Err(PageError::Forbidden);
    };
    let page = state.store.entries(person, None, None, Some(since), PageRequest::new(q.page, None)).await?;
    Ok(TablePage {
        layout: ctx
            .layout(format!("{}'s learning record", p.name.as_str()), Some(&user))
            .with_back(format!("/people/{person}"), "Back to their profile"),
        intro: vec![format!(
            "Entries from {since}, when you became their line manager. Entries they have hidden are not shown."
        )],
        actions: vec![],
        search: None,
        caption: format!("{} entries", page.total),
        columns: entry_columns(),
        rows: entry_rows(&page.items, true),
        empty: "No entries to show.".to_owned(),
        pagination: Pagination::of(&page, &format!("/people/{person}/record"), None),
    })
}

// ------------------------------------------------------------------ dashboard

#[derive(Template)]
#[template(path = "learning/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    figures: Vec<(String, String)>,
    actions: Vec<Link>,
    /// Each chart with its table's headings and rows.
    charts: Vec<(BarChart, Vec<String>, Vec<Vec<String>>)>,
    behaviours: Vec<(String, u64)>,
    open: Vec<(String, String)>,
    recent: Vec<(String, String, String)>,
    /// Learning other systems sent, waiting for a reflection: id, title, date, time.
    pending: Vec<(String, String, String, String)>,
}

fn hours(minutes: u64) -> f64 {
    (minutes as f64 / 60.0 * 10.0).round() / 10.0
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    let me = user.person.id;
    let today = today();
    let first_month =
        today.first_of_month().checked_sub(jiff::Span::new().months(11)).map_err(|e| PageError::Internal(e.into()))?;
    let minutes = state.store.learning_minutes(me, first_month, today).await?;
    let year_start = Date::new(today.year(), 1, 1).map_err(|e| PageError::Internal(e.into()))?;
    let this_year: u64 = minutes
        .iter()
        .filter(|(m, _, _)| m.as_str() >= year_start.strftime("%Y-%m").to_string().as_str())
        .map(|(_, _, n)| n)
        .sum();
    let mut months: Vec<(String, f64)> = Vec::new();
    let mut d = first_month;
    for _ in 0..12 {
        let key = d.strftime("%Y-%m").to_string();
        let total: u64 = minutes.iter().filter(|(m, _, _)| *m == key).map(|(_, _, n)| n).sum();
        months.push((d.strftime("%b").to_string(), hours(total)));
        d = d.checked_add(jiff::Span::new().months(1)).map_err(|e| PageError::Internal(e.into()))?;
    }
    let balance = Balance::of(minutes.iter().map(|(_, k, n)| (*k, *n)));
    let months_chart = columns(
        "hours-by-month",
        "Hours of learning by month",
        "Bar chart of the hours of learning you recorded in each of the last 12 months.",
        &months,
        "",
    );
    let mut month_rows: Vec<Vec<String>> = Vec::new();
    let mut d = first_month;
    for (_, h) in &months {
        month_rows.push(vec![d.strftime("%B %Y").to_string(), format!("{h}")]);
        d = d.checked_add(jiff::Span::new().months(1)).map_err(|e| PageError::Internal(e.into()))?;
    }
    let balance_chart = paired_percent(
        "balance",
        "Your 70:20:10 balance",
        "Paired bars comparing the share of your learning time of each kind in the last 12 months with the 70:20:10 model.",
        &balance.shares.iter().map(|s| (s.kind.label().to_owned(), s.percent, f64::from(s.model_percent))).collect::<Vec<_>>(),
    );
    let balance_rows = balance
        .shares
        .iter()
        .map(|s| {
            vec![
                s.kind.label().to_owned(),
                format!("{}", hours(s.minutes)),
                format!("{:.0}%", s.percent),
                format!("{}%", s.model_percent),
            ]
        })
        .collect();
    let recent = state.store.entries(me, None, None, None, PageRequest::new(Some(1), Some(5))).await?;
    let open = state.store.open_resources(me, 5).await?;
    let pending = state.store.pending_statements(me).await?;
    let page = DashboardPage {
        layout: ctx.layout("My development", Some(&user)),
        figures: vec![
            ("Hours this year".to_owned(), format!("{}", hours(this_year))),
            ("Hours in the last 12 months".to_owned(), format!("{}", hours(balance.total_minutes))),
            ("Entries in your record".to_owned(), recent.total.to_string()),
        ],
        actions: vec![
            Link::new("/record/new", "Record learning"),
            Link::new("/record", "See your whole record"),
            Link::new("/portfolio", "Your portfolio"),
            Link::new("/learning", "Find learning"),
        ],
        charts: vec![
            (months_chart, vec!["Month".into(), "Hours".into()], month_rows),
            (balance_chart, vec!["Kind".into(), "Hours".into(), "Your share".into(), "The model".into()], balance_rows),
        ],
        behaviours: state.store.behaviours_covered(me).await?.into_iter().take(15).collect(),
        open: open.into_iter().map(|(id, title, _)| (id.to_string(), title)).collect(),
        recent: recent
            .items
            .iter()
            .map(|e| (e.id.to_string(), e.fields.title.as_str().to_owned(), e.fields.occurred_on.to_string()))
            .collect(),
        pending: pending
            .into_iter()
            .map(|p| {
                let time = match p.facts.minutes {
                    0 => "time not given".to_owned(),
                    1 => "1 minute".to_owned(),
                    n => format!("{n} minutes"),
                };
                (p.statement.to_string(), p.facts.title, p.facts.occurred_on.to_string(), time)
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}
