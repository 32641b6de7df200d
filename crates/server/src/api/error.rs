//! One error type for the JSON API, turned into RFC 9457 problem details in one
//! place. Each kind has a stable `type` a client can match on. Server faults
//! are logged with their cause and answered without it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auth::AuthError;
use crate::extract::BadInput;

pub use crate::error::FieldError;
use crate::error::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Well-formed JSON whose values break a rule.
    #[error("the request is not valid")]
    Invalid(Vec<FieldError>),
    /// A body that is not JSON, or not the expected shape.
    #[error("{0}")]
    MalformedBody(String),
    /// A body larger than the address accepts.
    #[error("the body is too large")]
    BodyTooLarge,
    #[error("{0}")]
    Unauthenticated(String),
    #[error("too many failed sign-ins")]
    Locked { until: DateTime<Utc> },
    #[error("{0}")]
    Forbidden(String),
    /// The access decision refused; `rule` is the policy that decided.
    #[error("{detail}")]
    Denied { detail: String, rule: String },
    /// A crisis look-up found the person, who refused sharing with the
    /// caller's organisation: the caller learns that a plan exists and how
    /// to go past the refusal lawfully (break-glass), never the plan.
    #[error("{detail}")]
    LookUpRefused {
        detail: String,
        person_id: String,
        plan_exists: bool,
    },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// RFC 9457 problem details, as every error of the JSON API is answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct Problem<'a> {
    /// Stable for each kind of problem: a client matches on it.
    #[serde(rename = "type")]
    #[schema(example = "/problems/invalid-input")]
    kind: &'static str,
    title: &'static str,
    /// The HTTP status code, repeated.
    status: u16,
    detail: String,
    /// Each field at fault and why, for `/problems/invalid-input`.
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    #[schema(value_type = Vec<FieldError>, required = false)]
    errors: &'a [FieldError],
    /// The policy that decided, for `/problems/access-denied`.
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    /// For a crisis look-up refused by the person's choice: who was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    person_id: Option<&'a str>,
    /// For a crisis look-up refused by the person's choice: whether they
    /// have an agreed crisis plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_exists: Option<bool>,
    /// Where to claim an emergency override, when that is the way forward.
    #[serde(skip_serializing_if = "Option::is_none")]
    break_glass: Option<&'static str>,
}

impl ApiError {
    pub fn invalid(field: &str, message: impl ToString) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Invalid(_) => (
                StatusCode::BAD_REQUEST,
                "/problems/invalid-input",
                "The request is not valid",
            ),
            ApiError::MalformedBody(_) => (
                StatusCode::BAD_REQUEST,
                "/problems/malformed-body",
                "The request body could not be read",
            ),
            ApiError::BodyTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "/problems/body-too-large",
                "The request body is too large",
            ),
            ApiError::Unauthenticated(_) => (
                StatusCode::UNAUTHORIZED,
                "/problems/unauthenticated",
                "Sign-in needed",
            ),
            ApiError::Locked { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "/problems/sign-in-locked",
                "Sign-in temporarily locked",
            ),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "/problems/forbidden", "Not allowed"),
            ApiError::Denied { .. } | ApiError::LookUpRefused { .. } => (
                StatusCode::FORBIDDEN,
                "/problems/access-denied",
                "Access denied",
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "/problems/not-found", "Not found"),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "/problems/method-not-allowed",
                "Method not allowed",
            ),
            ApiError::Conflict(_) => (
                StatusCode::CONFLICT,
                "/problems/conflict",
                "Conflicts with existing data",
            ),
            ApiError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "/problems/unavailable",
                "Not available just now",
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "/problems/internal",
                "Something went wrong on our side",
            ),
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Invalid(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            ApiError::Locked { until } => format!(
                "too many failed sign-ins; try again after {}",
                until.format("%H:%M UTC")
            ),
            ApiError::NotFound => "there is nothing at this address".into(),
            ApiError::BodyTooLarge => "the body is larger than this address accepts".into(),
            ApiError::MethodNotAllowed => "this address does not accept that method".into(),
            ApiError::Unavailable(_) => crate::error::UNAVAILABLE.into(),
            ApiError::Internal(_) => {
                "an unexpected error occurred; it has been logged for the operators".into()
            }
            ApiError::MalformedBody(d)
            | ApiError::Unauthenticated(d)
            | ApiError::Forbidden(d)
            | ApiError::Conflict(d) => d.clone(),
            ApiError::Denied { detail, .. } | ApiError::LookUpRefused { detail, .. } => {
                detail.clone()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) | ApiError::Unavailable(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let (status, kind, title) = self.parts();
        let errors = match &self {
            ApiError::Invalid(errors) => errors.as_slice(),
            _ => &[],
        };
        let problem = Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: self.detail(),
            errors,
            rule: match &self {
                ApiError::Denied { rule, .. } => Some(rule.as_str()),
                ApiError::LookUpRefused { .. } => {
                    Some(concordat_access::policy_ids::CONSENT_REFUSED)
                }
                _ => None,
            },
            person_id: match &self {
                ApiError::LookUpRefused { person_id, .. } => Some(person_id.as_str()),
                _ => None,
            },
            plan_exists: match &self {
                ApiError::LookUpRefused { plan_exists, .. } => Some(*plan_exists),
                _ => None,
            },
            break_glass: match &self {
                ApiError::LookUpRefused { .. } => Some("/api/v1/break-glass"),
                _ => None,
            },
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::Unauthenticated(_) => crate::challenge::bearer(headers),
            ApiError::Locked { until } => crate::challenge::retry_after(headers, *until),
            ApiError::Unavailable(_) => crate::challenge::retry_soon(headers),
            _ => {}
        }
        response
    }
}

