//! A person's safety flags over the API: `GET|POST
//! /api/v1/persons/{id}/flags` and `POST …/flags/{flag_id}/review`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use concordat_domain::flag::{FlagCategory, FlagTerms, SafetyFlag, Severity};
use concordat_domain::ids::FlagId;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::crisis::flags;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, raise))
        .routes(routes!(review))
}

/// A flag with its status for today: an expired flag says so.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlagView {
    #[serde(flatten)]
    pub flag: SafetyFlag,
    pub status: &'static str,
    pub review_overdue: bool,
}

impl FlagView {
    fn of(flag: SafetyFlag, today: NaiveDate) -> Self {
        Self {
            status: flag.status(today).as_str(),
            review_overdue: flag.review_overdue(today),
            flag,
        }
    }
}

/// The person's safety flags, each with its status today.
#[utoipa::path(
    get,
    path = "/persons/{id}/flags",
    operation_id = "listFlags",
    tag = "flags",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The flags", body = Vec<FlagView>),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<FlagView>>, ApiError> {
    let today = state.clock.now().date_naive();
    let all = flags::list(&state, &caller.viewer(), person_path(&id)).await?;
    Ok(Json(
        all.into_iter().map(|f| FlagView::of(f, today)).collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewFlag {
    #[schema(value_type = FlagCategory)]
    category: String,
    #[schema(value_type = Severity)]
    severity: String,
    summary: String,
    basis: String,
    review_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
}

/// Raises a safety flag.
#[utoipa::path(
    post,
    path = "/persons/{id}/flags",
    operation_id = "raiseFlag",
    tag = "flags",
    params(("id" = String, Path, description = "The person's id")),
    request_body = NewFlag,
    responses(
        (status = 201, description = "The flag as raised", body = FlagView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn raise(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewFlag>,
) -> Result<(StatusCode, Json<FlagView>), ApiError> {
    let today = state.clock.now().date_naive();
    let category =
        FlagCategory::parse(&input.category).map_err(|e| ApiError::invalid("category", e))?;
    let severity =
        Severity::parse(&input.severity).map_err(|e| ApiError::invalid("severity", e))?;
    let terms = FlagTerms::new(
        category,
        severity,
        &input.summary,
        &input.basis,
        input.review_on,
        input.ends_on,
        today,
    )
    .map_err(|e| ApiError::invalid("flag", e))?;
    let flag = flags::raise(&state, &caller.viewer(), person_path(&id), terms).await?;
    Ok((StatusCode::CREATED, Json(FlagView::of(flag, today))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewReview {
    /// Keep the flag (true) or make it inactive (false).
    keep: bool,
    note: String,
    next_review_on: Option<NaiveDate>,
}

/// Reviews a safety flag: keeps it, or makes it inactive.
#[utoipa::path(
    post,
    path = "/persons/{id}/flags/{flag_id}/review",
    operation_id = "reviewFlag",
    tag = "flags",
    params(("id" = String, Path, description = "The person's id"), ("flag_id" = String, Path, description = "The flag")),
    request_body = NewReview,
    responses(
        (status = 200, description = "The flag as it now stands", body = FlagView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn review(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, flag_id)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<NewReview>,
) -> Result<Json<FlagView>, ApiError> {
    let flag_id = FlagId::parse(&flag_id).map_err(|_| ApiError::NotFound)?;
    let flag = flags::review(
        &state,
        &caller.viewer(),
        person_path(&id),
        flag_id,
        input.keep,
        &input.note,
        input.next_review_on,
    )
    .await?;
    Ok(Json(FlagView::of(flag, state.clock.now().date_naive())))
}
