//! Creating an account, confirming the email, signing in and out, and setting a password (after
//! a reset or an invitation).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use domain::accounts::{EmailTokenPurpose, NewPassword, SignInLimits};
use domain::ids::PersonId;
use domain::people::import::PersonRecord;
use domain::people::{Email, PersonName};
use jiff::Timestamp;
use serde::Deserialize;

use super::view::{ButtonForm, Field, FormPage, Link, MessagePage};
use super::{safe_next, Ctx, PageForm};
use crate::auth::{
    cookie, decoy_hash, hash_password, hash_secret, new_secret, set_cookie, verify_password, CurrentUser, MaybeUser,
    SESSION_COOKIE,
};
use crate::error::PageError;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sign-up", get(sign_up_form).post(sign_up))
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", axum::routing::post(sign_out))
        .route("/confirm-email", get(confirm_form).post(confirm))
        .route("/reset-password", get(reset_form).post(reset))
        .route("/set-password", get(set_password_form).post(set_password))
}

async fn home(ctx: Ctx, MaybeUser(user): MaybeUser) -> Response {
    let Some(user) = user else {
        let layout = ctx.layout("Develop leaders at every level", None);
        return MessagePage {
            layout,
            paragraphs: vec![
                "goldthread keeps one record of your development as a leader or manager in health, social care or social work, and it stays yours when you change employer.".to_owned(),
                "Create a free account with your work email address, or sign in.".to_owned(),
            ],
            buttons: vec![],
            links: vec![Link::new("/sign-up", "Create an account"), Link::new("/sign-in", "Sign in")],
        }
        .into_response();
    };
    let mut paragraphs = vec![match (&user.person.job_title, &user.person.organisation) {
        (Some(t), Some(o)) => format!("{t} at {}.", o.name.as_str()),
        (None, Some(o)) => format!("You are part of {}.", o.name.as_str()),
        _ => "You are not part of an organisation yet: you can ask to join one from your profile.".to_owned(),
    }];
    paragraphs
        .push(format!("Your roles: {}.", user.viewer.roles().iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")));
    let mut links = vec![Link::new("/profile", "Your profile")];
    if user.viewer.has_reports {
        links.push(Link::new("/team", "Your team"));
    }
    if user.viewer.is_any_admin() {
        links.extend([
            Link::new("/organisations", "Organisations"),
            Link::new("/people", "People"),
            Link::new("/admin/import", "Import organisations or people"),
        ]);
    }
    let layout = ctx.layout(format!("Hello, {}", user.person.name.as_str()), Some(&user));
    MessagePage { layout, paragraphs, buttons: vec![], links }.into_response()
}

// ------------------------------------------------------------------ sign up

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignUp {
    name: String,
    email: String,
    password: String,
}

fn sign_up_page(ctx: &Ctx, form: &SignUp, errors: &[(String, String)]) -> FormPage {
    let fields = vec![
        Field::text("name", "Full name").value(&form.name).autocomplete("name"),
        Field::new("email", "Work email address", "email")
            .value(&form.email)
            .autocomplete("email")
            .hint("If your employer has registered its email domain, you join it straight away."),
        Field::new("password", "Create a password", "password").autocomplete("new-password").hint(format!(
            "At least {} characters. A few words together make a strong password.",
            NewPassword::MIN_CHARS
        )),
    ];
    let mut page =
        FormPage::new(ctx.layout("Create an account", None), "/sign-up", fields, "Create account").with_errors(errors);
    page.intro = vec!["An account is free. Your learning record stays yours when you move employer.".to_owned()];
    page.links = vec![Link::new("/sign-in", "I already have an account")];
    page
}

async fn sign_up_form(ctx: Ctx) -> FormPage {
    sign_up_page(&ctx, &SignUp::default(), &[])
}

fn check_email(ctx: &Ctx, email: &str) -> MessagePage {
    MessagePage {
        layout: ctx.layout("Check your email", None),
        paragraphs: vec![
            format!("We have sent an email to {email}. Follow the link in it to carry on."),
            "If it has not arrived in a few minutes, check your junk folder.".to_owned(),
        ],
        buttons: vec![],
        links: vec![Link::new("/sign-in", "Sign in")],
    }
}

async fn sign_up(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<SignUp>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let name = PersonName::parse(&form.name)
        .map_err(|_| errors.push(("name".to_owned(), "Enter your full name".to_owned())))
        .ok();
    let email = Email::parse(&form.email).map_err(|e| errors.push(("email".to_owned(), e.to_string()))).ok();
    let password = NewPassword::parse(&form.password, email.as_ref().map(Email::as_str))
        .map_err(|e| errors.push(("password".to_owned(), e.to_string())))
        .ok();
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return Ok(sign_up_page(&ctx, &form, &errors).into_response());
    };
    let now = Timestamp::now();
    let base = &state.config.base_url;
    if state.store.account_by_email(email.as_str()).await?.is_some() {
        // Say the same as for a new account, so that the form does not reveal who has one.
        state
            .mailer
            .send(email.as_str(), "You already have a goldthread account", format!(
                "Someone (probably you) tried to create a goldthread account with this email address, but you already have one.\n\nSign in: {base}/sign-in\nForgotten your password? Reset it: {base}/reset-password\n"
            ))
            .await
            .map_err(PageError::Internal)?;
        return Ok(check_email(&ctx, email.as_str()).into_response());
    }
    let person = match state.store.person_by_email(&email).await? {
        // Imported by an employer before signing up: the account joins that record.
        Some(p) => p.id,
        None => {
            let organisation = state.store.organisation_for_domain(email.domain()).await?;
            let record = PersonRecord {
                id: PersonId::from_uuid(uuid::Uuid::new_v4()),
                staff_number: None,
                name,
                email: email.clone(),
                job_title: None,
                profession: None,
                level: None,
                organisation,
                manager: None,
                start_date: None,
            };
            state.store.create_person(&record, now).await?;
            record.id
        }
    };
    state.store.set_account(person, &hash_password(&password), None, now).await?;
    send_confirmation(&state, person, &email).await?;
    state.store.audit(Some(person), "account.created", Some(person.to_string()), now).await?;
    Ok(check_email(&ctx, email.as_str()).into_response())
}

async fn send_confirmation(state: &AppState, person: PersonId, email: &Email) -> Result<(), PageError> {
    let secret = new_secret();
    state
        .store
        .create_email_token(&hash_secret(&secret), EmailTokenPurpose::ConfirmEmail, person, Timestamp::now())
        .await?;
    let link = format!("{}/confirm-email?token={secret}", state.config.base_url);
    state
        .mailer
        .send(email.as_str(), "Confirm your email address for goldthread", format!(
            "Confirm your email address to finish creating your goldthread account:\n\n{link}\n\nThe link works once and expires in 48 hours. If you did not create an account, ignore this email.\n"
        ))
        .await
        .map_err(PageError::Internal)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenQuery {
    token: String,
}

fn link_expired(ctx: &Ctx) -> Response {
    let layout = ctx.layout("This link has expired or has already been used", None);
    (
        StatusCode::BAD_REQUEST,
        MessagePage {
            layout,
            paragraphs: vec![
                "Links in our emails work once and expire. Sign in and we will send you a new one if you need it."
                    .to_owned(),
            ],
            buttons: vec![],
            links: vec![Link::new("/sign-in", "Sign in"), Link::new("/reset-password", "Reset your password")],
        },
    )
        .into_response()
}

async fn confirm_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    if !state.store.email_token_live(&hash_secret(&q.token), EmailTokenPurpose::ConfirmEmail, Timestamp::now()).await? {
        return Ok(link_expired(&ctx));
    }
    Ok(MessagePage {
        layout: ctx.layout("Confirm your email address", None),
        paragraphs: vec!["Confirm this is your email address to finish creating your account.".to_owned()],
        buttons: vec![ButtonForm {
            action: "/confirm-email".to_owned(),
            label: "Confirm email address".to_owned(),
            hidden: vec![("token".to_owned(), q.token)],
            secondary: false,
        }],
        links: vec![],
    }
    .into_response())
}

async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(q): PageForm<TokenQuery>,
) -> Result<Response, PageError> {
    let now = Timestamp::now();
    let Some(person) =
        state.store.use_email_token(&hash_secret(&q.token), EmailTokenPurpose::ConfirmEmail, now).await?
    else {
        return Ok(link_expired(&ctx));
    };
    state.store.confirm_email(person, now).await?;
    Ok(MessagePage {
        layout: ctx.layout("Email address confirmed", None),
        paragraphs: vec!["Your account is ready.".to_owned()],
        buttons: vec![],
        links: vec![Link::new("/sign-in", "Sign in")],
    }
    .into_response())
}

