//! The portfolio: downloading one's record (or a period of it) as PDF or JSON, sharing it by a
//! link that expires and can be revoked, and the public view through such a link, where every
//! view is logged and shown to the learner.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::ids::ShareId;
use domain::people::Email;
use domain::portfolio::{hours, say_date, say_minutes, Period, Recipient, ShareDays, ShareStatus};
use jiff::Timestamp;
use serde::Deserialize;
use store::portfolio::{NewShare, Share};

use super::view::{attach_errors, render, Field, FieldError, Layout, SummaryRow};
use super::{Ctx, PageForm};
use crate::api::portfolio::Portfolio;
use crate::auth::{hash_secret, new_secret, CurrentUser};
use crate::charts::{paired_percent, BarChart};
use crate::error::{error_page, PageError};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portfolio", get(index))
        .route("/portfolio.pdf", get(download_pdf))
        .route("/portfolio.json", get(download_json))
        .route("/portfolio/shares", post(create_share))
        .route("/portfolio/shares/{id}/revoke", post(revoke))
        .route("/shared/{token}", get(shared))
        .route("/shared/{token}/portfolio.pdf", get(shared_pdf))
}

fn when(t: Timestamp) -> String {
    t.strftime("%-d %B %Y, %H:%M UTC").to_string()
}

fn figures(p: &Portfolio) -> Vec<(String, String)> {
    let s = &p.summary;
    let mut out = vec![
        ("Entries".to_owned(), s.entries.to_string()),
        ("Time recorded".to_owned(), format!("{} hours", hours(s.total_minutes))),
    ];
    if let (Some(a), Some(b)) = (s.first, s.last) {
        out.push(("Dates of the entries".to_owned(), format!("{} to {}", say_date(a), say_date(b))));
    }
    out
}

// ------------------------------------------------------------------ the learner's page

struct Created {
    recipient: String,
    link: String,
    expires: String,
    period: String,
}

struct ShareRow {
    recipient: String,
    period: String,
    expires: String,
    status: &'static str,
    views: u64,
    revoke: Option<String>,
}

