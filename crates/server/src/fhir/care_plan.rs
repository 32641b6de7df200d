//! `CarePlan`: the crisis plan made with the person. Read (the latest
//! version the caller may see), vread and history by the plan's version
//! numbers, and search by patient. Each section is sent in the person's
//! own words as a note; who agreed, and when, and the review date ride in
//! extensions. A reader off the care team sees only agreed versions, as on
//! the JSON API.

use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};
use concordat_domain::crisis_plan::{PlanStatus, PlanVersion, Section};
use concordat_domain::ids::{CrisisPlanId, PersonId};
use serde_json::{json, Value};

use super::include;
use super::outcome::FhirError;
use super::search::PATIENT_PARAMS;
use super::search::{self, Found, Version};
use super::table::{Interaction, ResourceDef, Served};
use super::terms::extension;
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::crisis::plans::{self, PlanHistory};
use crate::error::ServiceError;
use crate::AppState;

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
    search: PATIENT_PARAMS,
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

/// The last time the version's row changed that the store dates: written,
/// or agreed by either party.
fn last_updated(v: &PlanVersion) -> DateTime<Utc> {
    [
        Some(v.created_at),
        v.person_agreement.as_ref().map(|a| a.at),
        v.professional_agreement.as_ref().map(|a| a.at),
        v.agreed_at,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(v.created_at)
}

/// A superseded plan was replaced before it ended: `revoked`, in the words
/// of the CarePlan status value set.
fn status(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "draft",
        PlanStatus::Agreed => "active",
        PlanStatus::Superseded => "revoked",
    }
}

/// The CarePlan for one version of a crisis plan.
pub fn care_plan(v: &PlanVersion) -> Value {
    let notes: Vec<Value> = Section::ALL
        .iter()
        .filter(|s| **s != Section::OwnWords)
        .filter_map(|section| {
            let lines = v.sections.lines(*section);
            (!lines.is_empty()).then(
                || json!({ "text": format!("**{}**\n\n{}", section.label(), lines.join("\n\n")) }),
            )
        })
        .collect();
    let mut agreement = vec![json!({
        "url": "agreedByBoth",
        "valueBoolean": v.person_agreement.is_some() && v.professional_agreement.is_some(),
    })];
    if let Some(at) = &v.person_agreement {
        agreement.push(json!({ "url": "person", "valueDateTime": instant(at.at) }));
    }
    if let Some(at) = &v.professional_agreement {
        agreement.push(json!({ "url": "professional", "valueDateTime": instant(at.at) }));
    }
    let mut extensions = vec![json!({
        "url": extension("crisis-plan-agreement"),
        "extension": agreement,
    })];
    if let Some(due) = v.review_due {
        extensions.push(json!({
            "url": extension("crisis-plan-review-due"),
            "valueDate": due.to_string(),
        }));
    }
    let mut contributors = Vec::new();
    if v.person_agreement.is_some() {
        contributors.push(json!({ "reference": format!("Patient/{}", v.person) }));
    }
    if let Some(professional) = &v.professional_agreement {
        contributors.push(json!({ "display": professional.name }));
    }
    let mut plan = json!({
        "resourceType": "CarePlan",
        "id": v.plan.to_string(),
        "meta": {
            "versionId": v.number.to_string(),
            "lastUpdated": instant(last_updated(v)),
        },
        "extension": extensions,
        "status": status(v.status),
        "intent": "plan",
        "category": [{ "text": "Crisis plan" }],
        "title": "Crisis plan",
        "subject": { "reference": format!("Patient/{}", v.person) },
        "created": instant(v.created_at),
        "author": { "display": v.author.name },
    });
    if !v.sections.own_words.is_empty() {
        plan["description"] = Value::String(v.sections.own_words.clone());
    }
    if let Some(agreed) = v.agreed_at {
        plan["period"] = json!({ "start": instant(agreed) });
    }
    if !contributors.is_empty() {
        plan["contributor"] = Value::Array(contributors);
    }
    if !notes.is_empty() {
        plan["note"] = Value::Array(notes);
    }
    plan
}