// ------------------------------------------------------------------ sign in and out

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignIn {
    email: String,
    password: String,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
    password_set: Option<String>,
}

fn sign_in_page(ctx: &Ctx, form: &SignIn, errors: &[(String, String)], banner: Option<String>) -> FormPage {
    let fields = vec![
        Field::new("email", "Email address", "email").value(&form.email).autocomplete("email"),
        Field::new("password", "Password", "password").autocomplete("current-password"),
        Field::new("next", "", "hidden").value(&form.next),
    ];
    let mut page = FormPage::new(ctx.layout("Sign in", None).with_banner(banner), "/sign-in", fields, "Sign in")
        .with_errors(errors);
    page.links =
        vec![Link::new("/reset-password", "Forgotten your password?"), Link::new("/sign-up", "Create an account")];
    page
}

async fn sign_in_form(ctx: Ctx, Query(q): Query<SignInQuery>) -> FormPage {
    let banner = if q.signed_out.is_some() {
        Some("You have signed out.".to_owned())
    } else if q.password_set.is_some() {
        Some("Your password has been set. Sign in with it now.".to_owned())
    } else {
        None
    };
    sign_in_page(&ctx, &SignIn { next: q.next.unwrap_or_default(), ..SignIn::default() }, &[], banner)
}

async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PageForm(form): PageForm<SignIn>,
) -> Result<Response, PageError> {
    let fail = |message: &str, status: StatusCode| {
        let errors = [("email".to_owned(), message.to_owned())];
        (status, sign_in_page(&ctx, &form, &errors, None)).into_response()
    };
    let Ok(email) = Email::parse(&form.email) else {
        return Ok(fail(
            "Enter your email address in the correct format, like name@example.nhs.uk",
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    if form.password.is_empty() {
        let errors = [("password".to_owned(), "Enter your password".to_owned())];
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, sign_in_page(&ctx, &form, &errors, None)).into_response());
    }
    let now = Timestamp::now();
    let limits = SignInLimits::default();
    let address = peer.ip().to_string();
    let since = now
        .checked_sub(jiff::SignedDuration::try_from(limits.window).map_err(|e| PageError::Internal(e.into()))?)
        .map_err(|e| PageError::Internal(e.into()))?;
    let (by_account, by_address) = state.store.sign_in_failures(email.as_str(), &address, since).await?;
    if !limits.allows(by_account, by_address) {
        return Ok(fail(
            "Too many attempts to sign in. Wait 15 minutes and try again, or reset your password.",
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let account = state.store.account_by_email(email.as_str()).await?;
    let hash = account.as_ref().and_then(|a| a.password_hash.as_deref()).unwrap_or_else(|| decoy_hash());
    let password_ok =
        verify_password(&form.password, hash) && account.as_ref().is_some_and(|a| a.password_hash.is_some());
    let Some(account) = account.filter(|_| password_ok) else {
        state.store.record_sign_in_failure(email.as_str(), &address, now).await?;
        return Ok(fail("The email address or password is not right", StatusCode::UNPROCESSABLE_ENTITY));
    };
    if !account.email_confirmed {
        send_confirmation(&state, account.person, &email).await?;
        return Ok(fail(
            "Confirm your email address first: we have sent you a new link",
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    state.store.clear_sign_in_failures(email.as_str()).await?;
    // Housekeeping rides on sign-in, so that no app process needs a timer of its own.
    state.store.purge_sign_in_failures(since).await?;
    state.store.purge_expired_sessions(now).await?;
    let secret = new_secret();
    let lifetime = state.config.session_lifetime;
    let expires = now
        .checked_add(jiff::SignedDuration::try_from(lifetime).map_err(|e| PageError::Internal(e.into()))?)
        .map_err(|e| PageError::Internal(e.into()))?;
    state.store.create_session(&hash_secret(&secret), account.person, now, expires).await?;
    state.store.audit(Some(account.person), "session.started", None, now).await?;
    let cookie = set_cookie(
        SESSION_COOKIE,
        &secret,
        i64::try_from(lifetime.as_secs()).unwrap_or(43_200),
        "Lax",
        state.config.secure_cookies,
    );
    Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, safe_next(Some(&form.next)))])
        .into_response())
}

async fn sign_out(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Result<Response, PageError> {
    if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&hash_secret(secret)).await?;
    }
    let cleared = set_cookie(SESSION_COOKIE, "", 0, "Lax", state.config.secure_cookies);
    Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, cleared), (header::LOCATION, "/sign-in?signed_out=1".to_owned())])
        .into_response())
}

