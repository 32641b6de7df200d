//! `/governance/break-glass`: the review queue of emergency overrides by
//! the reviewer's own organisation's staff, pending first, overdue reviews
//! marked; a form to judge each use appropriate or not, with a note; and a
//! form to defer showing a use to the person, with a reason and a date.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::break_glass::Review;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::governance::{self, ReviewItem};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::governance::governor::{governor, governs};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, nhs_spaced, sentence, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/governance/break-glass", get(queue))
        .route("/governance/break-glass/{id}/review", post(review))
        .route("/governance/break-glass/{id}/defer", post(defer))
}

/// The longest note or reason kept, as the JSON API allows.
const MAX_NOTE: usize = 2000;

struct Item {
    id: String,
    who: String,
    username: String,
    person_id: String,
    nhs_number: String,
    basis: &'static str,
    justification: String,
    granted: String,
    expires: String,
    overdue: bool,
    review: Option<String>,
    deferral: Option<String>,
    /// What went wrong with a form about this item, if one just failed.
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "governance_break_glass.html")]
struct QueuePage {
    chrome: Chrome,
    notice: Option<&'static str>,
    pending: Vec<Item>,
    reviewed: Vec<Item>,
}

impl QueuePage {
    /// A failed review or deferral, above the page, linking to its use.
    fn error_summary(&self) -> Faults {
        let mut faults = Faults::new();
        for i in self.pending.iter().chain(&self.reviewed) {
            if let Some(e) = &i.error {
                faults.add(&format!("error-{}", i.id), e);
            }
        }
        faults
    }
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ReviewForm {
    #[serde(default)]
    csrf_token: String,
    appropriate: Option<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct DeferForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: String,
}

fn item(i: ReviewItem) -> Item {
    Item {
        review: i.review.map(|r| {
            format!(
                "Reviewed {}: {}. {}",
                when(r.reviewed_at),
                if r.appropriate {
                    "appropriate"
                } else {
                    "not appropriate"
                },
                r.note
            )
        }),
        deferral: i.deferral.map(|d| {
            format!(
                "Not shown to the person until {}: {}",
                long_date(d.until),
                d.reason
            )
        }),
        id: i.id,
        who: i.user_name,
        username: i.username,
        person_id: i.person_id,
        nhs_number: i.nhs_number.as_deref().map(nhs_spaced).unwrap_or_default(),
        basis: i.lawful_basis_label,
        justification: i.justification,
        granted: when(i.granted_at),
        expires: when(i.expires_at),
        overdue: i.overdue,
        error: None,
    }
}

async fn queue_page(
    state: &AppState,
    session: &SignedIn,
    notice: Option<&'static str>,
    failed: Option<(&str, String)>,
) -> Result<QueuePage, PageError> {
    let chrome = Chrome::load(state, session).await?;
    let items = governance::review_queue(state, &governor(session), false)
        .await
        .map_err(|e| PageError::Internal(format!("review queue: {e}")))?;
    let (mut pending, mut reviewed) = (Vec::new(), Vec::new());
    for i in items {
        let mut shown = item(i);
        if let Some((id, message)) = &failed {
            if shown.id == *id {
                shown.error = Some(message.clone());
            }
        }
        if shown.review.is_none() {
            pending.push(shown);
        } else {
            reviewed.push(shown);
        }
    }
    // Overdue first: they are the ones governance has promised and missed.
    pending.sort_by_key(|i| !i.overdue);
    Ok(QueuePage {
        chrome,
        notice,
        pending,
        reviewed,
    })
}

/// `GET /governance/break-glass`.
pub async fn queue(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<QueueQuery>,
) -> Result<Response, PageError> {
    governs(&session)?;
    let notice = match query.done.as_deref() {
        Some("reviewed") => Some("The review is recorded."),
        Some("deferred") => {
            Some("Showing this use to the person is deferred, with your reason on record.")
        }
        _ => None,
    };
    Ok(render(&queue_page(&state, &session, notice, None).await?)?.into_response())
}

/// The queue again, with what went wrong beside the use it was about.
async fn failed(
    state: &AppState,
    session: &SignedIn,
    id: &str,
    status: StatusCode,
    message: String,
) -> Result<Response, PageError> {
    let page = queue_page(state, session, None, Some((id, message))).await?;
    Ok((status, render(&page)?).into_response())
}

fn use_id(raw: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw).map_err(|_| PageError::NotFound)
}

fn outcome(
    result: Result<(), ServiceError>,
    done: &str,
) -> Result<Result<Response, (StatusCode, String)>, PageError> {
    match result {
        Ok(()) => Ok(Ok(Redirect::to(&format!(
            "/governance/break-glass?done={done}"
        ))
        .into_response())),
        Err(ServiceError::Conflict(why)) => Ok(Err((StatusCode::CONFLICT, sentence(&why)))),
        Err(other) => Err(other.into()),
    }
}

/// `POST /governance/break-glass/{id}/review`.
pub async fn review(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ReviewForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    governs(&session)?;
    let use_ = use_id(&id)?;
    let appropriate = match form.appropriate.as_deref() {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            let message = "Say whether the use was appropriate.".to_owned();
            return failed(&state, &session, &id, StatusCode::BAD_REQUEST, message).await;
        }
    };
    let note = match concordat_domain::text::bounded("note", &form.note, MAX_NOTE) {
        Ok(note) => note,
        Err(e) => {
            return failed(
                &state,
                &session,
                &id,
                StatusCode::BAD_REQUEST,
                sentence(&e.to_string()),
            )
            .await
        }
    };
    let review = Review {
        reviewer: session.user.id(),
        appropriate,
        note,
        reviewed_at: state.clock.now(),
    };
    match outcome(
        governance::record_review(&state, &governor(&session), use_, review).await,
        "reviewed",
    )? {
        Ok(response) => Ok(response),
        Err((status, message)) => failed(&state, &session, &id, status, message).await,
    }
}

/// `POST /governance/break-glass/{id}/defer`.
pub async fn defer(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<DeferForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    governs(&session)?;
    let use_ = use_id(&id)?;
    let today = state.clock.now().date_naive();
    let deferral =
        match governance::parse_deferral(session.user.id(), &form.reason, &form.until, today) {
            Ok(deferral) => deferral,
            Err(errors) => {
                let message = errors
                    .iter()
                    .map(|e| sentence(&e.message))
                    .collect::<Vec<_>>()
                    .join(" ");
                return failed(&state, &session, &id, StatusCode::BAD_REQUEST, message).await;
            }
        };
    match outcome(
        governance::record_deferral(&state, &governor(&session), use_, deferral).await,
        "deferred",
    )? {
        Ok(response) => Ok(response),
        Err((status, message)) => failed(&state, &session, &id, status, message).await,
    }
}
