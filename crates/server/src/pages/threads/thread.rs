//! One thread (`/threads/{id}`): its messages with their read receipts, a
//! reply form (`POST`) and a button to acknowledge each message that asks
//! for it. A failed reply shows the thread again with what went wrong.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::ids::MessageId;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::messages::{self as service, NewMessage};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/threads/{id}", get(show).post(reply))
        .route(
            "/threads/{id}/messages/{message_id}/acknowledge",
            post(acknowledge),
        )
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
    faults: Faults,
}

async fn thread_page(
    state: &AppState,
    session: &SignedIn,
    id: uuid::Uuid,
    reply: String,
    faults: Faults,
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
        faults,
    })
}

fn thread_of(raw: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw).map_err(|_| PageError::NotFound)
}

/// `GET /threads/{id}`. A carer's only thread is on their own page, where
/// the news of an answer sends them.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    if session.user.role() == concordat_domain::role::Role::Carer {
        return Ok(axum::response::Redirect::to("/carer#messages").into_response());
    }
    let page = thread_page(
        &state,
        &session,
        thread_of(&id)?,
        String::new(),
        Faults::new(),
    )
    .await?;
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

pub(crate) fn hours(raw: &str) -> Result<Option<u32>, String> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse()
            .map(Some)
            .map_err(|_| "Give the hours as a whole number.".to_owned()),
    }
}

/// Where a failed form leaves the user: the page again, their text kept,
/// each fault beside its field (the service's `to_usernames` is the named
/// colleague's box) or, if about the whole message, against `form` (the
/// form's id).
pub(crate) fn problem_of(
    error: ServiceError,
    form: &str,
) -> Result<(StatusCode, Faults), PageError> {
    let mut faults = Faults::new();
    let status = match error {
        ServiceError::Invalid(fields) => {
            for f in fields {
                let field = match f.field.as_str() {
                    "to_usernames" => "to_username",
                    "teams" => "to_team_id",
                    "subject" | "body" | "acknowledge_within_hours" => f.field.as_str(),
                    _ => form,
                };
                faults.add(field, &f.message);
            }
            StatusCode::BAD_REQUEST
        }
        ServiceError::Conflict(m) => {
            faults.add(form, m);
            StatusCode::CONFLICT
        }
        ServiceError::Forbidden(m) | ServiceError::Denied { reason: m, .. } => {
            faults.add(form, m);
            StatusCode::FORBIDDEN
        }
        other => return Err(other.into()),
    };
    Ok((status, faults))
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
        .map_err(|e| problem_of(e, "reply")),
        Err(m) => {
            let mut faults = Faults::new();
            faults.add("acknowledge_within_hours", m);
            Err(Ok((StatusCode::BAD_REQUEST, faults)))
        }
    };
    let (status, faults) = match outcome {
        Ok(()) => return Ok(Redirect::to(&format!("/threads/{id}")).into_response()),
        Err(result) => result?,
    };
    let page = thread_page(&state, &session, id, form.body, faults).await?;
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
            let (status, faults) = problem_of(e, "messages")?;
            let page = thread_page(&state, &session, id, String::new(), faults).await?;
            Ok((status, render(&page)?).into_response())
        }
    }
}
