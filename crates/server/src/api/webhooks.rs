//! An organisation's webhooks: `GET|POST /api/v1/webhooks`, the delivery
//! log `GET /api/v1/webhooks/deliveries` (`?status=dead` for the dead
//! letters) and `POST /api/v1/webhooks/deliveries/{id}/retry`. For the
//! organisation's administrators and information governance leads. A
//! secret is accepted once and never shown: answers say only that one is
//! set.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::webhooks;
use crate::webhooks::endpoints::{self, Attempt, DeliveryRecord, Webhook};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, register))
        .routes(routes!(deliveries))
        .routes(routes!(retry))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: uuid::Uuid,
    pub organisation_id: String,
    pub url: String,
    /// Always true: the secret itself is never shown.
    pub secret_set: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&Webhook> for WebhookView {
    fn from(w: &Webhook) -> Self {
        Self {
            id: w.id,
            organisation_id: w.organisation.to_string(),
            url: w.url.clone(),
            secret_set: !w.secret.expose().is_empty(),
            created_at: w.created_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    url: String,
    secret: String,
}

/// Registers a webhook endpoint for the caller's organisation. The secret is
/// accepted once and never shown.
#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "registerWebhook",
    tag = "webhooks",
    request_body = NewWebhook,
    responses(
        (status = 201, description = "The endpoint", body = WebhookView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    let hook = endpoints::register(&state, &caller.user, &input.url, input.secret).await?;
    Ok((StatusCode::CREATED, Json(WebhookView::from(&hook))))
}

/// The organisation's webhook endpoints.
#[utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "listWebhooks",
    tag = "webhooks",
    responses(
        (status = 200, description = "The endpoints", body = Vec<WebhookView>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let hooks = endpoints::endpoints(&state, &caller.user).await?;
    Ok(Json(hooks.iter().map(WebhookView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    status: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub outcome: &'static str,
    pub status_code: Option<i64>,
    /// What became of the attempt, as a class (`delivered`,
    /// `receiver-rejected`, `unreachable`, `address-refused`, `timed-out`),
    /// never the receiver's words.
    pub detail: &'static str,
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> Self {
        Self {
            attempt: a.attempt,
            at: a.at,
            outcome: a.outcome.as_str(),
            status_code: a.status_code,
            detail: webhooks::AttemptClass::of_logged(a).as_str(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    /// Also the `Idempotency-Key` the receiver sees.
    pub id: uuid::Uuid,
    pub webhook_id: uuid::Uuid,
    pub url: String,
    pub event_type: String,
    /// pending, retrying, sending, delivered, dead or cancelled.
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The class of the last attempt, while the delivery has not succeeded.
    pub last_error: Option<&'static str>,
    pub attempts: Vec<AttemptView>,
}

/// The delivery log, each delivery with its attempts.
#[utoipa::path(
    get,
    path = "/webhooks/deliveries",
    operation_id = "webhookDeliveries",
    tag = "webhooks",
    params(DeliveryQuery),
    responses(
        (status = 200, description = "The deliveries", body = Vec<DeliveryView>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<DeliveryQuery>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    let logged = endpoints::log(&state, &caller.user, query.status.as_deref(), 200).await?;
    Ok(Json(
        logged
            .iter()
            .map(|l| view(&l.record, &l.attempts))
            .collect(),
    ))
}

pub fn view(record: &DeliveryRecord, attempts: &[Attempt]) -> DeliveryView {
    let status = webhooks::delivery_state(&record.job_status, record.attempts);
    DeliveryView {
        id: record.delivery.id,
        webhook_id: record.delivery.webhook,
        url: record.url.clone(),
        event_type: record.delivery.event_type.clone(),
        status,
        created_at: record.delivery.created_at,
        delivered_at: record.delivery.delivered_at,
        next_attempt_at: matches!(status, "pending" | "retrying").then_some(record.next_attempt_at),
        // From the attempts, not the job: a job's error can be an internal
        // one, which is the operators' to read, not the receiver's owner's.
        last_error: attempts
            .last()
            .map(webhooks::AttemptClass::of_logged)
            .filter(|class| status != "delivered" && *class != webhooks::AttemptClass::Delivered)
            .map(webhooks::AttemptClass::as_str),
        attempts: attempts.iter().map(AttemptView::from).collect(),
    }
}

/// A delivery queued again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RetryQueued {
    pub id: uuid::Uuid,
    /// Always `pending`.
    pub status: &'static str,
}

/// Tries a dead delivery again now.
#[utoipa::path(
    post,
    path = "/webhooks/deliveries/{id}/retry",
    operation_id = "retryWebhookDelivery",
    tag = "webhooks",
    params(("id" = String, Path, description = "The delivery")),
    responses(
        (status = 202, description = "Queued again", body = RetryQueued),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn retry(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<RetryQueued>), ApiError> {
    let id = endpoints::retry(&state, &caller.user, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RetryQueued {
            id,
            status: "pending",
        }),
    ))
}