// ------------------------------------------------------------------ passwords

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResetRequest {
    email: String,
}

fn reset_page(ctx: &Ctx, form: &ResetRequest, errors: &[(String, String)]) -> FormPage {
    let fields = vec![Field::new("email", "Email address", "email").value(&form.email).autocomplete("email")];
    let mut page = FormPage::new(ctx.layout("Reset your password", None), "/reset-password", fields, "Send me a link")
        .with_errors(errors);
    page.intro = vec!["We will email you a link to set a new password.".to_owned()];
    page
}

async fn reset_form(ctx: Ctx) -> FormPage {
    reset_page(&ctx, &ResetRequest::default(), &[])
}

async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<ResetRequest>,
) -> Result<Response, PageError> {
    let Ok(email) = Email::parse(&form.email) else {
        return Ok(reset_page(
            &ctx,
            &form,
            &[(
                "email".to_owned(),
                "Enter your email address in the correct format, like name@example.nhs.uk".to_owned(),
            )],
        )
        .into_response());
    };
    if let Some(account) = state.store.account_by_email(email.as_str()).await? {
        let secret = new_secret();
        let now = Timestamp::now();
        state
            .store
            .create_email_token(&hash_secret(&secret), EmailTokenPurpose::ResetPassword, account.person, now)
            .await?;
        let link = format!("{}/set-password?token={secret}", state.config.base_url);
        state
            .mailer
            .send(email.as_str(), "Reset your goldthread password", format!("Set a new password for goldthread:\n\n{link}\n\nThe link works once and expires in an hour. If you did not ask for this, ignore this email: your password has not changed.\n"))
            .await
            .map_err(PageError::Internal)?;
        state.store.audit(Some(account.person), "password.reset-requested", None, now).await?;
    }
    Ok(check_email(&ctx, email.as_str()).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SetPassword {
    token: String,
    password: String,
}

fn set_password_page(ctx: &Ctx, token: &str, errors: &[(String, String)]) -> FormPage {
    let fields = vec![
        Field::new("password", "New password", "password")
            .autocomplete("new-password")
            .hint(format!("At least {} characters.", NewPassword::MIN_CHARS)),
        Field::new("token", "", "hidden").value(token),
    ];
    FormPage::new(ctx.layout("Set your password", None), "/set-password", fields, "Set password").with_errors(errors)
}

async fn token_live_for_password(state: &AppState, secret: &str) -> Result<bool, PageError> {
    let hash = hash_secret(secret);
    let now = Timestamp::now();
    Ok(state.store.email_token_live(&hash, EmailTokenPurpose::ResetPassword, now).await?
        || state.store.email_token_live(&hash, EmailTokenPurpose::Invitation, now).await?)
}

async fn set_password_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    if !token_live_for_password(&state, &q.token).await? {
        return Ok(link_expired(&ctx));
    }
    Ok(set_password_page(&ctx, &q.token, &[]).into_response())
}

async fn set_password(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<SetPassword>,
) -> Result<Response, PageError> {
    if !token_live_for_password(&state, &form.token).await? {
        return Ok(link_expired(&ctx));
    }
    let password = match NewPassword::parse(&form.password, None) {
        Ok(p) => p,
        Err(e) => {
            return Ok(set_password_page(&ctx, &form.token, &[("password".to_owned(), e.to_string())]).into_response())
        }
    };
    let hash = hash_secret(&form.token);
    let now = Timestamp::now();
    let person = match state.store.use_email_token(&hash, EmailTokenPurpose::ResetPassword, now).await? {
        Some(p) => Some(p),
        None => state.store.use_email_token(&hash, EmailTokenPurpose::Invitation, now).await?,
    };
    let Some(person) = person else { return Ok(link_expired(&ctx)) };
    state.store.set_account(person, &hash_password(&password), Some(now), now).await?;
    state.store.confirm_email(person, now).await?;
    state.store.end_sessions_of(person).await?;
    state.store.audit(Some(person), "password.set", None, now).await?;
    Ok(Redirect::to("/sign-in?password_set=1").into_response())
}

/// Sends an invitation to a person an admin has added: a link to set a password.
pub async fn send_invitation(
    state: &AppState,
    inviter: &CurrentUser,
    person: PersonId,
    email: &Email,
) -> Result<(), PageError> {
    let secret = new_secret();
    let now = Timestamp::now();
    state.store.create_email_token(&hash_secret(&secret), EmailTokenPurpose::Invitation, person, now).await?;
    let link = format!("{}/set-password?token={secret}", state.config.base_url);
    state
        .mailer
        .send(email.as_str(), "You are invited to goldthread", format!(
            "{} has invited you to goldthread, where your learning and development as a leader is kept in one record that stays yours.\n\nSet your password to start:\n\n{link}\n\nThe link works once and expires in 7 days.\n",
            inviter.person.name.as_str()
        ))
        .await
        .map_err(PageError::Internal)?;
    state.store.audit(Some(inviter.person.id), "invitation.sent", Some(person.to_string()), now).await?;
    Ok(())
}
