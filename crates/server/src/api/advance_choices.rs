//! Advance choices over the API: every version of a person's document
//! (`GET /api/v1/persons/{id}/advance-choices`), a new version recorded
//! (`POST …`), and the person's own (`GET /api/v1/me/advance-choices`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::advance_choices::{self as service, AdvanceChoices, ChoiceInput, DocumentInput};
use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::api::openapi::{Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, record))
        .routes(routes!(mine))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChoiceView {
    /// `let-during-crisis` or `refuse-even-in-crisis`.
    pub effect: &'static str,
    /// For a choice to let: `section-136`, `admission` or `any-crisis`.
    pub during: Option<&'static str>,
    /// The organisation it covers; none covers every organisation.
    pub organisation_id: Option<String>,
    pub organisation: Option<String>,
    pub category: Option<&'static str>,
    pub purpose: Option<&'static str>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdvanceChoicesView {
    pub id: String,
    pub person_id: String,
    pub version: i64,
    /// What the person wants, in their own words.
    pub statement: String,
    pub choices: Vec<ChoiceView>,
    pub witnessed_by: String,
    pub witnessed_at: DateTime<Utc>,
    pub review_by: NaiveDate,
    /// Whether this is the version in force.
    pub in_force: bool,
    pub superseded_at: Option<DateTime<Utc>>,
}

fn view(
    d: &AdvanceChoices,
    names: &[(concordat_domain::ids::OrganisationId, String)],
) -> AdvanceChoicesView {
    AdvanceChoicesView {
        id: d.id.to_string(),
        person_id: d.person.to_string(),
        version: d.version,
        statement: d.statement.clone(),
        choices: d
            .choices
            .iter()
            .map(|c| ChoiceView {
                effect: c.effect.as_str(),
                during: c.during.map(|k| k.as_str()),
                organisation_id: c.scope.organisation.map(|o| o.to_string()),
                organisation: c.scope.organisation.and_then(|o| {
                    names
                        .iter()
                        .find(|(id, _)| *id == o)
                        .map(|(_, n)| n.clone())
                }),
                category: c.scope.category.map(|k| k.as_str()),
                purpose: c.scope.purpose.map(|p| p.as_str()),
            })
            .collect(),
        witnessed_by: d.witnessed_by_name.clone(),
        witnessed_at: d.witnessed_at,
        review_by: d.review_by,
        in_force: d.superseded_at.is_none(),
        superseded_at: d.superseded_at,
    }
}

async fn views(
    state: &AppState,
    documents: &[AdvanceChoices],
) -> Result<Vec<AdvanceChoicesView>, ApiError> {
    let names = service::organisation_names(state, documents).await?;
    Ok(documents.iter().map(|d| view(d, &names)).collect())
}

/// Every version of the person's advance choices, the one in force first,
/// read as their sharing choices (the person and their care team).
#[utoipa::path(
    get,
    path = "/persons/{id}/advance-choices",
    operation_id = "listAdvanceChoices",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "Every version, the latest first", body = [AdvanceChoicesView]),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<AdvanceChoicesView>>, ApiError> {
    let documents = service::of_person(&state, &caller.viewer(), person_path(&id)).await?;
    Ok(Json(views(&state, &documents).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChoice {
    /// `let-during-crisis` or `refuse-even-in-crisis`.
    pub effect: String,
    /// For a choice to let: `section-136`, `admission` or `any-crisis`.
    #[serde(default)]
    pub during: String,
    /// An organisation's id; absent covers every organisation.
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub purpose: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdvanceChoices {
    /// What the person wants, in their own words.
    pub statement: String,
    pub choices: Vec<NewChoice>,
    /// The username of the practitioner on the person's care team who
    /// witnessed them.
    #[serde(default)]
    pub witnessed_by: String,
    /// YYYY-MM-DD, after today.
    pub review_by: String,
}

/// Records a new version of the person's advance choices, replacing the
/// one in force.
#[utoipa::path(
    post,
    path = "/persons/{id}/advance-choices",
    operation_id = "recordAdvanceChoices",
    tag = "consent",
    params(("id" = String, Path, description = "The person's id")),
    request_body(content = NewAdvanceChoices, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded, in force", body = AdvanceChoicesView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewAdvanceChoices>,
) -> Result<(StatusCode, Json<AdvanceChoicesView>), ApiError> {
    let input = DocumentInput {
        statement: input.statement,
        choices: input
            .choices
            .into_iter()
            .map(|c| ChoiceInput {
                effect: c.effect,
                during: c.during,
                organisation: c.organisation_id,
                category: c.category,
                purpose: c.purpose,
            })
            .collect(),
        witnessed_by: input.witnessed_by,
        review_by: input.review_by,
    };
    let made = service::record(&state, &caller.viewer(), person_path(&id), &input).await?;
    let mut made = views(&state, std::slice::from_ref(&made)).await?;
    Ok((StatusCode::CREATED, Json(made.remove(0))))
}

/// The signed-in person's own advance choices, every version.
#[utoipa::path(
    get,
    path = "/me/advance-choices",
    operation_id = "myAdvanceChoices",
    tag = "consent",
    responses(
        (status = 200, description = "Every version, the latest first", body = [AdvanceChoicesView]),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<AdvanceChoicesView>>, ApiError> {
    let viewer = caller.viewer();
    let Some(person) = viewer.user.person_id() else {
        return Err(ApiError::Forbidden(
            "this is for a person's own account".into(),
        ));
    };
    let documents = service::of_person(&state, &viewer, person).await?;
    Ok(Json(views(&state, &documents).await?))
}
