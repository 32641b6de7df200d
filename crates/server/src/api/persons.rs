//! `GET /api/v1/persons/{id}` and `GET /api/v1/persons?nhs_number=…`: a
//! person's record, as much of it as the access decision allows for the
//! token's purpose, audited before it is returned. A reader with no
//! relationship to the person gets the same 404 as for no one at all.

use axum::extract::State;
use axum::routing::get;
use axum::Json;
use axum::Router;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath, ApiQuery};
use crate::auth::bearer::ApiCaller;
use crate::record::{self, ReadOutcome, RecordView};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons", get(find))
        .route("/persons/{id}", get(by_id))
}

#[derive(Debug, Deserialize)]
pub struct RecordQuery {
    categories: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FindQuery {
    nhs_number: Option<String>,
    categories: Option<String>,
}

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
