//! Break-glass over the API: claiming an emergency override
//! (`POST /api/v1/break-glass`) and its governance review
//! (`GET /api/v1/break-glass/reviews`, `POST …/{id}/review`, `POST …/{id}/defer`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use axum::Router;
use chrono::{DateTime, Utc};
use concordat_domain::break_glass::Review;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::api::json::ApiJson;
use crate::auth::bearer::ApiCaller;
use crate::governance::{self, ClaimRequest, PersonRef};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/break-glass", post(claim))
        .route("/break-glass/reviews", get(reviews))
        .route("/break-glass/{id}/review", post(review))
        .route("/break-glass/{id}/defer", post(defer))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    nhs_number: Option<String>,
    person_id: Option<String>,
    lawful_basis: String,
    justification: String,
}

#[derive(Debug, Serialize)]
pub struct Claimed {
    id: String,
    person_id: String,
    lawful_basis: &'static str,
    granted_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    review: &'static str,
}

pub async fn claim(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<ClaimBody>,
) -> Result<(StatusCode, Json<Claimed>), ApiError> {
    let person = PersonRef::either(body.nhs_number, body.person_id)?;
    let request = ClaimRequest {
        person,
        lawful_basis: body.lawful_basis,
        justification: body.justification,
    };
    let grant = governance::claim_break_glass(&state, &caller.viewer(), request).await?;
    Ok((
        StatusCode::CREATED,
        Json(Claimed {
            id: grant.id.to_string(),
            person_id: grant.person.to_string(),
            lawful_basis: grant.basis.as_str(),
            granted_at: grant.granted_at,
            expires_at: grant.expires_at,
            review: "pending",
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct ReviewsQuery {
    /// `pending` (the default) or `all`.
    status: Option<String>,
}

pub async fn reviews(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<ReviewsQuery>,
) -> Result<Json<Vec<governance::ReviewItem>>, ApiError> {
    let pending_only = match query.status.as_deref() {
        None | Some("pending") => true,
        Some("all") => false,
        Some(other) => {
            return Err(ApiError::invalid(
                "status",
                format!("`{other}` is not a review status; expected pending or all"),
            ))
        }
    };
    Ok(Json(
        governance::review_queue(&state, &caller.viewer(), pending_only).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    appropriate: bool,
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<StatusCode, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let note = concordat_domain::text::bounded("note", &body.note, 2000)
        .map_err(|e| ApiError::invalid("note", e))?;
    let review = Review {
        reviewer: caller.user.id(),
        appropriate: body.appropriate,
        note,
        reviewed_at: state.clock.now(),
    };
    governance::record_review(&state, &caller.viewer(), id, review).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeferBody {
    reason: String,
    until: String,
}

pub async fn defer(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DeferBody>,
) -> Result<StatusCode, ApiError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let today = state.clock.now().date_naive();
    let deferral = governance::parse_deferral(caller.user.id(), &body.reason, &body.until, today)
        .map_err(ApiError::Invalid)?;
    governance::record_deferral(&state, &caller.viewer(), id, deferral).await?;
    Ok(StatusCode::NO_CONTENT)
}
