//! Reading the audit over the API: `GET /api/v1/me/access-log` (a person's
//! own account: who looked at my record and why) and `GET /api/v1/audit`
//! (information governance's search).

use axum::extract::State;
use axum::routing::get;
use axum::Json;
use axum::Router;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::auth::bearer::ApiCaller;
use crate::error::ServiceError;
use crate::governance::{self, AccessLogItem, AuditItem, AuditQuery};
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/access-log", get(my_access_log))
        .route("/audit", get(search))
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    limit: Option<u32>,
}

pub async fn my_access_log(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<Json<Vec<AccessLogItem>>, ApiError> {
    let person = permissions::own_access_log(&caller.user).map_err(ServiceError::from)?;
    let limit = query.limit.unwrap_or(200).clamp(1, 1000);
    Ok(Json(governance::access_log(&state, person, limit).await?))
}

pub async fn search(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditItem>>, ApiError> {
    Ok(Json(
        governance::search_audit(&state, &caller.viewer(), &query).await?,
    ))
}
