//! One error type for the FHIR surface, answered as an `OperationOutcome`
//! in one place: each kind gets its HTTP status and its issue code from
//! the FHIR `issue-type` value set. Server faults are logged with their
//! cause and answered without it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::terms::FHIR_JSON;
use crate::auth::AuthError;
use crate::error::{FieldError, ServiceError};
use crate::extract::BadInput;

#[derive(Debug, thiserror::Error)]
pub enum FhirError {
    /// Input that breaks a rule, by parameter.
    #[error("the request is not valid")]
    Invalid(Vec<FieldError>),
    /// A search parameter, modifier, chain or `_has` this server does not
    /// serve: refused rather than ignored, so a client never takes a wider
    /// answer for the one it asked.
    #[error("{0}")]
    Unsupported(String),
    /// A format other than FHIR JSON asked for.
    #[error("{0}")]
    NotAcceptable(String),
    /// A body sent as something other than FHIR JSON.
    #[error("the body must be FHIR JSON")]
    UnsupportedMediaType,
    #[error("{0}")]
    Unauthenticated(String),
    #[error("too many failed sign-ins")]
    Locked { until: DateTime<Utc> },
    #[error("{0}")]
    Forbidden(String),
    /// The access decision refused a caller who knows of the person.
    #[error("{detail}")]
    Denied { detail: String, rule: String },
    /// No such resource, or one the caller must not learn exists.
    #[error("not found")]
    NotFound,
    /// No such interaction: a type or address this server does not serve.
    #[error("no such interaction")]
    NoSuchInteraction,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl FhirError {
    pub fn invalid(field: &str, message: impl ToString) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// The status, the issue code and the words shown.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::Invalid(errors) => (
                StatusCode::BAD_REQUEST,
                "invalid",
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Self::Unsupported(why) => (StatusCode::BAD_REQUEST, "not-supported", why.clone()),
            Self::NotAcceptable(why) => (StatusCode::NOT_ACCEPTABLE, "not-supported", why.clone()),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "not-supported",
                "send the body as `application/fhir+json`".into(),
            ),
            Self::Unauthenticated(why) => (StatusCode::UNAUTHORIZED, "login", why.clone()),
            Self::Locked { until } => (
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                format!(
                    "too many failed sign-ins; try again after {}",
                    until.format("%H:%M UTC")
                ),
            ),
            Self::Forbidden(why) => (StatusCode::FORBIDDEN, "forbidden", why.clone()),
            Self::Denied { detail, rule } => (
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("{detail} (rule `{rule}`)"),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "there is no such resource".into(),
            ),
            Self::NoSuchInteraction => (
                StatusCode::NOT_FOUND,
                "not-supported",
                "this server serves no such interaction; see /fhir/metadata".into(),
            ),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "not-supported",
                "this address does not accept that method; see /fhir/metadata".into(),
            ),
            Self::Conflict(why) => (StatusCode::CONFLICT, "conflict", why.clone()),
            Self::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "transient",
                crate::error::UNAVAILABLE.into(),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "an unexpected error occurred; it has been logged for the operators".into(),
            ),
        }
    }

    /// The `OperationOutcome` this error is answered with.
    pub fn outcome(&self) -> Value {
        let (_, code, diagnostics) = self.parts();
        let mut issue = json!({
            "severity": "error",
            "code": code,
            "diagnostics": diagnostics,
        });
        if let Self::Invalid(errors) = self {
            issue["expression"] = errors.iter().map(|e| e.field.clone()).collect();
        }
        json!({ "resourceType": "OperationOutcome", "issue": [issue] })
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) | Self::Unavailable(cause) = &self {
            tracing::error!(%cause, "FHIR request failed");
        }
        let (status, _, _) = self.parts();
        let body = serde_json::to_vec(&self.outcome()).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
        match &self {
            Self::Unauthenticated(_) => crate::challenge::bearer(headers),
            Self::Locked { until } => crate::challenge::retry_after(headers, *until),
            Self::Unavailable(_) => crate::challenge::retry_soon(headers),
            _ => {}
        }
        response
    }
}

/// A service's failure as an `OperationOutcome`: the one place the FHIR
/// surface maps the service error vocabulary (its policy is written in
/// `crate::error`).
impl From<ServiceError> for FhirError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => Self::NotFound,
            ServiceError::Denied { reason, rule } => Self::Denied {
                detail: reason,
                rule,
            },
            ServiceError::Forbidden(why) => Self::Forbidden(why),
            ServiceError::Conflict(why) => Self::Conflict(why),
            ServiceError::Invalid(fields) => Self::Invalid(fields),
            ServiceError::Unavailable(cause) => Self::Unavailable(cause),
            ServiceError::Internal(cause) => Self::Internal(cause),
        }
    }
}

/// The store failed: a fault of ours, as a service would say.
impl From<concordat_store::StoreError> for FhirError {
    fn from(err: concordat_store::StoreError) -> Self {
        ServiceError::from(err).into()
    }
}

/// Who is asking, not established.
impl From<AuthError> for FhirError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::NotSignedIn(_) | AuthError::Rejected | AuthError::CsrfMismatch => {
                Self::Unauthenticated(err.to_string())
            }
            AuthError::Locked { until } => Self::Locked { until },
            AuthError::Store(e) => ServiceError::from(e).into(),
        }
    }
}

/// A path segment or query string that did not read.
impl From<BadInput> for FhirError {
    fn from(bad: BadInput) -> Self {
        match bad {
            BadInput::Value { field, message } => Self::invalid(&field, message),
            BadInput::NamesNothing => Self::NotFound,
            BadInput::Unreadable(why) => Self::invalid("body", why),
            BadInput::TooLarge => Self::invalid("body", "the body is too large"),
            BadInput::Internal(cause) => Self::Internal(format!("extractor: {cause}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_detail_never_reaches_the_outcome() {
        let outcome = FhirError::Internal("password=hunter2 in row 7".into()).outcome();
        let text = outcome.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(outcome["issue"][0]["code"], "exception");
    }

    #[test]
    fn each_service_error_has_its_issue_code() {
        let cases = [
            (ServiceError::NotFound, "not-found", 404),
            (
                ServiceError::Denied {
                    reason: "refused".into(),
                    rule: "consent-refused".into(),
                },
                "forbidden",
                403,
            ),
            (ServiceError::Forbidden("no".into()), "forbidden", 403),
            (ServiceError::Conflict("later".into()), "conflict", 409),
            (ServiceError::invalid("patient", "bad"), "invalid", 400),
            (ServiceError::Unavailable("x".into()), "transient", 503),
            (ServiceError::Internal("x".into()), "exception", 500),
        ];
        for (service, code, status) in cases {
            let fhir = FhirError::from(service);
            assert_eq!(fhir.outcome()["issue"][0]["code"], code, "{fhir:?}");
            assert_eq!(fhir.parts().0.as_u16(), status, "{fhir:?}");
        }
    }
}
