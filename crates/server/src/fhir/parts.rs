//! The resources about one person, type by type, as `$everything` and an
//! export list them and `_revinclude` adds them: one look at the person's
//! record, every category decided together and audited as one entry, each
//! part read through the service that owns it. A part the caller may not
//! see is left out, never half shown.

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
use crate::authorisation::{Refused, Viewer};
use crate::record::whole::{self, WholeOutcome};
use crate::{record, AppState};

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

/// Whether a look at a person shows their Patient, and what a refusal of
/// it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithPatient {
    /// The look is of the Patient (`$everything`): a refusal of it is the
    /// 404 or 403 its read gives, and nothing else is shown.
    Required,
    /// Shown if the caller may see it, else left out (an export).
    IfShown,
    /// Not asked for (`_revinclude`).
    No,
}

/// The category a type about a person is read as.
fn category_of(kind: &str) -> Result<DataCategory, FhirError> {
    Ok(match kind {
        "CarePlan" => DataCategory::CrisisPlan,
        "Flag" => DataCategory::Risk,
        "Consent" | "RelatedPerson" => DataCategory::Consent,
        "CareTeam" => DataCategory::CareTeam,
        "Encounter" => DataCategory::Contacts,
        "ServiceRequest" | "Task" => DataCategory::Referrals,
        "Communication" => DataCategory::Messages,
        other => {
            return Err(FhirError::Internal(format!(
                "`{other}` is not a type about a person"
            )))
        }
    })
}

/// The resources of the types `kinds` (each one of [`ABOUT_A_PERSON`])
/// about `person` the caller may see, in the order of `kinds`, after the
/// Patient as `patient` says: one look at the person's record
/// (`record::whole`), decided and audited as one entry, each part read
/// through the service that owns it.
pub async fn look(
    state: &AppState,
    viewer: &Viewer,
    base: &str,
    patient: WithPatient,
    kinds: &[&str],
    person: PersonId,
) -> Result<Vec<Found>, FhirError> {
    let mut categories = Vec::new();
    if patient != WithPatient::No {
        categories.push(DataCategory::Demographics);
    }
    for kind in kinds {
        let category = category_of(kind)?;
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    if categories.is_empty() {
        return Ok(Vec::new());
    }
    let whole = match whole::read(state, viewer, person, &categories).await? {
        WholeOutcome::Shown(whole) => whole,
        WholeOutcome::NotFound if patient == WithPatient::Required => {
            return Err(FhirError::NotFound)
        }
        WholeOutcome::NotFound => return Ok(Vec::new()),
    };
    if patient == WithPatient::Required {
        match whole.refusal_of(DataCategory::Demographics) {
            Some(Refused::NotFound) => return Err(FhirError::NotFound),
            Some(Refused::Denied { reason, rule }) => {
                return Err(FhirError::Denied {
                    detail: reason,
                    rule,
                })
            }
            None => {}
        }
    }
    let mut referrals_with_teams = Vec::new();
    for d in whole.referrals.iter().flatten() {
        let team = crate::referrals::team_label(state, d.referral.to_team).await?;
        referrals_with_teams.push((d, team));
    }
    let id = person.to_string();
    let now = state.clock.now();
    let mut out = Vec::new();
    if let Some(demographics) = whole.record.as_ref().and_then(|r| r.demographics.as_ref()) {
        out.push(Found {
            full_url: format!("{base}/Patient/{id}"),
            resource: patient::patient(&id, demographics),
        });
    }
    for kind in kinds {
        let mut add = |id: String, resource| {
            out.push(Found {
                full_url: format!("{base}/{kind}/{id}"),
                resource,
            });
        };
        match *kind {
            "CarePlan" => {
                if let Some(latest) = whole.plan.as_ref().and_then(|h| h.latest()) {
                    add(latest.plan.to_string(), care_plan::care_plan(latest));
                }
            }
            "Flag" => {
                for f in whole.flags.iter().flatten() {
                    add(f.id.to_string(), flag::flag(f, now.date_naive()));
                }
            }
            "Consent" => {
                if let Some(o) = &whole.choices {
                    for d in &o.directives {
                        add(d.id.clone(), consent::resource(person, d, &o.organisations));
                    }
                }
            }
            "RelatedPerson" => {
                if let Some(o) = &whole.choices {
                    for c in &o.carers {
                        let resource = related_person::related_person(person, c);
                        add(c.related_person_id.clone(), resource);
                    }
                }
            }
            "CareTeam" => {
                let teams = whole.record.as_ref().and_then(|r| r.care_team.as_ref());
                for t in teams.into_iter().flatten() {
                    add(t.id.clone(), care_team::care_team(&id, t));
                }
            }
            "Encounter" => {
                let contacts = whole.contacts.as_deref().unwrap_or_default();
                for e in contacts {
                    add(e.id.to_string(), encounter::encounter(e, contacts, now));
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
                for conversation in whole.messages.iter().flatten() {
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
