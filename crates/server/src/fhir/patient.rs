//! `Patient` (UK Core): read by id, and search by NHS number. The record's
//! demographics as the access decision and the person's masks allow; a
//! masked field is sent with a `data-absent-reason` of `masked`, never
//! silently left out.

pub mod demographics;
pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::identifier::NHS_NUMBER_SYSTEM;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;

use super::include;
use super::outcome::FhirError;
use super::search::{self, Found};
use super::table::{Interaction, Operation, OperationLevel, ResourceDef, SearchParam, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::record::{self};
use crate::AppState;
use render::{shown, CATEGORIES, UK_CORE_PATIENT};

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Patient",
    profile: Some(UK_CORE_PATIENT),
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
    search: &[
        SearchParam {
            name: "identifier",
            kind: "token",
            documentation: "The NHS number, as `https://fhir.nhs.uk/Id/nhs-number|{number}`; \
                            searched alone",
        },
        SearchParam {
            name: "family",
            kind: "string",
            documentation: "The start of the family name, any case",
        },
        SearchParam {
            name: "given",
            kind: "string",
            documentation: "The start of the given name, any case",
        },
        SearchParam {
            name: "name",
            kind: "string",
            documentation: "The start of the given or the family name, any case",
        },
        SearchParam {
            name: "birthdate",
            kind: "date",
            documentation: "The date of birth: a day, or `ge`/`gt`/`le`/`lt` one",
        },
        SearchParam {
            name: "address-postalcode",
            kind: "string",
            documentation: "The start of the postcode, as the caller may see the address \
                            (a withheld address matches nothing); with a name or date of birth",
        },
    ],
    operations: &[
        Operation {
            name: "crisis-summary",
            definition: super::crisis_summary::DEFINITION,
            level: OperationLevel::Type,
            route: || get(super::crisis_summary::crisis_summary),
        },
        Operation {
            name: "export",
            definition: super::export::PATIENT_EXPORT,
            level: OperationLevel::Type,
            route: || get(super::export::patient),
        },
        Operation {
            name: "everything",
            definition: super::everything::DEFINITION,
            level: OperationLevel::Instance,
            route: || get(super::everything::everything),
        },
    ],
};

/// `GET /fhir/Patient/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let outcome = record::read(&state, &request.viewer, PersonId::named(&id), &CATEGORIES).await?;
    match shown(outcome)? {
        Some((_, patient)) => Ok(FhirBody::of(patient)),
        None => Err(FhirError::NotFound),
    }
}

/// `GET /fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}`,
/// or by name, date of birth and postcode. No one with that number, and
/// someone the caller may not know of, give the same empty Bundle; a
/// search by name finds only people the caller has a standing
/// relationship with (see `record::people`).
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::search_parameters(&request.params, SEARCHED)?;
    match params.iter().find(|(name, _)| *name == "identifier") {
        Some((_, token)) if params.len() == 1 => by_nhs_number(&state, &request, token).await,
        Some(_) => Err(FhirError::Unsupported(
            "`identifier` is searched alone: the NHS number names one person".into(),
        )),
        None => by_demographics(&state, &request, &params).await,
    }
}

async fn by_nhs_number(
    state: &AppState,
    request: &FhirRequest,
    token: &str,
) -> Result<FhirBody, FhirError> {
    let nhs_number = nhs_number_token(token)?;
    let outcome = record::find(state, &request.viewer, &nhs_number, &CATEGORIES).await?;
    let Some((id, resource)) = shown(outcome)? else {
        return Ok(FhirBody::of(search::searchset(request, Vec::new())?));
    };
    let person = PersonId::named(&id);
    let found = vec![Found {
        full_url: format!("{}/Patient/{id}", request.base),
        resource,
    }];
    include::respond(state, request, SEARCHED, person, found).await
}

async fn by_demographics(
    state: &AppState,
    request: &FhirRequest,
    params: &[(&'static str, String)],
) -> Result<FhirBody, FhirError> {
    let Some(asked) = demographics::Asked::read(params)? else {
        return Err(FhirError::invalid(
            "identifier",
            "give the NHS number (`identifier=https://fhir.nhs.uk/Id/nhs-number|{number}`), \
             or a name or date of birth",
        ));
    };
    let views = record::people::search(state, &request.viewer, &asked.filter, &CATEGORIES).await?;
    let mut found = Vec::new();
    for view in views {
        let Some((id, resource)) = shown(record::ReadOutcome::Shown(Box::new(view)))? else {
            continue;
        };
        if asked.postcode_matches(&resource) {
            let full_url = format!("{}/Patient/{id}", request.base);
            found.push((PersonId::named(&id), Found { full_url, resource }));
        }
    }
    include::respond_people(state, request, SEARCHED, found).await
}

/// The NHS number an `identifier` token names; other systems are not
/// searched.
fn nhs_number_token(token: &str) -> Result<NhsNumber, FhirError> {
    match token.split_once('|') {
        Some((NHS_NUMBER_SYSTEM, value)) => {
            NhsNumber::parse(value).map_err(|e| FhirError::invalid("identifier", e))
        }
        Some(_) | None => Err(FhirError::Unsupported(format!(
            "patients are searched by NHS number only: give \
             `identifier={NHS_NUMBER_SYSTEM}|{{number}}`"
        ))),
    }
}
