//! The buttons under an agreement: sign it for the user's own organisation,
//! suspend, resume or end it (`POST /agreements/{id}/{sign,suspend,resume,end}`).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

use crate::agreements::{self as workflow, StatusChange};
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::pages::agreements::refusals::agreement_id;
use crate::pages::agreements::view::view_with_error;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/agreements/{id}/sign", post(sign))
        .route("/agreements/{id}/suspend", post(suspend))
        .route("/agreements/{id}/resume", post(resume))
        .route("/agreements/{id}/end", post(end))
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ButtonForm {
    csrf_token: String,
}

async fn press(
    state: AppState,
    session: SignedIn,
    id: String,
    form: ButtonForm,
    change: Option<StatusChange>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = agreement_id(&id)?;
    let now = state.clock.now();
    let (outcome, done) = match change {
        None => (
            workflow::sign(&state.store, &session.user, id, now).await,
            "signed",
        ),
        Some(change) => (
            workflow::change_status(&state.store, &session.user, id, change, now).await,
            change.event(),
        ),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/agreements/{id}?done={done}")).into_response()),
        Err(failure) => view_with_error(&state, &session, id, failure).await,
    }
}

/// `POST /agreements/{id}/sign`: for the user's own organisation.
pub async fn sign(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, None).await
}

/// `POST /agreements/{id}/suspend`.
pub async fn suspend(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, Some(StatusChange::Suspend)).await
}

/// `POST /agreements/{id}/resume`.
pub async fn resume(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, Some(StatusChange::Resume)).await
}

/// `POST /agreements/{id}/end`.
pub async fn end(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, Some(StatusChange::End)).await
}
