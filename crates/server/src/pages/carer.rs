//! A carer's own page (`/carer`): what the person they care for lets them
//! see, item by item, and their messages with the person's care team
//! (`POST /carer/messages`). Written for a worried relative on a phone:
//! plain words, no codes, and what to do if it is an emergency first.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::carer::{self, CarerHome, ANSWER_WITHIN_HOURS};
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, sentence, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/carer", get(view))
        .route("/carer/messages", post(write))
}

struct Item {
    label: &'static str,
    lines: Vec<String>,
}

struct Said {
    from: String,
    body: String,
    at: String,
    /// "They have said they have read it" / "They are asked to answer by …".
    state: String,
}

#[derive(Template)]
#[template(path = "carer.html")]
struct CarerPage {
    chrome: Chrome,
    name: String,
    /// Something shown was shared in the person's best interests.
    in_best_interests: bool,
    withdrawn: Option<String>,
    shared: Vec<Item>,
    not_shared: Vec<&'static str>,
    messages: Vec<Said>,
    may_write: bool,
    answer_days: u32,
    body: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct CarerQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct WriteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    body: String,
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    home: CarerHome,
    body: String,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<CarerPage, PageError> {
    let mut shared = Vec::new();
    let mut not_shared = Vec::new();
    for (item, shown) in home.items {
        match shown {
            Some(shown) => shared.push(Item {
                label: item_heading(item),
                lines: shown.lines,
            }),
            None => not_shared.push(item_heading(item)),
        }
    }
    let messages = home
        .thread
        .map(|t| {
            t.messages
                .into_iter()
                .map(|m| Said {
                    state: match (m.acknowledged_at, m.acknowledge_due) {
                        (Some(at), _) => {
                            format!("Read by the care team on {}.", long_date(at.date_naive()))
                        }
                        (None, Some(due)) if m.author == session.user.id() => {
                            format!("The care team is asked to answer by {}.", when(due))
                        }
                        _ => String::new(),
                    },
                    from: if m.author == session.user.id() {
                        "You".to_owned()
                    } else {
                        m.author_name
                    },
                    body: m.body,
                    at: when(m.sent_at),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(CarerPage {
        chrome: Chrome::load(state, session).await?,
        name: home.given_name,
        in_best_interests: home.in_best_interests,
        may_write: home.withdrawn_at.is_none(),
        withdrawn: home.withdrawn_at.map(|at| long_date(at.date_naive())),
        shared,
        not_shared,
        messages,
        answer_days: ANSWER_WITHIN_HOURS / 24,
        body,
        error,
        notice,
    })
}

/// A short heading for each item, as the carer reads it.
fn item_heading(item: concordat_domain::carer::CarerItem) -> &'static str {
    use concordat_domain::carer::CarerItem as I;
    match item {
        I::Admission => "In hospital",
        I::Discharge => "Leaving hospital",
        I::CrisisContact => "Contact with crisis services",
        I::WhoToCall => "Who to call in a crisis",
        I::WhatHelps => "What helps in a crisis",
        I::Messages => "Messages",
    }
}

/// `GET /carer`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<CarerQuery>,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::CarerAccess);
    let home = carer::home(&state, &viewer).await?;
    let notice =
        (query.done.as_deref() == Some("sent")).then_some("Your message is sent to the care team.");
    let page = page(&state, &session, home, String::new(), None, notice).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /carer/messages`: writes to the care team; a fault shows the page
/// again with what was typed.
pub async fn write(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<WriteForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::CarerAccess);
    let (status, error) = match carer::write(&state, &viewer, &form.body).await {
        Ok(_) => return Ok(Redirect::to("/carer?done=sent#messages").into_response()),
        Err(ServiceError::Invalid(errors)) => (
            StatusCode::BAD_REQUEST,
            if form.body.trim().is_empty() {
                "Write your message first.".to_owned()
            } else {
                errors
                    .iter()
                    .map(|e| sentence(&e.message))
                    .collect::<Vec<_>>()
                    .join(" ")
            },
        ),
        Err(ServiceError::Forbidden(why)) | Err(ServiceError::Conflict(why)) => {
            (StatusCode::CONFLICT, sentence(&why))
        }
        Err(e) => return Err(e.into()),
    };
    let home = carer::home(&state, &viewer).await?;
    let page = page(&state, &session, home, form.body, Some(error), None).await?;
    Ok((status, render(&page)?).into_response())
}
