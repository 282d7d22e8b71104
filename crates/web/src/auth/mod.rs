//! Signing in: passwords, secrets, sessions, CSRF and API tokens.

pub mod csrf;
mod password;
mod user;

pub use password::{decoy_hash, hash_password, verify_password};
pub use user::{ApiUser, CurrentUser, MaybeUser};

use domain::ids::PersonId;
use jiff::Timestamp;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use store::Store;

/// A new secret for a session, an emailed link or an API token: 256 random bits, hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Secrets are stored only as their SHA-256: they are random and long, so no salt or slow hash
/// is needed, and a stolen table does not give working secrets.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A random password of 20 letters and digits, for demo accounts.
pub fn new_password() -> String {
    OsRng.sample_iter(&Alphanumeric).take(20).map(char::from).collect()
}

/// Issues a personal API token: stored hashed, shown once. Tokens start `gt_` so that secret
/// scanners can recognise them.
pub async fn issue_api_token(store: &Store, person: PersonId, name: &str, now: Timestamp) -> store::Result<String> {
    let token = format!("gt_{}", new_secret());
    store.create_api_token(store::accounts::new_token_id(), person, name, &hash_secret(&token), now).await?;
    store.audit(Some(person), "api-token.issued", Some(person.to_string()), now).await?;
    Ok(token)
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads one cookie from a request's headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub const SESSION_COOKIE: &str = "gt_session";

/// A `Set-Cookie` value: HttpOnly always, Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, same_site: &str, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_hashed_stably() {
        let a = new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret());
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), a);
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(axum::http::header::COOKIE, "a=1; gt_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "gt_session"), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn same_secret_compares_whole_strings() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
