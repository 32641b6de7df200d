//! A new thread about a person: the form (`/persons/{id}/threads/new`),
//! with the teams to write to, and starting it
//! (`POST /persons/{id}/threads`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::ids::TeamId;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::messages::{self as service, NewMessage, NewThread};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::person_of;
use crate::pages::threads::thread::{hours, problem_of};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/threads/new", get(new))
        .route("/persons/{id}/threads", post(start))
}

struct TeamChoice {
    id: String,
    label: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "thread_new.html")]
struct NewPage {
    chrome: Chrome,
    person_id: String,
    teams: Vec<TeamChoice>,
    form: NewForm,
    faults: Faults,
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct NewForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    to_team_id: String,
    #[serde(default)]
    to_username: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    acknowledge_within_hours: String,
}

async fn new_page(
    state: &AppState,
    session: &SignedIn,
    person: String,
    form: NewForm,
    faults: Faults,
) -> Result<NewPage, PageError> {
    let teams = directory::directory(state)
        .await?
        .teams
        .into_iter()
        .map(|t| TeamChoice {
            chosen: t.id().to_string() == form.to_team_id,
            id: t.id().to_string(),
            label: t.name().to_owned(),
        })
        .collect();
    Ok(NewPage {
        chrome: Chrome::load(state, session).await?,
        person_id: person,
        teams,
        form,
        faults,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    to_team_id: Option<String>,
}

/// `GET /persons/{id}/threads/new`.
pub async fn new(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<NewQuery>,
) -> Result<Response, PageError> {
    let form = NewForm {
        to_team_id: query.to_team_id.unwrap_or_default(),
        ..NewForm::default()
    };
    let page = new_page(
        &state,
        &session,
        person_of(&id).to_string(),
        form,
        Faults::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /persons/{id}/threads`.
pub async fn start(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<NewForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_of(&id);
    let mut faults = Faults::new();
    let teams: Vec<TeamId> = match form.to_team_id.trim() {
        "" => Vec::new(),
        raw => match TeamId::parse(raw) {
            Ok(t) => vec![t],
            Err(_) => {
                faults.add("to_team_id", "Choose a team from the list.");
                Vec::new()
            }
        },
    };
    let usernames: Vec<String> = Some(form.to_username.trim())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .into_iter()
        .collect();
    let within = hours(&form.acknowledge_within_hours)
        .map_err(|m| faults.add("acknowledge_within_hours", m))
        .ok()
        .flatten();
    let status = if faults.is_empty() {
        let started = service::start(
            &state,
            &session.viewer(Purpose::DirectCare),
            NewThread {
                person,
                subject: form.subject.clone(),
                usernames,
                teams,
                first: NewMessage {
                    body: form.body.clone(),
                    acknowledge_within_hours: within,
                },
            },
        )
        .await;
        match started {
            Ok(thread) => {
                return Ok(Redirect::to(&format!("/threads/{}", thread.id)).into_response())
            }
            Err(e) => {
                let (status, found) = problem_of(e, "new-thread")?;
                faults = found;
                status
            }
        }
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = new_page(&state, &session, person.to_string(), form, faults).await?;
    Ok((status, render(&page)?).into_response())
}
