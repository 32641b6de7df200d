//! The pages' extractors for path segments, query strings and form bodies:
//! axum's, read by [`crate::extract`], with rejections that are the error
//! page like every other mistake (issue 11). Handlers use these, never
//! `axum::extract::{Path, Query}` or `axum::Form`.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::extract;
use crate::pages::error::PageError;

/// The path's parameters. Ids are best read as a `String` and parsed by the
/// handler, so that one that is not well-formed is "not found" as an
/// absent one is.
#[derive(Debug)]
pub struct PagePath<T>(pub T);

impl<T, S> FromRequestParts<S> for PagePath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, PageError> {
        Ok(Self(extract::path(parts).await?))
    }
}

/// The query string's parameters, each date's parts joined as a form's are.
#[derive(Debug)]
pub struct PageQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for PageQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, PageError> {
        let query = parts.uri.query().unwrap_or_default();
        let joined = crate::pages::date_input::joined(query.as_bytes());
        Ok(Self(extract::urlencoded(&joined, "query")?))
    }
}

/// A form sent by POST, each date's day, month and year joined into one
/// (see `date_input`). (Forms carrying a CSRF token or a password are not
/// `Debug`, so neither is this around them.)
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T, S> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        let body = extract::form_body(request, state).await?;
        let joined = crate::pages::date_input::joined(&body);
        Ok(Self(extract::urlencoded(&joined, "form")?))
    }
}

/// A form's fields by name, read from `PageForm<Vec<(String, String)>>`:
/// for forms whose ticked boxes repeat a name (attendees, a carer's items),
/// kept in the order sent.
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value sent for `name`, if it was sent.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// The first value sent for `name`, or empty.
    pub fn one(&self, name: &str) -> String {
        self.get(name).unwrap_or_default()
    }

    /// Every value sent for `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The fields, once the form's CSRF token is the session's.
    pub fn checked(self, session: &SignedIn) -> Result<Self, PageError> {
        csrf::check(Some(&session.csrf_token), &self.one("csrf_token"))?;
        Ok(self)
    }
}
