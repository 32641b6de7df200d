//! The person's own copy of their record: everything the partnership
//! holds about them that they may see — their details and care team,
//! every version of their crisis plan, their safety flags, their contacts
//! with services, and who has looked at their record and why — in one
//! file they can keep or give to someone else, and one page they can
//! print. Each part is read as the person's own pages read it, through
//! the access decision for their own access and audited. A part the
//! decision withholds is said to be withheld, and why, never left out.

use chrono::{DateTime, Utc};
use concordat_domain::contact_event::ContactEvent;
use concordat_domain::crisis_plan::PlanVersion;
use concordat_domain::flag::SafetyFlag;
use serde::Serialize;

use crate::authorisation::Viewer;
use crate::consent::DirectiveView;
use crate::error::ServiceError;
use crate::governance::{self, AccessLogItem};
use crate::permissions;
use crate::record::views::Masked;
use crate::record::{self, ReadOutcome, RecordView};
use crate::AppState;

/// The most access log entries a copy holds, newest first.
pub const ACCESS_LOG_AT_MOST: u32 = 5_000;

/// A person's own copy.
#[derive(Debug, Clone, Serialize)]
pub struct OwnCopy {
    /// What the file is, in words, for whoever opens it.
    pub about: &'static str,
    pub made_at: DateTime<Utc>,
    /// Details and care team, as the person's own record page shows them.
    pub record: RecordView,
    /// Every version of the crisis plan the person may see, oldest first.
    pub crisis_plan: Masked<Vec<PlanVersion>>,
    /// Every safety flag, newest first.
    pub safety_flags: Masked<Vec<SafetyFlag>>,
    /// Contacts with services (999 calls, A&E visits, detentions, …),
    /// most recent first.
    pub contacts: Masked<Vec<ContactEvent>>,
    /// Who has looked at the record or changed it, and why, newest first.
    pub access_log: Vec<AccessLogItem>,
    /// The person's choices about sharing, newest first.
    pub sharing_choices: Masked<Vec<DirectiveView>>,
    /// Their nominated carers: what each may be told or see, and whether
    /// they have their own sign-in.
    pub carers: Masked<Vec<crate::consent::carers::CarerView>>,
    /// Referrals about the person, newest first.
    pub referrals: Masked<Vec<ReferralLine>>,
    /// Multi-agency cases about the person, with their actions.
    pub cases: Vec<CaseLine>,
    /// The person's requests to correct their record, and the answers.
    pub corrections: Vec<CorrectionLine>,
    /// Decisions they could not make themselves, and what was shared in
    /// their best interests, from the day they were told.
    pub capacity: Masked<CapacityLines>,
    /// What the person chose in advance for a crisis: every version, the
    /// one in force first.
    pub advance_choices: Masked<Vec<AdvanceChoicesLine>>,
}

/// One version of the person's advance choices.
#[derive(Debug, Clone, Serialize)]
pub struct AdvanceChoicesLine {
    pub version: i64,
    pub in_force: bool,
    /// In the person's own words.
    pub statement: String,
    /// Each choice as a sentence.
    pub choices: Vec<String>,
    pub witnessed_by: String,
    pub witnessed_at: DateTime<Utc>,
    pub review_by: chrono::NaiveDate,
}

