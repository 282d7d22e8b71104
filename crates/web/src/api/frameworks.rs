//! Frameworks, assessments, 360° feedback and plans in the JSON API, and the 360 steps the pages
//! share with it (inviting, reminding, closing) and who may take them ([`Access`]).
//!
//! The same rules hold as on the pages: a person's self-assessments are theirs alone; a 360 is
//! administered by its subject and whoever started it, and its report, released once at the close,
//! is read by the subject and the facilitator; no answer is ever shown against a rater's name.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::frameworks::feedback::DomainResult;
use domain::frameworks::{
    check_invitations, export_framework, goal_status, release_report, Format, Framework, GoalStatus, Invitation,
    InvitationId, InvitationProblem, Rater, RaterGroup, ReleaseError, ReleaseRules, Report, Source,
};
use domain::ids::PersonId;
use domain::people::Email;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use store::frameworks::{
    source_code, CloseRefused, FeedbackId, FeedbackRecord, GoalRecord, InvitationRecord, NewFeedback, NewInvitation,
};
use store::people::Person;
use store::{Store, StoreError};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use super::{ApiError, FieldProblem, Problem};
use crate::auth::{hash_secret, new_secret, ApiUser, CurrentUser};
use crate::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(list, get_one, export, assessments, feedback_list, start, feedback_one, invite, remind, close, report, plan),
    components(schemas(
        FrameworkItem,
        FrameworkBody,
        ScalePointBody,
        DomainBody,
        FrameworkBehaviourBody,
        AssessmentBody,
        SelfRatingBody,
        FeedbackBody,
        InvitationBody,
        StartFeedback,
        InviteRequest,
        Invited,
        Reminded,
        ReportBody,
        PoolBody,
        FigureBody,
        BehaviourResultBody,
        DomainResultBody,
        CommentsBody,
        GoalBody,
        FrameworkFile
    ))
)]
pub struct FrameworksApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/frameworks", get(list))
        .route("/frameworks/{id}", get(get_one))
        .route("/frameworks/{id}/export", get(export))
        .route("/people/{id}/assessments", get(assessments))
        .route("/feedback", get(feedback_list).post(start))
        .route("/feedback/{id}", get(feedback_one))
        .route("/feedback/{id}/invitations", post(invite))
        .route("/feedback/{id}/reminders", post(remind))
        .route("/feedback/{id}/close", post(close))
        .route("/feedback/{id}/report", get(report))
        .route("/people/{id}/plan", get(plan))
}

// ------------------------------------------------------------------ the shared steps

/// How long a link for a rater outside goldthread works.
pub const LINK_DAYS: i64 = 21;
/// Reminders go at most this often to one rater.
pub const REMIND_EVERY: SignedDuration = SignedDuration::from_hours(24);

/// The one place that decides who may see and do what with a 360 and a plan.
pub struct Access;

impl Access {
    /// Inviting, reminding and closing: the subject and whoever started the 360.
    pub fn administers(viewer: PersonId, f: &FeedbackRecord) -> bool {
        f.subject == viewer || f.started_by == Some(viewer)
    }

    /// The released report: the subject and the facilitator, once the 360 has closed.
    pub fn reads_report(viewer: PersonId, f: &FeedbackRecord) -> bool {
        !f.is_open() && (f.subject == viewer || f.facilitator == Some(viewer))
    }

    /// The 360 itself (not its invitations): those who administer it and its facilitator.
    pub fn sees(viewer: PersonId, f: &FeedbackRecord) -> bool {
        Self::administers(viewer, f) || f.facilitator == Some(viewer)
    }

    /// A plan is seen by its owner and their line manager, who may comment on it.
    pub fn sees_plan(viewer: PersonId, owner: &Person) -> bool {
        viewer == owner.id || owner.line_manager.as_ref().is_some_and(|m| m.id == viewer)
    }
}

/// An invitation as a form or a JSON body gives it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InviteRequest {
    /// `line-manager`, `peer`, `direct-report` or `other`.
    pub group: String,
    /// The rater's email address. Someone without a goldthread account gets a single-use link.
    pub email: String,
}

