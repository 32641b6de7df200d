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
use concordat_domain::break_glass::{Justification, OverrideBasis};
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::governance::{self, ClaimRequest, PersonRef};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{reading_purpose, sentence};
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/break-glass", get(form).post(claim))
}

struct Basis {
    value: &'static str,
    label: String,
    chosen: bool,
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

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per part of the form"
)]
async fn page(
    state: &AppState,
    session: &SignedIn,
    person_id: &str,
    purpose: Purpose,
    chosen: Option<&str>,
    justification: &str,
    basis_error: Option<String>,
    justification_error: Option<String>,
) -> Result<BreakGlassPage, PageError> {
    Ok(BreakGlassPage {
        chrome: Chrome::load(state, session).await?,
        person_id: person_id.to_owned(),
        purpose_code: purpose.code(),
        purpose_label: purpose.label(),
        bases: OverrideBasis::ALL
            .iter()
            .map(|b| Basis {
                value: b.as_str(),
                label: sentence(b.label()).trim_end_matches('.').to_owned(),
                chosen: Some(b.as_str()) == chosen,
            })
            .collect(),
        justification: justification.to_owned(),
        min_chars: Justification::MIN_CHARS,
        minutes: state.config.break_glass_for.num_minutes(),
        basis_error,
        justification_error,
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
        None,
        "",
        None,
        None,
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
            let page = page(
                &state,
                &session,
                &person.to_string(),
                purpose,
                Some(&basis),
                &form.justification,
                basis_error,
                message("justification"),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(ServiceError::Denied { reason, .. }) => Err(PageError::Forbidden(sentence(&reason))),
        Err(other) => Err(other.into()),
    }
}
