//! A JSON body extractor whose rejections are problem details, so a body that
//! is not JSON gets the same clear error shape as every other mistake.

use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;

use super::ApiError;

#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::BodyTooLarge;
        }
        ApiError::MalformedBody(match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "the body must be JSON, sent with `Content-Type: application/json`".into()
            }
            other => other.body_text(),
        })
    }
}
