//! What a surface that takes bearer tokens adds to an answer refusing the
//! caller's credentials: the scheme to authenticate with, or when a locked
//! account may try again. The JSON API and the FHIR surface answer in
//! their own bodies but with these same headers.

use axum::http::{header, HeaderMap, HeaderValue};
use chrono::{DateTime, Utc};

/// `WWW-Authenticate: Bearer`, for an answer to missing or refused
/// credentials.
pub fn bearer(headers: &mut HeaderMap) {
    headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
}

/// `Retry-After` for an answer that a fault of the moment refused (the
/// audit log cannot be written): a minute.
pub fn retry_soon(headers: &mut HeaderMap) {
    headers.insert(header::RETRY_AFTER, HeaderValue::from(60));
}

/// `Retry-After` in whole seconds until `until` (at least one), for an
/// answer to a locked account.
pub fn retry_after(headers: &mut HeaderMap, until: DateTime<Utc>) {
    let wait = (until - Utc::now()).num_seconds().max(1);
    headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
}
