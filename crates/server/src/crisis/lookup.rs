//! The out-of-hours crisis look-up. A crisis role (police officer,
//! paramedic, emergency-department or crisis clinician, NHS 111) finds a
//! person by NHS number, or by surname and date of birth (and postcode), with
//! a reason, and gets the crisis summary: the agreed plan's essentials,
//! active flags, whom to call — and nothing else. The look-up itself is the
//! relationship that lets them read it, for a few hours, under the
//! agreement's grants and the person's refusals; every look-up is audited
//! with its reason, whether it found anyone or not.

use chrono::NaiveDate;
use concordat_access::policy_ids::CONSENT_REFUSED;
use concordat_access::{AccessAction, LookUpReason};
use concordat_domain::category::DataCategory;
use concordat_domain::crisis_plan::{PersonalContact, ProfessionalContact, ReviewStatus};
use concordat_domain::flag::{FlagStatus, SafetyFlag};
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{Person, Postcode};
use concordat_domain::purpose::Purpose;
use concordat_store::audit::{AuditAction, AuditEntry, Outcome};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{
    care_teams, crisis_plans, flags, masks, organisations, persons, teams, users,
};
use serde::Serialize;

use crate::access::{actor, authorise_noted, Authorisation, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// The most candidates listed for surname and date of birth; more than this
/// and the user is asked for the postcode or the NHS number.
pub const MAX_CANDIDATES: u32 = 10;
/// The longest reason accepted: a sentence or two.
pub const REASON_MAX_CHARS: usize = 500;

/// How the person is to be found.
#[derive(Debug, Clone)]
pub enum Finding {
    NhsNumber(NhsNumber),
    Details {
        surname: String,
        birth_date: NaiveDate,
        postcode: Option<Postcode>,
    },
    /// One of the candidates an earlier look-up listed.
    Candidate(PersonId),
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    /// The first half of the postcode, unless the address is withheld.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode_district: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadProfessional {
    pub name: String,
    pub organisation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub version: u32,
    pub agreed_on: NaiveDate,
    pub review: ReviewStatus,
    /// "agreed 3 March 2026, review overdue since 3 September 2026".
    pub standing: String,
    pub early_warning_signs: String,
    pub what_helps: String,
    pub what_does_not_help: String,
    pub people_to_contact: Vec<PersonalContact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_hours: Option<ProfessionalContact>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagSummary {
    pub category: &'static str,
    pub category_label: &'static str,
    pub severity: &'static str,
    pub summary: String,
    pub raised_on: NaiveDate,
    pub review_on: NaiveDate,
    pub review_overdue: bool,
}

/// What a crisis role sees of a person: the plan's essentials, active
/// flags, whom to call — within what the agreement grants.
#[derive(Debug, Clone, Serialize)]
pub struct CrisisSummary {
    pub person_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// `None` when the category is withheld; `Some(None)`-like emptiness is
    /// `plan_exists: false`.
    pub plan_exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<FlagSummary>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_professional: Option<LeadProfessional>,
    pub break_glass: bool,
    pub withheld: Vec<crate::record::WithheldCategory>,
    pub audit_entry: u64,
}

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

/// What a look-up shows when it is allowed.
const SUMMARY: [DataCategory; 3] = [
    DataCategory::Demographics,
    DataCategory::CrisisPlan,
    DataCategory::Risk,
];

/// Checks that the viewer may make a look-up at all: a crisis role, for
/// emergency treatment.
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

pub fn parse_reason(raw: &str) -> Result<LookUpReason, ServiceError> {
    let reason = LookUpReason::parse(raw).map_err(|e| ServiceError::invalid("reason", e))?;
    if reason.as_str().chars().count() > REASON_MAX_CHARS {
        return Err(ServiceError::invalid(
            "reason",
            format!("at most {REASON_MAX_CHARS} characters"),
        ));
    }
    if reason.as_str().chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            "reason",
            "must be one line without control characters",
        ));
    }
    Ok(reason)
}

