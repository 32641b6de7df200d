//! Checking a username and password, shared by the sign-in page and the API's
//! token endpoint. Every failure looks the same from outside: the caller never
//! learns whether the username exists or the account is disabled.

use chrono::{DateTime, Utc};
use concordat_domain::user::{User, Username};
use concordat_store::users;
use concordat_store::StoreError;

use super::throttle::{self, AttemptKeys, Gate};
use crate::AppState;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the username or password is not right")]
    Rejected,
    #[error("too many failed sign-ins; try again after {until}")]
    Locked { until: DateTime<Utc> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    client_address: &str,
) -> Result<User, SignInError> {
    let keys = AttemptKeys::new(username, client_address);
    match throttle::gate(state, &keys).await? {
        Gate::Locked { until } => return Err(SignInError::Locked { until }),
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
        Some(c) if password_ok && !c.user.disabled() => {
            throttle::record_success(state, &keys).await?;
            Ok(c.user)
        }
        _ => {
            throttle::record_failure(state, &keys).await?;
            Err(SignInError::Rejected)
        }
    }
}