#[derive(Template)]
#[template(path = "portfolio/index.html")]
struct PortfolioPage {
    layout: Layout,
    errors: Vec<FieldError>,
    error_title: String,
    figures: Vec<(String, String)>,
    period_fields: Vec<Field>,
    share_fields: Vec<Field>,
    created: Option<Created>,
    shares: Vec<ShareRow>,
    /// (when, the link's recipient, what was viewed)
    views: Vec<(String, String, String)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PeriodForm {
    from: String,
    to: String,
    revoked: Option<String>,
    already: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShareForm {
    recipient: String,
    recipient_email: String,
    share_from: String,
    share_to: String,
    days: String,
    submission: String,
}

/// A share form that passed: who for (and their address), the period, how long.
type ShareRequest = (Recipient, Option<Email>, Period, ShareDays);

impl ShareForm {
    fn blank() -> Self {
        Self { days: ShareDays::DEFAULT.get().to_string(), submission: new_secret(), ..Self::default() }
    }

    /// Checks every field; each problem is named against its field.
    fn parse(&self) -> Result<ShareRequest, Vec<(String, String)>> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let recipient =
            Recipient::parse(&self.recipient).map_err(|e| errors.push(("recipient".into(), e.to_string()))).ok();
        let email = if self.recipient_email.trim().is_empty() {
            Some(None)
        } else {
            Email::parse(&self.recipient_email)
                .map_err(|_| {
                    errors.push((
                        "recipient_email".into(),
                        "Enter their email address in the correct format, like name@example.com, or leave it empty"
                            .into(),
                    ))
                })
                .ok()
                .map(Some)
        };
        let period = Period::parse(&self.share_from, &self.share_to)
            .map_err(|es| {
                for e in es {
                    errors.push((format!("share_{}", e.field()), e.to_string()));
                }
            })
            .ok();
        let days = ShareDays::parse(&self.days).map_err(|e| errors.push(("days".into(), e.to_string()))).ok();
        match (recipient, email, period, days) {
            (Some(r), Some(e), Some(p), Some(d)) if errors.is_empty() => Ok((r, e, p, d)),
            _ => Err(errors),
        }
    }

    fn fields(&self) -> Vec<Field> {
        vec![
            Field::text("recipient", "Who is the link for?")
                .value(&self.recipient)
                .hint("For example, \"Appraiser, Riverside Council\" or \"Hiring manager, Northgate Care\""),
            Field::new("recipient_email", "Their email address (optional)", "email")
                .value(&self.recipient_email)
                .hint("Kept with the link so that you remember whom you sent it to. It is not sent by goldthread.")
                .autocomplete("off"),
            Field::text("share_from", "Share entries from (optional)")
                .value(&self.share_from)
                .hint("The first day to share, for example 2025-04-01. Leave empty to start at the beginning."),
            Field::text("share_to", "Share entries up to (optional)").value(&self.share_to).hint(
                "The last day to share, for example 2026-03-31. Leave empty to include new entries as you add them.",
            ),
            Field::text("days", "How many days should the link work?")
                .value(&self.days)
                .hint("From 1 to 90 days. You can revoke it sooner."),
            Field::new("submission", "", "hidden").value(&self.submission),
        ]
    }
}

fn period_fields(form: &PeriodForm) -> Vec<Field> {
    vec![
        Field::text("from", "From (optional)").value(&form.from).hint("The first day, for example 2025-04-01"),
        Field::text("to", "To (optional)").value(&form.to).hint("The last day, for example 2026-03-31"),
    ]
}

/// Everything the learner's page shows besides what was posted.
#[expect(clippy::too_many_arguments, reason = "the page's parts, each from a different request")]
async fn portfolio_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    period: &PeriodForm,
    share: &ShareForm,
    errors: &[(String, String)],
    created: Option<Created>,
    banner: Option<String>,
) -> Result<PortfolioPage, PageError> {
    let now = Timestamp::now();
    let whole = Portfolio::load(&state.store, &user.person, Period::ALL, now).await?;
    let shares = state.store.shares_of(user.person.id).await?;
    let views = state.store.share_views_of(user.person.id, 100).await?;
    let recipient_of =
        |id: ShareId| shares.iter().find(|s| s.id == id).map_or_else(String::new, |s| s.recipient.clone());
    let mut period_fields = period_fields(period);
    let mut share_fields = share.fields();
    let mut errs = attach_errors(&mut period_fields, errors);
    let share_errs = attach_errors(&mut share_fields, errors);
    // Each error belongs to one of the two forms; keep the one that found its field.
    errs = errs.into_iter().zip(share_errs).map(|(a, b)| if a.field.is_empty() { b } else { a }).collect();
    let mut layout = ctx.layout("Your portfolio", Some(user)).with_banner(banner);
    layout.error_prefix = !errs.is_empty();
    Ok(PortfolioPage {
        layout,
        errors: errs,
        error_title: "There is a problem".to_owned(),
        figures: figures(&whole),
        period_fields,
        share_fields,
        created,
        views: views
            .iter()
            .map(|v| {
                let what = match v.note.as_deref() {
                    Some("pdf") => "Downloaded the PDF",
                    _ => "Viewed the web page",
                };
                (when(v.viewed_at), recipient_of(v.share), what.to_owned())
            })
            .collect(),
        shares: shares
            .iter()
            .map(|s| {
                let status = s.status(now);
                ShareRow {
                    recipient: s.recipient.clone(),
                    period: s.period.describe(),
                    expires: when(s.expires_at),
                    status: status.label(),
                    views: s.views,
                    revoke: (status == ShareStatus::Live).then(|| format!("/portfolio/shares/{}/revoke", s.id)),
                }
            })
            .collect(),
    })
}

fn with_status(status: StatusCode, page: &PortfolioPage) -> Response {
    render(status, page)
}

async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PeriodForm>,
) -> Result<Response, PageError> {
    let banner = if q.revoked.is_some() {
        Some("The link has been revoked: it stopped working at once.".to_owned())
    } else {
        q.already
            .as_ref()
            .map(|_| "That form had already been sent: the link was made once and is listed below.".to_owned())
    };
    let page = portfolio_page(&state, &ctx, &user, &q, &ShareForm::blank(), &[], None, banner).await?;
    Ok(with_status(StatusCode::OK, &page))
}

