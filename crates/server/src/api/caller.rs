//! Who calls the API: a bearer token read from the request
//! ([`crate::auth::bearer::caller`]), refused as problem details.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::api::error::ApiError;
use crate::auth::bearer::{self, ApiCaller};
use crate::AppState;

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(bearer::caller(state, &parts.headers).await?)
    }
}
