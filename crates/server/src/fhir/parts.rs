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

/// The resources of the types `kinds` (each one of [`ABOUT_A_PERSON`])
/// about `person` the caller may see, in the order of `kinds`. Each
/// service is asked once however many types it gives (a consent overview
/// gives Consents and RelatedPersons, a referral both a ServiceRequest and
/// a Task), and the services are asked together, so their audit entries
/// share the audit writer's commits.
pub async fn about(
    state: &AppState,
    viewer: &Viewer,
    base: &str,
    kinds: &[&str],
    person: PersonId,
) -> Result<Vec<Found>, FhirError> {
    if let Some(other) = kinds.iter().find(|k| !ABOUT_A_PERSON.contains(k)) {
        return Err(FhirError::Internal(format!(
            "`{other}` is not a type about a person"
        )));
    }
    let wants = |any: &[&str]| any.iter().any(|k| kinds.contains(k));
    let (plan, flags, choices, care_teams, contacts, referrals, messages) = futures::join!(
        asked(wants(&["CarePlan"]), plans::history(state, viewer, person)),
        asked(wants(&["Flag"]), flags::list(state, viewer, person)),
        asked(
            wants(&["Consent", "RelatedPerson"]),
            crate::consent::overview(state, viewer, person)
        ),
        asked(
            wants(&["CareTeam"]),
            record::read(state, viewer, person, &[DataCategory::CareTeam])
        ),
        asked(wants(&["Encounter"]), contacts::list(state, viewer, person)),
        asked(
            wants(&["ServiceRequest", "Task"]),
            referrals::of_person(state, viewer, person)
        ),
        asked(
            wants(&["Communication"]),
            messages::of_person(state, viewer, person)
        ),
    );
    let plan = part(plan)?.flatten();
    let flags = part(flags)?.unwrap_or_default();
    let choices = part(choices)?;
    // A record read answers a refusal as an outcome, not an error.
    let care_teams = match part(care_teams)?.map(care_team::teams) {
        Some(Err(FhirError::Denied { .. })) | None => None,
        Some(shown) => shown?,
    };
    let contacts = part(contacts)?.unwrap_or_default();
    let mut referrals_with_teams = Vec::new();
    for d in part(referrals)?.unwrap_or_default() {
        let team = crate::referrals::team_label(state, d.referral.to_team).await?;
        referrals_with_teams.push((d, team));
    }
    let messages = part(messages)?.unwrap_or_default();

    let now = state.clock.now();
    let mut out = Vec::new();
    for kind in kinds {
        let mut add = |id: String, resource| {
            out.push(Found {
                full_url: format!("{base}/{kind}/{id}"),
                resource,
            });
        };
        match *kind {
            "CarePlan" => {
                if let Some(latest) = plan.as_ref().and_then(|h| h.latest()) {
                    add(latest.plan.to_string(), care_plan::care_plan(latest));
                }
            }
            "Flag" => {
                for f in &flags {
                    add(f.id.to_string(), flag::flag(f, now.date_naive()));
                }
            }
            "Consent" => {
                if let Some(o) = &choices {
                    for d in &o.directives {
                        add(d.id.clone(), consent::resource(person, d, &o.organisations));
                    }
                }
            }
            "RelatedPerson" => {
                if let Some(o) = &choices {
                    for c in &o.carers {
                        let resource = related_person::related_person(person, c);
                        add(c.related_person_id.clone(), resource);
                    }
                }
            }
            "CareTeam" => {
                if let Some((id, teams)) = &care_teams {
                    for t in teams {
                        add(t.id.clone(), care_team::care_team(id, t));
                    }
                }
            }
            "Encounter" => {
                for e in &contacts {
                    add(e.id.to_string(), encounter::encounter(e, &contacts, now));
                }
            }
            "ServiceRequest" | "Task" => {
                for (d, team) in &referrals_with_teams {
                    let resource = if *kind == "Task" {
                        referral::task(d, team)
                    } else {
                        referral::service_request(d, team)
                    };
                    add(d.referral.id.to_string(), resource);
                }
            }
            _ => {
                for conversation in &messages {
                    for m in &conversation.messages {
                        let resource = communication::communication(m, conversation);
                        add(m.id.to_string(), resource);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// `answer`, awaited only if the part is `wanted`.
async fn asked<T>(
    wanted: bool,
    answer: impl std::future::Future<Output = Result<T, ServiceError>>,
) -> Result<Option<T>, ServiceError> {
    if wanted {
        answer.await.map(Some)
    } else {
        Ok(None)
    }
}

/// What a part's service answered if it was asked, as [`granted`] says.
fn part<T>(answer: Result<Option<T>, ServiceError>) -> Result<Option<T>, FhirError> {
    granted(answer).map(Option::flatten)
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
