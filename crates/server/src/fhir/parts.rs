//! The resources about one person, type by type, as `$everything` lists
//! them and `_revinclude` adds them: each read through the service that
//! owns it, so each is decided and audited as its own search would be. A
//! part the caller may not see is left out, never half shown.

use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;

use super::care_plan::render as care_plan;
use super::care_team::render as care_team;
use super::communication::render as communication;
use super::consent::render as consent;
use super::encounter::render as encounter;
use super::flag::render as flag;
use super::outcome::FhirError;
use super::patient::render as patient;
use super::referral::render as referral;
use super::related_person::render as related_person;
use super::search::Found;
pub use super::search::ABOUT_A_PERSON;
use crate::authorisation::Viewer;
use crate::crisis::{contacts, flags, plans};
use crate::error::ServiceError;
use crate::{messages, record, referrals, AppState};

/// The Patient, as a read of it shows it; `None` for no one.
pub async fn patient(
    state: &AppState,
    viewer: &Viewer,
    base: &str,
    person: PersonId,
) -> Result<Option<Found>, FhirError> {
    let outcome = record::read(state, viewer, person, &patient::CATEGORIES).await?;
    Ok(patient::shown(outcome)?.map(|(id, resource)| Found {
        full_url: format!("{base}/Patient/{id}"),
        resource,
    }))
}

/// The resources of type `kind` (one of [`ABOUT_A_PERSON`]) about
/// `person` the caller may see.
pub async fn about(
    state: &AppState,
    viewer: &Viewer,
    base: &str,
    kind: &str,
    person: PersonId,
) -> Result<Vec<Found>, FhirError> {
    let now = state.clock.now();
    let found = |id: String, resource| Found {
        full_url: format!("{base}/{kind}/{id}"),
        resource,
    };
    let mut out = Vec::new();
    match kind {
        "CarePlan" => {
            let history = granted(plans::history(state, viewer, person).await)?.flatten();
            if let Some(latest) = history.as_ref().and_then(|h| h.latest()) {
                out.push(found(latest.plan.to_string(), care_plan::care_plan(latest)));
            }
        }
        "Flag" => {
            for f in granted(flags::list(state, viewer, person).await)?.unwrap_or_default() {
                out.push(found(f.id.to_string(), flag::flag(&f, now.date_naive())));
            }
        }
        "Consent" | "RelatedPerson" => {
            if let Some(overview) = granted(crate::consent::overview(state, viewer, person).await)?
            {
                if kind == "Consent" {
                    for d in &overview.directives {
                        let resource = consent::resource(person, d, &overview.organisations);
                        out.push(found(d.id.clone(), resource));
                    }
                } else {
                    for c in &overview.carers {
                        let resource = related_person::related_person(person, c);
                        out.push(found(c.related_person_id.clone(), resource));
                    }
                }
            }
        }
        "CareTeam" => {
            let read = record::read(state, viewer, person, &[DataCategory::CareTeam]).await;
            // A record read answers a refusal as an outcome, not an error.
            let teams = match granted(read)?.map(care_team::teams) {
                Some(Err(FhirError::Denied { .. })) | None => None,
                Some(shown) => shown?,
            };
            if let Some((id, teams)) = teams {
                for t in &teams {
                    out.push(found(t.id.clone(), care_team::care_team(&id, t)));
                }
            }
        }
        "Encounter" => {
            let all = granted(contacts::list(state, viewer, person).await)?.unwrap_or_default();
            for e in &all {
                out.push(found(e.id.to_string(), encounter::encounter(e, &all, now)));
            }
        }
        "ServiceRequest" | "Task" => {
            for d in granted(referrals::of_person(state, viewer, person).await)?.unwrap_or_default()
            {
                let team = referrals::team_label(state, d.referral.to_team).await?;
                let resource = if kind == "Task" {
                    referral::task(&d, &team)
                } else {
                    referral::service_request(&d, &team)
                };
                out.push(found(d.referral.id.to_string(), resource));
            }
        }
        "Communication" => {
            for conversation in
                granted(messages::of_person(state, viewer, person).await)?.unwrap_or_default()
            {
                for m in &conversation.messages {
                    let resource = communication::communication(m, &conversation);
                    out.push(found(m.id.to_string(), resource));
                }
            }
        }
        other => {
            return Err(FhirError::Internal(format!(
                "`{other}` is not a type about a person"
            )))
        }
    }
    Ok(out)
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
