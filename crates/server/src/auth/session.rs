//! Browser sessions: starting one at sign-in, recognising it on each request,
//! and ending it. The session cookie is HttpOnly and SameSite=Strict (and
//! Secure when served over TLS); it expires after a spell of inactivity and,
//! however active, after an absolute limit.

use axum::http::header::COOKIE;
use axum::http::HeaderMap;
use chrono::Duration;
use concordat_domain::user::User;
use concordat_store::sessions;

use super::secret;
use super::AuthError;
use crate::AppState;

pub const SESSION_COOKIE: &str = "concordat_session";

/// Activity closer together than this does not rewrite the session row.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A signed-in page user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    /// The token every form of this session must carry back.
    pub csrf_token: String,
    pub(crate) id_hash: String,
}

impl SignedIn {
    /// The signed-in user as the access decision sees them, for `purpose`.
    pub fn viewer(
        &self,
        purpose: concordat_domain::purpose::Purpose,
    ) -> crate::authorisation::Viewer {
        crate::authorisation::Viewer {
            user: self.user.clone(),
            purpose,
        }
    }
}

/// The value of a cookie in a request, if present.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for a cookie only this site's own pages send back.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: Duration, secure: bool) -> String {
    format!(
        "{name}={value}; Path={path}; Max-Age={}; HttpOnly; SameSite=Strict{}",
        max_age.num_seconds().max(0),
        if secure { "; Secure" } else { "" }
    )
}

/// Starts a new session for `user`; returns the `Set-Cookie` value. Any
/// session the browser already presented is ended, so a session id planted
/// before sign-in is never promoted.
pub async fn start(
    state: &AppState,
    user: &User,
    previous: Option<&str>,
) -> Result<String, AuthError> {
    let id = secret::new_secret();
    let csrf = secret::new_secret();
    let now = state.clock.now();
    let absolute = state.config.session_absolute;
    let mut tx = state.store.write().await?;
    if let Some(old) = previous {
        sessions::delete_session(&mut tx, &secret::digest(old)).await?;
    }
    sessions::insert_session(
        &mut tx,
        &sessions::NewSession {
            id_hash: &secret::digest(&id),
            user_id: user.id(),
            csrf_token: &csrf,
            now,
            expires_at: now + absolute,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        &id,
        "/",
        absolute,
        state.config.secure_cookies,
    ))
}

/// Ends the session; returns the `Set-Cookie` value that clears the cookie.
pub async fn end(state: &AppState, session: &SignedIn) -> Result<String, AuthError> {
    let mut tx = state.store.write().await?;
    sessions::delete_session(&mut tx, &session.id_hash).await?;
    tx.commit().await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        "",
        "/",
        Duration::zero(),
        state.config.secure_cookies,
    ))
}

/// The signed-in user a session cookie in `headers` names, if the session
/// is live: ended (and forgotten) once idle too long, past its absolute
/// limit or its user disabled.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<SignedIn, AuthError> {
    let not_signed_in = || AuthError::NotSignedIn("sign in to continue".into());
    let id = cookie(headers, SESSION_COOKIE).ok_or_else(not_signed_in)?;
    let id_hash = secret::digest(id);
    let mut conn = state.store.read().await?;
    let record = sessions::session_by_hash(&mut conn, &id_hash)
        .await?
        .ok_or_else(not_signed_in)?;
    drop(conn);
    let now = state.clock.now();
    let idle_out = now - record.last_seen_at > state.config.session_idle;
    if record.user.disabled() || now >= record.expires_at || idle_out {
        let mut tx = state.store.write().await?;
        sessions::delete_session(&mut tx, &id_hash).await?;
        tx.commit().await?;
        return Err(not_signed_in());
    }
    if now - record.last_seen_at > TOUCH_EVERY {
        let mut tx = state.store.write().await?;
        sessions::touch_session(&mut tx, &id_hash, now).await?;
        tx.commit().await?;
    }
    Ok(SignedIn {
        user: record.user,
        csrf_token: record.csrf_token,
        id_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_a_cookie_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; concordat_session=xyz; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn cookies_are_http_only_and_strict_and_secure_over_tls() {
        let plain = set_cookie("n", "v", "/", Duration::hours(1), false);
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict"));
        assert!(!plain.contains("Secure"));
        assert!(set_cookie("n", "v", "/", Duration::hours(1), true).ends_with("; Secure"));
    }
}
