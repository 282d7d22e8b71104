//! The admin's import page: upload an organisations or people CSV file.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiff::Timestamp;

use super::view::{Field, FormPage, Link, MessagePage};
use super::Ctx;
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::import::{import_organisations, import_people, import_resources, ImportError};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/import", get(form).post(upload))
}

/// The largest file the page accepts.
const MAX_FILE_BYTES: usize = 15 * 1024 * 1024;

fn page(ctx: &Ctx, user: &CurrentUser, kind: &str, errors: &[(String, String)], title: &str) -> FormPage {
    let fields = vec![
        Field::new("kind", "What does the file hold?", "radios").value(kind).options([
            ("organisations".to_owned(), "Organisations".to_owned()),
            ("people".to_owned(), "People".to_owned()),
        ]),
        Field::new("file", "CSV file", "file")
            .accept(".csv,text/csv")
            .hint("Import organisations first, then people. The columns are described in the README. Up to 15 MB."),
    ];
    // Multipart bodies are not read by the CSRF guard, so the token rides in the action URL.
    let mut page = FormPage::new(
        ctx.layout("Import organisations or people", Some(user)),
        format!("/admin/import?csrf={}", ctx.csrf.0),
        fields,
        "Import file",
    )
    .with_errors(errors);
    page.multipart = true;
    page.error_title = title.to_owned();
    page.intro = vec!["Everything in the file is checked before anything is saved: if any row has a problem, nothing is imported and every problem is listed.".to_owned()];
    page
}

fn require_admin(user: &CurrentUser) -> Result<(), PageError> {
    if user.viewer.is_any_admin() || domain::learning::can_manage_catalogue(&user.viewer) {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

async fn form(ctx: Ctx, user: CurrentUser) -> Result<FormPage, PageError> {
    require_admin(&user)?;
    Ok(page(&ctx, &user, "", &[], "There is a problem"))
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    let mut kind = String::new();
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) =
        multipart.next_field().await.map_err(|e| PageError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        match field.name() {
            Some("kind") => {
                kind = field.text().await.map_err(|_| PageError::BadRequest("The form could not be read".to_owned()))?
            }
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| PageError::TooLarge)?;
                if bytes.len() > MAX_FILE_BYTES {
                    return Ok((
                        StatusCode::PAYLOAD_TOO_LARGE,
                        page(
                            &ctx,
                            &user,
                            &kind,
                            &[("file".to_owned(), "The file must be smaller than 15 MB".to_owned())],
                            "There is a problem",
                        ),
                    )
                        .into_response());
                }
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    let mut errors = Vec::new();
    if !["organisations", "people", "resources"].contains(&kind.as_str()) {
        errors.push(("kind".to_owned(), "Choose what the file holds".to_owned()));
    }
    // Organisations and people span every organisation: only system admins import them here.
    // Catalogue managers import resources.
    let allowed = match kind.as_str() {
        "resources" => domain::learning::can_manage_catalogue(&user.viewer),
        _ => user.viewer.is_system_admin(),
    };
    if errors.is_empty() && !allowed {
        return Err(PageError::Forbidden);
    }
    let file = file.filter(|f| !f.is_empty());
    if file.is_none() {
        errors.push(("file".to_owned(), "Choose a CSV file to import".to_owned()));
    }
    let Some(bytes) = file.filter(|_| errors.is_empty()) else {
        return Ok(page(&ctx, &user, &kind, &errors, "There is a problem").into_response());
    };
    let now = Timestamp::now();
    let result = match kind.as_str() {
        "people" => import_people(&state.store, &bytes, now, |_| {}).await,
        "resources" => import_resources(&state.store, &bytes, Some(user.person.id), now, |_| {}).await,
        _ => import_organisations(&state.store, &bytes, now, |_| {}).await,
    };
    match result {
        Ok(counts) => {
            state.store.audit(Some(user.person.id), &format!("import.{kind}"), None, now).await?;
            Ok(MessagePage {
                layout: ctx.layout("Import complete", Some(&user)),
                paragraphs: vec![format!(
                    "{} created, {} updated, {} unchanged.",
                    counts.created, counts.updated, counts.unchanged
                )],
                buttons: vec![],
                links: vec![
                    Link::new(
                        match kind.as_str() {
                            "people" => "/people",
                            "resources" => "/learning",
                            _ => "/organisations",
                        },
                        format!("See the {kind}"),
                    ),
                    Link::new("/admin/import", "Import another file"),
                ],
            }
            .into_response())
        }
        Err(ImportError::Problems(problems)) => {
            let mut errors: Vec<(String, String)> =
                vec![(String::new(), format!("Nothing was imported: the file has {} problem(s).", problems.len()))];
            errors.extend(problems.iter().map(|p| (String::new(), p.to_string())));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&ctx, &user, &kind, &errors, "There is a problem with the file"),
            )
                .into_response())
        }
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}
