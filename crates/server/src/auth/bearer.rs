//! API callers, identified by a bearer token bound to one purpose of use.

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use concordat_domain::purpose::Purpose;
use concordat_domain::user::User;

use concordat_store::tokens;

use super::secret;
use super::AuthError;
use crate::AppState;

/// A caller whose token is live: unexpired, unrevoked, of an enabled user.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub user: User,
    pub purpose: Purpose,
    pub expires_at: DateTime<Utc>,
    /// The digest of the presented token, for revoking it.
    pub token_hash: String,
}

impl ApiCaller {
    /// The caller as the access decision sees them: who, and for what.
    pub fn viewer(self) -> crate::authorisation::Viewer {
        crate::authorisation::Viewer {
            user: self.user,
            purpose: self.purpose,
        }
    }
}

/// The caller a bearer token in `headers` names, if it is live.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<ApiCaller, AuthError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AuthError::NotSignedIn(
                "send a bearer token from POST /api/v1/auth/token in the Authorization header"
                    .into(),
            )
        })?;
    let token_hash = secret::digest(token);
    let record = state.reads.tokens.read(token_hash.clone()).await?;
    let now = state.clock.now();
    let refused = |why: &str| Err(AuthError::NotSignedIn(why.to_owned()));
    match record {
        None => refused("the token is not recognised"),
        Some(r) if r.revoked_at.is_some() => refused("the token has been revoked"),
        Some(r) if r.expires_at <= now => refused("the token has expired; ask for a new one"),
        Some(r) if r.user.disabled() => refused("the token is not recognised"),
        Some(r) => Ok(ApiCaller {
            user: r.user,
            purpose: r.purpose,
            expires_at: r.expires_at,
            token_hash,
        }),
    }
}

/// A token just issued: the secret itself (shown once, stored only as its
/// digest) and how long it lasts.
#[derive(Debug)]
pub struct Issued {
    pub token: String,
    pub lasts: chrono::Duration,
}

/// Issues `user` a token bound to `purpose`, for the configured lifetime.
pub async fn issue(state: &AppState, user: &User, purpose: Purpose) -> Result<Issued, AuthError> {
    let token = secret::new_secret();
    let now = state.clock.now();
    let lasts = state.config.token_ttl;
    let mut tx = state.store.write().await?;
    tokens::insert_token(
        &mut tx,
        &secret::digest(&token),
        user.id(),
        purpose,
        now,
        now + lasts,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %user.username(), purpose = purpose.code(), "api token issued");
    Ok(Issued { token, lasts })
}

/// Ends the caller's token now.
pub async fn revoke(state: &AppState, caller: &ApiCaller) -> Result<(), AuthError> {
    let mut tx = state.store.write().await?;
    tokens::revoke_token(&mut tx, &caller.token_hash, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}
