//! The out-of-hours crisis look-up. A crisis role (police officer,
//! paramedic, emergency-department or crisis clinician, NHS 111) finds a
//! person by NHS number, or by surname and date of birth (and postcode), with
//! a reason, and gets the crisis summary: the agreed plan's essentials,
//! active flags, whom to call — and nothing else. The look-up itself is the
//! relationship that lets them read it, for a few hours, under the
//! agreement's grants and the person's refusals; every look-up is audited
//! with its reason, whether it found anyone or not.
//!
//! This is the look-up's one service: the API and the phone page hand it
//! what they were given ([`LookUpInput`]) and translate what it answers.
//! Its path runs one way: who may look up at all, what was given
//! (`finding`), whom it names, then one decision made with the look-up's
//! relationship in place, the relationship written in the audit entry's
//! own transaction (`authorisation::authorise_opening`), and what the decision
//! allows read once (`summary`).

mod finding;
pub mod parts;
mod summary;

use concordat_access::policy_ids::CONSENT_REFUSED;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use concordat_store::audit::{AuditAction, AuditEntry, Outcome};
use concordat_store::relationships::{CareRelationship, RelationshipKind};

pub use finding::{Candidate, Finding, LookUpInput, MAX_CANDIDATES, REASON_MAX_CHARS};
pub use summary::{CrisisSummary, FlagSummary, LeadProfessional, PlanSummary};

use crate::authorisation::{actor, authorise_opening, Viewer, LOOK_UP_PREFIX};
use crate::error::ServiceError;
use crate::AppState;
use summary::Shown;

/// How a look-up ended.
#[derive(Debug, Clone)]
pub enum LookUpOutcome {
    NoMatch,
    /// More than one person matched: choose, never guess.
    Candidates(Vec<Candidate>),
    Summary(Box<CrisisSummary>),
    /// The person refused sharing with the user's organisation: only that
    /// a plan exists is said, with the way forward.
    Refused {
        person_id: PersonId,
        plan_exists: bool,
        reason: String,
    },
}

/// What every surface says of a [`LookUpOutcome::Refused`]: "A crisis
/// plan exists; the person has refused sharing with Northshire Police —
/// use break-glass if there is a lawful basis."
pub fn refusal_sentence(plan_exists: bool, reason: &str) -> String {
    let exists = if plan_exists {
        "A crisis plan exists"
    } else {
        "No agreed crisis plan is recorded"
    };
    format!("{exists}; {reason} — use break-glass if there is a lawful basis")
}

/// What a look-up shows when it is allowed.
const SUMMARY: [DataCategory; 3] = [
    DataCategory::Demographics,
    DataCategory::CrisisPlan,
    DataCategory::Risk,
];

/// Checks that the viewer may make a look-up at all: a crisis role, for
/// emergency treatment. [`look_up`] checks it first; a surface that only
/// offers the look-up (the phone page's empty form) asks it too.
pub fn may_look_up(viewer: &Viewer) -> Result<(), ServiceError> {
    if !viewer.user.role().is_crisis_role() {
        return Err(ServiceError::Forbidden(format!(
            "the crisis look-up is for crisis roles (police officer, paramedic, \
             emergency-department clinician, crisis clinician, NHS 111); your role is {}",
            viewer.user.role().as_str()
        )));
    }
    if viewer.purpose != Purpose::Emergency {
        return Err(ServiceError::Forbidden(format!(
            "the crisis look-up is for emergency treatment ({}); this request is for {}",
            Purpose::Emergency.code(),
            viewer.purpose.code()
        )));
    }
    Ok(())
}