fn problem_text(p: &InvitationProblem) -> String {
    match p {
        InvitationProblem::SubjectAsRater { .. } | InvitationProblem::SelfForSomeoneElse { .. } => {
            "You cannot invite the person the 360 is about as a rater: their own view is the self part of the 360"
                .to_owned()
        }
        InvitationProblem::Duplicate { .. } => "This person is already invited".to_owned(),
        InvitationProblem::NotTheLineManager { .. } => {
            "Only the line manager of the person the 360 is about can be invited as their line manager".to_owned()
        }
    }
}

fn index_of(p: &InvitationProblem) -> usize {
    match p {
        InvitationProblem::SubjectAsRater { index }
        | InvitationProblem::SelfForSomeoneElse { index }
        | InvitationProblem::Duplicate { index }
        | InvitationProblem::NotTheLineManager { index } => *index,
    }
}

/// Invites one rater to an open 360: checks them against its invitations, keeps the invitation
/// and emails them. Answers the outsider's link when one was made (shown once, to whoever invited
/// them), or the problems, by field.
pub async fn invite_one(
    state: &AppState,
    f: &FeedbackRecord,
    form: &InviteRequest,
    now: Timestamp,
) -> Result<Result<Option<String>, Vec<(String, String)>>, StoreError> {
    let mut errors = Vec::new();
    let group = store::frameworks::group_from_code(form.group.trim()).filter(|g| *g != RaterGroup::Myself);
    if group.is_none() {
        errors.push(("group".to_owned(), "Choose how they work with the person the 360 is about".to_owned()));
    }
    let email = Email::parse(&form.email).ok();
    if email.is_none() {
        errors.push((
            "email".to_owned(),
            "Enter an email address in the correct format, like name@example.com".to_owned(),
        ));
    }
    let (Some(group), Some(email)) = (group, email) else { return Ok(Err(errors)) };
    if !f.is_open() {
        return Ok(Err(vec![(String::new(), "This 360 has closed: no more raters can be invited".to_owned())]));
    }
    let subject = state.store.person(f.subject).await?.ok_or(StoreError::NotFound)?;
    let person = state.store.person_by_email(&email).await?;
    let rater = person.as_ref().map_or_else(|| Rater::Outside(email.clone()), |p| Rater::Person(p.id));
    let invitation = Invitation { id: InvitationId::from_uuid(Uuid::now_v7()), group, rater };
    let mut all: Vec<Invitation> = state.store.invitations(f.id).await?.into_iter().map(|i| i.invitation).collect();
    all.push(invitation.clone());
    let managers: Vec<PersonId> = subject.line_manager.iter().map(|m| m.id).collect();
    if let Err(problems) = check_invitations(subject.id, std::slice::from_ref(&subject.email), &managers, &all) {
        let last = all.len() - 1;
        let mine: Vec<(String, String)> =
            problems.iter().filter(|p| index_of(p) == last).map(|p| ("email".to_owned(), problem_text(p))).collect();
        if !mine.is_empty() {
            return Ok(Err(mine));
        }
    }
    let secret = person.is_none().then(new_secret);
    let new = NewInvitation {
        invitation: invitation.clone(),
        token_hash: secret.as_deref().map(hash_secret),
        expires_at: secret.as_ref().map(|_| now + SignedDuration::from_hours(24 * LINK_DAYS)),
    };
    match state.store.add_invitations(f.id, &[new], now).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Ok(Err(vec![(String::new(), "This 360 has closed: no more raters can be invited".to_owned())]))
        }
        Err(e) => return Err(e),
    }
    let link = match &secret {
        Some(s) => format!("{}/rate/{s}", state.config.base_url),
        None => format!("{}/feedback/invitations/{}", state.config.base_url, invitation.id),
    };
    send_invitation(state, &subject, group, &email, &link, false).await;
    Ok(Ok(secret.map(|_| link)))
}

