//! `GET /api/v1/crisis-lookup`: the crisis summary for a crisis role, found
//! by `nhs_number`, or by `surname` + `birth_date` (YYYY-MM-DD) with an
//! optional `postcode`, or by a `person_id` an earlier look-up listed as a
//! candidate — always with a `reason`. Answers with `outcome`: `summary`,
//! `candidates` or `no-match`; a person who refused sharing with the
//! caller's organisation gives a 403 saying a plan exists and pointing to
//! break-glass, never the plan. The rules (who may look up, how the query
//! reads, what is shown) are the service's (`crisis::lookup`); this only
//! translates.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::api::openapi::{Forbidden, Invalid};
use crate::auth::bearer::ApiCaller;
use crate::crisis::lookup::{
    self, refusal_sentence, Candidate, CrisisSummary, LookUpInput, LookUpOutcome,
};
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(look_up))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookUpQuery {
    nhs_number: Option<String>,
    surname: Option<String>,
    birth_date: Option<String>,
    postcode: Option<String>,
    person_id: Option<String>,
    reason: Option<String>,
}

impl LookUpQuery {
    fn input(&self) -> LookUpInput<'_> {
        LookUpInput {
            nhs_number: self.nhs_number.as_deref(),
            surname: self.surname.as_deref(),
            birth_date: self.birth_date.as_deref(),
            postcode: self.postcode.as_deref(),
            person_id: self.person_id.as_deref(),
            reason: self.reason.as_deref(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum LookUpView {
    Summary(Box<CrisisSummary>),
    Candidates { candidates: Vec<Candidate> },
    NoMatch,
}

/// The crisis look-up, for crisis roles: by `nhs_number`, by `surname` and
/// `birth_date` (with an optional `postcode`), or by a candidate's `person_id`,
/// always with a `reason`. A person who refused sharing with the caller's
/// organisation gives a 403 saying whether a plan exists and pointing to
/// break-glass.
#[utoipa::path(
    get,
    path = "/crisis-lookup",
    operation_id = "crisisLookUp",
    tag = "crisis-lookup",
    params(LookUpQuery),
    responses(
        (status = 200, description = "A summary, candidates or no match", body = LookUpView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn look_up(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<LookUpQuery>,
) -> Result<Json<LookUpView>, ApiError> {
    match lookup::look_up(&state, &caller.viewer(), &query.input()).await? {
        LookUpOutcome::Summary(summary) => Ok(Json(LookUpView::Summary(summary))),
        LookUpOutcome::Candidates(candidates) => Ok(Json(LookUpView::Candidates { candidates })),
        LookUpOutcome::NoMatch => Ok(Json(LookUpView::NoMatch)),
        LookUpOutcome::Refused {
            person_id,
            plan_exists,
            reason,
        } => Err(ApiError::LookUpRefused {
            detail: refusal_sentence(plan_exists, &reason),
            person_id: person_id.to_string(),
            plan_exists,
        }),
    }
}
