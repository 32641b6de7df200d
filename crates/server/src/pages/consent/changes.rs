//! Changing the choices: recording a new one (`POST /persons/{id}/consent`),
//! withdrawing one, and setting what a carer may be told. A failure shows
//! the page again with what went wrong beside what it concerns.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::consent::{self, carers};
use crate::error::FieldError;
use crate::error::ServiceError;
use crate::pages::consent::page::{
    again, choices_viewer, failure, person_id, ChoiceForm, Feedback,
};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::words::sentence;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/consent", post(record))
        .route(
            "/persons/{id}/consent/{consent_id}/withdraw",
            post(withdraw),
        )
        .route(
            "/persons/{id}/carers/{related_person_id}/sharing",
            post(carer_sharing),
        )
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ButtonForm {
    #[serde(default)]
    csrf_token: String,
}

/// The service's faults with a choice, each beside its field; "choose
/// whether" when nothing was chosen rather than the service's word for it.
fn choice_faults(errors: Vec<FieldError>, form: &ChoiceForm) -> Faults {
    let mut faults = Faults::new();
    for e in errors {
        match e.field.as_str() {
            "effect" if form.choice.effect.trim().is_empty() => {
                faults.add("effect", "Choose whether to share or not.");
            }
            "effect" | "organisation" | "category" | "purpose" | "via" | "capacity_note" => {
                faults.add(&e.field, &e.message);
            }
            _ => faults.add_date("expires_at", &e.message),
        }
    }
    faults
}

/// `POST /persons/{id}/consent`: a new choice.
pub async fn record(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ChoiceForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id);
    match consent::record(&state, &choices_viewer(&session), person, &form.choice).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/persons/{person}/consent?done=recorded")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let feedback = Feedback {
                faults: choice_faults(errors, &form),
                form,
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::BAD_REQUEST, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}

/// `POST /persons/{id}/consent/{consent_id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, consent_id)): PagePath<(String, String)>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id);
    match consent::withdraw(&state, &choices_viewer(&session), person, &consent_id).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/persons/{person}/consent?done=withdrawn")).into_response())
        }
        Err(ServiceError::Conflict(why)) => {
            let feedback = Feedback {
                failed: Some((None, sentence(&why))),
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::CONFLICT, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}

/// `POST /persons/{id}/carers/{related_person_id}/sharing`: the ticked
/// topics, and nothing else.
pub async fn carer_sharing(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, related)): PagePath<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = pairs
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    csrf::check(Some(&session.csrf_token), token)?;
    let person = person_id(&id);
    let topics: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "may_tell")
        .map(|(_, v)| v)
        .collect();
    match carers::set_sharing(&state, &choices_viewer(&session), person, &related, &topics).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/persons/{person}/consent?done=carers")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let message = errors
                .iter()
                .map(|e| sentence(&e.message))
                .collect::<Vec<_>>()
                .join(" ");
            let feedback = Feedback {
                failed: Some((Some(related), message)),
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::BAD_REQUEST, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}
