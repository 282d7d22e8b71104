//! Password hashing with argon2id (the default parameters of the `argon2` crate, which follow
//! the current OWASP recommendation: 19 MiB, 2 iterations, 1 lane).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use domain::accounts::NewPassword;

/// Hashes a password that has passed the policy, as a PHC string that carries its parameters.
pub fn hash_password(password: &NewPassword) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .expect("argon2 with default parameters and a fresh salt does not fail")
        .to_string()
}

/// Checks a password against a stored hash. A hash that cannot be read never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash of nothing in particular, verified against when no account exists, so that a sign-in
/// for an unknown email takes as long as one for a known email.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        hash_password(&NewPassword::parse("decoy password for timing", None).expect("the decoy meets the policy"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let p = NewPassword::parse("correct horse battery", None).unwrap();
        let h = hash_password(&p);
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("anything", "not a hash"));
    }
}