async fn send_invitation(
    state: &AppState,
    subject: &Person,
    group: RaterGroup,
    to: &Email,
    link: &str,
    reminder: bool,
) {
    let anonymity = if group == RaterGroup::LineManager {
        "As their line manager, your answers are not anonymous: the report shows them as the manager's."
    } else {
        "Your answers are anonymous: the report shows them only together with those of at least two other people, and your comments without your name."
    };
    let opening = if reminder {
        format!("A reminder: {} would still value your feedback.", subject.name.as_str())
    } else {
        format!("{} has asked for your feedback on how they lead.", subject.name.as_str())
    };
    let body = format!(
        "{opening}\n\nIt takes about ten minutes: rate the behaviours you have seen, say how important each area is to their role, and add a comment if you like.\n\n{anonymity}\n\nGive your feedback here:\n{link}\n\nIf you were not expecting this, you can ignore this email.\n"
    );
    let subject_line =
        if reminder { "A reminder: your feedback is waiting" } else { "You have been asked for feedback" };
    if let Err(e) = state.mailer.send(to.as_str(), subject_line, body).await {
        tracing::warn!(error = %e, "an invitation email could not be sent");
    }
}

/// Reminds each rater of `f` who has not answered and was not reminded in the last day. Someone
/// outside goldthread gets a fresh link: only the hash of the first was kept. Answers how many.
pub async fn send_reminders(state: &AppState, f: &FeedbackRecord, now: Timestamp) -> Result<usize, StoreError> {
    let subject = state.store.person(f.subject).await?.ok_or(StoreError::NotFound)?;
    let due: Vec<InvitationRecord> = state
        .store
        .invitations_to_remind(now - REMIND_EVERY, now)
        .await?
        .into_iter()
        .filter(|i| i.feedback == f.id)
        .collect();
    for i in &due {
        let (to, link) = match &i.invitation.rater {
            Rater::Person(p) => {
                let Some(person) = state.store.person(*p).await? else { continue };
                (person.email, format!("{}/feedback/invitations/{}", state.config.base_url, i.invitation.id))
            }
            Rater::Outside(e) => {
                let secret = new_secret();
                let expires = now + SignedDuration::from_hours(24 * LINK_DAYS);
                state.store.renew_link(i.invitation.id, &hash_secret(&secret), expires).await?;
                (e.clone(), format!("{}/rate/{secret}", state.config.base_url))
            }
        };
        send_invitation(state, &subject, i.invitation.group, &to, &link, true).await;
        state.store.mark_reminded(i.invitation.id, now).await?;
    }
    Ok(due.len())
}

/// Closes a 360 and releases its report: computed once, here, with a fresh shuffle of comments.
pub async fn close_and_release(store: &Store, id: FeedbackId) -> Result<Result<Report, CloseRefused>, StoreError> {
    let seed = Uuid::new_v4().as_u64_pair().0;
    store.close_feedback(id, Timestamp::now(), |f, i, a| release_report(f, i, a, &ReleaseRules::default(), seed)).await
}

/// Tells the subject and the facilitator that the report is ready. The email holds no figures.
pub async fn notify_release(state: &AppState, f: &FeedbackRecord) -> Result<(), StoreError> {
    let subject = state.store.person(f.subject).await?.ok_or(StoreError::NotFound)?;
    let link = format!("{}/feedback/{}/report", state.config.base_url, f.id);
    let mut to = vec![(subject.email.clone(), "your".to_owned())];
    if let Some(p) = f.facilitator {
        if let Some(facilitator) = state.store.person(p).await? {
            to.push((facilitator.email, format!("{}'s", subject.name.as_str())));
        }
    }
    for (email, whose) in to {
        let body = format!(
            "The 360 has closed and {whose} report is ready. Sign in to read it:\n{link}\n\nIt shows each group's answers only where enough people answered for nobody to be picked out.\n"
        );
        if let Err(e) = state.mailer.send(email.as_str(), "A 360 report is ready", body).await {
            tracing::warn!(error = %e, "a report's email could not be sent");
        }
    }
    Ok(())
}

pub fn release_message(e: &ReleaseError) -> String {
    match e {
        ReleaseError::NoAnswers => "Nobody but the person the 360 is about has answered yet, so there is nothing to report: it can close once at least one rater has answered".to_owned(),
        other => other.to_string(),
    }
}

