//! `Communication`: professional messages about a person, one resource per
//! message, read by id and searched by patient through `crate::messages`,
//! which shows a thread only to its participants, and only while the
//! access decision lets them read the person's messages. A reply points
//! at the message before it (`inResponseTo`); the thread, the deadline
//! for an acknowledgement and the acknowledgement itself ride in
//! extensions; `received` is when someone other than the sender first
//! read it. Reading here leaves no read receipt: a partner's system
//! fetching a message is not its user reading it.

pub mod render;

use axum::extract::State;
use axum::routing::get;
use concordat_domain::ids::{MessageId, PersonId};

use super::include;
use super::outcome::FhirError;
use super::search::{self, found_or_none, Found, PATIENT_STATUS_DATE_AND_UPDATED_PARAMS};
use super::table::{Interaction, ResourceDef, Served};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use crate::messages::{self};
use crate::AppState;
use render::communication;

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Communication",
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
    search: PATIENT_STATUS_DATE_AND_UPDATED_PARAMS,
    operations: &[],
};

/// `GET /fhir/Communication/{id}`.
async fn read(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let (message, conversation) =
        messages::message(&state, &request.viewer, MessageId::named(&id)).await?;
    Ok(FhirBody::of(communication(&message, &conversation)))
}

/// `GET /fhir/Communication?patient=…` (or `subject=`): every message of
/// the threads about the person the caller takes part in, newest thread
/// first, each thread's messages in the order sent. A person the caller
/// may not know of gives the same empty Bundle as no one.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let person = PersonId::named(&search::searched_patient(&request, SEARCHED)?);
    let all = found_or_none(messages::of_person(&state, &request.viewer, person).await)?;
    let found = all
        .iter()
        .flat_map(|conversation| {
            conversation.messages.iter().map(|m| Found {
                full_url: format!("{}/Communication/{}", request.base, m.id),
                resource: communication(m, conversation),
            })
        })
        .collect();
    include::respond(&state, &request, SEARCHED, person, found).await
}
