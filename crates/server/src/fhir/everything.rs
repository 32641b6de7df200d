//! `GET /fhir/Patient/{id}/$everything`: the person and everything about
//! them the caller may see, as one paged `searchset` Bundle — the Patient,
//! then their crisis plan, flags, consent directives, carers, care teams,
//! contacts, referrals (as requests and tasks) and messages. Each part is
//! read through the service that owns it, so each is decided and audited
//! as its own read would be; a part the caller may not see is left out,
//! never half shown. The parts are asked together, so their audit entries
//! share the audit writer's commits. A person the caller may not know of
//! is the 404 for no one; a refusal of the Patient itself is the 403 a
//! read of it gives.

use axum::extract::State;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;

use super::outcome::FhirError;
use super::search::{self, Found};
use super::wire::{FhirBody, FhirPath, FhirRequest};
use super::{
    care_plan, care_team, communication, consent, encounter, flag, patient, referral,
    related_person,
};
use crate::crisis::{contacts, flags, plans};
use crate::error::ServiceError;
use crate::{messages, record, referrals, AppState};

pub const DEFINITION: &str = "http://hl7.org/fhir/OperationDefinition/Patient-everything";

/// `GET /fhir/Patient/{id}/$everything` (paged as any search).
pub async fn everything(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::search_parameters(&request.params, &[])?;
    let person = PersonId::named(&id);
    let viewer = &request.viewer;
    let outcome = record::read(&state, viewer, person, &patient::CATEGORIES).await?;
    let (id, resource) = patient::shown(outcome)?.ok_or(FhirError::NotFound)?;
    let base = &request.base;
    let mut found = vec![Found {
        full_url: format!("{base}/Patient/{id}"),
        resource,
    }];
    let (plan, flags, choices, care_teams, contacts, referrals, messages) = futures::join!(
        plans::history(&state, viewer, person),
        flags::list(&state, viewer, person),
        crate::consent::overview(&state, viewer, person),
        record::read(&state, viewer, person, &[DataCategory::CareTeam]),
        contacts::list(&state, viewer, person),
        referrals::of_person(&state, viewer, person),
        messages::of_person(&state, viewer, person),
    );
    let now = state.clock.now();
    let mut add = |kind: &str, id: &str, resource| {
        found.push(Found {
            full_url: format!("{base}/{kind}/{id}"),
            resource,
        });
    };
    if let Some(latest) = granted(plan)?.flatten().as_ref().and_then(|h| h.latest()) {
        add(
            "CarePlan",
            &latest.plan.to_string(),
            care_plan::care_plan(latest),
        );
    }
    for f in granted(flags)?.unwrap_or_default() {
        add("Flag", &f.id.to_string(), flag::flag(&f, now.date_naive()));
    }
    if let Some(overview) = granted(choices)? {
        for d in &overview.directives {
            add(
                "Consent",
                &d.id,
                consent::resource(person, d, &overview.organisations),
            );
        }
        for c in &overview.carers {
            add(
                "RelatedPerson",
                &c.related_person_id,
                related_person::related_person(person, c),
            );
        }
    }
    // A record read answers a refusal as an outcome, not an error.
    let care_teams = match granted(care_teams)?.map(care_team::teams) {
        Some(Err(FhirError::Denied { .. })) | None => None,
        Some(shown) => shown?,
    };
    if let Some((id, teams)) = care_teams {
        for t in &teams {
            add("CareTeam", &t.id, care_team::care_team(&id, t));
        }
    }
    let contacts = granted(contacts)?.unwrap_or_default();
    for e in &contacts {
        add(
            "Encounter",
            &e.id.to_string(),
            encounter::encounter(e, &contacts, now),
        );
    }
    for d in granted(referrals)?.unwrap_or_default() {
        let team = referrals::team_label(&state, d.referral.to_team).await?;
        let id = d.referral.id.to_string();
        add("ServiceRequest", &id, referral::service_request(&d, &team));
        add("Task", &id, referral::task(&d, &team));
    }
    for conversation in granted(messages)?.unwrap_or_default() {
        for m in &conversation.messages {
            add(
                "Communication",
                &m.id.to_string(),
                communication::communication(m, &conversation),
            );
        }
    }
    Ok(FhirBody::of(search::searchset(&request, found)?))
}

/// What a part's service answered, or `None` when the caller may not see
/// that part: left out, as a search finds nothing the caller may not see.
fn granted<T>(answer: Result<T, ServiceError>) -> Result<Option<T>, FhirError> {
    match answer {
        Ok(part) => Ok(Some(part)),
        Err(ServiceError::NotFound | ServiceError::Denied { .. } | ServiceError::Forbidden(_)) => {
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}
