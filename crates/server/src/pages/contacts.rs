//! Recording a contact with the person (`POST /persons/{id}/contacts`):
//! from the crisis look-up, a street-triage encounter, a section 136
//! detention, a conveyance to the emergency department, advice given —
//! through [`crate::crisis::contacts::record`], which tells the person's
//! lead professional. On success the user is back at the look-up, ready for
//! the next; on a mistake the form comes back with what they typed.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use concordat_domain::contact_event::{ContactKind, Detention};
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::crisis::contacts::{self, NewContact};
use crate::error::{FieldError, ServiceError};
use crate::pages::contact_kinds::{detention_opts, kinds, DetentionOpts, KindOpt};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::sentence;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/contacts", post(record))
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ContactForm {
    #[serde(default)]
    csrf_token: String,
    purpose: Option<String>,
    #[serde(default)]
    kind: String,
    /// The crisis look-up's reason, carried from its page.
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    place_of_safety: String,
    #[serde(default)]
    conveyed_by: String,
}

#[derive(Template)]
#[template(path = "crisis_contact.html")]
struct ContactPage {
    chrome: Chrome,
    person_id: String,
    purpose_code: &'static str,
    kinds: Vec<KindOpt>,
    detention: DetentionOpts,
    reason: String,
    outcome: String,
    note: String,
    faults: Faults,
}

/// `POST /persons/{id}/contacts`.
pub async fn record(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ContactForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_of(&id);
    let viewer = viewer(&session, form.purpose.as_deref())?;
    let mut page = ContactPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        purpose_code: viewer.purpose.code(),
        kinds: kinds(form.kind.trim()),
        detention: detention_opts(form.place_of_safety.trim(), form.conveyed_by.trim()),
        reason: form.reason.clone(),
        outcome: form.outcome.clone(),
        note: form.note.clone(),
        faults: Faults::new(),
    };
    let kind = ContactKind::parse(form.kind.trim())
        .ok()
        .filter(|k| ContactKind::AT_THE_SCENE.contains(k));
    let Some(kind) = kind else {
        page.faults.add("kind", "Choose what happened.");
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    };
    let detention =
        match Detention::read(kind, Some(&form.place_of_safety), Some(&form.conveyed_by)) {
            Ok(detention) => detention,
            Err(e) => {
                page.faults.add(e.field, sentence(&e.message));
                return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
            }
        };
    let contact = NewContact {
        kind,
        detention,
        occurred_at: None,
        reason: form.reason,
        outcome: form.outcome,
        note: form.note,
    };
    match contacts::record(&state, &viewer, person, contact).await {
        Ok(event) => Ok(
            Redirect::to(&format!("/crisis-lookup?recorded={}", event.kind.as_str()))
                .into_response(),
        ),
        Err(ServiceError::Invalid(fields)) => {
            // Anything not of the note or the reason is about the outcome.
            for FieldError { field, message } in fields {
                let field = match field.as_str() {
                    "note" | "reason" => field.as_str(),
                    _ => "outcome",
                };
                page.faults.add(field, &message);
            }
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
