//! Errors on pages: each variant maps to a status and an NHS-styled page on purpose. Internal
//! errors are logged once, here, with their cause chain; the person sees no internals.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::csrf::CsrfToken;
use crate::pages::view::{render, Layout, Link, MessagePage};

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign-in needed")]
    SignInNeeded(String),
    #[error("the form's security token did not match")]
    CsrfFailed,
    #[error("the request is too large")]
    TooLarge,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<store::StoreError> for PageError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::NotFound => PageError::NotFound,
            other => PageError::Internal(other.into()),
        }
    }
}

impl PageError {
    fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden | PageError::CsrfFailed => StatusCode::FORBIDDEN,
            PageError::SignInNeeded(_) => StatusCode::SEE_OTHER,
            PageError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn words(&self) -> (&'static str, Vec<String>) {
        match self {
            PageError::NotFound => (
                "Page not found",
                vec![
                    "If you typed the web address, check it is correct.".to_owned(),
                    "If you pasted the web address, check you copied the entire address.".to_owned(),
                ],
            ),
            PageError::Forbidden => (
                "You do not have permission to see this page",
                vec![
                    "This page belongs to someone else, or needs a role you do not have.".to_owned(),
                    "If you think you should be able to see it, ask your organisation's administrator.".to_owned(),
                ],
            ),
            PageError::CsrfFailed => (
                "This form has expired",
                vec![
                    "For your security, forms stop working after a while or when they come from another site."
                        .to_owned(),
                    "Go back, reload the page and try again. Nothing was changed.".to_owned(),
                ],
            ),
            PageError::TooLarge => {
                ("The file or form is too large", vec!["Nothing was changed. Try a smaller file.".to_owned()])
            }
            PageError::BadRequest(m) => {
                ("There is a problem with the request", vec![m.clone(), "Nothing was changed.".to_owned()])
            }
            PageError::SignInNeeded(_) => ("Sign in", vec![]),
            PageError::Internal(_) => (
                "Sorry, there is a problem with the service",
                vec!["Try again later. Nothing you sent was lost if you saw a confirmation.".to_owned()],
            ),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::SignInNeeded(next) = &self {
            let target = format!("/sign-in?next={}", crate::pages::view::urlencode(next));
            return (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
        }
        if let PageError::Internal(e) = &self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
        let status = self.status();
        let (title, paragraphs) = self.words();
        error_page(status, title, paragraphs, None)
    }
}

/// An NHS-styled error page. Without the request's context it shows no navigation.
pub fn error_page(status: StatusCode, title: &str, paragraphs: Vec<String>, layout: Option<Layout>) -> Response {
    let layout = layout.unwrap_or_else(|| Layout::new(title, &CsrfToken(String::new()), None, ""));
    render(
        status,
        &MessagePage { layout, paragraphs, buttons: vec![], links: vec![Link::new("/", "Go to the home page")] },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_status() {
        assert_eq!(PageError::NotFound.into_response().status(), StatusCode::NOT_FOUND);
        assert_eq!(PageError::Forbidden.into_response().status(), StatusCode::FORBIDDEN);
        assert_eq!(PageError::CsrfFailed.into_response().status(), StatusCode::FORBIDDEN);
        assert_eq!(PageError::TooLarge.into_response().status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(PageError::BadRequest("x".into()).into_response().status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            PageError::Internal(anyhow::anyhow!("db down")).into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let r = PageError::SignInNeeded("/profile".into()).into_response();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[header::LOCATION], "/sign-in?next=%2Fprofile");
    }

    #[test]
    fn a_store_not_found_is_a_404_and_other_store_errors_are_500s() {
        assert!(matches!(PageError::from(store::StoreError::NotFound), PageError::NotFound));
        assert!(matches!(PageError::from(store::StoreError::Corrupt("x".into())), PageError::Internal(_)));
    }
}
