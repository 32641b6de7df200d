//! `GET /api/v1/persons/{id}` and `GET /api/v1/persons?nhs_number=…`: a
//! person's record, as much of it as the access decision allows for the
//! token's purpose, audited before it is returned. A reader with no
//! relationship to the person gets the same 404 as for no one at all.

use axum::extract::State;
use axum::Json;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_store::persons;
use serde::Deserialize;

use super::{ApiError, ApiPath, ApiQuery};
use crate::auth::bearer::ApiCaller;
use crate::record::{self, ReadOutcome, RecordView};
use crate::AppState;

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
    let person = super::person_path(&id);
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
    let found = {
        let mut conn = state.store.read().await?;
        persons::person_by_nhs_number(&mut conn, &nhs_number).await?
    };
    let person = found.map_or_else(|| PersonId::from_uuid(uuid::Uuid::nil()), |p| p.id());
    respond(&state, caller, person, &categories).await
}

async fn respond(
    state: &AppState,
    caller: ApiCaller,
    person: PersonId,
    categories: &[concordat_domain::category::DataCategory],
) -> Result<Json<RecordView>, ApiError> {
    let viewer = caller.viewer();
    match record::read(state, &viewer, person, categories).await? {
        ReadOutcome::Shown(view) => Ok(Json(*view)),
        ReadOutcome::Denied { reason, rule } => Err(ApiError::Denied {
            detail: reason,
            rule,
        }),
        ReadOutcome::NotFound => Err(ApiError::NotFound),
    }
}