/// Makes the look-up `input` describes for `viewer`: checks who may look
/// up and what was given (every field at fault, as
/// [`ServiceError::Invalid`]), finds whom it names, and for one person
/// decides, writes the look-up's relationship and its audit entry in one
/// commit, and only then reads and answers what may be shown.
pub async fn look_up(
    state: &AppState,
    viewer: &Viewer,
    input: &LookUpInput<'_>,
) -> Result<LookUpOutcome, ServiceError> {
    may_look_up(viewer)?;
    let (finding, reason) = input.parse()?;
    let found = finding::find(state, &finding).await?;
    let person = match found.people.as_slice() {
        [] => {
            audit_unmatched(state, viewer, &finding, &reason, Unmatched::NoOne).await?;
            return Ok(LookUpOutcome::NoMatch);
        }
        [one] => one.clone(),
        too_many if too_many.len() > MAX_CANDIDATES as usize => {
            audit_unmatched(state, viewer, &finding, &reason, Unmatched::TooMany).await?;
            return Err(ServiceError::invalid(
                "postcode",
                format!(
                    "more than {MAX_CANDIDATES} people match; give the postcode or the NHS \
                     number"
                ),
            ));
        }
        many => {
            let candidates = finding::candidates(state, many).await?;
            // Together, so the entries share the audit writer's commits.
            futures::future::try_join_all(many.iter().map(|person| {
                audit_unmatched(
                    state,
                    viewer,
                    &finding,
                    &reason,
                    Unmatched::Listed(person.id()),
                )
            }))
            .await?;
            return Ok(LookUpOutcome::Candidates(candidates));
        }
    };
    // The access versions in force, read with the person or after they
    // were found: the decision's facts are read (or found kept) under them.
    let versions = match found.versions {
        Some(versions) => versions,
        None => state.reads.persons.read(person.id().into()).await?.1,
    };
    let now = state.clock.now();
    let relationship = CareRelationship {
        id: uuid::Uuid::new_v4(),
        person: person.id(),
        organisation: viewer.user.organisation_id(),
        user: Some(viewer.user.id()),
        team: None,
        contact_kind: None,
        kind: RelationshipKind::CrisisLookup,
        reason: reason.as_str().to_owned(),
        started_at: now,
        ends_at: now + state.config.crisis_lookup_for,
    };
    let authorisation = authorise_opening(
        state,
        viewer,
        versions,
        relationship,
        &SUMMARY,
        AuditAction::CrisisLookup,
        format!("{LOOK_UP_PREFIX}{}", reason.as_str()),
    )
    .await?;
    // The person refused sharing outright: only that a plan exists is
    // said. A refusal of some categories leaves the others to the summary,
    // which marks what it withholds. Anything else that refused every
    // category is answered as the refusal it is.
    let consent_refused = (!authorisation.any_allowed())
        .then(|| authorisation.first_denial().and_then(|d| d.denied_by()))
        .flatten()
        .filter(|r| r.policy == CONSENT_REFUSED);
    if consent_refused.is_none() {
        if let Some(refused) = authorisation.refusal() {
            return Err(refused.into());
        }
    }
    let shown = Shown::read(state, &person, versions, &authorisation).await?;
    if let Some(rule) = consent_refused {
        return Ok(LookUpOutcome::Refused {
            person_id: person.id(),
            plan_exists: shown.plan_exists(),
            reason: rule.text.clone(),
        });
    }
    Ok(LookUpOutcome::Summary(Box::new(shown.summary(
        state,
        &person,
        &authorisation,
    ))))
}

/// What a look-up that opened no record showed.
#[derive(Debug, Clone, Copy)]
enum Unmatched {
    NoOne,
    /// Too many matched to list; the user was asked to narrow it.
    TooMany,
    /// Listed by name among several candidates.
    Listed(PersonId),
}

/// What the audit says of a look-up that listed several people by name and
/// showed no one's summary: the outcome figures leave these out.
pub const LISTED: &str = "listed by name as one of several people";

/// A look-up that showed no record: no one matched, too many did, or the
/// person was listed by name among several candidates.
async fn audit_unmatched(
    state: &AppState,
    viewer: &Viewer,
    finding: &Finding,
    reason: &concordat_access::LookUpReason,
    shown: Unmatched,
) -> Result<(), ServiceError> {
    let how = finding.how();
    let (person, outcome, categories, what) = match shown {
        Unmatched::NoOne => (
            None,
            Outcome::Denied,
            Vec::new(),
            format!("no one matched the {how}"),
        ),
        Unmatched::TooMany => (
            None,
            Outcome::Denied,
            Vec::new(),
            format!("more than {MAX_CANDIDATES} people matched the {how}; none was shown"),
        ),
        Unmatched::Listed(person) => (
            Some(person),
            Outcome::Allowed,
            vec![DataCategory::Demographics],
            format!("{LISTED} matching the {how}"),
        ),
    };
    state
        .audit
        .record(AuditEntry {
            occurred_at: state.clock.now(),
            actor: Some(actor(&viewer.user)),
            purpose: Some(viewer.purpose),
            person,
            action: AuditAction::CrisisLookup,
            categories,
            outcome,
            reasons: vec![format!("{LOOK_UP_PREFIX}{}", reason.as_str()), what],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await
        .map_err(crate::authorisation::AccessError::from)?;
    Ok(())
}
