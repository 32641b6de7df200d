//! Password hashing with argon2id. Hashing is slow on purpose, so it runs on
//! the blocking pool rather than stalling the async workers.

use std::sync::Arc;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier, Version};

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// A hash of no one's password, verified against when a username is
    /// unknown so that the answer takes as long as for a known one.
    dummy_hash: Arc<str>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl PasswordHasher {
    /// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
    pub fn new() -> Result<Self, HashError> {
        let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| HashError(e.to_string()))?;
        let dummy_hash = hash_with(&params, "no one's password")?;
        Ok(Self {
            params,
            dummy_hash: dummy_hash.into(),
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let params = self.params.clone();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_with(&params, &password))
            .await
            .map_err(|e| HashError(e.to_string()))?
    }

    /// Checks `password` against `stored`, or against the dummy hash when
    /// there is no stored hash (unknown user): the work done is the same.
    pub async fn verify(&self, stored: Option<&str>, password: &str) -> bool {
        let known = stored.is_some();
        let hash = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let matched = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        known && matched
    }
}

fn hash_with(params: &Params, password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hasher = PasswordHasher::new().unwrap();
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify(Some(&hash), "correct horse battery").await);
        assert!(!hasher.verify(Some(&hash), "correct horse battery!").await);
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = PasswordHasher::new().unwrap();
        assert!(!hasher.verify(None, "no one's password").await);
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let hasher = PasswordHasher::new().unwrap();
        let a = hasher.hash("same password here").await.unwrap();
        let b = hasher.hash("same password here").await.unwrap();
        assert_ne!(a, b);
    }
}
