//! Checking a username and password, shared by the sign-in page and the API's
//! token endpoint. Every failure looks the same from outside: the caller never
//! learns whether the username exists, the account is disabled, or it is a
//! system's account signing in where only people may.

use concordat_domain::user::{User, Username};
use concordat_store::users;

use super::throttle::{self, AttemptKeys, Gate};
use super::AuthError;
use crate::AppState;

/// Where a sign-in comes from: a partner's system (a source system) signs
/// in to the API only, never to the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInTo {
    Pages,
    Api,
}

pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    client_address: &str,
    to: SignInTo,
) -> Result<User, AuthError> {
    let keys = AttemptKeys::new(username, client_address);
    match throttle::gate(state, &keys).await? {
        Gate::Locked { until } => return Err(AuthError::Locked { until }),
        Gate::Open { delay } if !delay.is_zero() => tokio::time::sleep(delay).await,
        Gate::Open { .. } => {}
    }

    let credentials = match Username::parse(username) {
        Ok(name) => {
            let mut conn = state.store.read().await?;
            users::credentials_by_username(&mut conn, &name).await?
        }
        Err(_) => None,
    };
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.as_str());
    let password_ok = state.passwords.verify(stored_hash, password).await;

    match credentials {
        Some(c)
            if password_ok
                && !c.user.disabled()
                && (to == SignInTo::Api || !c.user.role().is_system()) =>
        {
            throttle::record_success(state, &keys).await?;
            Ok(c.user)
        }
        _ => {
            throttle::record_failure(state, &keys).await?;
            Err(AuthError::Rejected)
        }
    }
}
