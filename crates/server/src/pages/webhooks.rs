//! The administrator's webhook page (`/admin/webhooks`): the
//! organisation's endpoints (never their secrets), recent deliveries with
//! their attempts, and the dead letters, each with a retry button
//! (`POST /admin/webhooks/deliveries/{id}/retry`). From here an endpoint is
//! registered (its secret made here and shown once), sent a test event,
//! given a new secret (shown once) or removed; each change is audited and
//! said back on the page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::webhooks::{self, delivery_state, endpoints};
use crate::{permissions, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(page).post(register))
        .route("/admin/webhooks/deliveries/{id}/retry", post(retry))
        .route("/admin/webhooks/{id}/test", post(test))
        .route("/admin/webhooks/{id}/secret", post(rotate))
        .route("/admin/webhooks/{id}/remove", post(remove))
}

struct HookRow {
    id: String,
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
    notice: Option<&'static str>,
    url: String,
    faults: Faults,
}

/// An endpoint's secret, shown once.
#[derive(Template)]
#[template(path = "admin_webhook_secret.html")]
struct SecretPage {
    chrome: Chrome,
    url: String,
    secret: String,
    is_new: bool,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// The register form as sent.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct RegisterForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    url: String,
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

/// `GET /admin/webhooks`, with what was just done said back.
pub async fn page(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let notice = match query.done.as_deref() {
        Some("tested") => {
            Some("A test event is queued for the endpoint: its delivery shows below.")
        }
        Some("removed") => Some(
            "The endpoint is removed: nothing more is sent to it. Its deliveries stay in the log.",
        ),
        _ => None,
    };
    let page = page_with(&state, &session, notice, String::new(), Faults::new()).await?;
    Ok(render(&page)?.into_response())
}

async fn page_with(
    state: &AppState,
    session: &SignedIn,
    notice: Option<&'static str>,
    url: String,
    faults: Faults,
) -> Result<WebhooksPage, PageError> {
    allowed(session)?;
    let chrome = Chrome::load(state, session).await?;
    let hooks = endpoints::endpoints(state, &session.user).await?;
    let dead = delivery_rows(endpoints::log(state, &session.user, Some("dead"), 100).await?);
    let recent = delivery_rows(endpoints::log(state, &session.user, None, 50).await?);
    Ok(WebhooksPage {
        chrome,
        csrf_token: session.csrf_token.clone(),
        hooks: hooks
            .iter()
            .map(|h| HookRow {
                id: h.id.to_string(),
                url: h.url.clone(),
                created_at: when(h.created_at),
            })
            .collect(),
        dead,
        recent,
        notice,
        url,
        faults,
    })
}

/// `POST /admin/webhooks`: registers an endpoint and shows its secret once.
pub async fn register(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<RegisterForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    allowed(&session)?;
    match endpoints::register_with_new_secret(&state, &session.user, &form.url).await {
        Ok(made) => secret_page(&state, &session, made, true).await,
        Err(ServiceError::Invalid(fields)) => {
            let faults = Faults::from_service(&fields, &["url"], "url");
            let page = page_with(&state, &session, None, form.url, faults).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn secret_page(
    state: &AppState,
    session: &SignedIn,
    made: endpoints::WithSecret,
    is_new: bool,
) -> Result<Response, PageError> {
    let page = SecretPage {
        chrome: Chrome::load(state, session).await?,
        url: made.hook.url,
        secret: made.secret,
        is_new,
    };
    Ok(render(&page)?.into_response())
}

/// `POST /admin/webhooks/{id}/test`.
pub async fn test(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<RetryForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    allowed(&session)?;
    endpoints::send_test(&state, &session.user, &id).await?;
    Ok(Redirect::to("/admin/webhooks?done=tested").into_response())
}

/// `POST /admin/webhooks/{id}/secret`: a new secret, shown once.
pub async fn rotate(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<RetryForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    allowed(&session)?;
    let made = endpoints::rotate_secret(&state, &session.user, &id).await?;
    secret_page(&state, &session, made, false).await
}

/// `POST /admin/webhooks/{id}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<RetryForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    allowed(&session)?;
    endpoints::remove(&state, &session.user, &id).await?;
    Ok(Redirect::to("/admin/webhooks?done=removed").into_response())
}

fn delivery_rows(logged: Vec<endpoints::Logged>) -> Vec<DeliveryRow> {
    let mut rows = Vec::with_capacity(logged.len());
    for endpoints::Logged { record, attempts } in logged {
        rows.push(DeliveryRow {
            id: record.delivery.id.to_string(),
            event_type: record.delivery.event_type.clone(),
            url: record.url.clone(),
            status: delivery_state(&record.job_status, record.attempts),
            created_at: when(record.delivery.created_at),
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
