//! `GET /api/v1/crisis-lookup`: the crisis summary for a crisis role, found
//! by `nhs_number`, or by `surname` + `birth_date` (YYYY-MM-DD) with an
//! optional `postcode`, or by a `person_id` an earlier look-up listed as a
//! candidate — always with a `reason`. Answers with `outcome`: `summary`,
//! `candidates` or `no-match`; a person who refused sharing with the
//! caller's organisation gives a 403 saying a plan exists and pointing to
//! break-glass, never the plan.

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::Postcode;
use serde::{Deserialize, Serialize};

use super::{ApiError, ApiQuery};
use crate::auth::bearer::ApiCaller;
use crate::crisis::lookup::{self, Candidate, CrisisSummary, Finding, LookUpOutcome};
use crate::error::ServiceError;
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct LookUpQuery {
    nhs_number: Option<String>,
    surname: Option<String>,
    birth_date: Option<String>,
    postcode: Option<String>,
    person_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum LookUpView {
    Summary(Box<CrisisSummary>),
    Candidates { candidates: Vec<Candidate> },
    NoMatch,
}

/// Reads how the person is to be found from the query, or says what is
/// wrong with it.
pub fn finding(
    nhs_number: Option<&str>,
    surname: Option<&str>,
    birth_date: Option<&str>,
    postcode: Option<&str>,
    person_id: Option<&str>,
) -> Result<Finding, ServiceError> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(raw) = given(nhs_number) {
        return NhsNumber::parse(raw)
            .map(Finding::NhsNumber)
            .map_err(|e| ServiceError::invalid("nhs_number", e));
    }
    if let Some(raw) = given(person_id) {
        return PersonId::parse(raw)
            .map(Finding::Candidate)
            .map_err(|e| ServiceError::invalid("person_id", e));
    }
    match (given(surname), given(birth_date)) {
        (Some(surname), Some(raw_date)) => {
            if surname.chars().count() > 100 || surname.chars().any(char::is_control) {
                return Err(ServiceError::invalid("surname", "not a surname"));
            }
            let birth_date = NaiveDate::parse_from_str(raw_date, "%Y-%m-%d").map_err(|_| {
                ServiceError::invalid("birth_date", "give the date of birth as YYYY-MM-DD")
            })?;
            let postcode = given(postcode)
                .map(Postcode::parse)
                .transpose()
                .map_err(|e| ServiceError::invalid("postcode", e))?;
            Ok(Finding::Details {
                surname: surname.to_owned(),
                birth_date,
                postcode,
            })
        }
        (Some(_), None) => Err(ServiceError::invalid(
            "birth_date",
            "give the date of birth with the surname",
        )),
        (None, Some(_)) => Err(ServiceError::invalid(
            "surname",
            "give the surname with the date of birth",
        )),
        (None, None) => Err(ServiceError::invalid(
            "nhs_number",
            "give the NHS number, or the surname and date of birth",
        )),
    }
}

pub async fn look_up(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<LookUpQuery>,
) -> Result<Json<LookUpView>, ApiError> {
    let viewer = caller.viewer();
    lookup::may_look_up(&viewer)?;
    let finding = finding(
        query.nhs_number.as_deref(),
        query.surname.as_deref(),
        query.birth_date.as_deref(),
        query.postcode.as_deref(),
        query.person_id.as_deref(),
    )?;
    let reason = lookup::parse_reason(query.reason.as_deref().unwrap_or(""))?;
    match lookup::look_up(&state, &viewer, finding, reason).await? {
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

/// "A crisis plan exists; the person has refused sharing with Northshire
/// Police — use break-glass if there is a lawful basis."
pub fn refusal_sentence(plan_exists: bool, reason: &str) -> String {
    let exists = if plan_exists {
        "A crisis plan exists"
    } else {
        "No agreed crisis plan is recorded"
    };
    format!("{exists}; {reason} — use break-glass if there is a lawful basis")
}
