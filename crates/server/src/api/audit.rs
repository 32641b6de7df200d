//! Reading the audit over the API: `GET /api/v1/me/access-log` (a person's
//! own account: who looked at my record and why) and `GET /api/v1/audit`
//! (information governance's search).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::api::openapi::{Forbidden, Invalid};
use crate::auth::bearer::ApiCaller;
use crate::error::ServiceError;
use crate::governance::{self, AccessLogItem, AuditItem, AuditQuery};
use crate::permissions;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_access_log))
        .routes(routes!(search))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// How many entries, newest first: 1 to 1000, 200 if not given.
    #[param(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    limit: Option<u32>,
}

/// A person's own account: who looked at their record, when, what and why.
#[utoipa::path(
    get,
    path = "/me/access-log",
    operation_id = "myAccessLog",
    tag = "audit",
    params(LogQuery),
    responses(
        (status = 200, description = "Newest first", body = Vec<AccessLogItem>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn my_access_log(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<Json<Vec<AccessLogItem>>, ApiError> {
    let person = permissions::own_access_log(&caller.user).map_err(ServiceError::from)?;
    let limit = query.limit.unwrap_or(200).clamp(1, 1000);
    Ok(Json(governance::access_log(&state, person, limit).await?))
}

/// Information governance's search of the audit.
#[utoipa::path(
    get,
    path = "/audit",
    operation_id = "searchAudit",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "The matching entries, newest first", body = Vec<AuditItem>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditItem>>, ApiError> {
    Ok(Json(
        governance::search_audit(&state, &caller.viewer(), &query).await?,
    ))
}
