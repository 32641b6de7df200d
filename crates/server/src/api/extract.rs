//! The API's extractors for path segments, query strings and raw bodies:
//! axum's, read by [`crate::extract`], with rejections that are problem
//! details like every other mistake (issue 11). Handlers use these, never
//! `axum::extract::{Path, Query}` or a bare `Bytes`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::api::error::ApiError;
use crate::extract;

/// The path's parameters. A parameter naming a person, referral or thread
/// is best read as a `String` and parsed by the handler, so that an id
/// that is not well-formed answers as an absent one would (404); typed
/// values (a version number) that do not read are a 400 naming them.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Self(extract::path(parts).await?))
    }
}

/// The query string's parameters.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Self(extract::query(parts)?))
    }
}

/// The whole body as bytes, within the route's size limit.
#[derive(Debug)]
pub struct ApiBytes(pub Bytes);

impl<S> FromRequest<S> for ApiBytes
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Ok(Self(extract::bytes(request, state).await?))
    }
}

/// The person named in a path. An id that is not even well-formed names no
/// one: the caller gets the same 404 as for an absent person.
pub fn person_path(raw: &str) -> concordat_domain::ids::PersonId {
    concordat_domain::ids::PersonId::named(raw)
}
