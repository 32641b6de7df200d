//! `Organization`: the partnership's organisations, read by id and
//! searched by name, each with its partnership code as an identifier and
//! its kind as a type. They name no one the partnership cares for, so any
//! signed-in caller may read them; the token is still required, as for
//! every interaction but `metadata`.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::organisation::{Organisation, OrganisationKind};
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search::{self, Found};
use super::table::{Interaction, ResourceDef, SearchParam, Served};
use super::terms::{code_system, identifier_system};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::{directory, AppState};

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Organization",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search),
        },
    ],
    search: &[SearchParam {
        name: "name",
        kind: "string",
        documentation: "The start of the organisation's name, any case; none lists every one",
    }],
    operations: &[],
};

/// `GET /fhir/Organization/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let all = directory::organisations(&state).await?;
    let found = all
        .iter()
        .find(|o| o.id().to_string() == id)
        .ok_or(FhirError::NotFound)?;
    Ok(FhirBody::of(organization(found)))
}

/// `GET /fhir/Organization` (every one) or `?name=…` (those whose name
/// starts so, ignoring case, as a FHIR string search matches).
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::search_parameters(&request.params, SEARCHED)?;
    let name = params.first().map(|(_, v)| v.to_lowercase());
    let found = directory::organisations(&state)
        .await?
        .iter()
        .filter(|o| {
            name.as_ref()
                .is_none_or(|n| o.name().to_lowercase().starts_with(n.as_str()))
        })
        .map(|o| Found {
            full_url: format!("{}/Organization/{}", request.base, o.id()),
            resource: organization(o),
        })
        .collect();
    Ok(FhirBody::of(search::searchset(&request, found)?))
}

/// The nearest HL7 organization type: `prov` (healthcare provider),
/// `govt` (a public body that is not one), `cg` (a community group).
fn hl7_type(kind: OrganisationKind) -> (&'static str, &'static str) {
    use OrganisationKind as K;
    match kind {
        K::NhsTrust
        | K::GpPractice
        | K::Ambulance
        | K::EmergencyDepartment
        | K::SpecialistService
        | K::Nhs111 => ("prov", "Healthcare Provider"),
        K::Police | K::LocalAuthority => ("govt", "Government"),
        K::Charity => ("cg", "Community Group"),
    }
}

/// The Organization for a partner organisation.
pub fn organization(o: &Organisation) -> Value {
    let (code, display) = hl7_type(o.kind());
    json!({
        "resourceType": "Organization",
        "id": o.id().to_string(),
        "identifier": [{
            "system": identifier_system("organisation-code"),
            "value": o.code().as_str(),
        }],
        "active": true,
        "type": [{
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                    "code": code,
                    "display": display,
                },
                {
                    "system": code_system("organisation-kind"),
                    "code": o.kind().as_str(),
                    "display": o.kind().label(),
                },
            ],
        }],
        "name": o.name(),
    })
}
