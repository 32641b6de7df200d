//! Capacity and best interests over the API: a person's records (`GET
//! /api/v1/persons/{id}/capacity`), an assessment and a best-interests
//! decision recorded (`POST …/capacity/assessments`, `POST
//! …/capacity/best-interests`), the person's own (`GET
//! /api/v1/me/capacity`) and governance's view of all (`GET
//! /api/v1/governance/capacity`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::{person_path, ApiPath};
use crate::api::json::ApiJson;
use crate::api::openapi::{Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::capacity::{
    self as service, Assessment, AssessmentInput, BestInterests, BestInterestsInput, Records,
};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(assess))
        .routes(routes!(best_interests))
        .routes(routes!(mine))
        .routes(routes!(governance))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub id: String,
    pub person_id: String,
    pub decision: String,
    /// `has-capacity` or `lacks-capacity`.
    pub outcome: &'static str,
    pub outcome_label: &'static str,
    pub reasons: String,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
    /// From when the person sees it in their own account.
    pub told_from: DateTime<Utc>,
}

impl AssessmentView {
    fn of(a: &Assessment) -> Self {
        Self {
            id: a.id.to_string(),
            person_id: a.person.to_string(),
            decision: a.decision.clone(),
            outcome: a.outcome.as_str(),
            outcome_label: a.outcome.label(),
            reasons: a.reasons.clone(),
            assessed_by: a.assessed_by_name.clone(),
            assessed_at: a.assessed_at,
            told_from: a.told_from,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BestInterestsView {
    pub id: String,
    pub person_id: String,
    /// The assessment that found the person lacked capacity.
    pub assessment_id: String,
    pub consulted: String,
    pub known_wishes: String,
    pub shared_what: String,
    pub shared_with: String,
    pub why: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
    pub told_from: DateTime<Utc>,
    /// The nominated carer the decision let see items of the record.
    pub carer_related_person_id: Option<String>,
    /// What that carer may see (admission, discharge, crisis-contact,
    /// who-to-call, what-helps).
    pub carer_items: Vec<&'static str>,
}

impl BestInterestsView {
    fn of(d: &BestInterests) -> Self {
        Self {
            id: d.id.to_string(),
            person_id: d.person.to_string(),
            assessment_id: d.assessment.to_string(),
            consulted: d.consulted.clone(),
            known_wishes: d.known_wishes.clone(),
            shared_what: d.shared_what.clone(),
            shared_with: d.shared_with.clone(),
            why: d.why.clone(),
            decided_by: d.decided_by_name.clone(),
            decided_at: d.decided_at,
            told_from: d.told_from,
            carer_related_person_id: d.carer_share.as_ref().map(|c| c.carer.to_string()),
            carer_items: d
                .carer_share
                .as_ref()
                .map(|c| c.items.iter().map(|i| i.as_str()).collect())
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordsView {
    pub assessments: Vec<AssessmentView>,
    pub best_interests: Vec<BestInterestsView>,
}

impl RecordsView {
    fn of(r: &Records) -> Self {
        Self {
            assessments: r.assessments.iter().map(AssessmentView::of).collect(),
            best_interests: r.best_interests.iter().map(BestInterestsView::of).collect(),
        }
    }
}

/// A person's capacity assessments and best-interests decisions, read as
/// their clinical information.
#[utoipa::path(
    get,
    path = "/persons/{id}/capacity",
    operation_id = "listCapacityRecords",
    tag = "capacity",
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The records", body = RecordsView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RecordsView>, ApiError> {
    let records = service::of_person(&state, &caller.viewer(), person_path(&id)).await?;
    Ok(Json(RecordsView::of(&records)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// The one decision assessed.
    pub decision: String,
    /// `has-capacity` or `lacks-capacity`.
    pub outcome: String,
    pub reasons: String,
    /// YYYY-MM-DD: the day the person is told, within 90 days; today
    /// when absent.
    #[serde(default)]
    pub tell_person_on: String,
}

/// Records an assessment of the person's capacity for one decision.
#[utoipa::path(
    post,
    path = "/persons/{id}/capacity/assessments",
    operation_id = "recordCapacityAssessment",
    tag = "capacity",
    params(("id" = String, Path, description = "The person's id")),
    request_body(content = NewAssessment, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = AssessmentView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn assess(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewAssessment>,
) -> Result<(StatusCode, Json<AssessmentView>), ApiError> {
    let input = AssessmentInput {
        decision: input.decision,
        outcome: input.outcome,
        reasons: input.reasons,
        tell_person_on: input.tell_person_on,
    };
    let made = service::assess(&state, &caller.viewer(), person_path(&id), &input).await?;
    Ok((StatusCode::CREATED, Json(AssessmentView::of(&made))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBestInterests {
    /// An assessment of this person that found they lacked capacity.
    pub assessment_id: String,
    pub consulted: String,
    pub known_wishes: String,
    pub shared_what: String,
    pub shared_with: String,
    pub why: String,
    #[serde(default)]
    pub tell_person_on: String,
    /// A nominated carer (a related person of this person) to let see
    /// items of the record in the person's best interests; kept with the
    /// person's own choices for that carer, which they may change later.
    #[serde(default)]
    pub carer_related_person_id: String,
    /// What the carer may see: admission, discharge, crisis-contact,
    /// who-to-call, what-helps.
    #[serde(default)]
    pub carer_items: Vec<String>,
}

/// Records a best-interests decision to share the person's information.
#[utoipa::path(
    post,
    path = "/persons/{id}/capacity/best-interests",
    operation_id = "recordBestInterestsDecision",
    tag = "capacity",
    params(("id" = String, Path, description = "The person's id")),
    request_body(content = NewBestInterests, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = BestInterestsView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn best_interests(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewBestInterests>,
) -> Result<(StatusCode, Json<BestInterestsView>), ApiError> {
    let input = BestInterestsInput {
        assessment: input.assessment_id,
        consulted: input.consulted,
        known_wishes: input.known_wishes,
        shared_what: input.shared_what,
        shared_with: input.shared_with,
        why: input.why,
        tell_person_on: input.tell_person_on,
        carer: input.carer_related_person_id,
        carer_items: input.carer_items,
    };
    let made =
        service::decide_best_interests(&state, &caller.viewer(), person_path(&id), &input).await?;
    Ok((StatusCode::CREATED, Json(BestInterestsView::of(&made))))
}

/// The signed-in person's own records, each from the day they are told.
#[utoipa::path(
    get,
    path = "/me/capacity",
    operation_id = "myCapacityRecords",
    tag = "capacity",
    responses(
        (status = 200, description = "The records", body = RecordsView),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<RecordsView>, ApiError> {
    let viewer = caller.viewer();
    let Some(person) = viewer.user.person_id() else {
        return Err(ApiError::Forbidden(
            "this is for a person's own account".into(),
        ));
    };
    let records = service::of_person(&state, &viewer, person).await?;
    Ok(Json(RecordsView::of(&records)))
}

/// Every record across the partnership, for information governance.
#[utoipa::path(
    get,
    path = "/governance/capacity",
    operation_id = "governanceCapacityRecords",
    tag = "capacity",
    responses(
        (status = 200, description = "The records", body = RecordsView),
        (status = 403, response = Forbidden),
    )
)]
pub async fn governance(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<RecordsView>, ApiError> {
    let records = service::for_governance(&state, &caller.viewer()).await?;
    Ok(Json(RecordsView::of(&records)))
}
