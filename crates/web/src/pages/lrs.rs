//! An organisation's LRS credentials: the keys its admins issue to external systems (learning
//! platforms, simulation suites) so that they can send learning into the xAPI Learning Record
//! Store, scoped to the organisation's people; shown once, revocable.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use jiff::Timestamp;
use serde::Deserialize;

use super::organisations::managed;
use super::view::{ButtonForm, Cell, DetailPage, Field, FormPage, Link, MessagePage, Section};
use super::{Ctx, PageForm};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations/{id}/lrs-credentials", get(list))
        .route("/organisations/{id}/lrs-credentials/new", get(new_form).post(create))
        .route("/organisations/{id}/lrs-credentials/{key}/revoke", post(revoke))
}

fn access(read: bool, write: bool) -> &'static str {
    match (read, write) {
        (true, true) => "Read and write",
        (true, false) => "Read only",
        _ => "Write only",
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<DetailPage, PageError> {
    let org = managed(&state, &user, &id).await?;
    let credentials = state.store.lrs_credentials(org.id).await?;
    let rows = credentials
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.label),
                Cell::text(&c.key),
                Cell::text(access(c.read, c.write)),
                Cell::text(c.created_at.strftime("%Y-%m-%d").to_string()),
                Cell::text(
                    c.revoked_at.map_or_else(|| "In use".to_owned(), |r| format!("Revoked {}", r.strftime("%Y-%m-%d"))),
                ),
            ]
        })
        .collect();
    let buttons = credentials
        .iter()
        .filter(|c| c.revoked_at.is_none())
        .map(|c| ButtonForm {
            action: format!("/organisations/{}/lrs-credentials/{}/revoke", org.id, c.key),
            label: format!("Revoke {}", c.label),
            hidden: vec![],
            secondary: true,
        })
        .collect();
    Ok(DetailPage {
        layout: ctx
            .layout(format!("LRS credentials for {}", org.name.as_str()), Some(&user))
            .with_back(format!("/organisations/{}", org.id), format!("Back to {}", org.name.as_str())),
        caption: Some(
            "Systems that hold these credentials can send learning to the xAPI Learning Record Store at /xapi/ (HTTP Basic, key and secret), about this organisation's people only."
                .to_owned(),
        ),
        rows: vec![],
        actions: vec![Link::new(format!("/organisations/{}/lrs-credentials/new", org.id), "Issue new credentials")],
        sections: vec![Section {
            heading: "Credentials".to_owned(),
            columns: vec!["Name".into(), "Key".into(), "Access".into(), "Issued".into(), "Status".into()],
            rows,
            empty: "No credentials have been issued.".to_owned(),
        }],
        buttons,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CredentialForm {
    label: String,
    access: String,
}

fn fields(form: &CredentialForm) -> Vec<Field> {
    vec![
        Field::text("label", "Name of the system")
            .value(&form.label)
            .hint("For example, the e-learning platform. Statements it sends name it as their authority."),
        Field::new("access", "What may it do?", "radios").value(&form.access).options([
            ("read-write".to_owned(), "Send and read learning records".to_owned()),
            ("write".to_owned(), "Only send learning records".to_owned()),
            ("read".to_owned(), "Only read learning records".to_owned()),
        ]),
    ]
}

async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<FormPage, PageError> {
    let org = managed(&state, &user, &id).await?;
    Ok(FormPage::new(
        ctx.layout("Issue LRS credentials", Some(&user))
            .with_back(format!("/organisations/{}/lrs-credentials", org.id), "Back to the credentials"),
        format!("/organisations/{}/lrs-credentials/new", org.id),
        fields(&CredentialForm { access: "write".to_owned(), ..CredentialForm::default() }),
        "Issue credentials",
    ))
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CredentialForm>,
) -> Result<Response, PageError> {
    let org = managed(&state, &user, &id).await?;
    let label = form.label.trim();
    let mut errors = Vec::new();
    if label.is_empty() || label.chars().count() > 100 {
        errors.push(("label".to_owned(), "Enter the name of the system, in 100 characters or fewer".to_owned()));
    }
    let rights = match form.access.as_str() {
        "read-write" => Some((true, true)),
        "write" => Some((false, true)),
        "read" => Some((true, false)),
        _ => None,
    };
    let Some((read, write)) = rights.filter(|_| errors.is_empty()) else {
        if rights.is_none() {
            errors.push(("access".to_owned(), "Choose what the system may do".to_owned()));
        }
        let page = FormPage::new(
            ctx.layout("Issue LRS credentials", Some(&user))
                .with_back(format!("/organisations/{}/lrs-credentials", org.id), "Back to the credentials"),
            format!("/organisations/{}/lrs-credentials/new", org.id),
            fields(&form),
            "Issue credentials",
        )
        .with_errors(&errors);
        return Ok(super::view::render(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let now = Timestamp::now();
    let (key, secret) = crate::issue_lrs_credentials(&state.store, org.id, read, write, label, now).await?;
    Ok(MessagePage {
        layout: ctx.layout("Credentials issued", Some(&user)),
        paragraphs: vec![
            format!("Give these to {label}. The secret is shown only now: goldthread keeps only a hash of it."),
            format!("Key: {key}"),
            format!("Secret: {secret}"),
            "The system sends them with HTTP Basic authentication to the Learning Record Store at /xapi/.".to_owned(),
        ],
        buttons: vec![],
        links: vec![Link::new(format!("/organisations/{}/lrs-credentials", org.id), "Back to the credentials")],
    }
    .into_response())
}

async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let org = managed(&state, &user, &id).await?;
    let now = Timestamp::now();
    match state.store.revoke_lrs_credential(org.id, &key, now).await {
        Ok(()) | Err(store::StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    state.store.audit(Some(user.person.id), "lrs-credential.revoked", Some(key), now).await?;
    Ok(Redirect::to(&format!("/organisations/{}/lrs-credentials", org.id)).into_response())
}
