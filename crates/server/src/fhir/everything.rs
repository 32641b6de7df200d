//! `GET /fhir/Patient/{id}/$everything`: the person and everything about
//! them the caller may see, as one paged `searchset` Bundle — the Patient,
//! then each type of `parts::ABOUT_A_PERSON`. One look at the record
//! (`parts::look`): every category decided together and audited as one
//! entry, each part then read through the service that owns it; a part
//! the caller may not see is left out. A person the caller may not know
//! of is the 404 for no one; a refusal of the Patient itself is the 403 a
//! read of it gives.

use axum::extract::State;
use concordat_domain::ids::PersonId;

use super::outcome::FhirError;
use super::parts::{self, WithPatient, ABOUT_A_PERSON};
use super::search;
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::AppState;

pub const DEFINITION: &str = "http://hl7.org/fhir/OperationDefinition/Patient-everything";

/// `GET /fhir/Patient/{id}/$everything` (paged as any search).
pub async fn everything(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::paged_only(&request.params)?;
    let person = PersonId::named(&id);
    let (viewer, base) = (&request.viewer, &request.base);
    let found = parts::look(
        &state,
        viewer,
        base,
        WithPatient::Required,
        &ABOUT_A_PERSON,
        person,
    )
    .await?;
    Ok(FhirBody::of(search::searchset(&request, found)?))
}