/// The learner's own portfolio for the period asked for, or their page with the problems.
async fn own_portfolio(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    q: &PeriodForm,
) -> Result<Result<Portfolio, Response>, PageError> {
    match Period::parse(&q.from, &q.to) {
        Ok(period) => Ok(Ok(Portfolio::load(&state.store, &user.person, period, Timestamp::now()).await?)),
        Err(es) => {
            let errors: Vec<(String, String)> = es.iter().map(|e| (e.field().to_owned(), e.to_string())).collect();
            let page = portfolio_page(state, ctx, user, q, &ShareForm::blank(), &errors, None, None).await?;
            Ok(Err(with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)))
        }
    }
}

async fn download_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PeriodForm>,
) -> Result<Response, PageError> {
    match own_portfolio(&state, &ctx, &user, &q).await? {
        Ok(p) => {
            let made_on = p.made_on;
            Ok(Portfolio::pdf_download(made_on, p.pdf().await?))
        }
        Err(page) => Ok(page),
    }
}

async fn download_json(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PeriodForm>,
) -> Result<Response, PageError> {
    match own_portfolio(&state, &ctx, &user, &q).await? {
        Ok(p) => Ok(p.json_download()),
        Err(page) => Ok(page),
    }
}

async fn create_share(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    PageForm(form): PageForm<ShareForm>,
) -> Result<Response, PageError> {
    let (recipient, email, period, days) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = portfolio_page(&state, &ctx, &user, &PeriodForm::default(), &form, &errors, None, None).await?;
            return Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let now = Timestamp::now();
    let key = format!("share:{}", form.submission);
    if !form.submission.is_empty() {
        if let Some(previous) = state.store.claim_submission(&key, "/portfolio?already=1", now).await? {
            return Ok(Redirect::to(&previous).into_response());
        }
    }
    let token = new_secret();
    let share = NewShare {
        id: ShareId::from_uuid(uuid::Uuid::now_v7()),
        person: user.person.id,
        token_hash: hash_secret(&token),
        recipient,
        recipient_email: email,
        period,
        expires_at: days.expires_at(now),
    };
    if let Err(e) = state.store.create_share(&share, now).await {
        if !form.submission.is_empty() {
            state.store.release_submission(&key).await?;
        }
        return Err(e.into());
    }
    state.store.audit(Some(user.person.id), "portfolio.shared", Some(share.id.to_string()), now).await?;
    let created = Created {
        recipient: share.recipient.as_str().to_owned(),
        link: format!("{}/shared/{token}", state.config.base_url),
        expires: when(share.expires_at),
        period: period.describe().to_lowercase(),
    };
    let page =
        portfolio_page(&state, &ctx, &user, &PeriodForm::default(), &ShareForm::blank(), &[], Some(created), None)
            .await?;
    Ok(with_status(StatusCode::CREATED, &page))
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: ShareId = id.parse().map_err(|_| PageError::NotFound)?;
    let now = Timestamp::now();
    state.store.revoke_share(id, user.person.id, now).await?;
    state.store.audit(Some(user.person.id), "portfolio.share-revoked", Some(id.to_string()), now).await?;
    Ok(Redirect::to("/portfolio?revoked=1").into_response())
}

// ------------------------------------------------------------------ the view through a link

struct EntryView {
    title: String,
    rows: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "portfolio/shared.html")]
struct SharedPage {
    layout: Layout,
    name: String,
    rows: Vec<SummaryRow>,
    pdf: String,
    figures: Vec<(String, String)>,
    chart: BarChart,
    balance: Vec<Vec<String>>,
    entries: Vec<EntryView>,
}

/// Paragraphs of a reflection, as written.
fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// Pages seen through a link are nobody's to cache or index.
fn private(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    response
}

fn refusal(ctx: &Ctx, status: StatusCode, title: &str, why: &str) -> Response {
    let layout = Layout::new(title, &ctx.csrf, None, "");
    private(error_page(
        status,
        title,
        vec![
            why.to_owned(),
            "If you need to see this portfolio, ask the person who shared it with you for a new link.".to_owned(),
        ],
        Some(layout),
    ))
}

