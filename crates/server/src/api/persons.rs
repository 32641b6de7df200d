//! `GET /api/v1/persons/{id}` and `GET /api/v1/persons?nhs_number=…`: a
//! person's record, as much of it as the access decision allows for the
//! token's purpose, audited before it is returned. A reader with no
//! relationship to the person gets the same 404 as for no one at all.

use axum::extract::State;
use axum::Json;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath, ApiQuery};
use crate::api::openapi::{Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::record::{self, ReadOutcome, RecordView};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(find))
        .routes(routes!(by_id))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Comma-separated data categories (`demographics,care-team`); all
    /// that are served if not given.
    categories: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// Required.
    nhs_number: Option<String>,
    /// Comma-separated data categories (`demographics,care-team`); all
    /// that are served if not given.
    categories: Option<String>,
}

/// A person's record, as far as the access decision allows for the
/// token's purpose.
#[utoipa::path(
    get,
    path = "/persons/{id}",
    operation_id = "readPerson",
    tag = "persons",
    params(("id" = String, Path, description = "The person's id"), RecordQuery),
    responses(
        (status = 200, description = "The record as the caller may see it", body = RecordView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn by_id(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<RecordQuery>,
) -> Result<Json<RecordView>, ApiError> {
    let categories = record::parse_categories(query.categories.as_deref())
        .map_err(|e| ApiError::invalid("categories", e))?;
    // An id that is not even well-formed names no one: the same 404.
    let person = person_path(&id);
    respond(&state, caller, person, &categories).await
}

/// A person's record found by NHS number, as far as the access decision
/// allows for the token's purpose.
#[utoipa::path(
    get,
    path = "/persons",
    operation_id = "findPerson",
    tag = "persons",
    params(FindQuery),
    responses(
        (status = 200, description = "The record as the caller may see it", body = RecordView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn find(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<FindQuery>,
) -> Result<Json<RecordView>, ApiError> {
    let categories = record::parse_categories(query.categories.as_deref())
        .map_err(|e| ApiError::invalid("categories", e))?;
    let raw = query
        .nhs_number
        .ok_or_else(|| ApiError::invalid("nhs_number", "give the person's NHS number"))?;
    let nhs_number = NhsNumber::parse(&raw).map_err(|e| ApiError::invalid("nhs_number", e))?;
    let outcome = record::find(&state, &caller.viewer(), &nhs_number, &categories).await?;
    answer(outcome)
}

async fn respond(
    state: &AppState,
    caller: ApiCaller,
    person: PersonId,
    categories: &[concordat_domain::category::DataCategory],
) -> Result<Json<RecordView>, ApiError> {
    answer(record::read(state, &caller.viewer(), person, categories).await?)
}

fn answer(outcome: ReadOutcome) -> Result<Json<RecordView>, ApiError> {
    match outcome {
        ReadOutcome::Shown(view) => Ok(Json(*view)),
        ReadOutcome::Denied { reason, rule, .. } => Err(ApiError::Denied {
            detail: reason,
            rule,
        }),
        ReadOutcome::NotFound => Err(ApiError::NotFound),
    }
}
