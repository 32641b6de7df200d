//! The break-glass page (`/persons/{id}/break-glass`): a practitioner's
//! emergency override of a person's refusal, claimed through
//! [`crate::governance::claim_break_glass`] like the JSON API. The form asks
//! for the lawful basis and a written justification and says plainly that
//! the use is audited, reviewed and shown to the person. On success it goes
//! back to the record, read for the same purpose.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::break_glass::Justification;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::governance::{self, ClaimRequest, PersonRef};
use crate::pages::crisis_lookup;
use crate::pages::emergency_access::{bases, Basis, THEN_CRISIS_SUMMARY};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{reading_purpose, sentence};
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/break-glass", get(form).post(claim))
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct BreakGlassPage {
    chrome: Chrome,
    person_id: String,
    purpose_code: &'static str,
    purpose_label: &'static str,
    bases: Vec<Basis>,
    justification: String,
    min_chars: usize,
    minutes: i64,
    basis_error: Option<String>,
    justification_error: Option<String>,
    /// Where a claim made from a look-up goes once granted, and the
    /// look-up's reason, carried through a failed attempt.
    then: String,
    lookup_reason: String,
}

impl BreakGlassPage {
    /// The faults above the form, each linking to its field.
    fn error_summary(&self) -> Faults {
        let mut faults = Faults::new();
        for (field, message) in [
            ("lawful_basis", &self.basis_error),
            ("justification", &self.justification_error),
        ] {
            if let Some(message) = message {
                faults.add(field, message);
            }
        }
        faults
    }
}

#[derive(Debug, Deserialize)]
pub struct FormQuery {
    purpose: Option<String>,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ClaimForm {
    #[serde(default)]
    csrf_token: String,
    lawful_basis: Option<String>,
    #[serde(default)]
    justification: String,
    purpose: Option<String>,
    /// `crisis-summary` for a claim made from a look-up.
    #[serde(default)]
    then: String,
    #[serde(default)]
    lookup_reason: String,
}

fn refused(refusal: permissions::Refusal) -> PageError {
    PageError::Forbidden(sentence(refusal.as_str()))
}

/// Break-glass is for an emergency: the purpose defaults to emergency
/// treatment, and a purpose the page cannot offer is the reader's mistake.
fn purpose_of(session: &SignedIn, raw: Option<&str>) -> Result<Purpose, PageError> {
    let raw = raw.filter(|r| !r.trim().is_empty()).or(Some("ETREAT"));
    reading_purpose(&session.user, raw).map_err(|m| PageError::Forbidden(sentence(&m)))
}

/// What a failed claim brings back to the form.
#[derive(Default)]
struct Filled<'a> {
    chosen: Option<&'a str>,
    justification: &'a str,
    basis_error: Option<String>,
    justification_error: Option<String>,
    then: &'a str,
    lookup_reason: &'a str,
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    person_id: &str,
    purpose: Purpose,
    filled: Filled<'_>,
) -> Result<BreakGlassPage, PageError> {
    let Filled {
        chosen,
        justification,
        basis_error,
        justification_error,
        then,
        lookup_reason,
    } = filled;
    Ok(BreakGlassPage {
        chrome: Chrome::load(state, session).await?,
        person_id: person_id.to_owned(),
        purpose_code: purpose.code(),
        purpose_label: purpose.label(),
        bases: bases(chosen),
        justification: justification.to_owned(),
        min_chars: Justification::MIN_CHARS,
        minutes: state.config.break_glass_for.num_minutes(),
        basis_error,
        justification_error,
        then: then.to_owned(),
        lookup_reason: lookup_reason.to_owned(),
    })
}

/// `GET /persons/{id}/break-glass`. The form names no one, so it shows the
/// same whether or not the person exists.
pub async fn form(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<FormQuery>,
) -> Result<Response, PageError> {
    permissions::break_glass(session.user.role()).map_err(refused)?;
    let purpose = purpose_of(&session, query.purpose.as_deref())?;
    let person = PersonId::parse(&id).map_err(|_| PageError::NotFound)?;
    let page = page(
        &state,
        &session,
        &person.to_string(),
        purpose,
        Filled::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /persons/{id}/break-glass`.
pub async fn claim(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ClaimForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let purpose = purpose_of(&session, form.purpose.as_deref())?;
    let person = PersonId::parse(&id).map_err(|_| PageError::NotFound)?;
    let basis = form
        .lawful_basis
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let request = ClaimRequest {
        person: PersonRef::Id(person.to_string()),
        lawful_basis: basis.clone(),
        justification: form.justification.clone(),
    };
    match governance::claim_break_glass(&state, &session.viewer(purpose), request).await {
        // Claimed from a look-up: back to the person's crisis summary (for
        // a role that may look up; anyone else goes to the record).
        Ok(granted)
            if form.then == THEN_CRISIS_SUMMARY
                && !form.lookup_reason.trim().is_empty()
                && crisis_lookup::may_look_up(&session) =>
        {
            let reason = form.lookup_reason.trim().to_owned();
            crisis_lookup::after_break_glass(
                &state,
                &session,
                person.to_string(),
                reason,
                granted.expires_at,
            )
            .await
        }
        Ok(_) => Ok(
            Redirect::to(&format!("/persons/{person}?purpose={}", purpose.code())).into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let message = |field: &str| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| sentence(&e.message))
            };
            let basis_error = message("lawful_basis").map(|m| {
                if basis.is_empty() {
                    "Choose the lawful basis for emergency access.".to_owned()
                } else {
                    m
                }
            });
            let filled = Filled {
                chosen: Some(&basis),
                justification: &form.justification,
                basis_error,
                justification_error: message("justification"),
                then: &form.then,
                lookup_reason: &form.lookup_reason,
            };
            let page = page(&state, &session, &person.to_string(), purpose, filled).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(ServiceError::Denied { reason, .. }) => Err(PageError::Forbidden(sentence(&reason))),
        Err(other) => Err(other.into()),
    }
}
