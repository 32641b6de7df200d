//! Professional messages over the API: `POST /api/v1/persons/{id}/threads`
//! (start a thread to named users and teams), `GET /api/v1/threads` (the
//! caller's), `GET /api/v1/threads/{id}` (read it: leaves read receipts),
//! `POST /api/v1/threads/{id}/messages` (reply) and
//! `POST /api/v1/threads/{id}/messages/{message_id}/acknowledge`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use concordat_domain::ids::{MessageId, TeamId, UserId};
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::messages::{self as service, Message, NewMessage, NewThread, Thread};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(mine))
        .routes(routes!(read))
        .routes(routes!(reply))
        .routes(routes!(acknowledge))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadSummary {
    pub id: String,
    pub person_id: String,
    pub subject: String,
    pub started_at: DateTime<Utc>,
}

impl From<&Thread> for ThreadSummary {
    fn from(t: &Thread) -> Self {
        Self {
            id: t.id.to_string(),
            person_id: t.person.to_string(),
            subject: t.subject.clone(),
            started_at: t.started_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    pub author: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledge_due: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub escalation_step: i64,
    /// Who has read it, and when.
    pub read_by: Vec<ReadReceipt>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadReceipt {
    pub user_id: String,
    pub read_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadView {
    #[serde(flatten)]
    pub summary: ThreadSummary,
    pub messages: Vec<MessageView>,
}

fn message_view(m: &Message, receipts: &[(MessageId, UserId, DateTime<Utc>)]) -> MessageView {
    MessageView {
        id: m.id.to_string(),
        author: m.author_name.clone(),
        body: m.body.clone(),
        sent_at: m.sent_at,
        acknowledge_due: m.acknowledge_due,
        acknowledged_at: m.acknowledged_at,
        escalation_step: m.escalation_step,
        read_by: receipts
            .iter()
            .filter(|(id, _, _)| *id == m.id)
            .map(|(_, user, at)| ReadReceipt {
                user_id: user.to_string(),
                read_at: *at,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StartInput {
    subject: String,
    #[serde(default)]
    to_usernames: Vec<String>,
    #[serde(default)]
    to_team_ids: Vec<String>,
    body: String,
    #[schema(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    acknowledge_within_hours: Option<u32>,
}

/// Starts a thread about a person, to named users and teams.
#[utoipa::path(
    post,
    path = "/persons/{id}/threads",
    operation_id = "startThread",
    tag = "messages",
    params(("id" = String, Path, description = "The person's id")),
    request_body = StartInput,
    responses(
        (status = 201, description = "The thread", body = ThreadSummary),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<StartInput>,
) -> Result<(StatusCode, Json<ThreadSummary>), ApiError> {
    let to_teams = input
        .to_team_ids
        .iter()
        .map(|raw| TeamId::parse(raw).map_err(|e| ApiError::invalid("to_team_ids", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let thread = service::start(
        &state,
        &caller.viewer(),
        NewThread {
            person: person_path(&id),
            subject: input.subject,
            usernames: input.to_usernames,
            teams: to_teams,
            first: NewMessage {
                body: input.body,
                acknowledge_within_hours: input.acknowledge_within_hours,
            },
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ThreadSummary::from(&thread))))
}

/// The threads the caller takes part in.
#[utoipa::path(
    get,
    path = "/threads",
    operation_id = "listThreads",
    tag = "messages",
    responses(
        (status = 200, description = "The threads", body = Vec<ThreadSummary>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<ThreadSummary>>, ApiError> {
    let threads = service::mine(&state, &caller.viewer()).await?;
    Ok(Json(threads.iter().map(ThreadSummary::from).collect()))
}

fn thread_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// A thread with its messages; reading leaves read receipts.
#[utoipa::path(
    get,
    path = "/threads/{id}",
    operation_id = "readThread",
    tag = "messages",
    params(("id" = String, Path, description = "The thread")),
    responses(
        (status = 200, description = "The thread", body = ThreadView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ThreadView>, ApiError> {
    let view = service::read(&state, &caller.viewer(), thread_id(&id)?).await?;
    Ok(Json(ThreadView {
        summary: ThreadSummary::from(&view.thread),
        messages: view
            .messages
            .iter()
            .map(|m| message_view(m, &view.receipts))
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReplyInput {
    body: String,
    #[schema(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    acknowledge_within_hours: Option<u32>,
}

/// Replies in a thread.
#[utoipa::path(
    post,
    path = "/threads/{id}/messages",
    operation_id = "replyToThread",
    tag = "messages",
    params(("id" = String, Path, description = "The thread")),
    request_body = ReplyInput,
    responses(
        (status = 201, description = "The message", body = MessageView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn reply(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let message = service::reply(
        &state,
        &caller.viewer(),
        thread_id(&id)?,
        NewMessage {
            body: input.body,
            acknowledge_within_hours: input.acknowledge_within_hours,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(message_view(&message, &[]))))
}

/// Acknowledges a message that asked for it.
#[utoipa::path(
    post,
    path = "/threads/{id}/messages/{message_id}/acknowledge",
    operation_id = "acknowledgeMessage",
    tag = "messages",
    params(("id" = String, Path, description = "The thread"), ("message_id" = String, Path, description = "The message")),
    responses(
        (status = 200, description = "The message", body = MessageView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, message)): ApiPath<(String, String)>,
) -> Result<Json<MessageView>, ApiError> {
    let message = MessageId::parse(&message).map_err(|_| ApiError::NotFound)?;
    let acknowledged =
        service::acknowledge(&state, &caller.viewer(), thread_id(&id)?, message).await?;
    Ok(Json(message_view(&acknowledged, &[])))
}
