//! Referrals over the API: `POST /api/v1/referrals` (send),
//! `GET /api/v1/referrals?box=inbox|outbox` (the caller's team's inbox, or
//! what the caller sent), `GET /api/v1/referrals/{id}` (with its timeline),
//! `POST /api/v1/referrals/{id}/{action}` (acknowledge, accept, decline,
//! redirect, complete, cancel), `GET /api/v1/me/referrals` (a person's own
//! account: where their referrals stand), and an agreement's service levels
//! at `PUT /api/v1/agreements/{id}/service-levels`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use concordat_domain::ids::{AgreementId, ReferralId, TeamId};
use concordat_domain::referral::{ReferralAction, ReferralSection, ServiceLevels, Urgency};
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{ApiBytes, ApiPath, ApiQuery};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::record::PersonRef;
use crate::referrals::{
    self as service, ActionInput, Listing, NewReferral, Referral, ReferralEvent,
};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, send))
        .routes(routes!(show))
        .routes(routes!(act))
        .routes(routes!(mine))
        .routes(routes!(set_service_levels))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub id: String,
    pub person_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    pub from_user_id: String,
    pub to_team_id: String,
    pub to_team: String,
    pub urgency: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub reason: String,
    pub sections: Vec<ReferralSection>,
    pub created_at: DateTime<Utc>,
    pub acknowledge_due: DateTime<Utc>,
    pub respond_due: DateTime<Utc>,
    /// Waiting for acknowledgement past its deadline.
    pub overdue: bool,
    pub escalation_step: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirected_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<EventView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub by: String,
    pub note: String,
}

impl From<ReferralEvent> for EventView {
    fn from(e: ReferralEvent) -> Self {
        Self {
            at: e.at,
            kind: e.kind,
            by: e.actor_name,
            note: e.note,
        }
    }
}