/// A path segment, query string or body that did not read (see
/// [`crate::extract`]): the value at fault named, as any invalid input.
impl From<BadInput> for ApiError {
    fn from(bad: BadInput) -> Self {
        match bad {
            BadInput::Value { field, message } => ApiError::invalid(&field, message),
            BadInput::NamesNothing => ApiError::NotFound,
            BadInput::Unreadable(why) => ApiError::MalformedBody(why),
            BadInput::TooLarge => ApiError::BodyTooLarge,
            BadInput::Internal(cause) => ApiError::Internal(format!("extractor: {cause}")),
        }
    }
}

/// A JSON body that did not read.
impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::BodyTooLarge;
        }
        ApiError::MalformedBody(match rejection {
            axum::extract::rejection::JsonRejection::MissingJsonContentType(_) => {
                "the body must be JSON, sent with `Content-Type: application/json`".into()
            }
            other => other.body_text(),
        })
    }
}

/// Who is asking, not established: the one place the API answers it.
impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::NotSignedIn(_) | AuthError::Rejected | AuthError::CsrfMismatch => {
                ApiError::Unauthenticated(err.to_string())
            }
            AuthError::Locked { until } => ApiError::Locked { until },
            AuthError::Store(e) => ServiceError::from(e).into(),
        }
    }
}

/// One contact event's failure, when a single event was sent.
impl From<crate::contact_events::LineError> for ApiError {
    fn from(error: crate::contact_events::LineError) -> Self {
        use crate::contact_events::LineError;
        match error {
            LineError::Malformed(why) => ApiError::MalformedBody(why),
            LineError::Invalid { field, message } => ApiError::invalid(&field, message),
            LineError::NotFound(_) | LineError::NotRecordedForMatch => ApiError::NotFound,
            LineError::NotStored => ApiError::Internal("contact event not stored".into()),
        }
    }
}

/// A service's failure as problem details: the one place the API maps the
/// service error vocabulary (its policy is written in `crate::error`).
impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Denied { reason, rule } => ApiError::Denied {
                detail: reason,
                rule,
            },
            ServiceError::Forbidden(why) => ApiError::Forbidden(why),
            ServiceError::Conflict(why) => ApiError::Conflict(why),
            ServiceError::Invalid(fields) => ApiError::Invalid(fields),
            ServiceError::Unavailable(cause) => ApiError::Unavailable(cause),
            ServiceError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}
