//! A person's multi-agency cases as the viewer knows them, and opening
//! one (`/persons/{id}/cases`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::cases::{self as service, Case};
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::long_date;
use crate::AppState;

struct Row {
    id: String,
    reason: String,
    status: &'static str,
    opened: String,
}

fn row(case: &Case) -> Row {
    Row {
        id: case.id.to_string(),
        reason: case.reason.clone(),
        status: case.status.label(),
        opened: long_date(case.opened_at.date_naive()),
    }
}

#[derive(Template)]
#[template(path = "cases_of_person.html")]
struct ListPage {
    chrome: Chrome,
    person_id: String,
    rows: Vec<Row>,
    reason: String,
    faults: Faults,
}

fn person_id(raw: &str) -> Result<PersonId, PageError> {
    PersonId::parse(raw).map_err(|_| PageError::NotFound)
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    person: PersonId,
    reason: String,
    faults: Faults,
) -> Result<ListPage, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let cases = service::of_person(state, &viewer, person).await?;
    Ok(ListPage {
        chrome: Chrome::load(state, session).await?,
        person_id: person.to_string(),
        rows: cases.iter().map(row).collect(),
        reason,
        faults,
    })
}

/// `GET /persons/{id}/cases`.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let page = page(
        &state,
        &session,
        person_id(&id)?,
        String::new(),
        Faults::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// No `Debug`: it holds the session's CSRF token, which must not reach a log.
#[derive(Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

/// `POST /persons/{id}/cases`: opens a case the viewer leads.
pub async fn open(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<OpenForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id)?;
    let viewer = session.viewer(Purpose::DirectCare);
    match service::open(&state, &viewer, person, &form.reason).await {
        Ok(case) => Ok(Redirect::to(&format!("/cases/{}?done=opened", case.id)).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let faults = Faults::from_service(&fields, &["reason"], "open");
            let page = page(&state, &session, person, form.reason, faults).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
