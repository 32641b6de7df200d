//! Crisis plans across a caseload over the API: `GET
//! /api/v1/crisis-plans/overdue` (agreed plans past review on the caller's
//! caseload) and `GET /api/v1/crisis-plans/coverage` (how many people of a
//! team, or of the partnership, have an agreed plan: JSON, or CSV at
//! `coverage.csv`).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use concordat_domain::ids::TeamId;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::api::openapi::{Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::crisis::coverage::{self, CoverageReport, Scope};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overdue))
        .routes(routes!(coverage_json))
        .routes(routes!(coverage_csv))
}

/// Agreed plans past review, for the people whose care team the caller is on.
#[utoipa::path(
    get,
    path = "/crisis-plans/overdue",
    operation_id = "overdueCrisisPlans",
    tag = "crisis-plans",
    responses(
        (status = 200, description = "The overdue plans", body = Vec<OverdueView>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn overdue(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<OverdueView>>, ApiError> {
    let viewer = caller.viewer();
    let query = coverage::OverdueQuery {
        limit: coverage::OVERDUE_LIMIT,
        ..coverage::OverdueQuery::default()
    };
    let list = coverage::overdue(&state, &viewer, &query).await?;
    Ok(Json(
        list.plans
            .into_iter()
            .map(|p| OverdueView {
                person_id: p.person.to_string(),
                name: format!("{} {}", p.given_name, p.family_name),
                agreed_version: p.agreed_version,
                agreed_on: p.agreed_on,
                review_due: p.review_due,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverdueView {
    pub person_id: String,
    pub name: String,
    pub agreed_version: u32,
    pub agreed_on: NaiveDate,
    pub review_due: NaiveDate,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// `team` (the caller's own, or `team_id`; the default) or `partnership`.
    #[param(schema_with = crate::api::openapi::coverage_scopes)]
    scope: Option<String>,
    team_id: Option<String>,
}

fn scope(caller: &ApiCaller, query: &CoverageQuery) -> Result<Scope, ApiError> {
    match query.scope.as_deref().unwrap_or("team") {
        "partnership" => Ok(Scope::Partnership),
        "team" => {
            let team = match &query.team_id {
                Some(raw) => TeamId::parse(raw).map_err(|e| ApiError::invalid("team_id", e))?,
                None => caller.user.team_id().ok_or_else(|| {
                    ApiError::invalid("team_id", "you belong to no team; name one")
                })?,
            };
            Ok(Scope::Team(team))
        }
        _ => Err(ApiError::invalid(
            "scope",
            "expected `team` or `partnership`",
        )),
    }
}

async fn report(
    state: &AppState,
    caller: ApiCaller,
    query: &CoverageQuery,
) -> Result<CoverageReport, ApiError> {
    let scope = scope(&caller, query)?;
    Ok(coverage::report(state, &caller.viewer(), scope).await?)
}

/// How many people of a team, or of the partnership, have an agreed plan.
#[utoipa::path(
    get,
    path = "/crisis-plans/coverage",
    operation_id = "crisisPlanCoverage",
    tag = "crisis-plans",
    params(CoverageQuery),
    responses(
        (status = 200, description = "The coverage", body = CoverageReport),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn coverage_json(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<CoverageQuery>,
) -> Result<Json<CoverageReport>, ApiError> {
    Ok(Json(report(&state, caller, &query).await?))
}

/// The coverage report as CSV.
#[utoipa::path(
    get,
    path = "/crisis-plans/coverage.csv",
    operation_id = "crisisPlanCoverageCsv",
    tag = "crisis-plans",
    params(CoverageQuery),
    responses(
        (status = 200, description = "The coverage as a CSV file", content_type = "text/csv", body = String),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn coverage_csv(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<CoverageQuery>,
) -> Result<Response, ApiError> {
    let report = report(&state, caller, &query).await?;
    let body = coverage::to_csv(&report)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"crisis-plan-coverage.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
