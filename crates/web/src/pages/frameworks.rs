//! Frameworks, self-assessment, 360° feedback and the development plan: the pages.
//!
//! Who sees what is decided in one place, [`Access`]: a 360 is administered by its subject and by
//! whoever started it (their line manager, say); its report is released, once it closes, to the
//! subject and the facilitator only. Nobody, admins included, is shown how a named rater answered:
//! pages show invitations without whether each was answered, and the report is the domain's
//! released report, kept as it was at the close.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::frameworks::{
    compare, equivalents, needs_from_assessment, needs_from_report, parse_crosswalks, parse_framework, recommend,
    Answer, BehaviourRef, Format, Framework, Goal, GoalStatus, Importance, InvitationId, Learner, Movement, Need,
    Rater, RaterGroup, Rating, Report, SelfAssessment, Slug, Source,
};
use domain::ids::{EntryId, PersonId};
use domain::people::Email;
use domain::portfolio::say_date;
use jiff::Timestamp;
use serde::Deserialize;
use store::frameworks::{
    AnswerRefused, AssessmentId, AssessmentRecord, CloseRefused, FeedbackRecord, GoalId, Imported, InvitationRecord,
};
use store::people::Person;
use uuid::Uuid;

use super::view::{render, Field, FieldError, Layout, Link, MessagePage, Section, SummaryRow};
use super::{Ctx, PageForm};
use crate::api::frameworks::{
    close_and_release, goals_with_status, invite_one, notify_release, release_message, send_reminders,
    start_feedback as begin_feedback, Access, InviteRequest,
};
use crate::auth::{hash_secret, CurrentUser};
use crate::charts_360::{gaps, radar, scatter, GapChart, Radar, Scatter};
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/frameworks", get(frameworks_list))
        .route("/frameworks/import", get(import_form).post(import_upload))
        .route("/frameworks/{id}", get(framework_page))
        .route("/frameworks/{id}/export", get(export))
        .route("/assessments", get(assessments).post(start_assessment))
        .route("/assessments/{id}", get(assessment_page).post(save_assessment))
        .route("/assessments/{id}/share", post(share_assessment))
        .route("/feedback", get(feedback_list).post(start_feedback))
        .route("/feedback/{id}", get(feedback_page))
        .route("/feedback/{id}/invitations", post(invite))
        .route("/feedback/{id}/close", post(close))
        .route("/feedback/{id}/remind", post(remind))
        .route("/feedback/{id}/report", get(report_page))
        .route("/feedback/{id}/report.csv", get(report_csv))
        .route("/feedback/invitations/{id}", get(rate_form).post(rate_submit))
        .route("/rate/{token}", get(link_form).post(link_submit))
        .route("/team/heatmap", get(team_heatmap))
        .route("/plan", get(own_plan))
        .route("/plan/goals", post(add_goal))
        .route("/plan/goals/{id}/remove", post(remove_goal))
        .route("/people/{id}/plan", get(person_plan))
        .route("/people/{id}/plan/comments", post(comment_plan))
}

fn when(t: Timestamp) -> String {
    t.strftime("%-d %B %Y").to_string()
}

