//! `CarePlan`: the crisis plan made with the person. Read (the latest
//! version the caller may see), vread and history by the plan's version
//! numbers, and search by patient. Each section is sent in the person's
//! own words as a note; who agreed, and when, and the review date ride in
//! extensions. A reader off the care team sees only agreed versions, as on
//! the JSON API.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::crisis_plan::PlanVersion;
use concordat_domain::ids::{CrisisPlanId, PersonId};

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_STATUS_AND_UPDATED_PARAMS;
use super::search::{self, Found, Version};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::crisis::plans::{self, PlanHistory};
use crate::error::ServiceError;
use crate::AppState;
use render::{care_plan, last_updated};

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "CarePlan",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read),
        },
        Served {
            interaction: Interaction::Vread,
            route: || get(vread),
        },
        Served {
            interaction: Interaction::HistoryInstance,
            route: || get(history),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search),
        },
    ],
    search: PATIENT_STATUS_AND_UPDATED_PARAMS,
    operations: &[],
};

async fn plan(state: &AppState, request: &FhirRequest, id: &str) -> Result<PlanHistory, FhirError> {
    plans::history_of_plan(state, &request.viewer, CrisisPlanId::named(id))
        .await?
        .ok_or(FhirError::NotFound)
}

/// `GET /fhir/CarePlan/{id}`: the latest version the caller may see.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let plan = plan(&state, &request, &id).await?;
    let latest = plan.latest().ok_or(FhirError::NotFound)?;
    Ok(answer(latest))
}

/// `GET /fhir/CarePlan/{id}/_history/{vid}`.
async fn vread(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath((id, vid)): FhirPath<(String, String)>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let plan = plan(&state, &request, &id).await?;
    // A version id that is not a number names no version.
    let version = vid
        .parse::<u32>()
        .ok()
        .and_then(|n| plan.version(n))
        .ok_or(FhirError::NotFound)?;
    Ok(answer(version))
}

/// `GET /fhir/CarePlan/{id}/_history`: every version the caller may see,
/// newest first.
async fn history(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let plan = plan(&state, &request, &id).await?;
    let versions = plan
        .versions
        .iter()
        .rev()
        .map(|v| Version {
            found: Found {
                full_url: format!("{}/CarePlan/{}", request.base, v.plan),
                resource: care_plan(v),
            },
            url: format!("CarePlan/{}", v.plan),
            created: v.number == 1,
            version_id: v.number.to_string(),
            last_updated: Some(instant(last_updated(v))),
        })
        .collect();
    Ok(FhirBody::of(search::history(&request.asked, versions)))
}

/// `GET /fhir/CarePlan?patient=…` (or `subject=`): the person's plan, as
/// its latest version the caller may see. A person the caller may not know
/// of gives the same empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let found = match plans::history(&state, &request.viewer, person).await {
        Ok(plan) => plan.as_ref().and_then(PlanHistory::latest).map(|v| Found {
            full_url: format!("{}/CarePlan/{}", request.base, v.plan),
            resource: care_plan(v),
        }),
        Err(ServiceError::NotFound) => None,
        Err(other) => return Err(other.into()),
    };
    include::respond(
        &state,
        &request,
        SEARCHED,
        person,
        found.into_iter().collect(),
    )
    .await
}

fn answer(version: &PlanVersion) -> FhirBody {
    FhirBody {
        body: care_plan(version),
        version: Some(version.number.to_string()),
        last_modified: Some(last_updated(version)),
    }
}