/// The share behind a link if it works now, with this view logged; otherwise the page that
/// says why not. A link revoked a moment ago logs nothing and shows nothing.
async fn open_share(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    now: Timestamp,
    note: &str,
) -> Result<Result<Share, Response>, PageError> {
    let gone = |title: &str, why: &str| refusal(ctx, StatusCode::GONE, title, why);
    let share = if token.len() <= 128 { state.store.share_by_token_hash(&hash_secret(token)).await? } else { None };
    let Some(share) = share else {
        return Ok(Err(refusal(
            ctx,
            StatusCode::NOT_FOUND,
            "This link does not work",
            "Check that you copied the whole link.",
        )));
    };
    let expired = || gone("This link has expired", "The person who shared their portfolio set it to stop working.");
    let revoked = || gone("This link has been revoked", "The person who shared their portfolio has withdrawn it.");
    match share.status(now) {
        ShareStatus::Expired => Ok(Err(expired())),
        ShareStatus::Revoked => Ok(Err(revoked())),
        ShareStatus::Live if state.store.log_share_view(share.id, now, note).await? => Ok(Ok(share)),
        ShareStatus::Live => Ok(Err(revoked())),
    }
}

async fn shared_portfolio(state: &AppState, share: &Share, now: Timestamp) -> Result<Portfolio, PageError> {
    let person = state.store.person(share.person).await?.ok_or(PageError::NotFound)?;
    Ok(Portfolio::load(&state.store, &person, share.period, now).await?)
}

async fn shared(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> Result<Response, PageError> {
    let now = Timestamp::now();
    let share = match open_share(&state, &ctx, &token, now, "page").await? {
        Ok(share) => share,
        Err(refused) => return Ok(refused),
    };
    let p = shared_portfolio(&state, &share, now).await?;
    let balance = &p.summary.balance;
    let mut chart = paired_percent(
        "balance",
        "The 70:20:10 balance",
        "Paired bars comparing the share of learning time of each kind in this portfolio with the 70:20:10 model.",
        &balance
            .shares
            .iter()
            .map(|s| (s.kind.label().to_owned(), s.percent, f64::from(s.model_percent)))
            .collect::<Vec<_>>(),
    );
    // The chart speaks to the learner ("you"); here someone else is reading.
    for bar in &mut chart.bars {
        if let Some(figure) = bar.value.strip_suffix(" you") {
            bar.value = format!("{figure} recorded");
        }
    }
    let page = SharedPage {
        layout: Layout::new(p.name.clone(), &ctx.csrf, None, ""),
        name: p.name.clone(),
        rows: vec![
            SummaryRow::new("Current organisation", p.organisation.clone().unwrap_or_else(|| "None given".to_owned())),
            SummaryRow::new("Period", p.period.describe()),
            SummaryRow::new("Shared with", share.recipient.clone()),
            SummaryRow::new("This link works until", when(share.expires_at)),
        ],
        pdf: format!("/shared/{token}/portfolio.pdf"),
        figures: figures(&p),
        chart,
        balance: balance
            .shares
            .iter()
            .map(|s| {
                vec![
                    s.kind.label().to_owned(),
                    hours(s.minutes).to_string(),
                    format!("{:.0}%", s.percent),
                    format!("{}%", s.model_percent),
                ]
            })
            .collect(),
        entries: p
            .entries
            .iter()
            .map(|e| {
                let f = &e.fields;
                let mut rows = vec![
                    ("Date".to_owned(), vec![say_date(f.occurred_on)]),
                    ("Activity".to_owned(), vec![f.activity.label().to_owned()]),
                    ("Kind of learning".to_owned(), vec![f.kind.label().to_owned()]),
                    ("Time spent".to_owned(), vec![say_minutes(f.time.get())]),
                    ("What I learned".to_owned(), paragraphs(f.reflection.learned())),
                ];
                if let Some(apply) = f.reflection.apply() {
                    rows.push(("How I will use it in practice".to_owned(), paragraphs(apply)));
                }
                if !f.behaviours.is_empty() {
                    rows.push(("Behaviours".to_owned(), vec![f.behaviours.join(", ")]));
                }
                if let Some(org) = &e.organisation {
                    rows.push(("Employer at the time".to_owned(), vec![org.clone()]));
                }
                EntryView { title: f.title.as_str().to_owned(), rows }
            })
            .collect(),
    };
    Ok(private(render(StatusCode::OK, &page)))
}

async fn shared_pdf(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> Result<Response, PageError> {
    let now = Timestamp::now();
    let share = match open_share(&state, &ctx, &token, now, "pdf").await? {
        Ok(share) => share,
        Err(refused) => return Ok(refused),
    };
    let p = shared_portfolio(&state, &share, now).await?;
    let made_on = p.made_on;
    Ok(private(Portfolio::pdf_download(made_on, p.pdf().await?)))
}