fn one(v: f64) -> String {
    format!("{v:.1}")
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, PageError> {
    s.parse().map_err(|_| PageError::NotFound)
}

// ------------------------------------------------------------------ a page of sections and forms

/// A small form with a heading, for pages that hold several.
pub struct SmallForm {
    pub heading: String,
    pub intro: Option<String>,
    pub action: String,
    pub fields: Vec<Field>,
    pub submit: String,
    pub multipart: bool,
}

#[derive(Template)]
#[template(path = "frameworks/hub.html")]
struct HubPage {
    layout: Layout,
    errors: Vec<FieldError>,
    error_title: String,
    intro: Vec<String>,
    rows: Vec<SummaryRow>,
    links: Vec<Link>,
    sections: Vec<Section>,
    forms: Vec<SmallForm>,
}

impl HubPage {
    fn new(layout: Layout) -> Self {
        Self {
            layout,
            errors: Vec::new(),
            error_title: "There is a problem".to_owned(),
            intro: Vec::new(),
            rows: Vec::new(),
            links: Vec::new(),
            sections: Vec::new(),
            forms: Vec::new(),
        }
    }

    fn with_errors(mut self, errors: &[(String, String)]) -> Self {
        for form in &mut self.forms {
            let found = super::view::attach_errors(&mut form.fields, errors);
            for (e, f) in self.errors.iter_mut().zip(found.iter()) {
                if e.field.is_empty() {
                    e.field.clone_from(&f.field);
                }
            }
            if self.errors.is_empty() {
                self.errors = found;
            }
        }
        if self.errors.is_empty() {
            self.errors = errors.iter().map(|(_, m)| FieldError { field: String::new(), message: m.clone() }).collect();
        }
        self.layout.error_prefix = !self.errors.is_empty();
        self
    }

    fn respond(self) -> Response {
        let status = if self.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        render(status, &self)
    }
}

fn message(layout: Layout, status: StatusCode, paragraphs: Vec<String>, links: Vec<Link>) -> Response {
    render(status, &MessagePage { layout, paragraphs, buttons: Vec::new(), links })
}

// ------------------------------------------------------------------ frameworks

async fn frameworks_list(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    let list = state.store.frameworks().await?;
    let mut page = HubPage::new(ctx.layout("Leadership frameworks", Some(&user)));
    page.intro = vec![
        "A framework describes what good leadership looks like as domains and behaviours, with a rating scale. Assess yourself against one, or ask for 360° feedback.".to_owned(),
    ];
    page.links = vec![Link::new("/assessments", "Assess yourself"), Link::new("/feedback", "Ask for 360° feedback")];
    if user.viewer.is_system_admin() {
        page.links.push(Link::new("/frameworks/import", "Import a framework or crosswalks"));
    }
    page.sections = vec![Section {
        heading: "Frameworks".to_owned(),
        columns: vec!["Framework".to_owned(), "Version".to_owned(), "Publisher".to_owned()],
        rows: list
            .iter()
            .map(|f| {
                vec![
                    super::view::Cell::link(&f.name, format!("/frameworks/{}", f.id)),
                    super::view::Cell::text(&f.version),
                    super::view::Cell::text(&f.publisher),
                ]
            })
            .collect(),
        empty: "No frameworks yet.".to_owned(),
    }];
    Ok(page.respond())
}

#[derive(Template)]
#[template(path = "frameworks/framework.html")]
struct FrameworkPage {
    layout: Layout,
    framework: Framework,
    versions: Vec<(String, String)>,
}

async fn framework_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let framework = state.store.framework(&id).await?.ok_or(PageError::NotFound)?;
    let versions =
        state.store.framework_versions(&id).await?.into_iter().map(|v| (v.version, when(v.imported_at))).collect();
    let layout = ctx.layout(framework.name().to_owned(), Some(&user)).with_back("/frameworks", "Frameworks");
    Ok(render(StatusCode::OK, &FrameworkPage { layout, framework, versions }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ExportQuery {
    format: String,
    version: String,
}

async fn export(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    let framework = if q.version.is_empty() {
        state.store.framework(&id).await?
    } else {
        state.store.framework_version(&id, &q.version).await?
    }
    .ok_or(PageError::NotFound)?;
    Ok(crate::api::frameworks::framework_download(
        &framework,
        if q.format == "json" { Format::Json } else { Format::Yaml },
    ))
}

fn import_page(ctx: &Ctx, user: &CurrentUser, kind: &str, errors: &[(String, String)]) -> HubPage {
    let mut page =
        HubPage::new(ctx.layout("Import a framework or crosswalks", Some(user)).with_back("/frameworks", "Frameworks"));
    page.intro = vec![
        "The whole file is checked before anything is saved: if anything is wrong, nothing is imported and every problem is listed with the field it is in.".to_owned(),
        "A framework keeps every version imported; a new version becomes the current one. Assessments keep the version they were made against.".to_owned(),
    ];
    page.forms = vec![SmallForm {
        heading: "Choose the file".to_owned(),
        intro: None,
        action: format!("/frameworks/import?csrf={}", ctx.csrf.0),
        fields: vec![
            Field::new("kind", "What does the file hold?", "radios").value(kind).options([
                ("framework".to_owned(), "A framework".to_owned()),
                ("crosswalks".to_owned(), "Crosswalks between frameworks".to_owned()),
            ]),
            Field::new("file", "YAML or JSON file", "file")
                .accept(".yaml,.yml,.json")
                .hint("The format is described in docs/frameworks.md. Up to 2 MB."),
        ],
        submit: "Import file".to_owned(),
        multipart: true,
    }];
    page.error_title = "The file was not imported".to_owned();
    page.with_errors(errors)
}

async fn import_form(ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    if !user.viewer.is_system_admin() {
        return Err(PageError::Forbidden);
    }
    Ok(import_page(&ctx, &user, "", &[]).respond())
}

const MAX_FRAMEWORK_BYTES: usize = 2 * 1024 * 1024;

async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    if !user.viewer.is_system_admin() {
        return Err(PageError::Forbidden);
    }
    let mut kind = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) =
        multipart.next_field().await.map_err(|e| PageError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        match field.name() {
            Some("kind") => {
                kind = field.text().await.map_err(|_| PageError::BadRequest("The form could not be read".into()))?
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| PageError::TooLarge)?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let mut errors: Vec<(String, String)> = Vec::new();
    if kind != "framework" && kind != "crosswalks" {
        errors.push(("kind".into(), "Choose what the file holds".into()));
    }
    let file = file.filter(|(_, b)| !b.is_empty());
    let parsed = match &file {
        None => {
            errors.push(("file".into(), "Choose a YAML or JSON file to import".into()));
            None
        }
        Some((_, bytes)) if bytes.len() > MAX_FRAMEWORK_BYTES => {
            errors.push(("file".into(), "The file must be smaller than 2 MB".into()));
            None
        }
        Some((name, bytes)) => match (Format::from_file_name(name), std::str::from_utf8(bytes)) {
            (None, _) => {
                errors.push(("file".into(), "The file's name must end in .yaml, .yml or .json".into()));
                None
            }
            (_, Err(_)) => {
                errors.push(("file".into(), "The file must be text in UTF-8".into()));
                None
            }
            (Some(format), Ok(text)) => Some((format, text.to_owned())),
        },
    };
    let (Some((format, text)), true) = (parsed, errors.is_empty()) else {
        return Ok(import_page(&ctx, &user, &kind, &errors).respond());
    };
    let now = Timestamp::now();
    let outcome = if kind == "framework" {
        match parse_framework(&text, format) {
            Ok(f) => match state.store.import_framework(&f, Some(user.person.id), now).await {
                Ok(Imported::Added) => Ok(format!("{} version {} was imported and is now current.", f.name(), f.version())),
                Ok(Imported::Unchanged) => Ok(format!("{} version {} was already here, exactly the same: nothing changed.", f.name(), f.version())),
                Err(store::StoreError::Conflict(_)) => Err(vec![format!(
                    "version: {} version {} is already here with different content; give the changed framework a new version",
                    f.id(),
                    f.version()
                )]),
                Err(e) => return Err(e.into()),
            },
            Err(e) => Err(e.problems.iter().map(ToString::to_string).collect()),
        }
    } else {
        let known = state.store.current_frameworks().await?;
        match parse_crosswalks(&text, format, &known) {
            Ok(walks) => {
                let added = state.store.import_crosswalks(&walks).await?;
                Ok(format!("{added} new links between behaviours were imported."))
            }
            Err(e) => Err(e.problems.iter().map(ToString::to_string).collect()),
        }
    };
    match outcome {
        Ok(done) => {
            state.store.audit(Some(user.person.id), &format!("import.{kind}"), None, now).await?;
            Ok(message(
                ctx.layout("File imported", Some(&user)),
                StatusCode::OK,
                vec![done],
                vec![Link::new("/frameworks", "Back to the frameworks")],
            ))
        }
        Err(problems) => {
            let errors: Vec<(String, String)> = problems.into_iter().map(|p| ("file".to_owned(), p)).collect();
            Ok(import_page(&ctx, &user, &kind, &errors).respond())
        }
    }
}

// ------------------------------------------------------------------ rating forms

struct ScaleChoice {
    value: String,
    label: String,
    checked: bool,
}

struct BehaviourInput {
    /// The html id; the form's names are `r.ID` and `n.ID`.
    id: String,
    name: String,
    question: String,
    descriptors: Vec<(String, String)>,
    choices: Vec<ScaleChoice>,
    note: Option<String>,
    /// Entries of the learning record that may be linked as evidence: (id, title, linked).
    evidence: Vec<(String, String, bool)>,
    error: Option<String>,
}

struct DomainInput {
    id: String,
    name: String,
    summary: Option<String>,
    importance: Option<Vec<ScaleChoice>>,
    behaviours: Vec<BehaviourInput>,
}

#[derive(Template)]
#[template(path = "frameworks/rate.html")]
struct RatePage {
    layout: Layout,
    errors: Vec<FieldError>,
    error_title: String,
    caption: String,
    intro: Vec<String>,
    action: String,
    domains: Vec<DomainInput>,
    comment: Option<String>,
    buttons: Vec<(String, String)>,
}

/// What a rating form says, read from its fields: ratings by behaviour (`None`: cannot say),
/// importance by domain, notes and the comment.
#[derive(Default)]
struct Posted {
    ratings: BTreeMap<String, String>,
    importance: BTreeMap<String, String>,
    notes: BTreeMap<String, String>,
    evidence: BTreeMap<String, Vec<String>>,
    comment: String,
    action: String,
}

impl Posted {
    fn read(fields: &[(String, String)]) -> Self {
        let mut p = Self::default();
        for (k, v) in fields {
            if let Some(b) = k.strip_prefix("r.") {
                p.ratings.insert(b.to_owned(), v.trim().to_owned());
            } else if let Some(d) = k.strip_prefix("i.") {
                p.importance.insert(d.to_owned(), v.trim().to_owned());
            } else if let Some(b) = k.strip_prefix("n.") {
                p.notes.insert(b.to_owned(), v.clone());
            } else if let Some(b) = k.strip_prefix("e.") {
                p.evidence.entry(b.to_owned()).or_default().push(v.trim().to_owned());
            } else if k == "comment" {
                p.comment.clone_from(v);
            } else if k == "action" {
                p.action.clone_from(v);
            }
        }
        p
    }

    /// The ratings checked against the framework; every problem named against its behaviour.
    fn checked(&self, f: &Framework) -> Checked {
        let mut errors = Vec::new();
        let mut ratings = BTreeMap::new();
        for (b, v) in &self.ratings {
            if v.is_empty() {
                continue;
            }
            match v.parse::<u8>().map_err(|_| ()).and_then(|n| f.rating(b, n).map_err(|_| ())) {
                Ok((id, r)) => {
                    ratings.insert(id, r);
                }
                Err(()) => errors.push((
                    format!("r-{b}"),
                    format!(
                        "Choose one of the scale's points for \"{}\"",
                        f.behaviour(b).map_or(b.as_str(), |(_, x)| &x.name)
                    ),
                )),
            }
        }
        let mut importance = BTreeMap::new();
        for (d, v) in &self.importance {
            if v.is_empty() {
                continue;
            }
            match (v.parse::<u8>().ok().and_then(Importance::new), f.domain(d)) {
                (Some(i), Some(domain)) => {
                    importance.insert(domain.id.clone(), i);
                }
                _ => errors.push((format!("i-{d}"), "Choose how important this domain is, from 1 to 4".to_owned())),
            }
        }
        Checked { ratings, importance, errors }
    }
}

/// A rating form's answers checked against the framework, and the problems by field.
struct Checked {
    ratings: BTreeMap<Slug, Rating>,
    importance: BTreeMap<Slug, Importance>,
    errors: Vec<(String, String)>,
}

/// A person's entries that may be linked as evidence (id, title), and those linked by behaviour.
struct Evidence<'a> {
    entries: &'a [(String, String)],
    linked: &'a BTreeMap<String, Vec<String>>,
}

/// The form's domains for `framework`, filled with what was rated.
fn domain_inputs(
    f: &Framework,
    rated: &BTreeMap<String, String>,
    importance: Option<&BTreeMap<String, String>>,
    notes: Option<&BTreeMap<String, String>>,
    evidence: Option<Evidence<'_>>,
    errors: &[(String, String)],
) -> Vec<DomainInput> {
    let error_for = |id: &str| errors.iter().find(|(k, _)| k == id).map(|(_, m)| m.clone());
    f.domains()
        .iter()
        .map(|d| DomainInput {
            id: d.id.to_string(),
            name: d.name.clone(),
            summary: d.summary.clone(),
            importance: importance.map(|imp| {
                let now = imp.get(d.id.as_str()).cloned().unwrap_or_default();
                Importance::LABELS
                    .iter()
                    .enumerate()
                    .map(|(i, l)| ScaleChoice {
                        value: (i + 1).to_string(),
                        label: (*l).to_owned(),
                        checked: now == (i + 1).to_string(),
                    })
                    .collect()
            }),
            behaviours: d
                .behaviours
                .iter()
                .map(|b| {
                    let now = rated.get(b.id.as_str()).cloned().unwrap_or_default();
                    let mut choices: Vec<ScaleChoice> = f
                        .scale()
                        .points()
                        .iter()
                        .map(|p| ScaleChoice {
                            value: p.value.to_string(),
                            label: p.label.clone(),
                            checked: now == p.value.to_string(),
                        })
                        .collect();
                    choices.push(ScaleChoice {
                        value: String::new(),
                        label: "I cannot say".to_owned(),
                        checked: now.is_empty(),
                    });
                    BehaviourInput {
                        id: b.id.to_string(),
                        name: b.name.clone(),
                        question: b.question.clone(),
                        descriptors: f
                            .scale()
                            .points()
                            .iter()
                            .zip(&b.descriptors)
                            .map(|(p, d)| (p.label.clone(), d.clone()))
                            .collect(),
                        choices,
                        note: notes.map(|n| n.get(b.id.as_str()).cloned().unwrap_or_default()),
                        evidence: evidence.as_ref().map_or_else(Vec::new, |Evidence { entries, linked }| {
                            let mine = linked.get(b.id.as_str());
                            entries
                                .iter()
                                .map(|(id, title)| (id.clone(), title.clone(), mine.is_some_and(|m| m.contains(id))))
                                .collect()
                        }),
                        error: error_for(&format!("r-{}", b.id)),
                    }
                })
                .collect(),
        })
        .collect()
}

fn field_errors(errors: &[(String, String)]) -> Vec<FieldError> {
    errors.iter().map(|(f, m)| FieldError { field: f.clone(), message: m.clone() }).collect()
}

// ------------------------------------------------------------------ self-assessment

async fn assessments(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    assessments_page(&state, &ctx, &user, "", &[]).await
}

async fn assessments_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    chosen: &str,
    errors: &[(String, String)],
) -> Result<Response, PageError> {
    let frameworks = state.store.frameworks().await?;
    let mine = state.store.assessments_of(user.person.id, None).await?;
    let names: BTreeMap<String, String> = frameworks.iter().map(|f| (f.id.to_string(), f.name.clone())).collect();
    let mut page = HubPage::new(ctx.layout("Assess yourself", Some(user)));
    page.intro = vec![
        "Rate yourself on each behaviour of a framework, with notes on what you would point to. You can save and come back. What you write is yours alone unless you share it with your line manager.".to_owned(),
    ];
    page.links = vec![Link::new("/plan", "Your development plan")];
    page.sections = vec![Section {
        heading: "Your self-assessments".to_owned(),
        columns: vec!["Framework".to_owned(), "Started".to_owned(), "State".to_owned(), "Rated".to_owned()],
        rows: mine
            .iter()
            .map(|a| {
                let name = names
                    .get(a.assessment.framework.as_str())
                    .cloned()
                    .unwrap_or_else(|| a.assessment.framework.to_string());
                vec![
                    super::view::Cell::link(
                        format!("{name} (version {})", a.assessment.version),
                        format!("/assessments/{}", a.id),
                    ),
                    super::view::Cell::text(when(a.started_at)),
                    super::view::Cell::text(if a.completed_at.is_some() { "Finished" } else { "Draft" }),
                    super::view::Cell::text(a.assessment.ratings.len().to_string()),
                ]
            })
            .collect(),
        empty: "You have not assessed yourself yet.".to_owned(),
    }];
    page.forms = vec![SmallForm {
        heading: "Start a self-assessment".to_owned(),
        intro: None,
        action: "/assessments".to_owned(),
        fields: vec![Field::new("framework", "Framework", "select")
            .value(chosen)
            .options(frameworks.iter().map(|f| (f.id.to_string(), f.name.clone())))],
        submit: "Start".to_owned(),
        multipart: false,
    }];
    Ok(page.with_errors(errors).respond())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StartAssessmentForm {
    framework: String,
}

async fn start_assessment(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<StartAssessmentForm>,
) -> Result<Response, PageError> {
    let Some(framework) = state.store.framework(&form.framework).await? else {
        return assessments_page(&state, &ctx, &user, "", &[("framework".into(), "Choose a framework".into())]).await;
    };
    let id = AssessmentId::from_uuid(Uuid::now_v7());
    state
        .store
        .save_assessment(id, user.person.id, &SelfAssessment::start(&framework), false, Timestamp::now())
        .await?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}

async fn own_assessment(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(AssessmentRecord, Framework), PageError> {
    let record = state.store.assessment(parse_id(id)?).await?.ok_or(PageError::NotFound)?;
    let shared_with_me = record.shared
        && state
            .store
            .person(record.person)
            .await?
            .is_some_and(|p| Access::sees_plan(user.person.id, &p) && p.id != user.person.id);
    if record.person != user.person.id && !shared_with_me {
        return Err(PageError::NotFound);
    }
    let framework = state
        .store
        .framework_version(record.assessment.framework.as_str(), &record.assessment.version)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((record, framework))
}

fn assessment_form(
    ctx: &Ctx,
    user: &CurrentUser,
    record: &AssessmentRecord,
    f: &Framework,
    posted: Option<&Posted>,
    entries: &[(String, String)],
    errors: &[(String, String)],
) -> Response {
    let linked: BTreeMap<String, Vec<String>> = match posted {
        Some(p) => p.evidence.clone(),
        None => record
            .assessment
            .ratings
            .iter()
            .map(|(b, r)| (b.to_string(), r.evidence.iter().map(ToString::to_string).collect()))
            .collect(),
    };
    let rated: BTreeMap<String, String> = match posted {
        Some(p) => p.ratings.clone(),
        None => record.assessment.ratings.iter().map(|(b, r)| (b.to_string(), r.rating.value().to_string())).collect(),
    };
    let notes: BTreeMap<String, String> = match posted {
        Some(p) => p.notes.clone(),
        None => record.assessment.ratings.iter().filter_map(|(b, r)| Some((b.to_string(), r.note.clone()?))).collect(),
    };
    let mut layout = ctx
        .layout(format!("Assess yourself: {}", f.name()), Some(user))
        .with_back("/assessments", "Your self-assessments");
    layout.error_prefix = !errors.is_empty();
    let page = RatePage {
        layout,
        errors: field_errors(errors),
        error_title: "There is a problem".to_owned(),
        caption: format!("Version {}", f.version()),
        intro: vec![
            "Rate yourself on each behaviour. Add a note on what you would point to, and link entries of your learning record as evidence, if you like. Save to come back later; finish when every behaviour is rated.".to_owned(),
        ],
        action: format!("/assessments/{}", record.id),
        domains: domain_inputs(f, &rated, None, Some(&notes), Some(Evidence { entries, linked: &linked }), errors),
        comment: None,
        buttons: vec![("finish".to_owned(), "Finish".to_owned()), ("save".to_owned(), "Save and come back later".to_owned())],
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &page)
}

/// How many of a person's newest entries are offered as evidence.
const EVIDENCE_CHOICES: usize = 20;

/// A person's newest learning-record entries, as (id, title) to link as evidence.
async fn evidence_choices(state: &AppState, person: PersonId) -> Result<Vec<(String, String)>, PageError> {
    let entries = state.store.portfolio_entries(person, domain::portfolio::Period::ALL).await?;
    Ok(entries
        .into_iter()
        .take(EVIDENCE_CHOICES)
        .map(|e| (e.id.to_string(), format!("{} ({})", e.fields.title.as_str(), say_date(e.fields.occurred_on))))
        .collect())
}

/// One behaviour's line in a finished self-assessment.
struct RatingLine {
    domain: String,
    behaviour: String,
    rating: String,
    note: String,
    /// Entries of the learning record linked as evidence: (href, title).
    evidence: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "frameworks/assessment.html")]
struct AssessmentView {
    layout: Layout,
    rows: Vec<SummaryRow>,
    ratings: Vec<RatingLine>,
    /// (behaviour, before, after, movement)
    history: Vec<(String, String, String, String)>,
    earlier: Option<String>,
    share: Option<(bool, String)>,
}

async fn assessment_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (record, f) = own_assessment(&state, &user, &id).await?;
    if record.completed_at.is_none() && record.person == user.person.id {
        let entries = evidence_choices(&state, user.person.id).await?;
        return Ok(assessment_form(&ctx, &user, &record, &f, None, &entries, &[]));
    }
    let earlier = state
        .store
        .assessments_of(record.person, Some(f.id().as_str()))
        .await?
        .into_iter()
        .filter(|a| a.completed_at.is_some() && a.started_at < record.started_at)
        .max_by_key(|a| a.started_at);
    let current = state.store.framework(f.id().as_str()).await?.unwrap_or_else(|| f.clone());
    let label = |r: Option<Rating>| {
        r.map_or_else(|| "Not rated".to_owned(), |r| format!("{} ({})", f.scale().label(r), r.value()))
    };
    let name_of = |b: &Slug| current.behaviour(b.as_str()).map_or_else(|| b.to_string(), |(_, x)| x.name.clone());
    let history = earlier
        .as_ref()
        .map(|e| {
            compare(&current, &e.assessment, &record.assessment)
                .into_iter()
                .map(|c| {
                    let movement = match c.movement {
                        Movement::Up => "Up",
                        Movement::Down => "Down",
                        Movement::Same => "Same",
                        Movement::New => "Rated for the first time",
                        Movement::NotRatedAgain => "Not rated this time",
                    };
                    (name_of(&c.behaviour), label(c.before), label(c.after), movement.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    let titles: BTreeMap<EntryId, String> = state
        .store
        .portfolio_entries(record.person, domain::portfolio::Period::ALL)
        .await?
        .into_iter()
        .map(|e| (e.id, e.fields.title.as_str().to_owned()))
        .collect();
    let ratings = f
        .behaviours()
        .map(|(d, b)| {
            let r = record.assessment.ratings.get(&b.id);
            let evidence = r
                .map(|r| {
                    r.evidence.iter().filter_map(|e| Some((format!("/record/{e}"), titles.get(e)?.clone()))).collect()
                })
                .unwrap_or_default();
            RatingLine {
                domain: d.name.clone(),
                behaviour: b.name.clone(),
                rating: label(r.map(|r| r.rating)),
                note: r.and_then(|r| r.note.clone()).unwrap_or_default(),
                evidence,
            }
        })
        .collect();
    let own = record.person == user.person.id;
    let layout = ctx
        .layout(format!("Self-assessment: {}", f.name()), Some(&user))
        .with_back("/assessments", "Your self-assessments");
    let page = AssessmentView {
        layout,
        rows: vec![
            SummaryRow::new("Framework", format!("{} (version {})", f.name(), f.version())),
            SummaryRow::new("Started", when(record.started_at)),
            SummaryRow::optional("Finished", record.completed_at.map(when)),
            SummaryRow::new("Shared with your line manager", if record.shared { "Yes" } else { "No" }),
        ],
        ratings,
        history,
        earlier: earlier.map(|e| when(e.started_at)),
        share: own.then(|| (record.shared, format!("/assessments/{}/share", record.id))),
    };
    Ok(render(StatusCode::OK, &page))
}

async fn save_assessment(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (record, f) = own_assessment(&state, &user, &id).await?;
    if record.person != user.person.id {
        return Err(PageError::NotFound);
    }
    if record.completed_at.is_some() {
        return Ok(Redirect::to(&format!("/assessments/{}", record.id)).into_response());
    }
    let posted = Posted::read(&fields);
    let Checked { ratings, mut errors, .. } = posted.checked(&f);
    let entries = evidence_choices(&state, user.person.id).await?;
    let mut assessment = SelfAssessment::start(&f);
    for (b, r) in &ratings {
        let note = posted.notes.get(b.as_str()).map(String::as_str);
        // Only the person's own entries count as evidence, whatever the form says.
        let evidence: Vec<EntryId> = posted
            .evidence
            .get(b.as_str())
            .into_iter()
            .flatten()
            .filter(|id| entries.iter().any(|(e, _)| e == *id))
            .filter_map(|id| id.parse().ok())
            .collect();
        if let Err(e) = assessment.rate(&f, b.as_str(), r.value(), note, evidence) {
            errors.push((format!("n-{b}"), e.to_string()));
        }
    }
    let finish = posted.action == "finish";
    if errors.is_empty() && finish && !assessment.is_complete(&f) {
        errors.push((String::new(), "Rate every behaviour before you finish, or save and come back later".to_owned()));
    }
    if !errors.is_empty() {
        return Ok(assessment_form(&ctx, &user, &record, &f, Some(&posted), &entries, &errors));
    }
    state.store.save_assessment(record.id, user.person.id, &assessment, finish, Timestamp::now()).await?;
    let to = if finish { format!("/assessments/{}", record.id) } else { "/assessments".to_owned() };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShareForm {
    shared: String,
}

async fn share_assessment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<ShareForm>,
) -> Result<Response, PageError> {
    let id: AssessmentId = parse_id(&id)?;
    state.store.set_assessment_shared(id, user.person.id, form.shared == "yes").await?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}

// ------------------------------------------------------------------ 360°: starting and inviting

async fn feedback_list(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    feedback_list_page(&state, &ctx, &user, &StartFeedbackForm::default(), &[]).await
}

async fn feedback_list_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    form: &StartFeedbackForm,
    errors: &[(String, String)],
) -> Result<Response, PageError> {
    let frameworks = state.store.frameworks().await?;
    let names: BTreeMap<String, String> = frameworks.iter().map(|f| (f.id.to_string(), f.name.clone())).collect();
    let mine = state.store.feedbacks_for(user.person.id).await?;
    let waiting = state.store.invitations_waiting_for(user.person.id).await?;
    let mut rows = Vec::new();
    for f in &mine {
        let subject = state.store.person(f.subject).await?.map_or_else(String::new, |p| p.name.as_str().to_owned());
        rows.push(vec![
            super::view::Cell::link(
                format!("{subject}: {}", names.get(f.framework.as_str()).cloned().unwrap_or_default()),
                format!("/feedback/{}", f.id),
            ),
            super::view::Cell::text(when(f.started_at)),
            super::view::Cell::text(if f.is_open() { "Open" } else { "Closed, report released" }),
        ]);
    }
    let mut asked = Vec::new();
    for i in &waiting {
        if i.invitation.group == RaterGroup::Myself {
            continue;
        }
        let Some(f) = state.store.feedback(i.feedback).await? else { continue };
        let subject = state.store.person(f.subject).await?.map_or_else(String::new, |p| p.name.as_str().to_owned());
        asked.push(vec![
            super::view::Cell::link(
                format!("Give feedback to {subject}"),
                format!("/feedback/invitations/{}", i.invitation.id),
            ),
            super::view::Cell::text(i.invitation.group.label()),
            super::view::Cell::text(when(i.invited_at)),
        ]);
    }
    let mut page = HubPage::new(ctx.layout("360° feedback", Some(user)));
    page.intro = vec![
        "Ask the people you work with how they see you against a framework: your line manager, peers, the people who report to you and others, including people outside goldthread. Their answers are anonymous, except your line manager's; the report is released when you close the 360.".to_owned(),
    ];
    page.sections = vec![
        Section {
            heading: "Feedback you have been asked for".to_owned(),
            columns: vec!["360".to_owned(), "You were asked as".to_owned(), "Asked on".to_owned()],
            rows: asked,
            empty: "Nobody is waiting for your feedback.".to_owned(),
        },
        Section {
            heading: "Your 360s".to_owned(),
            columns: vec!["360".to_owned(), "Started".to_owned(), "State".to_owned()],
            rows,
            empty: "You have not started a 360 yet.".to_owned(),
        },
    ];
    let team = state.store.team(user.person.id, domain::paging::PageRequest::default()).await?;
    let mut fields = vec![Field::new("framework", "Framework", "select")
        .value(&form.framework)
        .options(frameworks.iter().map(|f| (f.id.to_string(), f.name.clone())))];
    if !team.items.is_empty() {
        let mut subjects = vec![(String::new(), "Me".to_owned())];
        subjects.extend(team.items.iter().map(|p| (p.id.to_string(), p.name.as_str().to_owned())));
        fields.push(
            Field::new("subject", "Whose 360 is it?", "select")
                .value(&form.subject)
                .options(subjects)
                .hint("As a line manager you can start a 360 for someone who reports to you. The report is released to them, not to you."),
        );
    }
    fields.push(
        Field::new("facilitator", "Facilitator's email address (optional)", "email")
            .value(&form.facilitator)
            .hint("Someone in goldthread who will see the report with you, to talk it through.")
            .autocomplete("off"),
    );
    page.forms = vec![SmallForm {
        heading: "Start a 360".to_owned(),
        intro: None,
        action: "/feedback".to_owned(),
        fields,
        submit: "Start a 360".to_owned(),
        multipart: false,
    }];
    Ok(page.with_errors(errors).respond())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StartFeedbackForm {
    framework: String,
    subject: String,
    facilitator: String,
}

async fn start_feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<StartFeedbackForm>,
) -> Result<Response, PageError> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let framework = state.store.framework(&form.framework).await?;
    if framework.is_none() {
        errors.push(("framework".into(), "Choose a framework".into()));
    }
    let subject = if form.subject.trim().is_empty() {
        Some(user.person.clone())
    } else {
        match form.subject.parse::<PersonId>() {
            Ok(id) => state
                .store
                .person(id)
                .await?
                .filter(|p| p.line_manager.as_ref().is_some_and(|m| m.id == user.person.id)),
            Err(_) => None,
        }
    };
    if subject.is_none() {
        errors.push(("subject".into(), "Choose yourself or someone who reports to you".into()));
    }
    let facilitator = if form.facilitator.trim().is_empty() {
        None
    } else {
        match Email::parse(&form.facilitator) {
            Ok(e) => match state.store.person_by_email(&e).await? {
                Some(p) if subject.as_ref().is_some_and(|s| s.id == p.id) => {
                    errors.push((
                        "facilitator".into(),
                        "The facilitator must be someone other than the person the 360 is about".into(),
                    ));
                    None
                }
                Some(p) => Some(p.id),
                None => {
                    errors.push(("facilitator".into(), "There is nobody in goldthread with that email address".into()));
                    None
                }
            },
            Err(_) => {
                errors.push((
                    "facilitator".into(),
                    "Enter an email address in the correct format, like name@example.com".into(),
                ));
                None
            }
        }
    };
    let (Some(framework), Some(subject), true) = (framework, subject, errors.is_empty()) else {
        return feedback_list_page(&state, &ctx, &user, &form, &errors).await;
    };
    let id = begin_feedback(&state.store, &framework, &subject, user.person.id, facilitator).await?;
    Ok(Redirect::to(&format!("/feedback/{id}")).into_response())
}

async fn visible_feedback(state: &AppState, user: &CurrentUser, id: &str) -> Result<FeedbackRecord, PageError> {
    let f = state.store.feedback(parse_id(id)?).await?.ok_or(PageError::NotFound)?;
    if !Access::sees(user.person.id, &f) {
        return Err(PageError::NotFound);
    }
    Ok(f)
}

/// A 360 that the viewer administers (its subject, or whoever started it); any other is not found.
async fn administered_feedback(state: &AppState, user: &CurrentUser, id: &str) -> Result<FeedbackRecord, PageError> {
    let f = visible_feedback(state, user, id).await?;
    if !Access::administers(user.person.id, &f) {
        return Err(PageError::NotFound);
    }
    Ok(f)
}

#[derive(Template)]
#[template(path = "frameworks/feedback.html")]
struct FeedbackPage {
    layout: Layout,
    errors: Vec<FieldError>,
    error_title: String,
    rows: Vec<SummaryRow>,
    administers: bool,
    open: bool,
    own_invitation: Option<String>,
    /// (name or address, group, how)
    invited: Vec<(String, String, String)>,
    invite_fields: Vec<Field>,
    action: String,
    report: Option<String>,
    created_link: Option<String>,
}

fn invite_fields(form: &InviteRequest) -> Vec<Field> {
    {
        vec![
            Field::new("group", "How do they work with the person the 360 is about?", "radios")
                .value(&form.group)
                .options([
                    (
                        RaterGroup::LineManager.code().to_owned(),
                        "Their line manager (not anonymous: the report shows the manager's answers as theirs)"
                            .to_owned(),
                    ),
                    (RaterGroup::Peer.code().to_owned(), "A peer".to_owned()),
                    (RaterGroup::DirectReport.code().to_owned(), "Someone who reports to them".to_owned()),
                    (
                        RaterGroup::Other.code().to_owned(),
                        "Someone else, such as a partner or someone who uses the service".to_owned(),
                    ),
                ]),
            Field::new("email", "Their email address", "email")
                .value(&form.email)
                .hint("Someone without a goldthread account gets a link that works once and expires after 21 days.")
                .autocomplete("off"),
        ]
    }
}

#[expect(clippy::too_many_arguments, reason = "the page's parts, each from a different request")]
async fn feedback_view(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    f: &FeedbackRecord,
    form: &InviteRequest,
    errors: &[(String, String)],
    created_link: Option<String>,
    banner: Option<String>,
) -> Result<Response, PageError> {
    let subject = state.store.person(f.subject).await?.ok_or(PageError::NotFound)?;
    let framework =
        state.store.framework_version(f.framework.as_str(), &f.version).await?.ok_or(PageError::NotFound)?;
    let invitations = state.store.invitations(f.id).await?;
    let administers = Access::administers(user.person.id, f);
    let mut invited = Vec::new();
    if administers {
        for i in invitations.iter().filter(|i| i.invitation.group != RaterGroup::Myself) {
            let (who, how) = match &i.invitation.rater {
                Rater::Person(p) => (
                    state
                        .store
                        .person(*p)
                        .await?
                        .map_or_else(|| "Someone who has left".to_owned(), |p| p.name.as_str().to_owned()),
                    "In goldthread".to_owned(),
                ),
                Rater::Outside(e) => (e.as_str().to_owned(), "By link".to_owned()),
            };
            invited.push((who, i.invitation.group.label().to_owned(), how));
        }
    }
    let own_invitation = invitations
        .iter()
        .find(|i| {
            i.invitation.group == RaterGroup::Myself
                && i.answered_at.is_none()
                && f.is_open()
                && f.subject == user.person.id
        })
        .map(|i| format!("/feedback/invitations/{}", i.invitation.id));
    let facilitator = match f.facilitator {
        Some(p) => state.store.person(p).await?.map(|p| p.name.as_str().to_owned()),
        None => None,
    };
    let mut fields = invite_fields(form);
    let errs = super::view::attach_errors(&mut fields, errors);
    let mut layout = ctx
        .layout(format!("360° feedback for {}", subject.name.as_str()), Some(user))
        .with_back("/feedback", "360° feedback")
        .with_banner(banner);
    layout.error_prefix = !errs.is_empty();
    let page = FeedbackPage {
        layout,
        errors: errs,
        error_title: "There is a problem".to_owned(),
        rows: vec![
            SummaryRow::new("Framework", format!("{} (version {})", framework.name(), framework.version())),
            SummaryRow::new("Started", when(f.started_at)),
            SummaryRow::optional("Facilitator", facilitator),
            SummaryRow::new(
                "Raters invited",
                invitations.iter().filter(|i| i.invitation.group != RaterGroup::Myself).count().to_string(),
            ),
            SummaryRow::new("Answers so far", f.answered.to_string()),
            SummaryRow::new(
                "State",
                if f.is_open() {
                    "Open".to_owned()
                } else {
                    format!("Closed on {}", f.closed_at.map(when).unwrap_or_default())
                },
            ),
        ],
        administers,
        open: f.is_open(),
        own_invitation,
        invited,
        invite_fields: fields,
        action: format!("/feedback/{}", f.id),
        report: Access::reads_report(user.person.id, f).then(|| format!("/feedback/{}/report", f.id)),
        created_link,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

async fn feedback_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let f = visible_feedback(&state, &user, &id).await?;
    feedback_view(&state, &ctx, &user, &f, &InviteRequest::default(), &[], None, None).await
}

async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<InviteRequest>,
) -> Result<Response, PageError> {
    let f = administered_feedback(&state, &user, &id).await?;
    match invite_one(&state, &f, &form, Timestamp::now()).await? {
        Err(errors) => feedback_view(&state, &ctx, &user, &f, &form, &errors, None, None).await,
        Ok(link) => {
            let f = state.store.feedback(f.id).await?.ok_or(PageError::NotFound)?;
            let banner = Some(format!("{} has been invited and sent an email.", form.email.trim()));
            feedback_view(&state, &ctx, &user, &f, &InviteRequest::default(), &[], link, banner).await
        }
    }
}

async fn remind(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let f = administered_feedback(&state, &user, &id).await?;
    if !f.is_open() {
        return Err(PageError::NotFound);
    }
    let sent = send_reminders(&state, &f, Timestamp::now()).await?;
    let banner = Some(match sent {
        0 => "Nobody needed a reminder: everyone has answered or was reminded in the last day.".to_owned(),
        1 => "A reminder went to the one rater who has not answered yet.".to_owned(),
        n => format!("Reminders went to the {n} raters who have not answered yet."),
    });
    feedback_view(&state, &ctx, &user, &f, &InviteRequest::default(), &[], None, banner).await
}

async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let f = administered_feedback(&state, &user, &id).await?;
    match close_and_release(&state.store, f.id).await? {
        Ok(_) => {
            notify_release(&state, &f).await?;
            Ok(Redirect::to(&format!("/feedback/{}", f.id)).into_response())
        }
        Err(CloseRefused::AlreadyClosed) => Ok(Redirect::to(&format!("/feedback/{}", f.id)).into_response()),
        Err(CloseRefused::Release(e)) => {
            let errors = [(String::new(), release_message(&e))];
            feedback_view(&state, &ctx, &user, &f, &InviteRequest::default(), &errors, None, None).await
        }
        Err(CloseRefused::Unknown) => Err(PageError::NotFound),
    }
}

// ------------------------------------------------------------------ answering

async fn rate_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (invitation, f) = rater_invitation(&state, &user, &id).await?;
    answer_page(
        &state,
        &ctx,
        Some(&user),
        &invitation,
        &f,
        &Posted::default(),
        &[],
        format!("/feedback/invitations/{id}"),
    )
    .await
}

async fn rater_invitation(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(InvitationRecord, FeedbackRecord), PageError> {
    let invitation =
        state.store.invitation(InvitationId::from_uuid(parse_id(id)?)).await?.ok_or(PageError::NotFound)?;
    if invitation.invitation.rater != Rater::Person(user.person.id) {
        return Err(PageError::NotFound);
    }
    let f = state.store.feedback(invitation.feedback).await?.ok_or(PageError::NotFound)?;
    Ok((invitation, f))
}

#[expect(clippy::too_many_arguments, reason = "the form's parts, each from a different place")]
async fn answer_page(
    state: &AppState,
    ctx: &Ctx,
    user: Option<&CurrentUser>,
    invitation: &InvitationRecord,
    f: &FeedbackRecord,
    posted: &Posted,
    errors: &[(String, String)],
    action: String,
) -> Result<Response, PageError> {
    let subject = state.store.person(f.subject).await?.ok_or(PageError::NotFound)?;
    if let Some(refusal) = refusal_of(invitation, f, Timestamp::now()) {
        return Ok(refused(ctx, user, refusal));
    }
    let framework =
        state.store.framework_version(f.framework.as_str(), &f.version).await?.ok_or(PageError::NotFound)?;
    let is_self = invitation.invitation.group == RaterGroup::Myself;
    let title = if is_self {
        "Rate yourself for your 360".to_owned()
    } else {
        format!("Feedback for {}", subject.name.as_str())
    };
    let mut layout = ctx.layout(title, user);
    layout.error_prefix = !errors.is_empty();
    let who = if is_self { "yourself".to_owned() } else { subject.name.as_str().to_owned() };
    let mut intro = vec![format!(
        "For each behaviour, choose how often you see it in {who}, or \"I cannot say\". Then say how important each area is to {} role, and add a comment if you like.",
        if is_self { "your".to_owned() } else { "their".to_owned() }
    )];
    intro.push(match invitation.invitation.group {
        RaterGroup::Myself => "Your own ratings are shown in the report as yours, beside everyone else's.".to_owned(),
        RaterGroup::LineManager => "You are their line manager, so your answers are not anonymous: the report shows them as the manager's.".to_owned(),
        _ => "Your answers are anonymous: the report shows them only together with those of at least two other people, and your comment without your name, in random order.".to_owned(),
    });
    intro.push("You can answer once, and the answer cannot be changed afterwards.".to_owned());
    let page = RatePage {
        layout,
        errors: field_errors(errors),
        error_title: "There is a problem".to_owned(),
        caption: framework.name().to_owned(),
        intro,
        action,
        domains: domain_inputs(&framework, &posted.ratings, Some(&posted.importance), None, None, errors),
        comment: Some(posted.comment.clone()),
        buttons: vec![("send".to_owned(), "Send your feedback".to_owned())],
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

fn refusal_of(invitation: &InvitationRecord, f: &FeedbackRecord, now: Timestamp) -> Option<AnswerRefused> {
    if !f.is_open() {
        Some(AnswerRefused::Closed)
    } else if invitation.answered_at.is_some() {
        Some(AnswerRefused::Used)
    } else if invitation.expires_at.is_some_and(|e| e <= now) {
        Some(AnswerRefused::Expired)
    } else {
        None
    }
}

fn refused(ctx: &Ctx, user: Option<&CurrentUser>, why: AnswerRefused) -> Response {
    let (title, text) = match why {
        AnswerRefused::Closed => {
            ("This 360 has closed", "Its report has been released, so it takes no more answers. Nothing was changed.")
        }
        AnswerRefused::Used => {
            ("This feedback has already been given", "Each invitation can be answered once. Nothing was changed.")
        }
        AnswerRefused::Expired => {
            ("This link has expired", "Ask the person who invited you for a new one. Nothing was changed.")
        }
        AnswerRefused::Unknown => {
            ("This link is not valid", "Check that you copied the whole link. Nothing was changed.")
        }
    };
    let status = if why == AnswerRefused::Unknown { StatusCode::NOT_FOUND } else { StatusCode::GONE };
    message(ctx.layout(title, user), status, vec![text.to_owned()], Vec::new())
}

/// Reads and checks an answer; the problems are named against their fields.
fn answer_of(
    invitation: InvitationId,
    framework: &Framework,
    posted: &Posted,
) -> Result<Answer, Vec<(String, String)>> {
    let Checked { ratings, importance, mut errors } = posted.checked(framework);
    if errors.is_empty() && ratings.is_empty() {
        errors.push((
            String::new(),
            "Rate at least one behaviour, or choose \"I cannot say\" and tell the person who invited you".to_owned(),
        ));
    }
    let comment = posted.comment.trim();
    if comment.chars().count() > domain::frameworks::NOTE_MAX {
        errors.push((
            "comment".to_owned(),
            format!("The comment must be {} characters or fewer", domain::frameworks::NOTE_MAX),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Answer { invitation, ratings, importance, comment: (!comment.is_empty()).then(|| comment.to_owned()) })
}

async fn take_answer(
    state: &AppState,
    ctx: &Ctx,
    user: Option<&CurrentUser>,
    invitation: &InvitationRecord,
    f: &FeedbackRecord,
    fields: &[(String, String)],
    action: String,
) -> Result<Response, PageError> {
    let framework =
        state.store.framework_version(f.framework.as_str(), &f.version).await?.ok_or(PageError::NotFound)?;
    let posted = Posted::read(fields);
    let answer = match answer_of(invitation.invitation.id, &framework, &posted) {
        Ok(a) => a,
        Err(errors) => return answer_page(state, ctx, user, invitation, f, &posted, &errors, action).await,
    };
    match state.store.submit_answer(&answer, Timestamp::now()).await? {
        Ok(()) => Ok(message(
            ctx.layout("Thank you: your feedback has been sent", user),
            StatusCode::OK,
            vec!["It will be part of the report released when the 360 closes.".to_owned()],
            if user.is_some() { vec![Link::new("/feedback", "Back to 360° feedback")] } else { Vec::new() },
        )),
        Err(why) => Ok(refused(ctx, user, why)),
    }
}

async fn rate_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (invitation, f) = rater_invitation(&state, &user, &id).await?;
    take_answer(&state, &ctx, Some(&user), &invitation, &f, &fields, format!("/feedback/invitations/{id}")).await
}

async fn link_invitation(
    state: &AppState,
    token: &str,
) -> Result<Option<(InvitationRecord, FeedbackRecord)>, PageError> {
    let Some(invitation) = state.store.invitation_by_token_hash(&hash_secret(token)).await? else { return Ok(None) };
    let f = state.store.feedback(invitation.feedback).await?.ok_or(PageError::NotFound)?;
    Ok(Some((invitation, f)))
}

async fn link_form(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> Result<Response, PageError> {
    let Some((invitation, f)) = link_invitation(&state, &token).await? else {
        return Ok(refused(&ctx, None, AnswerRefused::Unknown));
    };
    answer_page(&state, &ctx, None, &invitation, &f, &Posted::default(), &[], format!("/rate/{token}")).await
}

async fn link_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Some((invitation, f)) = link_invitation(&state, &token).await? else {
        return Ok(refused(&ctx, None, AnswerRefused::Unknown));
    };
    take_answer(&state, &ctx, None, &invitation, &f, &fields, format!("/rate/{token}")).await
}

// ------------------------------------------------------------------ the report

/// A row of figures: a label and one text per column.
type Row = (String, Vec<String>);

struct RecommendationView {
    title: String,
    href: String,
    why: String,
    behaviours: String,
    resource: String,
}

#[derive(Template)]
#[template(path = "frameworks/report.html")]
struct ReportPage {
    layout: Layout,
    rows: Vec<SummaryRow>,
    pools: Vec<Row>,
    radar: Radar,
    radar_columns: Vec<String>,
    radar_rows: Vec<Row>,
    gap: GapChart,
    gap_rows: Vec<Row>,
    behaviour_columns: Vec<String>,
    behaviour_rows: Vec<Row>,
    scatter: Scatter,
    scatter_rows: Vec<Row>,
    blind_spots: Vec<String>,
    hidden_strengths: Vec<String>,
    own_comment: Option<String>,
    manager_comments: Vec<String>,
    others_comments: Option<Vec<String>>,
    recommendations: Vec<RecommendationView>,
    can_plan: bool,
    target: String,
    csv: String,
}

const SOURCES: [Source; 6] =
    [Source::Myself, Source::LineManager, Source::Peers, Source::DirectReports, Source::Others, Source::AllRaters];

fn figure_text(v: Option<f64>) -> String {
    v.map_or_else(|| "Withheld".to_owned(), one)
}

/// A closed 360 whose report the viewer may read, with the report and its framework version.
async fn released(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(FeedbackRecord, Report, Framework), PageError> {
    let f = visible_feedback(state, user, id).await?;
    if !Access::reads_report(user.person.id, &f) {
        return Err(PageError::NotFound);
    }
    let report = state.store.feedback_report(f.id).await?.ok_or(PageError::NotFound)?;
    let framework =
        state.store.framework_version(f.framework.as_str(), &f.version).await?.ok_or(PageError::NotFound)?;
    Ok((f, report, framework))
}

async fn report_page(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (f, report, framework) = released(&state, &user, &id).await?;
    let subject = state.store.person(f.subject).await?.ok_or(PageError::NotFound)?;
    let scale = framework.scale();
    let domain_name = |id: &Slug| framework.domain(id.as_str()).map_or_else(|| id.to_string(), |d| d.name.clone());
    let behaviour_name =
        |id: &Slug| framework.behaviour(id.as_str()).map_or_else(|| id.to_string(), |(_, b)| b.name.clone());
    let used: Vec<Source> = SOURCES
        .iter()
        .copied()
        .filter(|s| {
            report.behaviours.iter().any(|b| b.figure(*s).is_some()) || report.pools.iter().any(|p| p.source == *s)
        })
        .collect();
    let pools = report
        .pools
        .iter()
        .map(|p| {
            let answered = p.answered.map_or_else(|| "Withheld: fewer than 3 answers".to_owned(), |a| a.to_string());
            (p.source.label().to_owned(), vec![p.invited.to_string(), answered])
        })
        .collect();
    let dom_mean = |d: &domain::frameworks::feedback::DomainResult, s: Source| {
        d.ratings.iter().find(|x| x.source == s).map(|x| x.mean)
    };
    let radar_rows: Vec<Row> = report
        .domains
        .iter()
        .map(|d| (domain_name(&d.domain), used.iter().map(|s| figure_text(dom_mean(d, *s))).collect()))
        .collect();
    let axes: Vec<String> = report.domains.iter().map(|d| domain_name(&d.domain)).collect();
    let series = vec![
        (
            "Self".to_owned(),
            "#4c6272",
            "6 4",
            report.domains.iter().map(|d| dom_mean(d, Source::Myself).map(|m| scale.position(m))).collect(),
        ),
        (
            "All raters".to_owned(),
            "#005eb8",
            "none",
            report.domains.iter().map(|d| dom_mean(d, Source::AllRaters).map(|m| scale.position(m))).collect(),
        ),
    ];
    let radar = radar(
        "radar",
        "Self against others, by domain",
        "The average rating in each domain, from your own answers (dashed grey) and from all raters whose figures are shown (solid blue). The table below gives the same figures.",
        &axes,
        &series,
    );
    let gap_data: Vec<(String, f64)> =
        report.behaviours.iter().filter_map(|b| Some((behaviour_name(&b.behaviour), b.gap?))).collect();
    let span = f64::from(scale.highest().saturating_sub(scale.lowest()).max(1));
    let gap = gaps(
        "gaps",
        "How others' ratings differ from yours, by behaviour",
        "For each behaviour, all raters' average minus your own rating: to the right where others rate you higher, to the left where lower. The table below gives the same figures.",
        &gap_data,
        span,
    );
    let gap_rows = gap_data.iter().map(|(b, g)| (b.clone(), vec![format!("{g:+.1}")])).collect();
    let behaviour_rows = report
        .behaviours
        .iter()
        .map(|b| {
            let mut cells: Vec<String> = used.iter().map(|s| figure_text(b.figure(*s).map(|f| f.mean))).collect();
            cells.push(b.gap.map_or_else(String::new, |g| format!("{g:+.1}")));
            (behaviour_name(&b.behaviour), cells)
        })
        .collect();
    let importance_of = |d: &domain::frameworks::feedback::DomainResult| {
        d.importance
            .iter()
            .find(|f| f.source == Source::AllRaters)
            .or_else(|| d.importance.iter().find(|f| f.source == Source::Myself))
            .map(|f| f.mean)
    };
    let rating_of = |d: &domain::frameworks::feedback::DomainResult| {
        dom_mean(d, Source::AllRaters).or_else(|| dom_mean(d, Source::Myself))
    };
    let scatter_data: Vec<(String, f64, f64)> = report
        .domains
        .iter()
        .filter_map(|d| Some((domain_name(&d.domain), scale.position(rating_of(d)?), (importance_of(d)? - 1.0) / 3.0)))
        .collect();
    let scatter = scatter(
        "importance",
        "Importance against rating, by domain",
        "Each domain placed by its average rating (across) and how important raters say it is to the role (up). Domains high and to the left are the ones to develop first. The table below gives the same figures.",
        &scatter_data,
        "Rating",
        "Importance",
    );
    let scatter_rows = report
        .domains
        .iter()
        .map(|d| {
            (
                domain_name(&d.domain),
                vec![
                    figure_text(rating_of(d)),
                    figure_text(importance_of(d)),
                    if d.priority { "Yes".to_owned() } else { "No".to_owned() },
                ],
            )
        })
        .collect();
    let can_plan = user.person.id == f.subject;
    let needs = needs_from_report(&framework, &report);
    let recommendations = if can_plan { recommendation_views(&state, &subject, &needs).await? } else { Vec::new() };
    let mut behaviour_columns: Vec<String> = used.iter().map(|s| s.label().to_owned()).collect();
    behaviour_columns.push("Gap (others − self)".to_owned());
    let layout = ctx
        .layout(format!("360° report for {}", subject.name.as_str()), Some(&user))
        .with_back(format!("/feedback/{}", f.id), "The 360");
    let page = ReportPage {
        layout,
        rows: vec![
            SummaryRow::new("Framework", format!("{} (version {})", framework.name(), report.version)),
            SummaryRow::new("Released", f.closed_at.map(when).unwrap_or_default()),
            SummaryRow::new(
                "Scale",
                scale.points().iter().map(|p| format!("{} {}", p.value, p.label)).collect::<Vec<_>>().join(", "),
            ),
            SummaryRow::new("Fewest answers behind an anonymous figure", report.threshold.to_string()),
        ],
        pools,
        radar,
        radar_columns: used.iter().map(|s| s.label().to_owned()).collect(),
        radar_rows,
        gap,
        gap_rows,
        behaviour_columns,
        behaviour_rows,
        scatter,
        scatter_rows,
        blind_spots: report.blind_spots().map(|b| behaviour_name(&b.behaviour)).collect(),
        hidden_strengths: report.hidden_strengths().map(|b| behaviour_name(&b.behaviour)).collect(),
        own_comment: report.comments.own.clone(),
        manager_comments: report.comments.manager.clone(),
        others_comments: report.comments.others.clone(),
        recommendations,
        can_plan,
        target: (jiff::Zoned::now().date() + jiff::Span::new().days(90)).to_string(),
        csv: format!("/feedback/{}/report.csv", f.id),
    };
    Ok(render(StatusCode::OK, &page))
}

/// One CSV field, quoted where it must be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The released report's figures and comments as CSV, for the subject and facilitator only: the
/// same figures the page shows, never a rater's name.
async fn report_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (f, report, framework) = released(&state, &user, &id).await?;
    let mut rows: Vec<[String; 6]> = vec![["measure", "id", "name", "group", "value", "count"].map(str::to_owned)];
    let name_of = |id: &Slug| {
        framework
            .behaviour(id.as_str())
            .map(|(_, b)| b.name.clone())
            .or_else(|| framework.domain(id.as_str()).map(|d| d.name.clone()))
            .unwrap_or_else(|| id.to_string())
    };
    // (measure, behaviour or domain, group, mean, count)
    let mut figures: Vec<(&str, &Slug, Source, f64, usize)> = Vec::new();
    for b in &report.behaviours {
        figures.extend(b.figures.iter().map(|x| ("rating", &b.behaviour, x.source, x.mean, x.answers)));
    }
    for d in &report.domains {
        figures.extend(d.ratings.iter().map(|x| ("domain rating", &d.domain, x.source, x.mean, x.behaviours)));
        figures.extend(d.importance.iter().map(|x| ("importance", &d.domain, x.source, x.mean, x.answers)));
    }
    for (measure, id, source, mean, count) in figures {
        rows.push([
            measure.to_owned(),
            id.to_string(),
            name_of(id),
            source.label().to_owned(),
            format!("{mean:.2}"),
            count.to_string(),
        ]);
    }
    let comments = report
        .comments
        .own
        .iter()
        .map(|c| ("Self", c))
        .chain(report.comments.manager.iter().map(|c| ("Line manager", c)))
        .chain(report.comments.others.iter().flatten().map(|c| ("Others", c)));
    for (source, c) in comments {
        rows.push(["comment".to_owned(), String::new(), c.clone(), source.to_owned(), String::new(), String::new()]);
    }
    let body: String =
        rows.iter().map(|r| r.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",") + "\r\n").collect();
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"360-report-{}.csv\"", f.id)),
            (axum::http::header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// Resources recommended for `needs`, through the crosswalks, suited to the person's level and
/// sector.
async fn recommendation_views(
    state: &AppState,
    person: &Person,
    needs: &[Need],
) -> Result<Vec<RecommendationView>, PageError> {
    let crosswalks = state.store.crosswalks().await?;
    let wanted: Vec<BehaviourRef> = equivalents(needs.iter().map(|n| &n.behaviour), &crosswalks).into_iter().collect();
    let candidates = state.store.candidates_tagged(&wanted).await?;
    let sector = match &person.organisation {
        Some(o) => state.store.organisation(o.id).await?.map(|o| o.sector),
        None => None,
    };
    let learner = Learner { level: person.level, sector };
    let picked = recommend(needs, &candidates, &crosswalks, &learner, 5);
    Ok(picked
        .into_iter()
        .filter_map(|r| {
            let c = candidates.iter().find(|c| c.resource == r.resource)?;
            Some(RecommendationView {
                title: c.title.clone(),
                href: format!("/learning/resources/{}", r.resource),
                why: r.why,
                behaviours: r.meets.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "),
                resource: r.resource.to_string(),
            })
        })
        .collect())
}

// ------------------------------------------------------------------ the plan

struct GoalView {
    title: String,
    target: String,
    behaviours: String,
    status: String,
    remove: Option<String>,
}

#[derive(Template)]
#[template(path = "frameworks/plan.html")]
struct PlanPage {
    layout: Layout,
    errors: Vec<FieldError>,
    error_title: String,
    own: bool,
    goals: Vec<GoalView>,
    recommendations: Vec<RecommendationView>,
    target: String,
    /// (who, when, what)
    comments: Vec<(String, String, String)>,
    comment_action: String,
    links: Vec<Link>,
}

async fn plan_view(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    owner: &Person,
    errors: &[(String, String)],
    banner: Option<String>,
) -> Result<Response, PageError> {
    let own = owner.id == user.person.id;
    let frameworks = state.store.current_frameworks().await?;
    let name_of = |r: &BehaviourRef| {
        frameworks
            .iter()
            .find(|f| f.id() == &r.framework)
            .and_then(|f| f.behaviour(r.behaviour.as_str()))
            .map_or_else(|| r.to_string(), |(_, b)| b.name.clone())
    };
    let today = jiff::Zoned::now().date();
    let goals = goals_with_status(&state.store, owner.id)
        .await?
        .into_iter()
        .map(|(g, status)| {
            let status = match status {
                GoalStatus::Met { on, late: false, .. } => format!("Met on {}", say_date(on)),
                GoalStatus::Met { on, late: true, .. } => format!("Met late, on {}", say_date(on)),
                GoalStatus::Open => "Open".to_owned(),
                GoalStatus::Overdue => "Overdue".to_owned(),
            };
            GoalView {
                title: g.goal.title.clone(),
                target: say_date(g.goal.target),
                behaviours: g.goal.behaviours.iter().map(name_of).collect::<Vec<_>>().join(", "),
                status,
                remove: own.then(|| format!("/plan/goals/{}/remove", g.id)),
            }
        })
        .collect();
    let mut needs = Vec::new();
    if own {
        if let Some(latest) =
            state.store.assessments_of(owner.id, None).await?.into_iter().find(|a| a.completed_at.is_some())
        {
            if let Some(f) =
                state.store.framework_version(latest.assessment.framework.as_str(), &latest.assessment.version).await?
            {
                needs.extend(needs_from_assessment(&f, &latest.assessment));
            }
        }
        for f in state
            .store
            .feedbacks_for(owner.id)
            .await?
            .into_iter()
            .filter(|f| f.subject == owner.id && !f.is_open())
            .take(1)
        {
            if let (Some(report), Some(fw)) = (
                state.store.feedback_report(f.id).await?,
                state.store.framework_version(f.framework.as_str(), &f.version).await?,
            ) {
                needs.extend(needs_from_report(&fw, &report));
            }
        }
    }
    let recommendations =
        if needs.is_empty() { Vec::new() } else { recommendation_views(state, owner, &needs).await? };
    let comments = state
        .store
        .plan_comments(owner.id)
        .await?
        .into_iter()
        .map(|c| (c.author_name.unwrap_or_else(|| "Someone who has left".to_owned()), when(c.created_at), c.body))
        .collect();
    let title =
        if own { "Your development plan".to_owned() } else { format!("Development plan: {}", owner.name.as_str()) };
    let mut layout = ctx.layout(title, Some(user)).with_banner(banner);
    layout.error_prefix = !errors.is_empty();
    let page = PlanPage {
        layout,
        errors: field_errors(errors),
        error_title: "There is a problem".to_owned(),
        own,
        goals,
        recommendations,
        target: (today + jiff::Span::new().days(90)).to_string(),
        comments,
        comment_action: format!("/people/{}/plan/comments", owner.id),
        links: if own {
            let mut links = vec![
                Link::new("/assessments", "Assess yourself"),
                Link::new("/feedback", "360° feedback"),
                Link::new("/frameworks", "Leadership frameworks"),
            ];
            if user.viewer.has_reports {
                links.push(Link::new("/team/heatmap", "Your team against a framework"));
            }
            links
        } else {
            // What the person has chosen to share with their line manager, and nothing else.
            let mut shared = Vec::new();
            for a in state.store.assessments_of(owner.id, None).await? {
                if a.shared && a.completed_at.is_some() {
                    let name =
                        state.store.framework_version(a.assessment.framework.as_str(), &a.assessment.version).await?;
                    let name = name.map_or_else(|| a.assessment.framework.to_string(), |f| f.name().to_owned());
                    shared.push(Link::new(
                        format!("/assessments/{}", a.id),
                        format!("Shared self-assessment: {name}, {}", when(a.started_at)),
                    ));
                }
            }
            shared
        },
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render(status, &page))
}

async fn own_plan(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    plan_view(&state, &ctx, &user, &user.person, &[], None).await
}

async fn person_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let owner = state.store.person(parse_id(&id)?).await?.ok_or(PageError::NotFound)?;
    if !Access::sees_plan(user.person.id, &owner) {
        return Err(PageError::NotFound);
    }
    plan_view(&state, &ctx, &user, &owner, &[], None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GoalForm {
    title: String,
    target: String,
    behaviours: String,
    resource: String,
}

async fn add_goal(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<GoalForm>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(("title".to_owned(), "Give the goal a title of up to 200 characters".to_owned()));
    }
    let today = jiff::Zoned::now().date();
    let target = form.target.trim().parse::<jiff::civil::Date>().ok().filter(|d| *d >= today);
    if target.is_none() {
        errors.push(("target".to_owned(), "Give a target date from today onwards, like 2026-12-31".to_owned()));
    }
    let behaviours: Result<Vec<BehaviourRef>, _> = form.behaviours.split_whitespace().map(str::parse).collect();
    let resources: Result<Vec<domain::ids::ResourceId>, _> = form.resource.split_whitespace().map(str::parse).collect();
    let (Ok(behaviours), Ok(resources)) = (behaviours, resources) else {
        return Err(PageError::BadRequest("The goal's behaviours or resource are not valid".to_owned()));
    };
    let (Some(target), true) = (target, errors.is_empty()) else {
        return plan_view(&state, &ctx, &user, &user.person, &errors, None).await;
    };
    let goal = Goal { title: title.to_owned(), set_on: today, target, behaviours, resources };
    state.store.add_goal(GoalId::from_uuid(Uuid::now_v7()), user.person.id, &goal, Timestamp::now()).await?;
    plan_view(&state, &ctx, &user, &user.person, &[], Some(format!("\"{title}\" was added to your plan."))).await
}

async fn remove_goal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state.store.remove_goal(parse_id(&id)?, user.person.id).await?;
    Ok(Redirect::to("/plan").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommentForm {
    comment: String,
}

async fn comment_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CommentForm>,
) -> Result<Response, PageError> {
    let owner = state.store.person(parse_id(&id)?).await?.ok_or(PageError::NotFound)?;
    if !Access::sees_plan(user.person.id, &owner) {
        return Err(PageError::NotFound);
    }
    let body = form.comment.trim();
    if body.is_empty() || body.chars().count() > domain::frameworks::NOTE_MAX {
        let errors = [("comment".to_owned(), "Write a comment of up to 4,000 characters".to_owned())];
        return plan_view(&state, &ctx, &user, &owner, &errors, None).await;
    }
    state.store.add_plan_comment(owner.id, user.person.id, body, Timestamp::now()).await?;
    let to = if owner.id == user.person.id { "/plan".to_owned() } else { format!("/people/{}/plan", owner.id) };
    Ok(Redirect::to(&to).into_response())
}

// ------------------------------------------------------------------ the team heatmap

struct HeatRow {
    domain: String,
    behaviour: String,
    /// The team's average, or none where fewer than the threshold contributed.
    mean: Option<String>,
    people: Option<usize>,
    /// The strip's fill for this behaviour.
    fill: &'static str,
    y: f64,
    width: f64,
}

#[derive(Template)]
#[template(path = "frameworks/heatmap.html")]
struct HeatmapPage {
    layout: Layout,
    framework_field: Field,
    scale: String,
    contributors: usize,
    threshold: usize,
    rows: Vec<HeatRow>,
    /// (domain, average or "Withheld", people)
    domains: Vec<(String, String, String)>,
    height: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HeatmapQuery {
    framework: String,
}

/// Five steps from pale to NHS blue, by where an average sits on the scale; all reach 3:1 against
/// white except the palest, which is outlined.
const HEAT: [&str; 5] = ["#d8e6f3", "#9fc3e6", "#5b9bd5", "#2f74b5", "#005eb8"];

/// A line manager's team, in aggregate: the average of each behaviour over the team's latest
/// finished self-assessments, shown only where at least three people contributed.
async fn team_heatmap(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<HeatmapQuery>,
) -> Result<Response, PageError> {
    if !user.viewer.has_reports {
        return Err(PageError::Forbidden);
    }
    let frameworks = state.store.frameworks().await?;
    let chosen = if q.framework.is_empty() {
        frameworks.first().map(|f| f.id.to_string()).unwrap_or_default()
    } else {
        q.framework.clone()
    };
    let framework = state.store.framework(&chosen).await?.ok_or(PageError::NotFound)?;
    let mut team = Vec::new();
    let mut page = 1;
    loop {
        let batch = state
            .store
            .team(
                user.person.id,
                domain::paging::PageRequest::new(Some(page), Some(domain::paging::PageRequest::MAX_PER_PAGE)),
            )
            .await?;
        let more = batch.has_next();
        team.extend(batch.items.into_iter().map(|p| p.id));
        if !more {
            break;
        }
        page += 1;
    }
    let mut observations = Vec::new();
    let mut contributors = 0;
    for person in team {
        let latest = state
            .store
            .assessments_of(person, Some(framework.id().as_str()))
            .await?
            .into_iter()
            .find(|a| a.completed_at.is_some());
        let Some(latest) = latest else { continue };
        contributors += 1;
        for (di, d) in framework.domains().iter().enumerate() {
            for (bi, b) in d.behaviours.iter().enumerate() {
                if let Some(r) = latest.assessment.ratings.get(&b.id) {
                    observations.push(domain::frameworks::feedback::Observation {
                        row: (di, bi),
                        column: di,
                        contributor: person,
                        value: r.rating.value(),
                    });
                }
            }
        }
    }
    let map = domain::frameworks::heatmap(&observations, domain::frameworks::THRESHOLD);
    let scale = framework.scale();
    let mut rows = Vec::new();
    for (di, d) in framework.domains().iter().enumerate() {
        for (bi, b) in d.behaviours.iter().enumerate() {
            let cell = map.cells.iter().find(|c| c.row == (di, bi) && c.mean.is_some());
            let mean = cell.and_then(|c| c.mean);
            let step = mean.map_or(0, |m| ((scale.position(m) * 4.0).round() as usize).min(4));
            rows.push(HeatRow {
                domain: d.name.clone(),
                behaviour: b.name.clone(),
                mean: mean.map(one),
                people: cell.and_then(|c| c.contributors),
                fill: if mean.is_some() { HEAT[step] } else { "#ffffff" },
                y: 10.0 + rows.len() as f64 * 26.0,
                width: mean.map_or(0.0, |m| 20.0 + 180.0 * scale.position(m)),
            });
        }
    }
    let domains = framework
        .domains()
        .iter()
        .enumerate()
        .map(|(di, d)| {
            let col = map.columns.iter().find(|c| c.column == di);
            (
                d.name.clone(),
                figure_text(col.and_then(|c| c.mean)),
                col.and_then(|c| c.contributors).map_or_else(String::new, |n| n.to_string()),
            )
        })
        .collect();
    let height = 20.0 + rows.len() as f64 * 26.0;
    let framework_field = Field::new("framework", "Framework", "select")
        .value(framework.id().as_str())
        .options(frameworks.iter().map(|f| (f.id.to_string(), f.name.clone())));
    let page = HeatmapPage {
        layout: ctx.layout("Your team against a framework", Some(&user)),
        framework_field,
        scale: scale.points().iter().map(|p| format!("{} {}", p.value, p.label)).collect::<Vec<_>>().join(", "),
        contributors,
        threshold: domain::frameworks::THRESHOLD,
        rows,
        domains,
        height,
    };
    Ok(render(StatusCode::OK, &page))
}
