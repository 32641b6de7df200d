//! Changing the choices: recording a new one (`POST /persons/{id}/consent`),
//! withdrawing one, and setting what a carer may be told. A failure shows
//! the page again with what went wrong beside what it concerns.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::consent::{self, carer_accounts, carers};
use crate::error::FieldError;
use crate::error::ServiceError;
use crate::extract::origin;
use crate::pages::consent::page::{
    again, choices_viewer, failure, person_id, ChoiceForm, Feedback,
};
use crate::pages::error::PageError;
use crate::pages::extract::{Fields, PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
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
        .route(
            "/persons/{id}/carers/{related_person_id}/invitation",
            post(invite_carer),
        )
        .route(
            "/persons/{id}/carers/{related_person_id}/access",
            post(carer_access),
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
    let topics = Fields(pairs).checked(&session)?.all("may_tell");
    let person = person_id(&id);
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

#[derive(Template)]
#[template(path = "carer_invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    carer_name: String,
    username: String,
    link: String,
    until: String,
}

/// `POST /persons/{id}/carers/{related_person_id}/invitation`: the
/// carer's sign-in, and its link shown once to hand over.
pub async fn invite_carer(
    State(state): State<AppState>,
    session: SignedIn,
    headers: HeaderMap,
    PagePath((id, related)): PagePath<(String, String)>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id);
    let viewer = choices_viewer(&session);
    let made = match carer_accounts::invite(&state, &viewer, person, &related).await {
        Ok(made) => made,
        Err(ServiceError::Conflict(why)) => {
            let feedback = Feedback {
                failed: Some((Some(related), sentence(&why))),
                ..Feedback::default()
            };
            return again(&state, &session, person, StatusCode::CONFLICT, feedback).await;
        }
        Err(e) => return Err(failure(e)),
    };
    let page = InvitationPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        own: viewer.user.person_id() == Some(person),
        carer_name: made.carer_name,
        username: made.username,
        link: format!("{}/set-password/{}", origin(&state, &headers), made.secret),
        until: crate::pages::words::when(made.expires_at),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AccessForm {
    #[serde(default)]
    csrf_token: String,
    /// "withdraw" or "restore".
    #[serde(default)]
    change: String,
}

/// `POST /persons/{id}/carers/{related_person_id}/access`: withdraws a
/// carer's access, or gives it back.
pub async fn carer_access(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, related)): PagePath<(String, String)>,
    PageForm(form): PageForm<AccessForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id);
    let withdrawn = match form.change.as_str() {
        "withdraw" => true,
        "restore" => false,
        _ => {
            let feedback = Feedback {
                failed: Some((
                    Some(related),
                    "Choose to stop or to restore their access.".into(),
                )),
                ..Feedback::default()
            };
            return again(&state, &session, person, StatusCode::BAD_REQUEST, feedback).await;
        }
    };
    match carer_accounts::set_access(
        &state,
        &choices_viewer(&session),
        person,
        &related,
        withdrawn,
    )
    .await
    {
        Ok(()) => {
            let done = if withdrawn {
                "carer-withdrawn"
            } else {
                "carer-restored"
            };
            Ok(Redirect::to(&format!("/persons/{person}/consent?done={done}")).into_response())
        }
        Err(ServiceError::Conflict(why)) => {
            let feedback = Feedback {
                failed: Some((Some(related), sentence(&why))),
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::CONFLICT, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}
