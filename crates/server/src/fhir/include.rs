//! Answering a search by patient with what it asks to be included: the
//! Patient its matches are about (`_include`), or on a Patient search the
//! resources about the Patient found (`_revinclude`). An included Patient
//! is read as its own read; what is about a Patient found, as one look at
//! that person's record, decided and audited as one entry; either is left
//! out if the caller may not see it; nothing is
//! included beside a page without matches, so an empty search stays the
//! answer for no one.

use concordat_domain::ids::PersonId;

use super::outcome::FhirError;
use super::parts::{self, WithPatient};
use super::search::{self, Found, Inclusions, Searched};
use super::wire::{FhirBody, FhirRequest};
use crate::AppState;

/// The searchset for `found`, the matches of a search of `def` about
/// `person`, with what the request asks to be included.
pub async fn respond(
    state: &AppState,
    request: &FhirRequest,
    def: Searched,
    person: PersonId,
    found: Vec<Found>,
) -> Result<FhirBody, FhirError> {
    let asked = Inclusions::asked(&request.params, def)?;
    let found = search::with_date(request, search::with_status(request, found));
    let found = search::with_last_updated(&request.params, found);
    let mut included = Vec::new();
    if search::page_has_matches(request, found.len())? {
        let (viewer, base) = (&request.viewer, &request.base);
        if asked.patient {
            included.extend(parts::patient(state, viewer, base, person).await?);
        }
        if !asked.about.is_empty() {
            included.extend(
                parts::look(state, viewer, base, WithPatient::No, &asked.about, person).await?,
            );
        }
    }
    Ok(FhirBody::of(search::searchset_including(
        request, found, included,
    )?))
}

/// [`respond`], for a search whose matches are about several people
/// (Patients found by name): what is included is about the people of the
/// page asked for, each person's decided and audited as one look.
pub async fn respond_people(
    state: &AppState,
    request: &FhirRequest,
    def: Searched,
    found: Vec<(PersonId, Found)>,
) -> Result<FhirBody, FhirError> {
    let asked = Inclusions::asked(&request.params, def)?;
    let page = search::Page::asked(&request.params)?;
    let mut included = Vec::new();
    let (viewer, base) = (&request.viewer, &request.base);
    for (person, _) in found.iter().skip(page.offset).take(page.count) {
        if asked.patient {
            included.extend(parts::patient(state, viewer, base, *person).await?);
        }
        if !asked.about.is_empty() {
            included.extend(
                parts::look(state, viewer, base, WithPatient::No, &asked.about, *person).await?,
            );
        }
    }
    let found = found.into_iter().map(|(_, f)| f).collect();
    Ok(FhirBody::of(search::searchset_including(
        request, found, included,
    )?))
}
