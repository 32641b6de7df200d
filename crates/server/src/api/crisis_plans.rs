//! A person's crisis plan over the API:
//! `GET /api/v1/persons/{id}/crisis-plan` (the plan as the caller may see
//! it), `GET …/crisis-plan/versions/{n}`, `GET …/crisis-plan/diff?from=&to=`,
//! `POST …/crisis-plan/versions` (a new draft, or the person's proposal) and
//! `POST …/crisis-plan/versions/{n}/agreement`. Across a caseload:
//! `caseload.rs`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use concordat_domain::consent::RecordedVia;
use concordat_domain::crisis_plan::{
    PlanSections, PlanVersion, ReviewStatus, SectionDiff, SectionsInput,
};
use serde::{Deserialize, Serialize};

use crate::api::error::{ApiError, FieldError};
use crate::api::extract::{person_path, ApiPath, ApiQuery};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::authorisation::Viewer;
use crate::crisis::plans::{self, Party, PlanHistory};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show))
        .routes(routes!(save))
        .routes(routes!(version))
        .routes(routes!(agree))
        .routes(routes!(diff))
}

/// A version with where it stands today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    #[serde(flatten)]
    pub version: PlanVersion,
    pub is_proposal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewStatus>,
}

impl VersionView {
    pub fn of(version: &PlanVersion, today: NaiveDate) -> Self {
        Self {
            is_proposal: version.is_proposal(),
            standing: version.standing(today),
            review: version.review_status(today),
            version: version.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    pub number: u32,
    pub status: &'static str,
    pub author: String,
    pub is_proposal: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub plan_id: String,
    pub person_id: String,
    pub latest_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreed: Option<VersionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<VersionView>,
    pub versions: Vec<VersionSummary>,
    pub audit_entry: u64,
}

async fn history(state: &AppState, viewer: &Viewer, id: &str) -> Result<PlanHistory, ApiError> {
    plans::history(state, viewer, person_path(id))
        .await?
        .ok_or(ApiError::NotFound)
}

/// The person's crisis plan as the caller may see it: the agreed version,
/// the draft and the list of versions.
#[utoipa::path(
    get,
    path = "/persons/{id}/crisis-plan",
    operation_id = "showCrisisPlan",
    tag = "crisis-plans",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The plan", body = PlanView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PlanView>, ApiError> {
    let viewer = caller.viewer();
    let plan = history(&state, &viewer, &id).await?;
    let today = state.clock.now().date_naive();
    Ok(Json(PlanView {
        plan_id: plan.header.id.to_string(),
        person_id: plan.header.person.to_string(),
        latest_version: plan.latest().map_or(0, |v| v.number),
        agreed: plan.agreed().map(|v| VersionView::of(v, today)),
        draft: plan.draft().map(|v| VersionView::of(v, today)),
        versions: plan
            .versions
            .iter()
            .map(|v| VersionSummary {
                number: v.number,
                status: v.status.as_str(),
                author: v.author.name.clone(),
                is_proposal: v.is_proposal(),
                created_at: v.created_at,
            })
            .collect(),
        audit_entry: plan.audit_entry,
    }))
}

/// One version of the crisis plan.
#[utoipa::path(
    get,
    path = "/persons/{id}/crisis-plan/versions/{number}",
    operation_id = "crisisPlanVersion",
    tag = "crisis-plans",
    params(("id" = String, Path, description = "The person's id"), ("number" = u64, Path, maximum = 4_294_967_295.0, description = "The version number")),
    responses(
        (status = 200, description = "The version", body = VersionView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn version(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, number)): ApiPath<(String, u32)>,
) -> Result<Json<VersionView>, ApiError> {
    let viewer = caller.viewer();
    let plan = history(&state, &viewer, &id).await?;
    let version = plan.version(number).ok_or(ApiError::NotFound)?;
    Ok(Json(VersionView::of(
        version,
        state.clock.now().date_naive(),
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The version compared with; by default the one `to` was based on.
    #[param(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    from: Option<u32>,
    /// By default the latest version.
    #[param(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    to: Option<u32>,
}

/// What changed between two versions, section by section.
#[utoipa::path(
    get,
    path = "/persons/{id}/crisis-plan/diff",
    operation_id = "crisisPlanDiff",
    tag = "crisis-plans",
    params(("id" = String, Path, description = "The person's id"), DiffQuery),
    responses(
        (status = 200, description = "The sections' differences", body = Vec<SectionDiff>),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn diff(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<DiffQuery>,
) -> Result<Json<Vec<SectionDiff>>, ApiError> {
    let viewer = caller.viewer();
    let plan = history(&state, &viewer, &id).await?;
    let to = query
        .to
        .or_else(|| plan.latest().map(|v| v.number))
        .ok_or(ApiError::NotFound)?;
    let from = query
        .from
        .or_else(|| plan.version(to).and_then(|v| v.based_on))
        .ok_or_else(|| ApiError::invalid("from", "give the version to compare with"))?;
    Ok(Json(plan.diff(from, to)?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewVersion {
    /// The version the writer started from; absent for a new plan.
    #[schema(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    based_on: Option<u32>,
    sections: SectionsInput,
}

/// A new draft of the crisis plan, or the person's proposal.
#[utoipa::path(
    post,
    path = "/persons/{id}/crisis-plan/versions",
    operation_id = "saveCrisisPlanVersion",
    tag = "crisis-plans",
    params(("id" = String, Path, description = "The person's id")),
    request_body = NewVersion,
    responses(
        (status = 201, description = "The version as saved", body = VersionView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn save(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewVersion>,
) -> Result<(StatusCode, Json<VersionView>), ApiError> {
    let sections = PlanSections::parse(input.sections).map_err(|problems| {
        ApiError::Invalid(
            problems
                .into_iter()
                .map(|p| FieldError::new(&format!("sections.{}", p.field), p.message))
                .collect(),
        )
    })?;
    let viewer = caller.viewer();
    let version =
        plans::save_draft(&state, &viewer, person_path(&id), input.based_on, sections).await?;
    Ok((
        StatusCode::CREATED,
        Json(VersionView::of(&version, state.clock.now().date_naive())),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAgreement {
    #[schema(schema_with = crate::api::openapi::agreeing_parties)]
    party: String,
    /// How it was given: in-person, phone, letter (own-account for the
    /// person's own account, which is assumed there).
    #[schema(value_type = Option<RecordedVia>)]
    via: Option<String>,
    review_due: Option<NaiveDate>,
}

/// Records one party's agreement to a version.
#[utoipa::path(
    post,
    path = "/persons/{id}/crisis-plan/versions/{number}/agreement",
    operation_id = "agreeCrisisPlanVersion",
    tag = "crisis-plans",
    params(("id" = String, Path, description = "The person's id"), ("number" = u64, Path, maximum = 4_294_967_295.0, description = "The version number")),
    request_body = NewAgreement,
    responses(
        (status = 200, description = "The version as it now stands", body = VersionView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn agree(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, number)): ApiPath<(String, u32)>,
    ApiJson(input): ApiJson<NewAgreement>,
) -> Result<Json<VersionView>, ApiError> {
    let party = match input.party.as_str() {
        "person" => Party::Person,
        "professional" => Party::Professional,
        _ => {
            return Err(ApiError::invalid(
                "party",
                "expected `person` or `professional`",
            ))
        }
    };
    let via = match input.via.as_deref() {
        Some(raw) => RecordedVia::parse(raw).map_err(|e| ApiError::invalid("via", e))?,
        None if caller.user.person_id().is_some() => RecordedVia::OwnAccount,
        None => return Err(ApiError::invalid("via", "say how the agreement was given")),
    };
    let viewer = caller.viewer();
    let version = plans::agree(
        &state,
        &viewer,
        person_path(&id),
        number,
        party,
        via,
        input.review_due,
    )
    .await?;
    Ok(Json(VersionView::of(
        &version,
        state.clock.now().date_naive(),
    )))
}
