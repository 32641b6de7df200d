//! One error type for the pages, rendered as a plain error page (or, for a
//! visitor who is not signed in, a redirect to sign in). Server faults are
//! logged with their cause and shown without it.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::AuthError;
use crate::error::ServiceError;
use crate::extract::BadInput;
use crate::pages::words::sentence;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("the form has expired")]
    CsrfMismatch,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    /// The request clashes with what is stored now (someone else acted first).
    #[error("{0}")]
    Conflict(String),
    /// Input a form could not put beside a field of its own.
    #[error("{0}")]
    Invalid(String),
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            PageError::NotSignedIn => return Redirect::to("/sign-in").into_response(),
            PageError::CsrfMismatch => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Go back, reload the page and try again.".to_owned(),
            ),
            PageError::Forbidden(why) => (StatusCode::FORBIDDEN, "Not allowed", why.clone()),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing at this address.".to_owned(),
            ),
            PageError::Conflict(why) => (StatusCode::CONFLICT, "This has changed", why.clone()),
            PageError::Invalid(why) => (
                StatusCode::BAD_REQUEST,
                "Check what you entered",
                why.clone(),
            ),
            PageError::Unavailable(cause) => {
                tracing::error!(%cause, "page failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Not available just now",
                    "Records cannot be shown just now: the audit log that records every look \
                     cannot be written. Nothing was shown or changed. Please try again in a \
                     minute."
                        .to_owned(),
                )
            }
            PageError::Internal(cause) => {
                tracing::error!(%cause, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on our side. It has been logged; please try again."
                        .to_owned(),
                )
            }
        };
        let body = ErrorPage {
            title,
            message: &message,
        }
        .render()
        .unwrap_or_else(|_| message.clone());
        (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
    }
}

/// A service's failure in the pages' terms: the one place the pages map the
/// service error vocabulary (its policy is written in `crate::error`). Forms
/// handle `Invalid` and `Conflict` themselves, beside the fields; this is
/// for the rest.
impl From<ServiceError> for PageError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => PageError::NotFound,
            ServiceError::Denied { reason, rule } => {
                PageError::Forbidden(format!("{} (Rule: {rule}.)", sentence(&reason)))
            }
            ServiceError::Forbidden(why) => PageError::Forbidden(sentence(&why)),
            ServiceError::Conflict(why) => PageError::Conflict(sentence(&why)),
            ServiceError::Invalid(fields) => PageError::Invalid(
                fields
                    .iter()
                    .map(|e| sentence(&format!("{}: {}", e.field, e.message)))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            ServiceError::Unavailable(cause) => PageError::Unavailable(cause),
            ServiceError::Internal(cause) => PageError::Internal(cause),
        }
    }
}

/// Who is looking, not established: sent to sign in, or told the form
/// expired. A failed sign-in is the sign-in page's own to word.
impl From<AuthError> for PageError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::NotSignedIn(_) | AuthError::Rejected | AuthError::Locked { .. } => {
                PageError::NotSignedIn
            }
            AuthError::CsrfMismatch => PageError::CsrfMismatch,
            AuthError::Store(e) => ServiceError::from(e).into(),
        }
    }
}

/// A path segment, query string or form that did not read (see
/// [`crate::extract`]), told in a sentence on the error page.
impl From<BadInput> for PageError {
    fn from(bad: BadInput) -> Self {
        match bad {
            BadInput::Value { field, message } => {
                PageError::Invalid(sentence(&format!("{field}: {message}")))
            }
            BadInput::NamesNothing => PageError::NotFound,
            BadInput::Unreadable(why) => PageError::Invalid(sentence(&why)),
            BadInput::TooLarge => {
                PageError::Invalid("What was sent is larger than this page accepts.".into())
            }
            BadInput::Internal(cause) => PageError::Internal(format!("extractor: {cause}")),
        }
    }
}
