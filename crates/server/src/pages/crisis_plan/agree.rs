//! Recording agreement to a draft (`POST /persons/{id}/crisis-plan/agree`):
//! the professional's own, the person's as a professional heard it (in
//! person, by phone, by letter), or the person's from their own account.
//! A failure shows the plan again with the message and what was entered.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use chrono::NaiveDate;
use concordat_domain::consent::RecordedVia;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::crisis::plans::{self, Party};
use crate::error::ServiceError;
use crate::pages::crisis_plan::plan::{plan_page, AgreeFeedback};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::sentence;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/crisis-plan/agree", post(agree))
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AgreeForm {
    #[serde(default)]
    csrf_token: String,
    purpose: Option<String>,
    #[serde(default)]
    version: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    via: String,
    #[serde(default)]
    review_due: String,
}

/// The form's fields as the service takes them, or what is wrong with them.
fn parse(form: &AgreeForm) -> Result<(u32, Party, RecordedVia, Option<NaiveDate>), String> {
    let version = form
        .version
        .trim()
        .parse()
        .map_err(|_| "Say which version is being agreed.".to_owned())?;
    let party = match form.party.as_str() {
        "person" => Party::Person,
        "professional" => Party::Professional,
        _ => return Err("Say whose agreement this is.".into()),
    };
    let via = match form.via.trim() {
        // The person's own account needs no "how": the service records it.
        "" => RecordedVia::OwnAccount,
        raw => RecordedVia::parse(raw).map_err(|_| {
            "Choose how the person agreed: in person, by phone or by letter.".to_owned()
        })?,
    };
    let review_due = match form.review_due.trim() {
        "" => None,
        raw => Some(
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| format!("`{raw}` is not a date; write it as YYYY-MM-DD."))?,
        ),
    };
    Ok((version, party, via, review_due))
}

/// `POST /persons/{id}/crisis-plan/agree`.
pub async fn agree(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<AgreeForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_of(&id);
    let viewer = viewer(&session, form.purpose.as_deref())?;
    let (status, message) = match parse(&form) {
        Err(message) => (StatusCode::BAD_REQUEST, message),
        Ok((version, party, via, review_due)) => {
            match plans::agree(&state, &viewer, person, version, party, via, review_due).await {
                Ok(_) => {
                    let purpose = viewer.purpose.code();
                    return Ok(Redirect::to(&format!(
                        "/persons/{person}/crisis-plan?done=agreed&purpose={purpose}"
                    ))
                    .into_response());
                }
                Err(ServiceError::Invalid(fields)) => (
                    StatusCode::BAD_REQUEST,
                    fields
                        .iter()
                        .map(|e| sentence(&e.message))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Err(ServiceError::Conflict(m)) => (StatusCode::CONFLICT, sentence(&m)),
                Err(other) => return Err(other.into()),
            }
        }
    };
    let history = plans::history(&state, &viewer, person).await?;
    let html = plan_page(
        &state,
        &session,
        &viewer,
        person,
        history,
        None,
        AgreeFeedback {
            error: Some(message),
            via: form.via.trim().to_owned(),
            review_due: form.review_due.trim().to_owned(),
        },
    )
    .await?;
    Ok((status, Html(html)).into_response())
}
