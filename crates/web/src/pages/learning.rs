//! The learning catalogue: search, a resource's page, opening it (which starts the timer),
//! "Record your learning", ratings, and the admins' resource forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::ids::{EntryId, ResourceId};
use domain::learning::{
    can_manage_catalogue, remaining, say_remaining, Activity, EstimatedMinutes, LearningKind, Reflection, ResourceKind,
    SearchTerms, Summary, TimeSpent, Title,
};
use domain::paging::PageRequest;
use domain::people::{Level, Sector};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use store::learning::{EntryFields, ResourceFields, ResourceFilter};

use super::view::{render, ButtonForm, Field, FormPage, Layout, Link, Pagination, SummaryRow};
use super::{Ctx, PageForm};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/learning", get(catalogue))
        .route("/learning/resources/new", get(new_form).post(create))
        .route("/learning/resources/{id}", get(resource))
        .route("/learning/resources/{id}/open", get(open))
        .route("/learning/resources/{id}/record", get(record_form).post(record))
        .route("/learning/resources/{id}/rate", post(rate))
        .route("/learning/resources/{id}/edit", get(edit_form).post(edit))
        .route("/learning/resources/{id}/retire", post(retire))
}

pub struct ResultItem {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub kind: &'static str,
    pub minutes: String,
    pub publisher: Option<String>,
}

#[derive(Template)]
#[template(path = "learning/catalogue.html")]
struct CataloguePage {
    layout: Layout,
    filters: Vec<Field>,
    actions: Vec<Link>,
    heading: String,
    results: Vec<ResultItem>,
    pagination: Option<Pagination>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CatalogueQuery {
    q: String,
    kind: String,
    duration: String,
    level: String,
    sector: String,
    behaviour: String,
    page: Option<u32>,
}

fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    none: &str,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), none.to_owned()))
        .chain(all.iter().map(|v| (code(*v).to_owned(), label(*v).to_owned())))
        .collect()
}

pub fn say_minutes(m: u32) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

