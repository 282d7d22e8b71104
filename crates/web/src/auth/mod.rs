//! Signing in: passwords, sessions, CSRF, API tokens.

mod password;

pub use password::{decoy_hash, hash_password, verify_password};
