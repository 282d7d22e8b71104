//! Accounts: passwords, sign-in throttling, and the life of email tokens. Hashing and randomness
//! live in the web layer; the rules live here.

use std::time::Duration;

/// Why a new password was refused. We follow the NCSC's advice: length matters, composition
/// rules do not, so the only rules are a minimum and a maximum length and not being the email.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Password must be 10 characters or more")]
    TooShort,
    #[error("Password must be 128 characters or fewer")]
    TooLong,
    #[error("Password must not be your email address")]
    IsEmail,
}

/// A password that meets the policy. It is never displayed or logged: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(password: &str, email: Option<&str>) -> Result<Self, PasswordError> {
        let n = password.chars().count();
        if n < Self::MIN_CHARS || password.trim().is_empty() {
            return Err(PasswordError::TooShort);
        }
        if n > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if email.is_some_and(|e| e.eq_ignore_ascii_case(password.trim())) {
            return Err(PasswordError::IsEmail);
        }
        Ok(Self(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Sign-in throttling: after too many failures in a window, for one account or from one
/// address, further attempts are refused until the window passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    pub window: Duration,
    pub per_account: u32,
    pub per_address: u32,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self { window: Duration::from_secs(15 * 60), per_account: 5, per_address: 20 }
    }
}

impl SignInLimits {
    /// Whether another attempt is allowed given the failures counted inside the window.
    pub fn allows(&self, account_failures: u32, address_failures: u32) -> bool {
        account_failures < self.per_account && address_failures < self.per_address
    }
}

/// What an emailed token is for; each kind has its own lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailTokenPurpose {
    ConfirmEmail,
    ResetPassword,
    Invitation,
}

impl EmailTokenPurpose {
    pub const fn code(self) -> &'static str {
        match self {
            Self::ConfirmEmail => "confirm-email",
            Self::ResetPassword => "reset-password",
            Self::Invitation => "invitation",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Self::ConfirmEmail, Self::ResetPassword, Self::Invitation].into_iter().find(|p| p.code() == s)
    }

    /// How long a token stays good: a reset is short-lived; an invitation waits a week.
    pub const fn lifetime(self) -> Duration {
        match self {
            Self::ConfirmEmail => Duration::from_secs(48 * 3600),
            Self::ResetPassword => Duration::from_secs(3600),
            Self::Invitation => Duration::from_secs(7 * 24 * 3600),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_passwords_are_refused() {
        assert_eq!(NewPassword::parse("short", None), Err(PasswordError::TooShort));
        assert_eq!(NewPassword::parse("          ", None), Err(PasswordError::TooShort));
        assert_eq!(NewPassword::parse(&"x".repeat(129), None), Err(PasswordError::TooLong));
        assert!(NewPassword::parse("correct horse battery", None).is_ok());
    }

    #[test]
    fn the_email_is_not_a_password() {
        assert_eq!(NewPassword::parse("ada@example.org", Some("Ada@example.org")), Err(PasswordError::IsEmail));
    }

    #[test]
    fn passwords_do_not_show_in_debug_output() {
        let p = NewPassword::parse("correct horse battery", None).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn the_fifth_failure_locks_the_account() {
        let limits = SignInLimits::default();
        assert!(limits.allows(4, 0));
        assert!(!limits.allows(5, 0));
        assert!(!limits.allows(0, 20));
    }

    #[test]
    fn token_purposes_round_trip() {
        for p in [EmailTokenPurpose::ConfirmEmail, EmailTokenPurpose::ResetPassword, EmailTokenPurpose::Invitation] {
            assert_eq!(EmailTokenPurpose::from_code(p.code()), Some(p));
        }
        assert!(EmailTokenPurpose::ResetPassword.lifetime() < EmailTokenPurpose::ConfirmEmail.lifetime());
    }
}
