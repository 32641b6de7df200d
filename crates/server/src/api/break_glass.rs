//! Break-glass over the API: claiming an emergency override
//! (`POST /api/v1/break-glass`) and its governance review
//! (`GET /api/v1/break-glass/reviews`, `POST …/{id}/review`, `POST …/{id}/defer`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use concordat_domain::break_glass::Review;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::governance::{self, ClaimRequest, PersonRef};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(claim))
        .routes(routes!(reviews))
        .routes(routes!(review))
        .routes(routes!(defer))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    nhs_number: Option<String>,
    person_id: Option<String>,
    #[schema(value_type = concordat_domain::break_glass::OverrideBasis)]
    lawful_basis: String,
    justification: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Claimed {
    id: String,
    person_id: String,
    lawful_basis: &'static str,
    granted_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    review: &'static str,
}

/// Claims an emergency override of the access decision for one person, with
/// a lawful basis and a justification; every use is reviewed.
#[utoipa::path(
    post,
    path = "/break-glass",
    operation_id = "claimBreakGlass",
    tag = "break-glass",
    request_body = ClaimBody,
    responses(
        (status = 201, description = "The override", body = Claimed),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewsQuery {
    /// `pending` (the default) or `all`.
    #[param(schema_with = crate::api::openapi::review_filters)]
    status: Option<String>,
}

/// The uses the reviewer's organisation answers for, newest first.
#[utoipa::path(
    get,
    path = "/break-glass/reviews",
    operation_id = "breakGlassReviews",
    tag = "break-glass",
    params(ReviewsQuery),
    responses(
        (status = 200, description = "The uses", body = Vec<governance::ReviewItem>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    appropriate: bool,
    note: String,
}

/// Records the governance review of a use.
#[utoipa::path(
    post,
    path = "/break-glass/{id}/review",
    operation_id = "reviewBreakGlass",
    tag = "break-glass",
    params(("id" = String, Path, description = "The break-glass use")),
    request_body = ReviewBody,
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeferBody {
    reason: String,
    until: String,
}

/// Defers the review of a use, with a reason, until a date.
#[utoipa::path(
    post,
    path = "/break-glass/{id}/defer",
    operation_id = "deferBreakGlassReview",
    tag = "break-glass",
    params(("id" = String, Path, description = "The break-glass use")),
    request_body = DeferBody,
    responses(
        (status = 204, description = "Deferred"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
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