/// Each goal of a person's plan with its status today, from their learning record.
pub async fn goals_with_status(store: &Store, person: PersonId) -> Result<Vec<(GoalRecord, GoalStatus)>, StoreError> {
    let crosswalks = store.crosswalks().await?;
    let entries: Vec<domain::frameworks::RecordEntry> = store
        .portfolio_entries(person, domain::portfolio::Period::ALL)
        .await?
        .into_iter()
        .map(|e| domain::frameworks::RecordEntry {
            entry: e.id,
            on: e.fields.occurred_on,
            behaviours: e.fields.behaviours.iter().filter_map(|b| b.parse().ok()).collect(),
            resource: e.fields.resource,
        })
        .collect();
    let today = jiff::Zoned::now().date();
    Ok(store
        .goals_of(person)
        .await?
        .into_iter()
        .map(|g| {
            let status = goal_status(&g.goal, &entries, &crosswalks, today);
            (g, status)
        })
        .collect())
}

/// A framework as a file, in the format goldthread imports.
pub fn framework_download(framework: &Framework, format: Format) -> Response {
    let (ext, mime) = match format {
        Format::Json => ("json", "application/json"),
        Format::Yaml => ("yaml", "application/yaml"),
    };
    let name = format!("attachment; filename=\"{}-{}.{ext}\"", framework.id(), framework.version().replace('"', ""));
    let mut response = export_framework(framework, format).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

// ------------------------------------------------------------------ bodies

/// A framework in a list: its current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkItem {
    pub id: String,
    pub version: String,
    pub name: String,
    pub publisher: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScalePointBody {
    pub value: u8,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkBehaviourBody {
    pub id: String,
    /// `framework:behaviour`, as resources and learning entries are tagged.
    pub reference: String,
    pub name: String,
    pub question: String,
    /// One per scale point, lowest first, or none.
    pub descriptors: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DomainBody {
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    pub behaviours: Vec<FrameworkBehaviourBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkBody {
    pub id: String,
    pub version: String,
    pub name: String,
    pub publisher: String,
    pub summary: Option<String>,
    pub scale: Vec<ScalePointBody>,
    pub domains: Vec<DomainBody>,
}

impl From<&Framework> for FrameworkBody {
    fn from(f: &Framework) -> Self {
        Self {
            id: f.id().to_string(),
            version: f.version().to_owned(),
            name: f.name().to_owned(),
            publisher: f.publisher().to_owned(),
            summary: f.summary().map(str::to_owned),
            scale: f
                .scale()
                .points()
                .iter()
                .map(|p| ScalePointBody { value: p.value, label: p.label.clone() })
                .collect(),
            domains: f
                .domains()
                .iter()
                .map(|d| DomainBody {
                    id: d.id.to_string(),
                    name: d.name.clone(),
                    summary: d.summary.clone(),
                    behaviours: d
                        .behaviours
                        .iter()
                        .map(|b| FrameworkBehaviourBody {
                            id: b.id.to_string(),
                            reference: f.behaviour_ref(b).to_string(),
                            name: b.name.clone(),
                            question: b.question.clone(),
                            descriptors: b.descriptors.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelfRatingBody {
    pub behaviour: String,
    pub rating: u8,
    pub note: Option<String>,
    /// Entries of the learning record offered as evidence.
    pub evidence: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentBody {
    pub id: String,
    pub framework: String,
    /// The framework's version it was made against.
    pub version: String,
    pub started_at: String,
    pub completed_at: Option<String>,
    pub shared_with_line_manager: bool,
    pub ratings: Vec<SelfRatingBody>,
}

/// A 360. Invitations are listed for those who administer it, without whether each answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackBody {
    pub id: String,
    pub subject: String,
    pub framework: String,
    pub version: String,
    pub facilitator: Option<String>,
    pub started_at: String,
    /// `open` or `closed`.
    pub state: String,
    pub closed_at: Option<String>,
    /// Answers so far, the subject's own included.
    pub answered: u64,
    pub invitations: Vec<InvitationBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationBody {
    /// `self`, `line-manager`, `peer`, `direct-report` or `other`.
    pub group: String,
    /// The person's id, for someone in goldthread.
    pub person: Option<String>,
    /// The address, for someone outside goldthread.
    pub email: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StartFeedback {
    /// The framework's id; its current version is used.
    pub framework: String,
    /// Whose 360: yourself (leave out) or someone who reports to you.
    pub subject: Option<String>,
    /// Someone in goldthread who will see the report with the subject.
    pub facilitator_email: Option<String>,
}

/// A rater invited. `link` is the single-use link for someone outside goldthread: shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invited {
    pub link: Option<String>,
}

/// How many raters were reminded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reminded {
    pub reminded: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PoolBody {
    /// `self`, `line-manager`, `peers`, `direct-reports` or `others`.
    pub source: String,
    pub invited: usize,
    /// None when withheld (an anonymous pool with fewer than three answers).
    pub answered: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FigureBody {
    /// `self`, `line-manager`, `peers`, `direct-reports`, `others` or `all-raters`.
    pub source: String,
    pub mean: f64,
    /// Answers (or, for a domain's rating, behaviours) behind the mean.
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BehaviourResultBody {
    pub behaviour: String,
    pub domain: String,
    pub figures: Vec<FigureBody>,
    /// All raters minus self.
    pub gap: Option<f64>,
    /// `blind-spot` or `hidden-strength`.
    pub finding: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DomainResultBody {
    pub domain: String,
    pub ratings: Vec<FigureBody>,
    pub importance: Vec<FigureBody>,
    pub priority: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentsBody {
    pub own: Option<String>,
    pub line_manager: Vec<String>,
    /// Unattributed, in random order; none when withheld.
    pub others: Option<Vec<String>>,
}

/// A released 360 report: only figures over enough answers, never a rater's name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBody {
    pub framework: String,
    pub version: String,
    pub threshold: usize,
    pub pools: Vec<PoolBody>,
    pub behaviours: Vec<BehaviourResultBody>,
    pub domains: Vec<DomainResultBody>,
    pub comments: CommentsBody,
}

fn figures(list: impl Iterator<Item = (Source, f64, usize)>) -> Vec<FigureBody> {
    list.map(|(s, mean, count)| FigureBody { source: source_code(s).to_owned(), mean, count }).collect()
}

fn domain_body(d: &DomainResult) -> DomainResultBody {
    DomainResultBody {
        domain: d.domain.to_string(),
        ratings: figures(d.ratings.iter().map(|f| (f.source, f.mean, f.behaviours))),
        importance: figures(d.importance.iter().map(|f| (f.source, f.mean, f.answers))),
        priority: d.priority,
    }
}

impl From<&Report> for ReportBody {
    fn from(r: &Report) -> Self {
        Self {
            framework: r.framework.to_string(),
            version: r.version.clone(),
            threshold: r.threshold,
            pools: r
                .pools
                .iter()
                .map(|p| PoolBody {
                    source: source_code(p.source).to_owned(),
                    invited: p.invited,
                    answered: p.answered,
                })
                .collect(),
            behaviours: r
                .behaviours
                .iter()
                .map(|b| BehaviourResultBody {
                    behaviour: b.behaviour.to_string(),
                    domain: b.domain.to_string(),
                    figures: figures(b.figures.iter().map(|f| (f.source, f.mean, f.answers))),
                    gap: b.gap,
                    finding: b.finding.map(|f| match f {
                        domain::frameworks::feedback::Finding::BlindSpot => "blind-spot".to_owned(),
                        domain::frameworks::feedback::Finding::HiddenStrength => "hidden-strength".to_owned(),
                    }),
                })
                .collect(),
            domains: r.domains.iter().map(domain_body).collect(),
            comments: CommentsBody {
                own: r.comments.own.clone(),
                line_manager: r.comments.manager.clone(),
                others: r.comments.others.clone(),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GoalBody {
    pub id: String,
    pub title: String,
    pub set_on: String,
    pub target: String,
    pub behaviours: Vec<String>,
    pub resources: Vec<String>,
    /// `open`, `overdue`, `met` or `met-late`.
    pub status: String,
    /// The learning-record entry that met it.
    pub met_by: Option<String>,
}

#[derive(ToSchema)]
#[schema(value_type = String)]
pub struct FrameworkFile(pub String);

// ------------------------------------------------------------------ handlers

/// The current version of every framework.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "frameworks",
    responses((status = 200, body = Vec<FrameworkItem>), (status = 401, body = Problem)))]
pub async fn list(State(state): State<AppState>, _user: ApiUser) -> Result<Json<Vec<FrameworkItem>>, ApiError> {
    let list = state.store.frameworks().await?;
    Ok(Json(
        list.into_iter()
            .map(|f| FrameworkItem { id: f.id.to_string(), version: f.version, name: f.name, publisher: f.publisher })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version of the framework; the current one if left out.
    pub version: Option<String>,
    /// For export: `yaml` (the default) or `json`.
    pub format: Option<String>,
}

async fn framework_of(state: &AppState, id: &str, q: &VersionQuery) -> Result<Framework, ApiError> {
    match q.version.as_deref() {
        Some(v) => state.store.framework_version(id, v).await?,
        None => state.store.framework(id).await?,
    }
    .ok_or(ApiError::NotFound)
}

/// One framework: its scale, domains and behaviours.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}", tag = "frameworks",
    params(("id" = String, Path, description = "The framework's id"), VersionQuery),
    responses((status = 200, body = FrameworkBody), (status = 404, body = Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<FrameworkBody>, ApiError> {
    Ok(Json(FrameworkBody::from(&framework_of(&state, &id, &q).await?)))
}

/// A framework as a file in the format goldthread imports (`docs/frameworks.md`).
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/export", tag = "frameworks",
    params(("id" = String, Path, description = "The framework's id"), VersionQuery),
    responses((status = 200, content_type = "application/yaml", body = FrameworkFile), (status = 404, body = Problem)))]
pub async fn export(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let f = framework_of(&state, &id, &q).await?;
    let format = if q.format.as_deref() == Some("json") { Format::Json } else { Format::Yaml };
    Ok(framework_download(&f, format))
}

/// A person's self-assessments, newest first. Only their own: nobody else's, an admin's included.
#[utoipa::path(get, path = "/api/v1/people/{id}/assessments", tag = "frameworks",
    params(("id" = String, Path, description = "The person's id")),
    responses((status = 200, body = Vec<AssessmentBody>), (status = 403, body = Problem)))]
pub async fn assessments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<AssessmentBody>>, ApiError> {
    let person: PersonId = id.parse().map_err(|_| ApiError::NotFound)?;
    if person != user.person.id {
        return Err(ApiError::Forbidden);
    }
    let list = state.store.assessments_of(person, None).await?;
    Ok(Json(
        list.into_iter()
            .map(|a| AssessmentBody {
                id: a.id.to_string(),
                framework: a.assessment.framework.to_string(),
                version: a.assessment.version.clone(),
                started_at: a.started_at.to_string(),
                completed_at: a.completed_at.map(|t| t.to_string()),
                shared_with_line_manager: a.shared,
                ratings: a
                    .assessment
                    .ratings
                    .iter()
                    .map(|(b, r)| SelfRatingBody {
                        behaviour: b.to_string(),
                        rating: r.rating.value(),
                        note: r.note.clone(),
                        evidence: r.evidence.iter().map(ToString::to_string).collect(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

fn feedback_body(f: &FeedbackRecord, invitations: &[InvitationRecord], administers: bool) -> FeedbackBody {
    FeedbackBody {
        id: f.id.to_string(),
        subject: f.subject.to_string(),
        framework: f.framework.to_string(),
        version: f.version.clone(),
        facilitator: f.facilitator.map(|p| p.to_string()),
        started_at: f.started_at.to_string(),
        state: if f.is_open() { "open" } else { "closed" }.to_owned(),
        closed_at: f.closed_at.map(|t| t.to_string()),
        answered: f.answered,
        invitations: if administers {
            invitations
                .iter()
                .map(|i| {
                    let (person, email) = match &i.invitation.rater {
                        Rater::Person(p) => (Some(p.to_string()), None),
                        Rater::Outside(e) => (None, Some(e.as_str().to_owned())),
                    };
                    InvitationBody { group: i.invitation.group.code().to_owned(), person, email }
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// The 360s you are the subject of, started, or facilitate, newest first.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback",
    responses((status = 200, body = Vec<FeedbackBody>), (status = 401, body = Problem)))]
pub async fn feedback_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<FeedbackBody>>, ApiError> {
    let mut out = Vec::new();
    for f in state.store.feedbacks_for(user.person.id).await? {
        let administers = Access::administers(user.person.id, &f);
        let invitations = if administers { state.store.invitations(f.id).await? } else { Vec::new() };
        out.push(feedback_body(&f, &invitations, administers));
    }
    Ok(Json(out))
}

async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> Result<FeedbackRecord, ApiError> {
    let id: FeedbackId = id.parse().map_err(|_| ApiError::NotFound)?;
    let f = state.store.feedback(id).await?.ok_or(ApiError::NotFound)?;
    if !Access::sees(user.person.id, &f) {
        return Err(ApiError::NotFound);
    }
    Ok(f)
}

fn problems(errors: Vec<(String, String)>) -> ApiError {
    ApiError::Invalid(errors.into_iter().map(|(field, message)| FieldProblem { field, message }).collect())
}

/// Starts a 360 for yourself, or for someone who reports to you.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback", request_body = StartFeedback,
    responses((status = 201, body = FeedbackBody), (status = 422, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Result<Json<StartFeedback>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let mut errors = Vec::new();
    let framework = state.store.framework(&body.framework).await?;
    if framework.is_none() {
        errors.push(("framework".to_owned(), "No framework has that id".to_owned()));
    }
    let subject =
        match body.subject.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(user.person.clone()),
            Some(s) => match s.parse::<PersonId>() {
                Ok(id) => state.store.person(id).await?.filter(|p| {
                    p.id == user.person.id || p.line_manager.as_ref().is_some_and(|m| m.id == user.person.id)
                }),
                Err(_) => None,
            },
        };
    if subject.is_none() {
        errors.push(("subject".to_owned(), "Give yourself or someone who reports to you".to_owned()));
    }
    let facilitator = match body.facilitator_email.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(e) => match Email::parse(e) {
            Ok(e) => match state.store.person_by_email(&e).await? {
                Some(p) if subject.as_ref().is_some_and(|s| s.id != p.id) => Some(p.id),
                _ => {
                    errors.push((
                        "facilitator_email".to_owned(),
                        "The facilitator must be someone else in goldthread".to_owned(),
                    ));
                    None
                }
            },
            Err(_) => {
                errors.push(("facilitator_email".to_owned(), "That is not an email address".to_owned()));
                None
            }
        },
    };
    let (Some(framework), Some(subject), true) = (framework, subject, errors.is_empty()) else {
        return Err(problems(errors));
    };
    let id = start_feedback(&state.store, &framework, &subject, user.person.id, facilitator).await?;
    let f = state.store.feedback(id).await?.ok_or(ApiError::NotFound)?;
    let invitations = state.store.invitations(id).await?;
    Ok((StatusCode::CREATED, Json(feedback_body(&f, &invitations, true))).into_response())
}

/// Starts a 360 against the framework's current version, with the subject's own invitation.
pub async fn start_feedback(
    store: &Store,
    framework: &Framework,
    subject: &Person,
    started_by: PersonId,
    facilitator: Option<PersonId>,
) -> Result<FeedbackId, StoreError> {
    let id = FeedbackId::from_uuid(Uuid::now_v7());
    let own = NewInvitation {
        invitation: Invitation {
            id: InvitationId::from_uuid(Uuid::now_v7()),
            group: RaterGroup::Myself,
            rater: Rater::Person(subject.id),
        },
        token_hash: None,
        expires_at: None,
    };
    let new = NewFeedback {
        id,
        subject: subject.id,
        started_by,
        facilitator,
        framework: framework.id().clone(),
        version: framework.version().to_owned(),
    };
    store.create_feedback(&new, &[own], Timestamp::now()).await?;
    Ok(id)
}

/// One 360. Its invitations are listed only for those who administer it.
#[utoipa::path(get, path = "/api/v1/feedback/{id}", tag = "feedback",
    params(("id" = String, Path, description = "The 360's id")),
    responses((status = 200, body = FeedbackBody), (status = 404, body = Problem)))]
pub async fn feedback_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<FeedbackBody>, ApiError> {
    let f = visible(&state, &user, &id).await?;
    let administers = Access::administers(user.person.id, &f);
    let invitations = if administers { state.store.invitations(f.id).await? } else { Vec::new() };
    Ok(Json(feedback_body(&f, &invitations, administers)))
}

/// Invites a rater. Someone without a goldthread account gets a single-use link that expires.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/invitations", tag = "feedback", request_body = InviteRequest,
    params(("id" = String, Path, description = "The 360's id")),
    responses((status = 201, body = Invited), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn invite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    body: Result<Json<InviteRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let f = visible(&state, &user, &id).await?;
    if !Access::administers(user.person.id, &f) {
        return Err(ApiError::NotFound);
    }
    match invite_one(&state, &f, &body, Timestamp::now()).await? {
        Ok(link) => Ok((StatusCode::CREATED, Json(Invited { link })).into_response()),
        Err(errors) => Err(problems(errors)),
    }
}

/// Reminds by email each rater who has not answered and was not reminded in the last day (an
/// invitation is first reminded a day after it was made); a scheduler can call this daily.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/reminders", tag = "feedback",
    params(("id" = String, Path, description = "The 360's id")),
    responses((status = 200, body = Reminded), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remind(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Reminded>, ApiError> {
    let f = visible(&state, &user, &id).await?;
    if !Access::administers(user.person.id, &f) {
        return Err(ApiError::NotFound);
    }
    if !f.is_open() {
        return Err(ApiError::Conflict("this 360 has closed".to_owned()));
    }
    Ok(Json(Reminded { reminded: send_reminders(&state, &f, Timestamp::now()).await? }))
}

/// Closes a 360 and releases its report, once. A 360 nobody but its subject has answered cannot
/// close.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/close", tag = "feedback",
    params(("id" = String, Path, description = "The 360's id")),
    responses((status = 200, body = FeedbackBody), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<FeedbackBody>, ApiError> {
    let f = visible(&state, &user, &id).await?;
    if !Access::administers(user.person.id, &f) {
        return Err(ApiError::NotFound);
    }
    match close_and_release(&state.store, f.id).await? {
        Ok(_) => notify_release(&state, &f).await?,
        Err(CloseRefused::AlreadyClosed) => return Err(ApiError::Conflict("this 360 has already closed".to_owned())),
        Err(CloseRefused::Release(e)) => return Err(ApiError::invalid("answers", release_message(&e))),
        Err(CloseRefused::Unknown) => return Err(ApiError::NotFound),
    }
    let f = state.store.feedback(f.id).await?.ok_or(ApiError::NotFound)?;
    let invitations = state.store.invitations(f.id).await?;
    Ok(Json(feedback_body(&f, &invitations, true)))
}

/// The released report of a closed 360: for its subject and facilitator only.
#[utoipa::path(get, path = "/api/v1/feedback/{id}/report", tag = "feedback",
    params(("id" = String, Path, description = "The 360's id")),
    responses((status = 200, body = ReportBody), (status = 404, body = Problem)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ReportBody>, ApiError> {
    let f = visible(&state, &user, &id).await?;
    if !Access::reads_report(user.person.id, &f) {
        return Err(ApiError::NotFound);
    }
    let report = state.store.feedback_report(f.id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(ReportBody::from(&report)))
}

/// A person's development plan: goals with their status. For them and their line manager.
#[utoipa::path(get, path = "/api/v1/people/{id}/plan", tag = "frameworks",
    params(("id" = String, Path, description = "The person's id")),
    responses((status = 200, body = Vec<GoalBody>), (status = 404, body = Problem)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<GoalBody>>, ApiError> {
    let person: PersonId = id.parse().map_err(|_| ApiError::NotFound)?;
    let owner = state.store.person(person).await?.ok_or(ApiError::NotFound)?;
    if !Access::sees_plan(user.person.id, &owner) {
        return Err(ApiError::NotFound);
    }
    let goals = goals_with_status(&state.store, person).await?;
    Ok(Json(
        goals
            .into_iter()
            .map(|(g, status)| {
                let (status, met_by) = match status {
                    GoalStatus::Met { by, late: false, .. } => ("met", Some(by.to_string())),
                    GoalStatus::Met { by, late: true, .. } => ("met-late", Some(by.to_string())),
                    GoalStatus::Open => ("open", None),
                    GoalStatus::Overdue => ("overdue", None),
                };
                GoalBody {
                    id: g.id.to_string(),
                    title: g.goal.title,
                    set_on: g.goal.set_on.to_string(),
                    target: g.goal.target.to_string(),
                    behaviours: g.goal.behaviours.iter().map(ToString::to_string).collect(),
                    resources: g.goal.resources.iter().map(ToString::to_string).collect(),
                    status: status.to_owned(),
                    met_by,
                }
            })
            .collect(),
    ))
}