pub async fn look_up(
    state: &AppState,
    viewer: &Viewer,
    finding: Finding,
    reason: LookUpReason,
) -> Result<LookUpOutcome, ServiceError> {
    may_look_up(viewer)?;
    let found = find(state, &finding).await?;
    let person = match found.as_slice() {
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
            let candidates = candidates(state, many).await?;
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
    let now = state.clock.now();
    {
        let mut tx = state.store.write().await?;
        relationships::insert_relationship(
            &mut tx,
            &CareRelationship {
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
            },
        )
        .await?;
        tx.commit().await?;
    }
    let authorisation = authorise_noted(
        state,
        viewer,
        person.id(),
        AccessAction::Read,
        &SUMMARY,
        AuditAction::CrisisLookup,
        Some(format!("crisis look-up: {}", reason.as_str())),
    )
    .await?;
    // Refused outright by the person: say only that a plan exists. A
    // refusal of some categories leaves the others to the summary, which
    // marks what it withholds.
    if !authorisation.any_allowed() {
        let refused = authorisation
            .first_denial()
            .and_then(|d| d.denied_by())
            .filter(|r| r.policy == CONSENT_REFUSED);
        if let Some(rule) = refused {
            let mut conn = state.store.read().await?;
            let plan_exists = crisis_plans::plan_of_person(&mut conn, person.id(), false)
                .await?
                .is_some_and(|p| p.agreed_version.is_some());
            return Ok(LookUpOutcome::Refused {
                person_id: person.id(),
                plan_exists,
                reason: rule.text.clone(),
            });
        }
    }
    if let Some(refused) = authorisation.refusal() {
        return Err(refused.into());
    }
    Ok(LookUpOutcome::Summary(Box::new(
        summary(state, &person, &authorisation).await?,
    )))
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

async fn find(state: &AppState, finding: &Finding) -> Result<Vec<Person>, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(match finding {
        Finding::NhsNumber(n) => persons::person_by_nhs_number(&mut conn, n)
            .await?
            .into_iter()
            .collect(),
        Finding::Details {
            surname,
            birth_date,
            postcode,
        } => {
            persons::persons_by_surname_and_birth_date(
                &mut conn,
                surname,
                *birth_date,
                postcode.as_ref(),
                MAX_CANDIDATES + 1,
            )
            .await?
        }
        Finding::Candidate(id) => persons::person_by_id(&mut conn, *id)
            .await?
            .into_iter()
            .collect(),
    })
}

async fn candidates(state: &AppState, people: &[Person]) -> Result<Vec<Candidate>, ServiceError> {
    let mut conn = state.store.read().await?;
    let mut out = Vec::new();
    for person in people.iter().take(MAX_CANDIDATES as usize) {
        let masked = !masks::masks_of(&mut conn, person.id()).await?.is_empty();
        out.push(Candidate {
            person_id: person.id().to_string(),
            given_name: person.name().given().to_owned(),
            family_name: person.name().family().to_owned(),
            birth_date: person.birth_date().date(),
            postcode_district: person
                .address()
                .filter(|_| !masked)
                .map(|a| a.postcode().outward().to_owned()),
        });
    }
    Ok(out)
}

/// A look-up that showed no record: no one matched, too many did, or the
/// person was listed by name among several candidates.
async fn audit_unmatched(
    state: &AppState,
    viewer: &Viewer,
    finding: &Finding,
    reason: &LookUpReason,
    shown: Unmatched,
) -> Result<(), ServiceError> {
    let how = match finding {
        Finding::NhsNumber(_) => "NHS number",
        Finding::Details { postcode: None, .. } => "surname and date of birth",
        Finding::Details { .. } => "surname, date of birth and postcode",
        Finding::Candidate(_) => "a listed candidate",
    };
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
            format!("listed by name as one of several people matching the {how}"),
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
            reasons: vec![format!("crisis look-up: {}", reason.as_str()), what],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await
        .map_err(crate::access::AccessError::from)?;
    Ok(())
}

async fn summary(
    state: &AppState,
    person: &Person,
    authorisation: &Authorisation,
) -> Result<CrisisSummary, ServiceError> {
    let today = state.clock.now().date_naive();
    let mut conn = state.store.read().await?;
    let plan = crisis_plans::agreed_version_of_person(&mut conn, person.id()).await?;
    let demographics = authorisation.allows(DataCategory::Demographics);
    let plan_allowed = authorisation.allows(DataCategory::CrisisPlan);
    let plan_summary = plan.as_ref().filter(|_| plan_allowed).and_then(|v| {
        let agreed_on = v.agreed_at?.date_naive();
        let review = v.review_status(today)?;
        Some(PlanSummary {
            version: v.number,
            agreed_on,
            review,
            standing: v.standing(today)?,
            early_warning_signs: v.sections.early_warning_signs.clone(),
            what_helps: v.sections.what_helps.clone(),
            what_does_not_help: v.sections.what_does_not_help.clone(),
            people_to_contact: v.sections.people_to_contact.clone(),
            out_of_hours: v.sections.out_of_hours_contact().cloned(),
        })
    });
    let flags = if authorisation.allows(DataCategory::Risk) {
        Some(
            flags::flags_of(&mut conn, person.id())
                .await?
                .iter()
                .filter(|f| f.status(today) == FlagStatus::Active)
                .map(|f| flag_summary(f, today))
                .collect(),
        )
    } else {
        None
    };
    // The lead professional is whom the plan says to reach: shown with
    // the plan, under the same grant.
    let lead_professional = if plan_allowed {
        lead_professional(&mut conn, person.id()).await?
    } else {
        None
    };
    Ok(CrisisSummary {
        person_id: person.id().to_string(),
        name: demographics.then(|| person.name().full()),
        birth_date: demographics.then(|| person.birth_date().date()),
        plan_exists: plan.is_some(),
        plan: plan_summary,
        flags,
        lead_professional,
        break_glass: authorisation.via_break_glass(),
        withheld: crate::record::withheld(authorisation),
        audit_entry: authorisation.audit_seq,
    })
}

fn flag_summary(f: &SafetyFlag, today: NaiveDate) -> FlagSummary {
    FlagSummary {
        category: f.category.as_str(),
        category_label: f.category.label(),
        severity: f.severity.as_str(),
        summary: f.summary.clone(),
        raised_on: f.raised_at.date_naive(),
        review_on: f.review_on,
        review_overdue: f.review_overdue(today),
    }
}

async fn lead_professional(
    conn: &mut concordat_store::Conn,
    person: PersonId,
) -> Result<Option<LeadProfessional>, ServiceError> {
    let Some(team) = care_teams::care_teams_of_person(conn, person)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let Some(lead) = users::user_by_id(conn, team.lead()).await? else {
        return Ok(None);
    };
    let organisation = organisations::organisation_by_id(conn, lead.organisation_id())
        .await?
        .map(|o| o.name().to_owned())
        .unwrap_or_default();
    let team = match lead.team_id() {
        Some(id) => teams::team_by_id(conn, id).await?,
        None => None,
    };
    Ok(Some(LeadProfessional {
        name: lead.display_name().as_str().to_owned(),
        organisation,
        team: team.as_ref().map(|t| t.name().to_owned()),
        duty_phone: team
            .as_ref()
            .and_then(|t| t.duty_phone())
            .map(|p| p.as_str().to_owned()),
    }))
}
