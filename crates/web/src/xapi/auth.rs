//! Who is calling the LRS: an external system with an LRS credential (HTTP Basic, scoped to one
//! organisation's people, to reading, writing or both), or a person with their own API token
//! (reading statements about themselves).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::http::StatusCode;
use base64::Engine;
use domain::ids::OrganisationId;
use domain::xapi::{Account, Agent, Authority, Ifi, Iri, Mbox};
use jiff::Timestamp;
use store::xapi::{LrsCredential, LrsScope};
use store::Store;

use super::XapiError;
use crate::auth::{hash_secret, new_secret, same_secret};
use crate::state::AppState;

/// An authenticated caller and what it may do.
#[derive(Debug, Clone)]
pub struct Caller {
    pub scope: LrsScope,
    pub read: bool,
    pub write: bool,
    /// The authority statements this caller stores are set with.
    pub authority: Authority,
}

impl Caller {
    /// The organisation whose credential this is, whose people it may write about.
    pub fn organisation(&self) -> Option<OrganisationId> {
        match self.scope {
            LrsScope::Organisation(o) => Some(o),
            LrsScope::Person(_) => None,
        }
    }

    pub fn must_read(&self) -> Result<(), XapiError> {
        if self.read {
            Ok(())
        } else {
            Err(XapiError::forbidden("this credential may write to the record store but not read from it"))
        }
    }

    pub fn must_write(&self) -> Result<(), XapiError> {
        if self.write {
            Ok(())
        } else {
            Err(XapiError::forbidden("this credential may read from the record store but not write to it"))
        }
    }
}

fn unauthorised(message: &str) -> XapiError {
    XapiError::new(StatusCode::UNAUTHORIZED, message)
}

/// Issues LRS credentials to an external system: returns the key and the secret, shown once; the
/// secret is kept only as its SHA-256.
pub async fn issue_lrs_credentials(
    store: &Store,
    organisation: OrganisationId,
    read: bool,
    write: bool,
    label: &str,
    now: Timestamp,
) -> store::Result<(String, String)> {
    let key = format!("lrs_{}", &new_secret()[..24]);
    let secret = new_secret();
    let credential = LrsCredential {
        key: key.clone(),
        organisation,
        read,
        write,
        label: label.to_owned(),
        created_at: now,
        revoked_at: None,
    };
    store.create_lrs_credential(&credential, &hash_secret(&secret)).await?;
    store.audit(None, "lrs-credential.issued", Some(format!("{organisation} {key}")), now).await?;
    Ok((key, secret))
}

fn base_iri(state: &AppState) -> Result<Iri, XapiError> {
    Iri::parse(&state.config.base_url)
        .map_err(|_| XapiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the server's base address is not an IRI"))
}

impl<S> FromRequestParts<S> for Caller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = XapiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, XapiError> {
        let state = AppState::from_ref(state);
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| unauthorised("send LRS credentials (HTTP Basic) or your API token (Bearer)"))?;
        if let Some(basic) = value.strip_prefix("Basic ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(basic.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| unauthorised("the Basic credentials could not be read"))?;
            let (key, secret) =
                decoded.split_once(':').ok_or_else(|| unauthorised("the Basic credentials need KEY:SECRET"))?;
            let (credential, hash) = state
                .store
                .lrs_credential(key)
                .await?
                .ok_or_else(|| unauthorised("those LRS credentials are not known"))?;
            if !same_secret(&hash, &hash_secret(secret)) {
                return Err(unauthorised("those LRS credentials are not known"));
            }
            if credential.revoked_at.is_some() {
                return Err(unauthorised("those LRS credentials have been revoked"));
            }
            let authority = Authority::Agent(Agent {
                name: Some(credential.label.clone()),
                ifi: Ifi::Account(Account { home_page: base_iri(&state)?, name: credential.key.clone() }),
            });
            return Ok(Self {
                scope: LrsScope::Organisation(credential.organisation),
                read: credential.read,
                write: credential.write,
                authority,
            });
        }
        if let Some(token) = value.strip_prefix("Bearer ") {
            let id = state
                .store
                .api_token_person(&hash_secret(token.trim()), Timestamp::now())
                .await?
                .ok_or_else(|| unauthorised("that API token is not known or has been revoked"))?;
            let person = state
                .store
                .person(id)
                .await?
                .ok_or_else(|| unauthorised("that API token's person no longer exists"))?;
            let mbox = Mbox::parse(&format!("mailto:{}", person.email.as_str()))
                .map_err(|_| XapiError::new(StatusCode::INTERNAL_SERVER_ERROR, "a person's email is not an mbox"))?;
            return Ok(Self {
                scope: LrsScope::Person(id),
                read: true,
                write: false,
                authority: Authority::Agent(Agent {
                    name: Some(person.name.as_str().to_owned()),
                    ifi: Ifi::Mbox(mbox),
                }),
            });
        }
        Err(unauthorised("send LRS credentials (HTTP Basic) or your API token (Bearer)"))
    }
}
