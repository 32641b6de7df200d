//! A person's safety flags over the API: `GET|POST
//! /api/v1/persons/{id}/flags` and `POST …/flags/{flag_id}/review`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use axum::Router;
use chrono::NaiveDate;
use concordat_domain::flag::{FlagCategory, FlagTerms, SafetyFlag, Severity};
use concordat_domain::ids::FlagId;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::auth::bearer::ApiCaller;
use crate::crisis::flags;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/flags", get(list).post(raise))
        .route("/persons/{id}/flags/{flag_id}/review", post(review))
}

/// A flag with its status for today: an expired flag says so.
#[derive(Debug, Serialize)]
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

#[derive(Debug, Deserialize)]
pub struct NewFlag {
    category: String,
    severity: String,
    summary: String,
    basis: String,
    review_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
}

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

#[derive(Debug, Deserialize)]
pub struct NewReview {
    /// Keep the flag (true) or make it inactive (false).
    keep: bool,
    note: String,
    next_review_on: Option<NaiveDate>,
}

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
