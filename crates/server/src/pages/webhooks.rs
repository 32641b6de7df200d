//! The administrator's webhook page (`/admin/webhooks`): the
//! organisation's endpoints (never their secrets), recent deliveries with
//! their attempts, and the dead letters, each with a retry button
//! (`POST /admin/webhooks/deliveries/{id}/retry`).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::layout::{render, Chrome};
use crate::webhooks::{self, delivery_state, endpoints};
use crate::{permissions, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(page))
        .route("/admin/webhooks/deliveries/{id}/retry", post(retry))
}

struct HookRow {
    url: String,
    created_at: String,
}

struct DeliveryRow {
    id: String,
    event_type: String,
    url: String,
    status: &'static str,
    created_at: String,
    attempts: usize,
    last: String,
}

#[derive(Template)]
#[template(path = "admin_webhooks.html")]
struct WebhooksPage {
    chrome: Chrome,
    csrf_token: String,
    hooks: Vec<HookRow>,
    dead: Vec<DeliveryRow>,
    recent: Vec<DeliveryRow>,
}

fn allowed(session: &SignedIn) -> Result<(), PageError> {
    permissions::manage_webhooks(session.user.role())
        .map_err(|r| PageError::Forbidden(format!("{}.", capitalised(r.as_str()))))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `GET /admin/webhooks`.
pub async fn page(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    allowed(&session)?;
    let chrome = Chrome::load(&state, &session).await?;
    let hooks = endpoints::endpoints(&state, &session.user).await?;
    let dead = delivery_rows(endpoints::log(&state, &session.user, Some("dead"), 100).await?);
    let recent = delivery_rows(endpoints::log(&state, &session.user, None, 50).await?);
    render(&WebhooksPage {
        chrome,
        csrf_token: session.csrf_token.clone(),
        hooks: hooks
            .iter()
            .map(|h| HookRow {
                url: h.url.clone(),
                created_at: h.created_at.format("%-d %b %Y").to_string(),
            })
            .collect(),
        dead,
        recent,
    })
}

fn delivery_rows(logged: Vec<endpoints::Logged>) -> Vec<DeliveryRow> {
    let mut rows = Vec::with_capacity(logged.len());
    for endpoints::Logged { record, attempts } in logged {
        rows.push(DeliveryRow {
            id: record.delivery.id.to_string(),
            event_type: record.delivery.event_type.clone(),
            url: record.url.clone(),
            status: delivery_state(&record.job_status, record.attempts),
            created_at: record
                .delivery
                .created_at
                .format("%-d %b %Y %H:%M")
                .to_string(),
            attempts: attempts.len(),
            last: attempts
                .last()
                .map(webhooks::AttemptClass::shown)
                .unwrap_or_default(),
        });
    }
    rows
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct RetryForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/webhooks/deliveries/{id}/retry`.
pub async fn retry(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<RetryForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    allowed(&session)?;
    match endpoints::retry(&state, &session.user, &id).await {
        Ok(_) => Ok(Redirect::to("/admin/webhooks").into_response()),
        Err(ServiceError::NotFound) => Err(PageError::NotFound),
        Err(ServiceError::Conflict(_)) => Ok(Redirect::to("/admin/webhooks").into_response()),
        Err(other) => Err(PageError::Internal(format!("webhook retry: {other}"))),
    }
}
