//! A carer's own account over the API: what the person lets them see
//! (`GET /api/v1/carer`) and writing to the person's care team
//! (`POST /api/v1/carer/messages`). For a token of a `carer` account with
//! the carer-access purpose (FAMRQT); every item is decided and audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid};
use crate::auth::bearer::ApiCaller;
use crate::carer;
use crate::messages::Message;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(home))
        .routes(routes!(write))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// admission, discharge, crisis-contact, who-to-call or what-helps.
    pub item: &'static str,
    /// What the item is, as the person chose it.
    pub label: &'static str,
    /// Whether the person lets the carer see it now.
    pub shared: bool,
    /// What it says, when shared.
    pub lines: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    pub from: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// When the care team is asked to answer by.
    pub answer_due: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CarerHomeView {
    /// The given name of the person cared for.
    pub given_name: String,
    /// When the person withdrew this carer's access; then nothing is shared.
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub items: Vec<ItemView>,
    /// The carer's thread with the care team, oldest message first.
    pub messages: Vec<MessageView>,
}

fn message_view(m: &Message) -> MessageView {
    MessageView {
        id: m.id.to_string(),
        from: m.author_name.clone(),
        body: m.body.clone(),
        sent_at: m.sent_at,
        answer_due: m.acknowledge_due,
        acknowledged_at: m.acknowledged_at,
    }
}

/// What the person lets this carer see now, item by item, and their
/// thread with the care team.
#[utoipa::path(
    get,
    path = "/carer",
    operation_id = "carerHome",
    tag = "carer",
    responses(
        (status = 200, description = "What the carer may see", body = CarerHomeView),
        (status = 403, response = Forbidden),
    )
)]
pub async fn home(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<CarerHomeView>, ApiError> {
    let home = carer::home(&state, &caller.viewer()).await?;
    Ok(Json(CarerHomeView {
        given_name: home.given_name,
        withdrawn_at: home.withdrawn_at,
        items: home
            .items
            .into_iter()
            .map(|(item, shown)| ItemView {
                item: item.as_str(),
                label: item.label(),
                shared: shown.is_some(),
                lines: shown.map(|s| s.lines).unwrap_or_default(),
            })
            .collect(),
        messages: home
            .thread
            .map(|t| t.messages.iter().map(message_view).collect())
            .unwrap_or_default(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteBody {
    /// The message, in the carer's words.
    body: String,
}

/// Writes to the person's care team; they are asked to answer within two
/// days, and the message escalates until they do.
#[utoipa::path(
    post,
    path = "/carer/messages",
    operation_id = "carerWrite",
    tag = "carer",
    request_body = WriteBody,
    responses(
        (status = 201, description = "The message as sent", body = MessageView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub async fn write(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<WriteBody>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let sent = carer::write(&state, &caller.viewer(), &body.body).await?;
    Ok((StatusCode::CREATED, Json(message_view(&sent))))
}
