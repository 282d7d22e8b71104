//! `/api/v1/people/{id}/portfolio.json` and `.pdf`: a person's record, or a period of it, as a
//! document for an appraiser, a regulator or a new employer. Only its owner may export it.
//!
//! The portfolio itself ([`Portfolio`]: the person, the period, the summary figures and every
//! entry) is assembled here once and shared by the pages, the share links and the PDF.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::ids::PersonId;
use domain::portfolio::{hours, EntryFigures, Period, PeriodError, PortfolioSummary};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use store::learning::Entry;
use store::people::Person;
use store::Store;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::learning::EntryBody;
use super::{ApiError, FieldProblem, Problem};
use crate::auth::ApiUser;
use crate::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(json, pdf),
    components(schemas(
        PortfolioBody,
        PortfolioPerson,
        PeriodBody,
        SummaryBody,
        KindBody,
        YearBody,
        BehaviourBody,
        PdfFile
    ))
)]
pub struct PortfolioApi;

pub fn routes() -> Router<AppState> {
    Router::new().route("/people/{id}/portfolio.json", get(json)).route("/people/{id}/portfolio.pdf", get(pdf))
}

/// A person's record for a period, with its summary, ready to show or to print.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub person: PersonId,
    pub name: String,
    pub organisation: Option<String>,
    pub period: Period,
    pub made_on: Date,
    pub summary: PortfolioSummary,
    /// Newest first.
    pub entries: Vec<Entry>,
}

impl Portfolio {
    /// Reads every entry of `person`'s in `period` and works out the figures.
    pub async fn load(store: &Store, person: &Person, period: Period, now: Timestamp) -> store::Result<Self> {
        let entries = store.portfolio_entries(person.id, period).await?;
        let summary = PortfolioSummary::of(entries.iter().map(|e| EntryFigures {
            on: e.fields.occurred_on,
            kind: e.fields.kind,
            minutes: e.fields.time.get(),
            behaviours: &e.fields.behaviours,
        }));
        Ok(Self {
            person: person.id,
            name: person.name.as_str().to_owned(),
            organisation: person.organisation.as_ref().map(|o| o.name.as_str().to_owned()),
            period,
            made_on: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
            summary,
            entries,
        })
    }

    /// The PDF, made off the async threads (it is CPU work).
    pub async fn pdf(self) -> anyhow::Result<Vec<u8>> {
        Ok(tokio::task::spawn_blocking(move || crate::pdf::render(&self)).await??)
    }

    /// A download of `bytes` as this portfolio's PDF.
    pub fn pdf_download(made_on: Date, bytes: Vec<u8>) -> Response {
        download("application/pdf", &format!("portfolio-{made_on}.pdf"), bytes)
    }

    pub fn json_download(self) -> Response {
        let name = format!("portfolio-{}.json", self.made_on);
        match serde_json::to_vec_pretty(&PortfolioBody::from(self)) {
            Ok(bytes) => download("application/json", &name, bytes),
            Err(e) => ApiError::Internal(e.into()).into_response(),
        }
    }
}

fn download(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The portfolio as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioBody {
    pub person: PortfolioPerson,
    pub period: PeriodBody,
    /// ISO date the portfolio was made.
    pub made_on: String,
    pub summary: SummaryBody,
    /// Every entry in the period, newest first.
    pub entries: Vec<EntryBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioPerson {
    pub id: String,
    pub name: String,
    /// Their current organisation.
    pub organisation: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodBody {
    /// ISO date, or none for the start of the record.
    pub from: Option<String>,
    /// ISO date, or none for the end of the record.
    pub to: Option<String>,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryBody {
    pub entries: u64,
    pub total_minutes: u64,
    pub hours: f64,
    /// ISO date of the first entry.
    pub first: Option<String>,
    /// ISO date of the last entry.
    pub last: Option<String>,
    /// The 70:20:10 balance against the model.
    pub balance: Vec<KindBody>,
    pub by_year: Vec<YearBody>,
    pub behaviours: Vec<BehaviourBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindBody {
    /// experience, others or formal.
    pub kind: String,
    pub minutes: u64,
    pub percent: f64,
    pub model_percent: u8,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearBody {
    pub year: i16,
    pub minutes: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BehaviourBody {
    pub behaviour: String,
    pub entries: u64,
}

/// A PDF file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

impl From<Portfolio> for PortfolioBody {
    fn from(p: Portfolio) -> Self {
        let s = p.summary;
        Self {
            person: PortfolioPerson { id: p.person.to_string(), name: p.name, organisation: p.organisation },
            period: PeriodBody {
                from: p.period.from().map(|d| d.to_string()),
                to: p.period.to().map(|d| d.to_string()),
                description: p.period.describe(),
            },
            made_on: p.made_on.to_string(),
            summary: SummaryBody {
                entries: s.entries,
                total_minutes: s.total_minutes,
                hours: hours(s.total_minutes),
                first: s.first.map(|d| d.to_string()),
                last: s.last.map(|d| d.to_string()),
                balance: s
                    .balance
                    .shares
                    .into_iter()
                    .map(|k| KindBody {
                        kind: k.kind.code().to_owned(),
                        minutes: k.minutes,
                        percent: (k.percent * 10.0).round() / 10.0,
                        model_percent: k.model_percent,
                    })
                    .collect(),
                by_year: s.by_year.into_iter().map(|(year, minutes)| YearBody { year, minutes }).collect(),
                behaviours: s
                    .behaviours
                    .into_iter()
                    .map(|(behaviour, entries)| BehaviourBody { behaviour, entries })
                    .collect(),
            },
            entries: p.entries.into_iter().map(EntryBody::from).collect(),
        }
    }
}

/// The period to export; either end may be left out.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day, as YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day, as YYYY-MM-DD.
    pub to: Option<String>,
}

fn period_problems(errors: Vec<PeriodError>) -> ApiError {
    ApiError::Invalid(
        errors.iter().map(|e| FieldProblem { field: e.field().to_owned(), message: e.to_string() }).collect(),
    )
}

/// Checks that the caller owns the record and reads the period asked for.
async fn owned(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    id: &str,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Portfolio, ApiError> {
    let person: PersonId = id.parse().map_err(|_| ApiError::NotFound)?;
    if person != user.person.id {
        return Err(ApiError::Forbidden);
    }
    let Query(q) = q?;
    let period =
        Period::parse(q.from.as_deref().unwrap_or(""), q.to.as_deref().unwrap_or("")).map_err(period_problems)?;
    Ok(Portfolio::load(&state.store, &user.person, period, Timestamp::now()).await?)
}

/// A person's portfolio as JSON: their record for the period with its summary. Owner only.
#[utoipa::path(get, path = "/api/v1/people/{id}/portfolio.json", tag = "portfolio",
    params(("id" = String, Path, description = "The person's id"), PeriodQuery),
    responses((status = 200, body = PortfolioBody), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn json(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Json<PortfolioBody>, ApiError> {
    Ok(Json(owned(&state, &user, &id, q).await?.into()))
}

/// A person's portfolio as a PDF: title page, summary figures and charts, every entry with its
/// reflection. Owner only.
#[utoipa::path(get, path = "/api/v1/people/{id}/portfolio.pdf", tag = "portfolio",
    params(("id" = String, Path, description = "The person's id"), PeriodQuery),
    responses((status = 200, content_type = "application/pdf", body = PdfFile), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn pdf(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let portfolio = owned(&state, &user, &id, q).await?;
    let made_on = portfolio.made_on;
    let bytes = portfolio.pdf().await?;
    Ok(Portfolio::pdf_download(made_on, bytes))
}