async fn catalogue(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<CatalogueQuery>,
) -> Result<Response, PageError> {
    let filter = ResourceFilter {
        terms: SearchTerms::parse(&q.q),
        kind: q.kind.parse().ok(),
        max_minutes: q.duration.parse().ok(),
        level: q.level.parse().ok(),
        sector: q.sector.parse().ok(),
        behaviour: Some(q.behaviour.clone()).filter(|b| !b.trim().is_empty()),
        include_retired: false,
    };
    let page = state.store.search_resources(&filter, PageRequest::new(q.page, Some(20))).await?;
    let filters = vec![
        Field::new("q", "Search", "search").value(&q.q),
        Field::new("kind", "Type", "select").value(&q.kind).options(choices(
            ResourceKind::ALL,
            ResourceKind::code,
            ResourceKind::label,
            "Any type",
        )),
        Field::new("duration", "Time it takes", "select").value(&q.duration).options([
            (String::new(), "Any length".to_owned()),
            ("10".to_owned(), "10 minutes or less".to_owned()),
            ("30".to_owned(), "30 minutes or less".to_owned()),
            ("60".to_owned(), "An hour or less".to_owned()),
            ("480".to_owned(), "A day or less".to_owned()),
        ]),
        Field::new("level", "Level", "select").value(&q.level).options(choices(
            Level::ALL,
            Level::code,
            Level::label,
            "Any level",
        )),
        Field::new("sector", "Sector", "select").value(&q.sector).options(choices(
            Sector::ALL,
            Sector::code,
            Sector::label,
            "Any sector",
        )),
        Field::text("behaviour", "Behaviour it develops").value(&q.behaviour),
    ];
    let query: Vec<(&str, &str)> = [
        ("q", q.q.as_str()),
        ("kind", &q.kind),
        ("duration", &q.duration),
        ("level", &q.level),
        ("sector", &q.sector),
        ("behaviour", &q.behaviour),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let keep = serde_urlencoded::to_string(&query).unwrap_or_default();
    let pagination = Pagination::of(&page, "/learning", None).map(|mut p| {
        let add = |l: Option<String>| l.map(|l| if keep.is_empty() { l } else { format!("{l}&{keep}") });
        p.previous = add(p.previous);
        p.next = add(p.next);
        p
    });
    let count = page.total;
    let heading = if filter.terms.is_empty() {
        format!("{count} resources")
    } else {
        format!("{count} resources match \"{}\"", q.q.trim())
    };
    let actions = if can_manage_catalogue(&user.viewer) {
        vec![Link::new("/learning/resources/new", "Add a resource")]
    } else {
        vec![]
    };
    Ok(render(
        StatusCode::OK,
        &CataloguePage {
            layout: ctx.layout("Find learning", Some(&user)),
            filters,
            actions,
            heading,
            results: page
                .items
                .into_iter()
                .map(|r| ResultItem {
                    id: r.id.to_string(),
                    title: r.title,
                    summary: r.summary,
                    kind: r.kind.label(),
                    minutes: say_minutes(r.estimated.get()),
                    publisher: r.publisher,
                })
                .collect(),
            pagination,
        },
    ))
}

#[derive(Template)]
#[template(path = "learning/resource.html")]
struct ResourcePage {
    layout: Layout,
    id: String,
    kind: &'static str,
    summary: String,
    body: Option<String>,
    rows: Vec<SummaryRow>,
    estimated: String,
    opened: String,
    /// (words, seconds) left before recording opens.
    remaining: Option<(String, i64)>,
    can_record: bool,
    rating: String,
    rate_fields: Vec<Field>,
    reviews: Vec<(String, String, String)>,
    actions: Vec<Link>,
    buttons: Vec<ButtonForm>,
}

fn resource_id(id: &str) -> Result<ResourceId, PageError> {
    id.parse().map_err(|_| PageError::NotFound)
}

async fn resource(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = resource_id(&id)?;
    let r = state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    let now = Timestamp::now();
    let opened = state.store.opened_at(user.person.id, id).await?;
    let left = opened.map(|o| remaining(now, o, r.fields.estimated));
    let f = &r.fields;
    let mut rows = vec![SummaryRow::new("Time it takes", say_minutes(f.estimated.get()))];
    rows.push(SummaryRow::optional("Publisher", f.publisher.as_ref()));
    if !f.levels.is_empty() {
        rows.push(SummaryRow::new("Levels", f.levels.iter().map(|l| l.label()).collect::<Vec<_>>().join(", ")));
    }
    if !f.sectors.is_empty() {
        rows.push(SummaryRow::new("Sectors", f.sectors.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")));
    }
    if !f.behaviours.is_empty() {
        rows.push(SummaryRow::new("Behaviours it develops", f.behaviours.join(", ")));
    }
    if r.retired {
        rows.push(SummaryRow::new("Status", "Retired: no longer offered"));
    }
    let reviews = state.store.reviews(id).await?;
    let mine = reviews.iter().find(|x| x.person == user.person.id);
    let rate_fields = vec![
        Field::new("stars", "Your rating", "select")
            .value(mine.map(|m| m.stars.to_string()).unwrap_or_default())
            .options([
                (String::new(), "Choose".to_owned()),
                ("5".to_owned(), "5 – excellent".to_owned()),
                ("4".to_owned(), "4 – good".to_owned()),
                ("3".to_owned(), "3 – fair".to_owned()),
                ("2".to_owned(), "2 – poor".to_owned()),
                ("1".to_owned(), "1 – not useful".to_owned()),
            ]),
        Field::new("review", "A short review (optional)", "textarea")
            .value(mine.and_then(|m| m.review.clone()).unwrap_or_default()),
    ];
    let manage = can_manage_catalogue(&user.viewer);
    let page = ResourcePage {
        layout: ctx.layout(f.title.as_str(), Some(&user)).with_back("/learning", "Back to find learning"),
        id: id.to_string(),
        kind: f.kind.label(),
        summary: f.summary.as_str().to_owned(),
        body: f.body.clone(),
        rows,
        estimated: say_minutes(f.estimated.get()),
        opened: opened.map(|o| format!("at {}", o.strftime("%H:%M on %d %B %Y"))).unwrap_or_default(),
        remaining: left.filter(|l| !l.is_zero()).map(|l| (say_remaining(l), l.as_secs())),
        can_record: left.is_some_and(|l| l.is_zero()),
        rating: match r.rating {
            Some(avg) => format!(
                "Rated {avg:.1} out of 5 by {} {}.",
                r.ratings,
                if r.ratings == 1 { "person" } else { "people" }
            ),
            None => "Not rated yet.".to_owned(),
        },
        rate_fields,
        reviews: reviews
            .iter()
            .map(|x| (x.name.clone(), format!("{} out of 5", x.stars), x.review.clone().unwrap_or_default()))
            .collect(),
        actions: if manage {
            vec![Link::new(format!("/learning/resources/{id}/edit"), "Edit this resource")]
        } else {
            vec![]
        },
        buttons: if manage {
            vec![ButtonForm {
                action: format!("/learning/resources/{id}/retire"),
                label: if r.retired { "Offer it again".to_owned() } else { "Retire this resource".to_owned() },
                hidden: vec![],
                secondary: true,
            }]
        } else {
            vec![]
        },
    };
    Ok(render(StatusCode::OK, &page))
}

/// Opens a resource through goldthread: starts the timer, then goes to the resource itself.
async fn open(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = resource_id(&id)?;
    let r = state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    state.store.open_resource(user.person.id, id, Timestamp::now()).await?;
    let target = r
        .fields
        .url
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .unwrap_or_else(|| format!("/learning/resources/{id}"));
    Ok(Redirect::to(&target).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RecordForm {
    learned: String,
    apply: String,
    kind: String,
    behaviours: String,
    submission: String,
}

fn kind_options() -> Vec<(String, String)> {
    LearningKind::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned())).collect()
}

fn record_page(
    ctx: &Ctx,
    user: &CurrentUser,
    title: &str,
    id: ResourceId,
    form: &RecordForm,
    spent: &str,
    errors: &[(String, String)],
) -> FormPage {
    let fields = vec![
        Field::new("learned", "What did you learn?", "textarea").value(&form.learned),
        Field::new("apply", "How will you use it in practice?", "textarea").value(&form.apply),
        Field::new("kind", "What kind of learning was it?", "radios")
            .value(&form.kind)
            .hint("The 70:20:10 model: from experience, from others, or formal")
            .options(kind_options()),
        Field::text("behaviours", "Behaviours it developed")
            .value(&form.behaviours)
            .hint("Separate them with commas, for example: compassion, curiosity"),
        Field::new("submission", "", "hidden").value(&form.submission),
    ];
    let mut page = FormPage::new(
        ctx.layout("Record your learning", Some(user))
            .with_back(format!("/learning/resources/{id}"), "Back to the resource"),
        format!("/learning/resources/{id}/record"),
        fields,
        "Record learning",
    )
    .with_errors(errors);
    page.caption = Some(title.to_owned());
    page.intro = vec![format!("Time spent: {spent}, from when you opened it.")];
    page
}

/// The time actually spent: from opening to now, at least the estimate's minute and at most a day.
fn spent_since(opened: Timestamp, now: Timestamp) -> TimeSpent {
    let minutes = now.duration_since(opened).as_mins().clamp(1, i64::from(TimeSpent::MAX_MINUTES));
    TimeSpent::minutes(minutes).unwrap_or_else(|_| TimeSpent::minutes(1).expect("one minute is a valid time"))
}

async fn recordable(
    state: &AppState,
    user: &CurrentUser,
    id: ResourceId,
) -> Result<Result<(String, Timestamp), Response>, PageError> {
    let r = state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    let now = Timestamp::now();
    let refuse = |message: String| {
        let layout = Layout::new(
            "You cannot record this learning yet",
            &crate::auth::csrf::CsrfToken(String::new()),
            Some(user),
            "/learning",
        );
        let page = super::view::MessagePage {
            layout,
            paragraphs: vec![message, "Nothing was recorded.".to_owned()],
            buttons: vec![],
            links: vec![Link::new(format!("/learning/resources/{id}"), "Back to the resource")],
        };
        (StatusCode::CONFLICT, page).into_response()
    };
    let Some(opened) = state.store.opened_at(user.person.id, id).await? else {
        return Ok(Err(refuse("Open the resource through goldthread first: recording becomes available once it has been open for its estimated time.".to_owned())));
    };
    let left = remaining(now, opened, r.fields.estimated);
    if left > SignedDuration::ZERO {
        return Ok(Err(refuse(format!("{} till you can record this learning activity.", say_remaining(left)))));
    }
    Ok(Ok((r.fields.title.as_str().to_owned(), opened)))
}

async fn record_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = resource_id(&id)?;
    let (title, opened) = match recordable(&state, &user, id).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    let form = RecordForm {
        kind: LearningKind::Formal.code().to_owned(),
        submission: crate::auth::new_secret(),
        ..RecordForm::default()
    };
    Ok(record_page(&ctx, &user, &title, id, &form, &say_minutes(spent_since(opened, Timestamp::now()).get()), &[])
        .into_response())
}

pub fn parse_tags(s: &str) -> Vec<String> {
    s.split([',', ';']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<RecordForm>,
) -> Result<Response, PageError> {
    let id = resource_id(&id)?;
    let now = Timestamp::now();
    let entry = EntryId::from_uuid(uuid::Uuid::now_v7());
    let outcome = format!("/record/{entry}?recorded=1");
    let key = format!("record:{}", form.submission);
    // A form sent twice records once: the second sending is shown the first's entry.
    if !form.submission.is_empty() {
        if let Some(previous) = state.store.claim_submission(&key, &outcome, now).await? {
            return Ok(Redirect::to(&previous).into_response());
        }
    }
    let release = || async {
        if form.submission.is_empty() {
            Ok(())
        } else {
            state.store.release_submission(&key).await
        }
    };
    let (title, opened) = match recordable(&state, &user, id).await? {
        Ok(x) => x,
        Err(refused) => {
            release().await?;
            return Ok(refused);
        }
    };
    let mut errors = Vec::new();
    let reflection = Reflection::new(&form.learned, &form.apply)
        .map_err(|e| errors.push(("learned".to_owned(), e.to_string())))
        .ok();
    let kind = form
        .kind
        .parse::<LearningKind>()
        .map_err(|_| errors.push(("kind".to_owned(), "Choose what kind of learning it was".to_owned())))
        .ok();
    let spent = spent_since(opened, now);
    let (Some(reflection), Some(kind)) = (reflection, kind) else {
        release().await?;
        return Ok(record_page(&ctx, &user, &title, id, &form, &say_minutes(spent.get()), &errors).into_response());
    };
    let fields = EntryFields {
        title: Title::parse(&title).map_err(|e| PageError::Internal(e.into()))?,
        activity: Activity::Resource,
        kind,
        occurred_on: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
        time: spent,
        reflection,
        behaviours: parse_tags(&form.behaviours),
        resource: Some(id),
    };
    if let Err(e) = state
        .store
        .record_entry(entry, user.person.id, &fields, user.person.organisation.as_ref().map(|o| o.id), now)
        .await
    {
        release().await?;
        return Err(e.into());
    }
    crate::xapi::record::sync_entry(&state, entry).await;
    Ok(Redirect::to(&outcome).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RateForm {
    stars: String,
    review: String,
}

async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<RateForm>,
) -> Result<Response, PageError> {
    let id = resource_id(&id)?;
    state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    let stars: u8 = form
        .stars
        .parse()
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or_else(|| PageError::BadRequest("Choose a rating from 1 to 5.".to_owned()))?;
    let review = form.review.trim();
    if review.chars().count() > 2000 {
        return Err(PageError::BadRequest("A review must be 2,000 characters or fewer.".to_owned()));
    }
    state
        .store
        .rate_resource(id, user.person.id, stars, Some(review).filter(|r| !r.is_empty()), Timestamp::now())
        .await?;
    Ok(Redirect::to(&format!("/learning/resources/{id}")).into_response())
}

// ------------------------------------------------------------------ admins: resources

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResourceForm {
    title: String,
    summary: String,
    kind: String,
    url: String,
    body: String,
    minutes: String,
    levels: String,
    sectors: String,
    behaviours: String,
    publisher: String,
    review_on: String,
}

fn resource_fields(form: &ResourceForm) -> Vec<Field> {
    vec![
        Field::text("title", "Title").value(&form.title),
        Field::new("summary", "Summary", "textarea").value(&form.summary).hint("What it is and who it is for"),
        Field::new("kind", "Type", "select").value(&form.kind).options(choices(
            ResourceKind::ALL,
            ResourceKind::code,
            ResourceKind::label,
            "Choose",
        )),
        Field::new("url", "Web address", "url")
            .value(&form.url)
            .hint("Where the resource lives, starting https://. Leave empty if the body below is the resource."),
        Field::new("body", "Body", "textarea").value(&form.body).hint("Optional"),
        Field::text("minutes", "Estimated time in minutes").value(&form.minutes),
        Field::text("levels", "Levels it suits")
            .value(&form.levels)
            .hint("Level codes separated by commas, such as band-5, band-6, registered-manager. Leave empty for all."),
        Field::text("sectors", "Sectors it suits")
            .value(&form.sectors)
            .hint("health, social-care, social-work, separated by commas. Leave empty for all."),
        Field::text("behaviours", "Behaviours it develops").value(&form.behaviours).hint("Separated by commas"),
        Field::text("publisher", "Publisher").value(&form.publisher),
        Field::text("review_on", "Review date").value(&form.review_on).hint("Optional, for example 2027-04-01"),
    ]
}

fn parse_resource_form(form: &ResourceForm) -> Result<ResourceFields, Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut err = |f: &str, m: String| errors.push((f.to_owned(), m));
    let title = Title::parse(&form.title).map_err(|e| err("title", format!("Title {e}"))).ok();
    let summary = Summary::parse(&form.summary).map_err(|e| err("summary", format!("Summary {e}"))).ok();
    let kind = form.kind.parse::<ResourceKind>().map_err(|_| err("kind", "Choose the type".to_owned())).ok();
    let estimated =
        EstimatedMinutes::parse(&form.minutes).map_err(|e| err("minutes", format!("Estimated time must be {e}"))).ok();
    let url = Some(form.url.trim().to_owned()).filter(|u| !u.is_empty());
    if url.as_ref().is_some_and(|u| {
        !(u.starts_with("https://") || u.starts_with("http://")) || u.len() > 2000 || u.contains(char::is_whitespace)
    }) {
        err("url", "Enter a web address starting https://".to_owned());
    }
    let mut levels = Vec::new();
    for l in parse_tags(&form.levels) {
        match l.parse::<Level>() {
            Ok(l) => levels.push(l),
            Err(e) => err("levels", e.to_string()),
        }
    }
    let mut sectors = Vec::new();
    for s in parse_tags(&form.sectors) {
        match s.parse::<Sector>() {
            Ok(s) => sectors.push(s),
            Err(e) => err("sectors", format!("Sector {e}")),
        }
    }
    let review_on = Some(form.review_on.trim()).filter(|d| !d.is_empty()).and_then(|d| {
        domain::people::import::parse_date(d).map_err(|e| err("review_on", format!("Review date {e}"))).ok()
    });
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match (title, summary, kind, estimated) {
        (Some(title), Some(summary), Some(kind), Some(estimated)) if errors.is_empty() => Ok(ResourceFields {
            title,
            summary,
            kind,
            url,
            body: text(&form.body),
            estimated,
            levels,
            sectors,
            behaviours: parse_tags(&form.behaviours),
            publisher: text(&form.publisher),
            review_on,
        }),
        _ => Err(errors),
    }
}

fn require_catalogue(user: &CurrentUser) -> Result<(), PageError> {
    if can_manage_catalogue(&user.viewer) {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

async fn new_form(ctx: Ctx, user: CurrentUser) -> Result<FormPage, PageError> {
    require_catalogue(&user)?;
    Ok(FormPage::new(
        ctx.layout("Add a resource", Some(&user)).with_back("/learning", "Back to find learning"),
        "/learning/resources/new",
        resource_fields(&ResourceForm::default()),
        "Save resource",
    ))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<ResourceForm>,
) -> Result<Response, PageError> {
    require_catalogue(&user)?;
    match parse_resource_form(&form) {
        Err(errors) => Ok(FormPage::new(
            ctx.layout("Add a resource", Some(&user)),
            "/learning/resources/new",
            resource_fields(&form),
            "Save resource",
        )
        .with_errors(&errors)
        .into_response()),
        Ok(fields) => {
            let id = ResourceId::from_uuid(uuid::Uuid::now_v7());
            let now = Timestamp::now();
            state.store.create_resource(id, &fields, Some(user.person.id), now).await?;
            state.store.audit(Some(user.person.id), "resource.created", Some(id.to_string()), now).await?;
            Ok(Redirect::to(&format!("/learning/resources/{id}")).into_response())
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<FormPage, PageError> {
    require_catalogue(&user)?;
    let id = resource_id(&id)?;
    let r = state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    let f = r.fields;
    let form = ResourceForm {
        title: f.title.as_str().to_owned(),
        summary: f.summary.as_str().to_owned(),
        kind: f.kind.code().to_owned(),
        url: f.url.unwrap_or_default(),
        body: f.body.unwrap_or_default(),
        minutes: f.estimated.get().to_string(),
        levels: f.levels.iter().map(|l| l.code()).collect::<Vec<_>>().join(", "),
        sectors: f.sectors.iter().map(|s| s.code()).collect::<Vec<_>>().join(", "),
        behaviours: f.behaviours.join(", "),
        publisher: f.publisher.unwrap_or_default(),
        review_on: f.review_on.map(|d| d.to_string()).unwrap_or_default(),
    };
    Ok(FormPage::new(
        ctx.layout("Edit the resource", Some(&user)),
        format!("/learning/resources/{id}/edit"),
        resource_fields(&form),
        "Save changes",
    ))
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<ResourceForm>,
) -> Result<Response, PageError> {
    require_catalogue(&user)?;
    let id = resource_id(&id)?;
    state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    match parse_resource_form(&form) {
        Err(errors) => Ok(FormPage::new(
            ctx.layout("Edit the resource", Some(&user)),
            format!("/learning/resources/{id}/edit"),
            resource_fields(&form),
            "Save changes",
        )
        .with_errors(&errors)
        .into_response()),
        Ok(fields) => {
            let now = Timestamp::now();
            state.store.update_resource(id, &fields, now).await?;
            state.store.audit(Some(user.person.id), "resource.updated", Some(id.to_string()), now).await?;
            Ok(Redirect::to(&format!("/learning/resources/{id}")).into_response())
        }
    }
}

async fn retire(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    require_catalogue(&user)?;
    let id = resource_id(&id)?;
    let r = state.store.resource(id).await?.ok_or(PageError::NotFound)?;
    let now = Timestamp::now();
    state.store.set_resource_retired(id, !r.retired, now).await?;
    state
        .store
        .audit(
            Some(user.person.id),
            if r.retired { "resource.restored" } else { "resource.retired" },
            Some(id.to_string()),
            now,
        )
        .await?;
    Ok(Redirect::to(&format!("/learning/resources/{id}")).into_response())
}