async fn view(
    state: &AppState,
    r: Referral,
    person_name: Option<String>,
    timeline: Vec<ReferralEvent>,
) -> Result<ReferralView, ApiError> {
    let now = state.clock.now();
    Ok(ReferralView {
        id: r.id.to_string(),
        person_id: r.person.to_string(),
        person_name,
        from_user_id: r.from_user.to_string(),
        to_team_id: r.to_team.to_string(),
        to_team: service::team_label(state, r.to_team).await?,
        urgency: r.urgency.as_str(),
        status: r.status.as_str(),
        status_label: r.status.label(),
        overdue: r.acknowledged_at.is_none() && r.status.is_open() && now >= r.acknowledge_due,
        reason: r.reason,
        sections: r.sections,
        created_at: r.created_at,
        acknowledge_due: r.acknowledge_due,
        respond_due: r.respond_due,
        escalation_step: r.escalation_step,
        acknowledged_at: r.acknowledged_at,
        decision_note: r.decision_note,
        redirected_from: r.redirected_from.map(|id| id.to_string()),
        timeline: timeline.into_iter().map(EventView::from).collect(),
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SendInput {
    nhs_number: Option<String>,
    person_id: Option<String>,
    to_team_id: String,
    #[schema(value_type = Urgency)]
    urgency: String,
    reason: String,
    #[serde(default)]
    sections: Vec<ReferralSection>,
}

/// Sends a referral to a team.
#[utoipa::path(
    post,
    path = "/referrals",
    operation_id = "sendReferral",
    tag = "referrals",
    request_body = SendInput,
    responses(
        (status = 201, description = "The referral as sent", body = ReferralView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn send(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<SendInput>,
) -> Result<(StatusCode, Json<ReferralView>), ApiError> {
    let urgency = Urgency::parse(&input.urgency).map_err(|e| ApiError::invalid("urgency", e))?;
    let to_team =
        TeamId::parse(&input.to_team_id).map_err(|e| ApiError::invalid("to_team_id", e))?;
    let person = PersonRef::either(input.nhs_number, input.person_id)?
        .resolve(&state)
        .await?;
    let referral = service::send(
        &state,
        &caller.viewer(),
        NewReferral {
            person,
            to_team,
            urgency,
            reason: input.reason,
            sections: input.sections,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, referral, None, Vec::new()).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `inbox` (the default: the caller's team's) or `outbox` (what the
    /// caller sent).
    #[serde(rename = "box")]
    #[param(schema_with = crate::api::openapi::referral_boxes)]
    which: Option<String>,
}

/// The caller's team's inbox, or what the caller sent.
#[utoipa::path(
    get,
    path = "/referrals",
    operation_id = "listReferrals",
    tag = "referrals",
    params(ListQuery),
    responses(
        (status = 200, description = "The referrals", body = Vec<ReferralView>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ReferralView>>, ApiError> {
    let listing = match query.which.as_deref().unwrap_or("inbox") {
        "inbox" => Listing::ToTeam(caller.user.team_id().ok_or_else(|| {
            ApiError::invalid("box", "you belong to no team, so have no referral inbox")
        })?),
        "outbox" => Listing::FromUser(caller.user.id()),
        _ => return Err(ApiError::invalid("box", "expected `inbox` or `outbox`")),
    };
    let found = service::list(&state, &caller.viewer(), listing).await?;
    let mut out = Vec::with_capacity(found.len());
    for (referral, name) in found {
        out.push(view(&state, referral, Some(name), Vec::new()).await?);
    }
    Ok(Json(out))
}

/// A person's own account: where their referrals stand.
#[utoipa::path(
    get,
    path = "/me/referrals",
    operation_id = "myReferrals",
    tag = "referrals",
    responses(
        (status = 200, description = "The person's referrals", body = Vec<ReferralView>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<ReferralView>>, ApiError> {
    let person = caller
        .user
        .person_id()
        .ok_or_else(|| ApiError::Forbidden("this is for a person's own account".into()))?;
    let found = service::list(&state, &caller.viewer(), Listing::Person(person)).await?;
    let mut out = Vec::with_capacity(found.len());
    for (referral, name) in found {
        out.push(view(&state, referral, Some(name), Vec::new()).await?);
    }
    Ok(Json(out))
}

fn referral_id(raw: &str) -> ReferralId {
    ReferralId::named(raw)
}

/// One referral with its timeline.
#[utoipa::path(
    get,
    path = "/referrals/{id}",
    operation_id = "showReferral",
    tag = "referrals",
    params(("id" = String, Path, description = "The referral")),
    responses(
        (status = 200, description = "The referral", body = ReferralView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReferralView>, ApiError> {
    let detail = service::detail(&state, &caller.viewer(), referral_id(&id)).await?;
    Ok(Json(
        view(&state, detail.referral, detail.person_name, detail.events).await?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActInput {
    #[serde(default)]
    note: String,
    to_team_id: Option<String>,
}

/// Acts on a referral. The body is optional: acknowledging needs nothing
/// more; redirecting names `to_team_id`.
#[utoipa::path(
    post,
    path = "/referrals/{id}/{action}",
    operation_id = "actOnReferral",
    tag = "referrals",
    params(("id" = String, Path, description = "The referral"), ("action" = inline(ReferralAction), Path, description = "What to do")),
    request_body(content = Option<ActInput>, content_type = "application/json"),
    responses(
        (status = 200, description = "The referral as it now stands", body = ReferralView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn act(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, action)): ApiPath<(String, String)>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<ReferralView>, ApiError> {
    let action = ReferralAction::parse(&action).map_err(|_| ApiError::NotFound)?;
    // The body is optional: acknowledging needs nothing more.
    // So is a JSON `null`, which says the same.
    let input: ActInput = if body.iter().all(u8::is_ascii_whitespace) {
        ActInput::default()
    } else {
        serde_json::from_slice::<Option<ActInput>>(&body)
            .map_err(|e| ApiError::MalformedBody(e.to_string()))?
            .unwrap_or_default()
    };
    let to_team = input
        .to_team_id
        .as_deref()
        .map(TeamId::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("to_team_id", e))?;
    let referral = service::act(
        &state,
        &caller.viewer(),
        referral_id(&id),
        action,
        ActionInput {
            note: input.note,
            to_team,
        },
    )
    .await?;
    Ok(Json(view(&state, referral, None, Vec::new()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ServiceLevelsInput {
    levels: ServiceLevels,
    escalation_username: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceLevelsView {
    levels: ServiceLevels,
    escalation_user_id: Option<String>,
}

/// An agreement's deadlines and escalation contact, set by an information
/// governance lead of a party.
#[utoipa::path(
    put,
    path = "/agreements/{id}/service-levels",
    operation_id = "setServiceLevels",
    tag = "referrals",
    params(("id" = String, Path, description = "The agreement")),
    request_body = ServiceLevelsInput,
    responses(
        (status = 200, description = "The service levels as set", body = ServiceLevelsView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn set_service_levels(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ServiceLevelsInput>,
) -> Result<Json<ServiceLevelsView>, ApiError> {
    let agreement = AgreementId::parse(&id).map_err(|_| ApiError::NotFound)?;
    let contact = crate::agreements::set_service_levels(
        &state.store,
        &caller.user,
        agreement,
        &input.levels,
        input.escalation_username.as_deref(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(ServiceLevelsView {
        levels: input.levels,
        escalation_user_id: contact.map(|u| u.to_string()),
    }))
}
