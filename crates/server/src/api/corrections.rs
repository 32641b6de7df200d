//! Corrections over the API: the person asks (`POST /api/v1/me/corrections`)
//! and reads their requests and answers (`GET /api/v1/me/corrections`); the
//! record's owner lists (`GET /api/v1/corrections`), reads (`GET
//! /api/v1/corrections/{id}`) and answers them (`POST
//! /api/v1/corrections/{id}/answer`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::ApiPath;
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::corrections::{self as service, Asking, Correction, Owned};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ask, mine))
        .routes(routes!(owned))
        .routes(routes!(one))
        .routes(routes!(answer))
}

/// A request to correct a record, and its answer once given.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CorrectionView {
    pub id: String,
    /// `details`, `crisis-plan`, `flags`, `contacts` or `other`.
    pub part: &'static str,
    pub part_label: &'static str,
    pub what_is_wrong: String,
    pub should_say: String,
    pub asked_at: DateTime<Utc>,
    /// The day by which it is to be answered: a calendar month after it
    /// was asked.
    pub answer_by: NaiveDate,
    /// `open`, `corrected` or `not-corrected`.
    pub status: &'static str,
    pub status_label: &'static str,
    pub answer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
    /// Who it is about: set on the owner's views only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl CorrectionView {
    fn of(c: &Correction) -> Self {
        Self {
            id: c.id.to_string(),
            part: c.part.as_str(),
            part_label: c.part.label(),
            what_is_wrong: c.what_is_wrong.clone(),
            should_say: c.should_say.clone(),
            asked_at: c.asked_at,
            answer_by: c.answer_by,
            status: c.status.as_str(),
            status_label: c.status.label(),
            answer: c.answer.clone(),
            answered_at: c.answered_at,
            person_id: None,
            name: None,
        }
    }

    fn owned(o: &Owned) -> Self {
        Self {
            person_id: Some(o.person.id().to_string()),
            name: Some(o.person.name().full()),
            ..Self::of(&o.correction)
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskInput {
    /// `details`, `crisis-plan`, `flags`, `contacts` or `other`.
    pub part: String,
    pub what_is_wrong: String,
    #[serde(default)]
    pub should_say: String,
}

/// The signed-in person asks for a correction of their record; it goes
/// to the lead professional of their care team, to answer within a month.
#[utoipa::path(
    post,
    path = "/me/corrections",
    operation_id = "askForCorrection",
    tag = "corrections",
    request_body(content = AskInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Asked", body = CorrectionView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub async fn ask(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<AskInput>,
) -> Result<(StatusCode, Json<CorrectionView>), ApiError> {
    let asking = Asking {
        part: input.part,
        what_is_wrong: input.what_is_wrong,
        should_say: input.should_say,
    };
    let asked = service::ask(&state, &caller.viewer(), &asking).await?;
    Ok((StatusCode::CREATED, Json(CorrectionView::of(&asked))))
}

/// The signed-in person's requests and their answers, newest first.
#[utoipa::path(
    get,
    path = "/me/corrections",
    operation_id = "myCorrections",
    tag = "corrections",
    responses(
        (status = 200, description = "The requests", body = Vec<CorrectionView>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<CorrectionView>>, ApiError> {
    let all = service::mine(&state, &caller.viewer()).await?;
    Ok(Json(all.iter().map(CorrectionView::of).collect()))
}

/// The requests the caller is to answer, open ones first; each person
/// read through the access decision and audited.
#[utoipa::path(
    get,
    path = "/corrections",
    operation_id = "listCorrections",
    tag = "corrections",
    responses(
        (status = 200, description = "The requests", body = Vec<CorrectionView>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn owned(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<CorrectionView>>, ApiError> {
    let all = service::owned(&state, &caller.viewer()).await?;
    Ok(Json(all.iter().map(CorrectionView::owned).collect()))
}

/// One request the caller is to answer.
#[utoipa::path(
    get,
    path = "/corrections/{id}",
    operation_id = "readCorrection",
    tag = "corrections",
    params(("id" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "The request", body = CorrectionView),
        (status = 404, response = NotFound),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CorrectionView>, ApiError> {
    let found = service::one(&state, &caller.viewer(), &id).await?;
    Ok(Json(CorrectionView::owned(&found)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// `corrected` or `not-corrected`.
    pub outcome: String,
    /// What was changed, or why nothing was: the person reads it.
    pub answer: String,
}

/// Answers a request; the person is told.
#[utoipa::path(
    post,
    path = "/corrections/{id}/answer",
    operation_id = "answerCorrection",
    tag = "corrections",
    params(("id" = String, Path, description = "The request")),
    request_body(content = AnswerInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Answered", body = CorrectionView),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<Json<CorrectionView>, ApiError> {
    let corrected = match input.outcome.as_str() {
        "corrected" => Some(true),
        "not-corrected" => Some(false),
        _ => None,
    };
    let answered = service::answer(&state, &caller.viewer(), &id, corrected, &input.answer).await?;
    Ok(Json(CorrectionView::of(&answered)))
}
