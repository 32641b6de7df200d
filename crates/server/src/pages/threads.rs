//! Professional messages as pages: the threads the user takes part in
//! (`/threads`), one thread with its read receipts, a reply form and
//! acknowledgement buttons (`/threads/{id}`), and a new thread about a
//! person (`/persons/{id}/threads/new`). Everything goes through
//! [`crate::messages`], so each read and write is decided and audited.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::ids::{MessageId, TeamId};
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::error::ServiceError;
use crate::messages::{self as service, NewMessage, NewThread};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::person_of;
use crate::pages::words::{sentence, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/threads", get(list))
        .route("/threads/{id}", get(show).post(reply))
        .route(
            "/threads/{id}/messages/{message_id}/acknowledge",
            post(acknowledge),
        )
        .route("/persons/{id}/threads/new", get(new))
        .route("/persons/{id}/threads", post(start))
}

struct ThreadRow {
    id: String,
    subject: String,
    started: String,
}

#[derive(Template)]
#[template(path = "threads.html")]
struct ListPage {
    chrome: Chrome,
    threads: Vec<ThreadRow>,
}

/// `GET /threads`.
pub async fn list(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let threads = service::mine(&state, &session.viewer(Purpose::DirectCare)).await?;
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        threads: threads
            .iter()
            .map(|t| ThreadRow {
                id: t.id.to_string(),
                subject: t.subject.clone(),
                started: when(t.started_at),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

struct MessageRow {
    id: String,
    author: String,
    sent: String,
    body: String,
    read_by: String,
    awaiting: Option<String>,
    acknowledged: Option<String>,
    escalated: bool,
    can_acknowledge: bool,
}

#[derive(Template)]
#[template(path = "thread.html")]
struct ThreadPage {
    chrome: Chrome,
    id: String,
    subject: String,
    person_id: String,
    messages: Vec<MessageRow>,
    reply: String,
    problem: Option<String>,
}

async fn thread_page(
    state: &AppState,
    session: &SignedIn,
    id: uuid::Uuid,
    reply: String,
    problem: Option<String>,
) -> Result<ThreadPage, PageError> {
    let view = service::read(state, &session.viewer(Purpose::DirectCare), id).await?;
    let named = &view.reader_names;
    let messages = view
        .messages
        .iter()
        .map(|m| {
            let read_by: Vec<String> = view
                .receipts
                .iter()
                .filter(|(mid, _, _)| *mid == m.id)
                .map(|(_, u, at)| {
                    format!(
                        "{} ({})",
                        named.get(u).cloned().unwrap_or_default(),
                        when(*at)
                    )
                })
                .collect();
            MessageRow {
                id: m.id.to_string(),
                author: m.author_name.clone(),
                sent: when(m.sent_at),
                body: m.body.clone(),
                read_by: if read_by.is_empty() {
                    "Not read yet".into()
                } else {
                    format!("Read by {}", read_by.join(", "))
                },
                awaiting: m
                    .acknowledge_due
                    .filter(|_| m.acknowledged_at.is_none())
                    .map(when),
                acknowledged: m.acknowledged_at.map(when),
                escalated: m.escalation_step > 0,
                can_acknowledge: m.acknowledge_due.is_some()
                    && m.acknowledged_at.is_none()
                    && m.author != session.user.id(),
            }
        })
        .collect();
    Ok(ThreadPage {
        chrome: Chrome::load(state, session).await?,
        id: view.thread.id.to_string(),
        subject: view.thread.subject.clone(),
        person_id: view.thread.person.to_string(),
        messages,
        reply,
        problem,
    })
}

fn thread_of(raw: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw).map_err(|_| PageError::NotFound)
}

/// `GET /threads/{id}`.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let page = thread_page(&state, &session, thread_of(&id)?, String::new(), None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ReplyForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    acknowledge_within_hours: String,
}

fn hours(raw: &str) -> Result<Option<u32>, String> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse()
            .map(Some)
            .map_err(|_| "Give the hours as a whole number.".to_owned()),
    }
}

/// Where a failed form leaves the user: the page again, their text kept.
fn problem_of(error: ServiceError) -> Result<(StatusCode, String), PageError> {
    match error {
        ServiceError::Invalid(fields) => Ok((
            StatusCode::BAD_REQUEST,
            fields
                .into_iter()
                .map(|e| sentence(&e.message))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        ServiceError::Conflict(m) => Ok((StatusCode::CONFLICT, sentence(&m))),
        ServiceError::Forbidden(m) | ServiceError::Denied { reason: m, .. } => {
            Ok((StatusCode::FORBIDDEN, sentence(&m)))
        }
        other => Err(other.into()),
    }
}

/// `POST /threads/{id}`: a reply.
pub async fn reply(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = thread_of(&id)?;
    let outcome = match hours(&form.acknowledge_within_hours) {
        Ok(acknowledge_within_hours) => service::reply(
            &state,
            &session.viewer(Purpose::DirectCare),
            id,
            NewMessage {
                body: form.body.clone(),
                acknowledge_within_hours,
            },
        )
        .await
        .map(|_| ())
        .map_err(problem_of),
        Err(m) => Err(Ok((StatusCode::BAD_REQUEST, m))),
    };
    let (status, problem) = match outcome {
        Ok(()) => return Ok(Redirect::to(&format!("/threads/{id}")).into_response()),
        Err(result) => result?,
    };
    let page = thread_page(&state, &session, id, form.body, Some(problem)).await?;
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AckForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /threads/{id}/messages/{message_id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, message)): PagePath<(String, String)>,
    PageForm(form): PageForm<AckForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = thread_of(&id)?;
    let message = MessageId::parse(&message).map_err(|_| PageError::NotFound)?;
    match service::acknowledge(&state, &session.viewer(Purpose::DirectCare), id, message).await {
        Ok(_) => Ok(Redirect::to(&format!("/threads/{id}")).into_response()),
        Err(e) => {
            let (status, problem) = problem_of(e)?;
            let page = thread_page(&state, &session, id, String::new(), Some(problem)).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
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
    problem: Option<String>,
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
    problem: Option<String>,
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
        problem,
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
    let page = new_page(&state, &session, person_of(&id).to_string(), form, None).await?;
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
    let mut problem = None;
    let teams: Vec<TeamId> = match form.to_team_id.trim() {
        "" => Vec::new(),
        raw => match TeamId::parse(raw) {
            Ok(t) => vec![t],
            Err(_) => {
                problem = Some("Choose a team from the list.".to_owned());
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
        .map_err(|m| problem = Some(m))
        .ok()
        .flatten();
    let status = if problem.is_none() {
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
                let (status, why) = problem_of(e)?;
                problem = Some(why);
                status
            }
        }
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = new_page(&state, &session, person.to_string(), form, problem).await?;
    Ok((status, render(&page)?).into_response())
}
