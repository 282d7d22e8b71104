//! The knowledge hub: topics gathering catalogue resources, and case studies that organisations
//! share, with their search, submission and review.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::hub::{
    can_resubmit_case_study, can_review_case_study, can_see_case_study, reviews_any_case_studies, CaseStudyFields,
    CaseStudyProblem, CaseStudyText, Decision, DecisionError, ReviewAction, ReviewState, TopicSlug,
};
use domain::ids::{CaseStudyId, ResourceId};
use domain::learning::{can_manage_catalogue, SearchTerms};
use domain::paging::PageRequest;
use domain::people::AdminScope;
use jiff::Timestamp;
use serde::Deserialize;
use store::hub::{CaseStudy, CaseStudyFilter, CaseStudySummary};

use super::learning::{parse_tags, say_minutes};
use super::view::{
    attach_errors, render, Cell, Field, FieldError, FormPage, Layout, Link, MessagePage, Pagination, SummaryRow,
    TablePage,
};
use super::{Ctx, PageForm};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hub", get(index))
        .route("/hub/topics/{slug}", get(topic))
        .route("/hub/topics/{slug}/resources", post(add_resource))
        .route("/hub/topics/{slug}/resources/{id}/remove", post(remove_resource))
        .route("/hub/case-studies", get(case_studies))
        .route("/hub/case-studies/new", get(new_form).post(submit))
        .route("/hub/case-studies/{id}", get(case_study))
        .route("/hub/case-studies/{id}/review", post(review))
        .route("/hub/case-studies/{id}/edit", get(edit_form).post(resubmit))
        .route("/hub/review", get(queue))
}

const HUB_TITLE: &str = "Knowledge hub";

fn day(t: Timestamp) -> String {
    t.strftime("%-d %B %Y").to_string()
}

/// A state's words and the NHS.UK tag colour that goes with them.
fn state_tag(state: ReviewState) -> (&'static str, &'static str) {
    let class = match state {
        ReviewState::Submitted => "nhsuk-tag--blue",
        ReviewState::Published => "nhsuk-tag--green",
        ReviewState::Rejected => "nhsuk-tag--orange",
    };
    (state.label(), class)
}

fn tag_link(tag: &str) -> Link {
    Link::new(format!("/hub/case-studies?tag={}", super::view::urlencode(tag)), tag)
}

/// The organisations whose case studies a viewer reviews: `None` for all (a system admin).
fn review_scope(user: &CurrentUser) -> Result<Option<Vec<domain::ids::OrganisationId>>, PageError> {
    match user.viewer.admin_scope() {
        AdminScope::System => Ok(None),
        AdminScope::Organisations(orgs) => Ok(Some(orgs)),
        AdminScope::None => Err(PageError::Forbidden),
    }
}

// ------------------------------------------------------------------ the hub's front page

struct TopicCard {
    href: String,
    title: String,
    summary: String,
    resources: String,
}

struct MineRow {
    href: String,
    title: String,
    state: (&'static str, &'static str),
    sent: String,
}

#[derive(Template)]
#[template(path = "hub/index.html")]
struct HubPage {
    layout: Layout,
    topics: Vec<TopicCard>,
    review: Option<Link>,
    mine: Vec<MineRow>,
}