/// Capacity assessments and best-interests decisions, as the copy holds
/// them.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityLines {
    pub assessments: Vec<AssessmentLine>,
    pub best_interests: Vec<BestInterestsLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessmentLine {
    pub decision: String,
    pub finding: &'static str,
    pub reasons: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BestInterestsLine {
    pub shared_what: String,
    pub shared_with: String,
    pub why: String,
    pub consulted: String,
    pub known_wishes: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A referral about the person, as their copy holds it.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralLine {
    pub sent_at: DateTime<Utc>,
    /// The team it was sent to, and its organisation.
    pub to: String,
    pub urgency: &'static str,
    pub reason: String,
    pub status: &'static str,
    /// What was decided, when it was.
    pub decision_note: Option<String>,
}

/// A multi-agency case about the person.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub opened_at: DateTime<Utc>,
    pub reason: String,
    pub lead: String,
    pub status: &'static str,
    pub actions: Vec<CaseActionLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseActionLine {
    pub what: String,
    pub owner: String,
    pub due_on: chrono::NaiveDate,
    pub done: bool,
}

/// A request to correct the record, and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionLine {
    pub asked_at: DateTime<Utc>,
    pub part: &'static str,
    pub what_is_wrong: String,
    pub should_say: String,
    pub status: &'static str,
    pub answer: String,
}

const ABOUT: &str = "A copy of your record as the crisis care partnership holds it: your \
                     details, your care team, every version of your crisis plan, your safety \
                     flags, your contacts with services, your choices about sharing, referrals \
                     about you, your multi-agency cases, what you asked us to correct, decisions \
                     made for you when you could not make them, your choices for a crisis, and \
                     who has looked at your record and why.";

/// A part as read, or the decision's reason for withholding it.
fn part<T>(read: Result<T, ServiceError>) -> Result<Masked<T>, ServiceError> {
    match read {
        Ok(value) => Ok(Masked::Shown(value)),
        Err(ServiceError::Denied { reason, .. }) => Ok(Masked::withheld(&reason)),
        Err(other) => Err(other),
    }
}

/// The viewer's own copy. Only a person's own account has one.
pub async fn own_copy(state: &AppState, viewer: &Viewer) -> Result<OwnCopy, ServiceError> {
    let person = permissions::own_access_log(&viewer.user)
        .map_err(|refusal| ServiceError::Forbidden(refusal.as_str().to_owned()))?;
    let record = match record::read(state, viewer, person, &record::SERVED).await? {
        ReadOutcome::Shown(view) => *view,
        // A person may always read their own record (`own-record`); a
        // refusal here is a fault, and no copy is better than half of one.
        ReadOutcome::Denied { reason, .. } => return Err(ServiceError::Internal(reason)),
        ReadOutcome::NotFound => return Err(ServiceError::NotFound),
    };
    let crisis_plan = part(
        crate::crisis::plans::history(state, viewer, person)
            .await
            .map(|h| h.map(|h| h.versions).unwrap_or_default()),
    )?;
    let safety_flags = part(crate::crisis::flags::list(state, viewer, person).await)?;
    let contacts = part(crate::crisis::contacts::list(state, viewer, person).await)?;
    let access_log = governance::access_log(state, person, ACCESS_LOG_AT_MOST).await?;
    let choices = part(crate::consent::choices(state, viewer, person).await)?;
    let (sharing_choices, carers) = match choices {
        Masked::Shown(o) => (Masked::Shown(o.directives), Masked::Shown(o.carers)),
        Masked::Withheld { reason, .. } => (Masked::withheld(&reason), Masked::withheld(&reason)),
    };
    let referrals = part(referral_lines(state, viewer, person).await)?;
    let cases = crate::cases::mine(state, viewer)
        .await?
        .iter()
        .map(|view| CaseLine {
            opened_at: view.case.opened_at,
            reason: view.case.reason.clone(),
            lead: view.lead().map(|l| l.name.clone()).unwrap_or_default(),
            status: view.case.status.label(),
            actions: view
                .actions
                .iter()
                .map(|a| CaseActionLine {
                    what: a.what.clone(),
                    owner: view.name_of(a.owner).to_owned(),
                    due_on: a.due_on,
                    done: a.done_at.is_some(),
                })
                .collect(),
        })
        .collect();
    let corrections = crate::corrections::mine(state, viewer)
        .await?
        .iter()
        .map(|c| CorrectionLine {
            asked_at: c.asked_at,
            part: c.part.label(),
            what_is_wrong: c.what_is_wrong.clone(),
            should_say: c.should_say.clone(),
            status: c.status.label(),
            answer: c.answer.clone(),
        })
        .collect();
    let capacity = part(
        crate::capacity::of_person(state, viewer, person)
            .await
            .map(|r| CapacityLines {
                assessments: r
                    .assessments
                    .iter()
                    .map(|a| AssessmentLine {
                        decision: a.decision.clone(),
                        finding: a.outcome.label(),
                        reasons: a.reasons.clone(),
                        by: a.assessed_by_name.clone(),
                        at: a.assessed_at,
                    })
                    .collect(),
                best_interests: r
                    .best_interests
                    .iter()
                    .map(|d| BestInterestsLine {
                        shared_what: d.shared_what.clone(),
                        shared_with: d.shared_with.clone(),
                        why: d.why.clone(),
                        consulted: d.consulted.clone(),
                        known_wishes: d.known_wishes.clone(),
                        by: d.decided_by_name.clone(),
                        at: d.decided_at,
                    })
                    .collect(),
            }),
    )?;
    let advance_choices = part(advance_choice_lines(state, viewer, person).await)?;
    Ok(OwnCopy {
        about: ABOUT,
        made_at: state.clock.now(),
        record,
        crisis_plan,
        safety_flags,
        contacts,
        access_log,
        sharing_choices,
        carers,
        referrals,
        cases,
        corrections,
        capacity,
        advance_choices,
    })
}

async fn advance_choice_lines(
    state: &AppState,
    viewer: &Viewer,
    person: concordat_domain::ids::PersonId,
) -> Result<Vec<AdvanceChoicesLine>, ServiceError> {
    let documents = crate::advance_choices::of_person(state, viewer, person).await?;
    let names = crate::advance_choices::organisation_names(state, &documents).await?;
    Ok(documents
        .iter()
        .map(|d| AdvanceChoicesLine {
            version: d.version,
            in_force: d.superseded_at.is_none(),
            statement: d.statement.clone(),
            choices: d
                .choices
                .iter()
                .map(|c| crate::advance_choices::sentence(c, &names))
                .collect(),
            witnessed_by: d.witnessed_by_name.clone(),
            witnessed_at: d.witnessed_at,
            review_by: d.review_by,
        })
        .collect())
}

async fn referral_lines(
    state: &AppState,
    viewer: &Viewer,
    person: concordat_domain::ids::PersonId,
) -> Result<Vec<ReferralLine>, ServiceError> {
    let mut lines = Vec::new();
    for (referral, _) in crate::referrals::list(
        state,
        viewer,
        concordat_store::referrals::Listing::Person(person),
    )
    .await?
    {
        lines.push(ReferralLine {
            sent_at: referral.created_at,
            to: crate::referrals::team_label(state, referral.to_team).await?,
            urgency: referral.urgency.label(),
            reason: referral.reason.clone(),
            status: referral.status.label(),
            decision_note: referral.decision_note.clone(),
        });
    }
    Ok(lines)
}
