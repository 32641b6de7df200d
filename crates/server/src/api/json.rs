//! A JSON body extractor whose rejections are problem details, so a body that
//! is not JSON gets the same clear error shape as every other mistake.

use axum::extract::FromRequest;

use crate::api::error::ApiError;

#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);
