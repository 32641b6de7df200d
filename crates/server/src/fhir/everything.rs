//! `GET /fhir/Patient/{id}/$everything`: the person and everything about
//! them the caller may see, as one paged `searchset` Bundle — the Patient,
//! then each type of `parts::ABOUT_A_PERSON`, read through the services
//! that own them and so decided and audited as their own reads would be;
//! a part the caller may not see is left out. Each service is asked once,
//! all of them together (see `parts::about`). A
//! person the caller may not know of is the 404 for no one; a refusal of
//! the Patient itself is the 403 a read of it gives.

use axum::extract::State;
use concordat_domain::ids::PersonId;

use super::outcome::FhirError;
use super::parts::{self, ABOUT_A_PERSON};
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
    let patient = parts::patient(&state, viewer, base, person)
        .await?
        .ok_or(FhirError::NotFound)?;
    let about = parts::about(&state, viewer, base, &ABOUT_A_PERSON, person).await?;
    let found = std::iter::once(patient).chain(about).collect();
    Ok(FhirBody::of(search::searchset(&request, found)?))
}