async fn index(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response, PageError> {
    let topics = state.store.topics().await?;
    let review = if reviews_any_case_studies(&user.viewer) {
        let scope = review_scope(&user)?;
        let waiting =
            state.store.case_studies_for_review(scope.as_deref(), PageRequest::new(Some(1), Some(1))).await?.total;
        Some(Link::new("/hub/review", format!("Review case studies ({waiting} waiting)")))
    } else {
        None
    };
    let mine = state.store.case_studies_submitted_by(user.person.id).await?;
    let page = HubPage {
        layout: ctx.layout(HUB_TITLE, Some(&user)),
        topics: topics
            .into_iter()
            .map(|t| TopicCard {
                href: format!("/hub/topics/{}", t.slug),
                title: t.title,
                summary: t.summary,
                resources: match t.resources {
                    1 => "1 resource".to_owned(),
                    n => format!("{n} resources"),
                },
            })
            .collect(),
        review,
        mine: mine
            .into_iter()
            .map(|c| MineRow {
                href: format!("/hub/case-studies/{}", c.id),
                title: c.title,
                state: state_tag(c.state),
                sent: day(c.submitted_at),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

// ------------------------------------------------------------------ topics

struct TopicItem {
    id: String,
    title: String,
    summary: String,
    kind: &'static str,
    minutes: String,
    publisher: Option<String>,
    retired: bool,
}

#[derive(Template)]
#[template(path = "hub/topic.html")]
struct TopicPage {
    layout: Layout,
    slug: String,
    summary: String,
    resources: Vec<TopicItem>,
    manage: bool,
    fields: Vec<Field>,
    errors: Vec<FieldError>,
    error_title: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TopicQuery {
    added: Option<String>,
    removed: Option<String>,
    already: Option<String>,
}

fn topic_slug(slug: &str) -> Result<TopicSlug, PageError> {
    TopicSlug::parse(slug).map_err(|_| PageError::NotFound)
}

async fn topic_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    slug: &TopicSlug,
    resource_value: &str,
    errors: &[(String, String)],
    banner: Option<String>,
) -> Result<Response, PageError> {
    let topic = state.store.topic(slug).await?.ok_or(PageError::NotFound)?;
    let mut fields = vec![Field::text("resource", "Resource to add")
        .value(resource_value)
        .hint("The resource's id, or the address of its page in Find learning (it ends with the id)")];
    let errors = attach_errors(&mut fields, errors);
    let mut layout = ctx.layout(topic.title.as_str(), Some(user)).with_back("/hub", "Back to the knowledge hub");
    layout.banner = banner;
    layout.error_prefix = !errors.is_empty();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = TopicPage {
        layout,
        slug: topic.slug.to_string(),
        summary: topic.summary,
        resources: topic
            .resources
            .into_iter()
            .map(|r| TopicItem {
                id: r.resource.id.to_string(),
                title: r.resource.title,
                summary: r.resource.summary,
                kind: r.resource.kind.label(),
                minutes: say_minutes(r.resource.estimated.get()),
                publisher: r.resource.publisher,
                retired: r.retired,
            })
            .collect(),
        manage: can_manage_catalogue(&user.viewer),
        fields,
        errors,
        error_title: "There is a problem".to_owned(),
    };
    Ok(render(status, &page))
}

async fn topic(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(slug): Path<String>,
    Query(q): Query<TopicQuery>,
) -> Result<Response, PageError> {
    let slug = topic_slug(&slug)?;
    let banner = if q.added.is_some() {
        Some("The resource has been added to this topic.".to_owned())
    } else if q.already.is_some() {
        Some("That resource was already in this topic.".to_owned())
    } else {
        q.removed.map(|_| "The resource has been removed from this topic.".to_owned())
    };
    topic_page(&state, &ctx, &user, &slug, "", &[], banner).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AddResourceForm {
    resource: String,
}

/// A resource's id from what was typed: the id itself, or the address of the resource's page.
fn resource_from_text(text: &str) -> Option<ResourceId> {
    let t = text.trim().trim_end_matches('/');
    let t = t.split(['?', '#']).next().unwrap_or(t);
    let last = t.rsplit('/').next().unwrap_or(t);
    last.parse().ok()
}

async fn add_resource(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(slug): Path<String>,
    PageForm(form): PageForm<AddResourceForm>,
) -> Result<Response, PageError> {
    let slug = topic_slug(&slug)?;
    if !can_manage_catalogue(&user.viewer) {
        return Err(PageError::Forbidden);
    }
    let problem = |message: &str| vec![("resource".to_owned(), message.to_owned())];
    let Some(resource) = resource_from_text(&form.resource) else {
        let message = if form.resource.trim().is_empty() {
            "Enter the id of a resource in the catalogue"
        } else {
            "Enter a resource id such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b, or the address of a resource's page"
        };
        return topic_page(&state, &ctx, &user, &slug, &form.resource, &problem(message), None).await;
    };
    let now = Timestamp::now();
    match state.store.add_topic_resource(&slug, resource, Some(user.person.id), now).await {
        Ok(true) => {
            state
                .store
                .audit(Some(user.person.id), "topic.resource-added", Some(format!("{slug}/{resource}")), now)
                .await?;
            Ok(Redirect::to(&format!("/hub/topics/{slug}?added=1")).into_response())
        }
        Ok(false) => Ok(Redirect::to(&format!("/hub/topics/{slug}?already=1")).into_response()),
        Err(store::StoreError::NotFound) => {
            let message = "No resource in the catalogue has that id";
            topic_page(&state, &ctx, &user, &slug, &form.resource, &problem(message), None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_resource(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let slug = topic_slug(&slug)?;
    if !can_manage_catalogue(&user.viewer) {
        return Err(PageError::Forbidden);
    }
    let resource: ResourceId = id.parse().map_err(|_| PageError::NotFound)?;
    state.store.remove_topic_resource(&slug, resource).await?;
    let now = Timestamp::now();
    state.store.audit(Some(user.person.id), "topic.resource-removed", Some(format!("{slug}/{resource}")), now).await?;
    Ok(Redirect::to(&format!("/hub/topics/{slug}?removed=1")).into_response())
}

// ------------------------------------------------------------------ case studies: search

struct ResultItem {
    href: String,
    title: String,
    excerpt: String,
    organisation: Option<String>,
    published: String,
    tags: Vec<Link>,
}

#[derive(Template)]
#[template(path = "hub/case_studies.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    tag: String,
    /// The same search without its tag.
    untagged: String,
    heading: String,
    results: Vec<ResultItem>,
    pagination: Option<Pagination>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchQuery {
    q: String,
    tag: String,
    page: Option<u32>,
}

fn result_item(c: CaseStudySummary) -> ResultItem {
    ResultItem {
        href: format!("/hub/case-studies/{}", c.id),
        title: c.title,
        excerpt: c.excerpt,
        organisation: c.organisation_name,
        published: c.published_at.map(day).unwrap_or_default(),
        tags: c.tags.iter().map(|t| tag_link(t)).collect(),
    }
}

async fn case_studies(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let filter = CaseStudyFilter {
        terms: SearchTerms::parse(&q.q),
        tag: Some(q.tag.trim().to_owned()).filter(|t| !t.is_empty()),
    };
    let page = state.store.search_case_studies(&filter, PageRequest::new(q.page, Some(20))).await?;
    let keep: Vec<(&str, &str)> =
        [("q", q.q.trim()), ("tag", q.tag.trim())].into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let keep = serde_urlencoded::to_string(&keep).unwrap_or_default();
    let pagination = Pagination::of(&page, "/hub/case-studies", None).map(|mut p| {
        let add = |l: Option<String>| l.map(|l| if keep.is_empty() { l } else { format!("{l}&{keep}") });
        p.previous = add(p.previous);
        p.next = add(p.next);
        p
    });
    let noun = if page.total == 1 { "case study" } else { "case studies" };
    let mut heading = match (filter.terms.is_empty(), &filter.tag) {
        (true, None) => format!("{} published {noun}", page.total),
        (false, _) => format!("{} {noun} match \"{}\"", page.total, q.q.trim()),
        (true, Some(_)) => format!("{} {noun}", page.total),
    };
    if let Some(tag) = &filter.tag {
        heading.push_str(&format!(" tagged \"{tag}\""));
    }
    let page = SearchPage {
        layout: ctx.layout("Case studies", Some(&user)).with_back("/hub", "Back to the knowledge hub"),
        q: q.q.clone(),
        tag: q.tag.trim().to_owned(),
        untagged: if q.q.trim().is_empty() {
            "/hub/case-studies".to_owned()
        } else {
            format!("/hub/case-studies?q={}", super::view::urlencode(q.q.trim()))
        },
        heading,
        results: page.items.into_iter().map(result_item).collect(),
        pagination,
    };
    Ok(render(StatusCode::OK, &page))
}

// ------------------------------------------------------------------ case studies: submitting

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CaseStudyForm {
    title: String,
    context: String,
    what_was_done: String,
    outcomes: String,
    contact: String,
    tags: String,
    submission: String,
}

impl CaseStudyForm {
    fn of(f: &CaseStudyFields) -> Self {
        Self {
            title: f.title.as_str().to_owned(),
            context: f.context.as_str().to_owned(),
            what_was_done: f.what_was_done.as_str().to_owned(),
            outcomes: f.outcomes.as_str().to_owned(),
            contact: f.contact.as_str().to_owned(),
            tags: f.tags.as_slice().join(", "),
            submission: String::new(),
        }
    }

    fn parse(&self) -> Result<CaseStudyFields, Vec<(String, String)>> {
        let tags = parse_tags(&self.tags);
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        CaseStudyFields::parse(&CaseStudyText {
            title: &self.title,
            context: &self.context,
            what_was_done: &self.what_was_done,
            outcomes: &self.outcomes,
            contact: &self.contact,
            tags: &tags,
        })
        .map_err(|problems| problems.into_iter().map(problem_pair).collect())
    }

    fn fields(&self) -> Vec<Field> {
        vec![
            Field::text("title", "Title").value(&self.title).hint("A short name for the work, such as \"Rotas planned with the team\""),
            Field::new("context", "Context", "textarea")
                .value(&self.context)
                .hint("The service, the people it serves, and the problem or opportunity you faced"),
            Field::new("what_was_done", "What was done", "textarea")
                .value(&self.what_was_done)
                .hint("The changes you made, who took part, and how leaders supported them"),
            Field::new("outcomes", "Outcomes", "textarea")
                .value(&self.outcomes)
                .hint("What changed as a result, and how you know: figures, feedback from people and staff, inspection findings"),
            Field::text("contact", "Contact")
                .value(&self.contact)
                .hint("Who others can ask about this work: a name and role, and an email address or telephone number"),
            Field::text("tags", "Tags (optional)")
                .value(&self.tags)
                .hint("Words that help others find it, separated by commas, for example: retention, co-production"),
            Field::new("submission", "", "hidden").value(&self.submission),
        ]
    }
}

fn problem_pair(p: CaseStudyProblem) -> (String, String) {
    (p.part.name().to_owned(), p.message)
}

fn submit_page(ctx: &Ctx, user: &CurrentUser, form: &CaseStudyForm, errors: &[(String, String)]) -> Response {
    let from = user.person.organisation.as_ref().map_or_else(
        || "It will not be shown as coming from any organisation, as your account has none.".to_owned(),
        |o| format!("It will be shown as coming from {}.", o.name.as_str()),
    );
    let mut page = FormPage::new(
        ctx.layout("Share a case study", Some(user)).with_back("/hub", "Back to the knowledge hub"),
        "/hub/case-studies/new",
        form.fields(),
        "Send for review",
    )
    .with_errors(errors);
    page.intro = vec![
        "Tell others what your team or organisation did, so that they can learn from it.".to_owned(),
        format!("An administrator will read it before it is published. {from}"),
        "Do not include anything that could identify a person who draws on care or support.".to_owned(),
    ];
    page.into_response()
}

async fn new_form(ctx: Ctx, user: CurrentUser) -> Response {
    let form = CaseStudyForm { submission: crate::auth::new_secret(), ..CaseStudyForm::default() };
    submit_page(&ctx, &user, &form, &[])
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<CaseStudyForm>,
) -> Result<Response, PageError> {
    let fields = match form.parse() {
        Ok(f) => f,
        Err(errors) => return Ok(submit_page(&ctx, &user, &form, &errors)),
    };
    let id = CaseStudyId::from_uuid(uuid::Uuid::now_v7());
    let now = Timestamp::now();
    let outcome = format!("/hub/case-studies/{id}?submitted=1");
    let key = format!("case-study:{}", form.submission);
    // A form sent twice submits once: the second sending is shown the first's case study.
    if !form.submission.is_empty() {
        if let Some(previous) = state.store.claim_submission(&key, &outcome, now).await? {
            return Ok(Redirect::to(&previous).into_response());
        }
    }
    let organisation = user.person.organisation.as_ref().map(|o| o.id);
    if let Err(e) = state.store.submit_case_study(id, &fields, user.person.id, organisation, now).await {
        if !form.submission.is_empty() {
            state.store.release_submission(&key).await?;
        }
        return Err(e.into());
    }
    state.store.audit(Some(user.person.id), "case-study.submitted", Some(id.to_string()), now).await?;
    Ok(Redirect::to(&outcome).into_response())
}

// ------------------------------------------------------------------ case studies: reading and reviewing

#[derive(Template)]
#[template(path = "hub/case_study.html")]
struct CaseStudyPage {
    layout: Layout,
    id: String,
    caption: Option<String>,
    state: Option<(&'static str, &'static str)>,
    context: Vec<String>,
    what_was_done: Vec<String>,
    outcomes: Vec<String>,
    rows: Vec<SummaryRow>,
    tags: Vec<Link>,
    note: Option<(String, String)>,
    actions: Vec<Link>,
    /// The reviewer's form: its fields and its button, when there is a decision to make.
    review: Option<(Vec<Field>, String)>,
    errors: Vec<FieldError>,
    error_title: String,
}

fn paragraphs(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CaseStudyQuery {
    submitted: Option<String>,
    resubmitted: Option<String>,
    reviewed: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReviewForm {
    decision: String,
    note: String,
}

async fn visible_case_study(state: &AppState, user: &CurrentUser, id: &str) -> Result<CaseStudy, PageError> {
    let id: CaseStudyId = id.parse().map_err(|_| PageError::NotFound)?;
    let cs = state.store.case_study(id).await?.ok_or(PageError::NotFound)?;
    if !can_see_case_study(&user.viewer, cs.state, cs.submitted_by, cs.organisation) {
        return Err(PageError::Forbidden);
    }
    Ok(cs)
}

fn case_study_page(
    ctx: &Ctx,
    user: &CurrentUser,
    cs: CaseStudy,
    banner: Option<String>,
    form: &ReviewForm,
    errors: &[(String, String)],
) -> Response {
    let reviewer = can_review_case_study(&user.viewer, cs.organisation);
    let mine = cs.submitted_by == Some(user.person.id);
    let f = &cs.fields;
    let mut rows = vec![SummaryRow::new("Contact", f.contact.as_str())];
    rows.push(SummaryRow::optional("Organisation", cs.organisation_name.as_ref()));
    if reviewer || mine {
        rows.push(SummaryRow::optional("Sent by", cs.submitter_name.as_ref()));
    }
    rows.push(SummaryRow::new("Sent on", day(cs.submitted_at)));
    if let Some(p) = cs.published_at {
        rows.push(SummaryRow::new("Published on", day(p)));
    }
    let note = cs.review_note.clone().filter(|_| (reviewer || mine) && cs.state != ReviewState::Published).map(|n| {
        let heading = match cs.state {
            ReviewState::Rejected => "Why it was sent back",
            _ => "The last reviewer's note",
        };
        (heading.to_owned(), n)
    });
    let mut actions = vec![];
    if can_resubmit_case_study(&user.viewer, cs.state, cs.submitted_by) {
        actions.push(Link::new(format!("/hub/case-studies/{}/edit", cs.id), "Change it and send it again"));
    }
    let review = if !reviewer {
        None
    } else {
        match cs.state {
            ReviewState::Submitted => Some((
                vec![
                    Field::new("decision", "Your decision", "radios").value(&form.decision).options([
                        (ReviewAction::Publish.code().to_owned(), "Publish it".to_owned()),
                        (ReviewAction::Reject.code().to_owned(), "Send it back to its author".to_owned()),
                    ]),
                    Field::new("note", "Note to the author", "textarea")
                        .value(&form.note)
                        .hint("Needed when you send it back: say what should change"),
                ],
                "Save decision".to_owned(),
            )),
            ReviewState::Published => Some((
                vec![
                    Field::new("decision", "", "hidden").value(ReviewAction::Unpublish.code()),
                    Field::new("note", "Why it is being unpublished (optional)", "textarea").value(&form.note),
                ],
                "Unpublish it".to_owned(),
            )),
            ReviewState::Rejected => None,
        }
    };
    let mut fields: Vec<Field> = review.as_ref().map(|r| r.0.clone()).unwrap_or_default();
    let errors = attach_errors(&mut fields, errors);
    let review = review.map(|(_, submit)| (fields, submit));
    let mut layout = ctx.layout(f.title.as_str(), Some(user)).with_back("/hub/case-studies", "Back to case studies");
    layout.banner = banner;
    layout.error_prefix = !errors.is_empty();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CaseStudyPage {
        layout,
        id: cs.id.to_string(),
        caption: cs.organisation_name.clone().map(|o| format!("Case study from {o}")),
        state: (cs.state != ReviewState::Published).then(|| state_tag(cs.state)),
        context: paragraphs(f.context.as_str()),
        what_was_done: paragraphs(f.what_was_done.as_str()),
        outcomes: paragraphs(f.outcomes.as_str()),
        rows,
        tags: f.tags.as_slice().iter().map(|t| tag_link(t)).collect(),
        note,
        actions,
        review,
        errors,
        error_title: "There is a problem".to_owned(),
    };
    render(status, &page)
}

async fn case_study(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<CaseStudyQuery>,
) -> Result<Response, PageError> {
    let cs = visible_case_study(&state, &user, &id).await?;
    let banner = if q.submitted.is_some() || q.resubmitted.is_some() {
        Some("Thank you. Your case study has been sent for review: it will be published once an administrator has read it.".to_owned())
    } else {
        q.reviewed.as_deref().and_then(|r| r.parse::<ReviewAction>().ok()).map(|a| {
            match a {
                ReviewAction::Publish => "The case study has been published.",
                ReviewAction::Reject => "The case study has been sent back to its author with your note.",
                ReviewAction::Unpublish => "The case study has been unpublished and is waiting for review again.",
                ReviewAction::Resubmit => "The case study has been sent again.",
            }
            .to_owned()
        })
    };
    Ok(case_study_page(&ctx, &user, cs, banner, &ReviewForm::default(), &[]))
}

fn refused(ctx: &Ctx, user: &CurrentUser, id: CaseStudyId, message: String) -> Response {
    let page = MessagePage {
        layout: ctx.layout("This case study cannot be changed that way", Some(user)),
        paragraphs: vec![message, "Nothing was changed.".to_owned()],
        buttons: vec![],
        links: vec![Link::new(format!("/hub/case-studies/{id}"), "Back to the case study")],
    };
    (StatusCode::CONFLICT, page).into_response()
}

const REVIEWED_MEANWHILE: &str =
    "Someone else changed or reviewed this case study after you opened it. Look at it again before deciding.";

async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<ReviewForm>,
) -> Result<Response, PageError> {
    let id: CaseStudyId = id.parse().map_err(|_| PageError::NotFound)?;
    let cs = state.store.case_study(id).await?.ok_or(PageError::NotFound)?;
    if !can_review_case_study(&user.viewer, cs.organisation) {
        return Err(PageError::Forbidden);
    }
    let decision = match Decision::parse(&form.decision, &form.note) {
        Ok(d) => d,
        Err(e) => {
            let field = if e == DecisionError::NoAction { "decision" } else { "note" };
            return Ok(case_study_page(&ctx, &user, cs, None, &form, &[(field.to_owned(), e.to_string())]));
        }
    };
    let to = match cs.state.apply(decision.action) {
        Ok(to) => to,
        Err(refusal) => return Ok(refused(&ctx, &user, id, refusal.to_string())),
    };
    let now = Timestamp::now();
    match state.store.review_case_study(id, cs.state, to, decision.note.as_ref(), user.person.id, now).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(_)) => return Ok(refused(&ctx, &user, id, REVIEWED_MEANWHILE.to_owned())),
        Err(e) => return Err(e.into()),
    }
    let action = decision.action.code();
    state.store.audit(Some(user.person.id), &format!("case-study.{action}"), Some(id.to_string()), now).await?;
    Ok(Redirect::to(&format!("/hub/case-studies/{id}?reviewed={action}")).into_response())
}

// ------------------------------------------------------------------ case studies: sending again

/// The submitter's own case study, which they may change only once it has been sent back.
async fn resubmittable(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    id: &str,
) -> Result<Result<(CaseStudy, ReviewState), Response>, PageError> {
    let cs = visible_case_study(state, user, id).await?;
    if cs.submitted_by != Some(user.person.id) {
        return Err(PageError::Forbidden);
    }
    match cs.state.apply(ReviewAction::Resubmit) {
        Ok(to) if can_resubmit_case_study(&user.viewer, cs.state, cs.submitted_by) => Ok(Ok((cs, to))),
        Ok(_) => Err(PageError::Forbidden),
        Err(refusal) => Ok(Err(refused(ctx, user, cs.id, refusal.to_string()))),
    }
}

fn resubmit_page(
    ctx: &Ctx,
    user: &CurrentUser,
    cs: &CaseStudy,
    form: &CaseStudyForm,
    errors: &[(String, String)],
) -> Response {
    let mut page = FormPage::new(
        ctx.layout("Change your case study", Some(user))
            .with_back(format!("/hub/case-studies/{}", cs.id), "Back to the case study"),
        format!("/hub/case-studies/{}/edit", cs.id),
        form.fields(),
        "Send for review again",
    )
    .with_errors(errors);
    page.intro = match &cs.review_note {
        Some(note) => vec!["The reviewer sent it back with this note:".to_owned(), note.clone()],
        None => vec![],
    };
    page.into_response()
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (cs, _) = match resubmittable(&state, &ctx, &user, &id).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    Ok(resubmit_page(&ctx, &user, &cs, &CaseStudyForm::of(&cs.fields), &[]))
}

async fn resubmit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CaseStudyForm>,
) -> Result<Response, PageError> {
    let (cs, to) = match resubmittable(&state, &ctx, &user, &id).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    let fields = match form.parse() {
        Ok(f) => f,
        Err(errors) => return Ok(resubmit_page(&ctx, &user, &cs, &form, &errors)),
    };
    let now = Timestamp::now();
    match state.store.resubmit_case_study(cs.id, user.person.id, &fields, cs.state, to, now).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict(_)) => {
            return Ok(refused(&ctx, &user, cs.id, REVIEWED_MEANWHILE.to_owned()));
        }
        Err(e) => return Err(e.into()),
    }
    state.store.audit(Some(user.person.id), "case-study.resubmit", Some(cs.id.to_string()), now).await?;
    Ok(Redirect::to(&format!("/hub/case-studies/{}?resubmitted=1", cs.id)).into_response())
}

// ------------------------------------------------------------------ the review queue

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QueueQuery {
    page: Option<u32>,
}

async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> Result<TablePage, PageError> {
    if !reviews_any_case_studies(&user.viewer) {
        return Err(PageError::Forbidden);
    }
    let scope = review_scope(&user)?;
    let page = state.store.case_studies_for_review(scope.as_deref(), PageRequest::new(q.page, None)).await?;
    let whose = if scope.is_none() {
        "Case studies from every organisation wait here until someone publishes them or sends them back."
    } else {
        "Case studies from the organisations you administer wait here until someone publishes them or sends them back."
    };
    Ok(TablePage {
        layout: ctx.layout("Review case studies", Some(&user)).with_back("/hub", "Back to the knowledge hub"),
        intro: vec![whose.to_owned(), "Open one to read it and decide.".to_owned()],
        actions: vec![],
        search: None,
        caption: format!("{} waiting, oldest first", page.total),
        columns: vec!["Title".into(), "Organisation".into(), "Sent by".into(), "Sent on".into()],
        rows: page
            .items
            .iter()
            .map(|c| {
                vec![
                    Cell::link(&c.title, format!("/hub/case-studies/{}", c.id)),
                    Cell::text(c.organisation_name.clone().unwrap_or_else(|| "None".to_owned())),
                    Cell::text(c.submitter_name.clone().unwrap_or_else(|| "Unknown".to_owned())),
                    Cell::text(day(c.submitted_at)),
                ]
            })
            .collect(),
        empty: "No case studies are waiting for review.".to_owned(),
        pagination: Pagination::of(&page, "/hub/review", None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_found_by_id_or_by_their_page() {
        let id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        let want: ResourceId = id.parse().expect("a valid id");
        assert_eq!(resource_from_text(id), Some(want));
        assert_eq!(resource_from_text(&format!(" https://gt.example/learning/resources/{id}/ ")), Some(want));
        assert_eq!(resource_from_text(&format!("/learning/resources/{id}?x=1")), Some(want));
        assert_eq!(resource_from_text("leadership"), None);
        assert_eq!(resource_from_text(""), None);
    }

    #[test]
    fn paragraphs_split_on_lines() {
        assert_eq!(paragraphs("One.\n\n  Two.\nThree."), ["One.", "Two.", "Three."]);
    }
}
