//! Cross-site request forgery protection for forms. Signed-in forms carry the
//! session's token; the sign-in form, which has no session yet, carries a
//! token that must match a cookie set with the form (double submit).

use chrono::Duration;

use super::secret;
use super::session::set_cookie;
use super::AuthError;

pub const SIGN_IN_COOKIE: &str = "concordat_signin_csrf";

/// Checks the token a form sent back against the one expected.
pub fn check(expected: Option<&str>, sent: &str) -> Result<(), AuthError> {
    match expected {
        Some(expected) if !sent.is_empty() && secret::same(expected, sent) => Ok(()),
        _ => Err(AuthError::CsrfMismatch),
    }
}

/// A fresh sign-in form token and the cookie that carries its twin.
pub fn sign_in_token(secure: bool) -> (String, String) {
    let token = secret::new_secret();
    let cookie = set_cookie(
        SIGN_IN_COOKIE,
        &token,
        "/sign-in",
        Duration::hours(1),
        secure,
    );
    (token, cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_without_the_expected_token_is_refused() {
        assert!(check(Some("abc"), "abc").is_ok());
        assert!(check(Some("abc"), "abd").is_err());
        assert!(check(Some("abc"), "").is_err());
        assert!(check(None, "abc").is_err());
        assert!(check(Some(""), "").is_err());
    }
}
