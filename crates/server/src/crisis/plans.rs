//! Reading and writing a person's crisis plan: its versions, a new draft or
//! proposal, and each party's agreement.

use chrono::NaiveDate;
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::RecordedVia;
use concordat_domain::crisis_plan::{
    diff, AgreeError, Agreeing, Author, PersonAgreement, PlanSections, PlanStatus, PlanVersion,
    ProfessionalAgreement, SectionDiff,
};
use concordat_domain::ids::{CrisisPlanId, PersonId};
use concordat_domain::role::Role;
use concordat_store::crisis_plans::{self, PlanHeader};
use concordat_store::Conn;

use super::{require, sees_drafts};
use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::AppState;

/// A plan as one reader may see it: every version for the person and their
/// care team; only the agreed version for anyone else.
#[derive(Debug, Clone)]
pub struct PlanHistory {
    pub header: PlanHeader,
    pub versions: Vec<PlanVersion>,
    pub sees_drafts: bool,
    pub audit_entry: u64,
}

impl PlanHistory {
    pub fn latest(&self) -> Option<&PlanVersion> {
        self.versions.last()
    }

    pub fn agreed(&self) -> Option<&PlanVersion> {
        self.versions.iter().rev().find(|v| v.is_agreed())
    }

    /// The draft in progress, if any (a proposal from the person included).
    pub fn draft(&self) -> Option<&PlanVersion> {
        self.versions
            .last()
            .filter(|v| v.status == PlanStatus::Draft)
    }

    pub fn version(&self, number: u32) -> Option<&PlanVersion> {
        self.versions.iter().find(|v| v.number == number)
    }

    /// What changed from version `from` to version `to`.
    pub fn diff(&self, from: u32, to: u32) -> Result<Vec<SectionDiff>, ServiceError> {
        let before = self.version(from).ok_or(ServiceError::NotFound)?;
        let after = self.version(to).ok_or(ServiceError::NotFound)?;
        Ok(diff(&before.sections, &after.sections))
    }
}

/// The person's plan, audited as a read of the `crisis-plan` category.
/// `None` when no plan has been started (or none agreed, for a reader who
/// sees only agreed plans).
pub async fn history(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Option<PlanHistory>, ServiceError> {
    let authorisation = require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::CrisisPlan,
    )
    .await?;
    let drafts = sees_drafts(state, viewer, person).await?;
    let mut conn = state.store.read().await?;
    history_allowed(&mut conn, person, drafts, authorisation.audit_seq).await
}

/// [`history`], once a decision audited as `audit_entry` has allowed the
/// reader the person's `crisis-plan`: every version if the reader sees
/// `drafts` ([`super::sees_drafts`]), else only those agreed.
pub(crate) async fn history_allowed(
    conn: &mut Conn,
    person: PersonId,
    drafts: bool,
    audit_entry: u64,
) -> Result<Option<PlanHistory>, ServiceError> {
    let Some(header) = crisis_plans::plan_of_person(conn, person, false).await? else {
        return Ok(None);
    };
    let mut versions = crisis_plans::versions(conn, header.id).await?;
    if !drafts {
        versions.retain(PlanVersion::is_agreed);
        if versions.is_empty() {
            return Ok(None);
        }
    }
    Ok(Some(PlanHistory {
        header,
        versions,
        sees_drafts: drafts,
        audit_entry,
    }))
}

/// [`history`] of the plan with id `plan`, for a reader who names the plan
/// rather than the person (a FHIR `CarePlan` read). A plan that does not
/// exist takes the path of a person the reader may not know of: the same
/// answer, the same audit.
pub async fn history_of_plan(
    state: &AppState,
    viewer: &Viewer,
    plan: CrisisPlanId,
) -> Result<Option<PlanHistory>, ServiceError> {
    let person = {
        let mut conn = state.store.read().await?;
        crisis_plans::plan_by_id(&mut conn, plan)
            .await?
            .map_or_else(PersonId::nobody, |h| h.person)
    };
    Ok(history(state, viewer, person)
        .await?
        .filter(|h| h.header.id == plan))
}

/// What drafting and agreeing both need: the decision lets the viewer write
/// the plan, and the viewer is the person or on their care team. `doing`
/// names the act for the refusal.
async fn may_write(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    doing: &str,
) -> Result<(), ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::CrisisPlan,
    )
    .await?;
    if !sees_drafts(state, viewer, person).await? {
        return Err(ServiceError::Forbidden(format!(
            "only the person and their care team {doing} the person's crisis plan"
        )));
    }
    Ok(())
}

/// Saves `sections` as the plan's next version, a draft (a proposal when
/// the person writes it). `based_on` is the version the writer started
/// from: if someone saved a newer one meanwhile, nothing is overwritten and
/// the writer is told.
pub async fn save_draft(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    based_on: Option<u32>,
    sections: PlanSections,
) -> Result<PlanVersion, ServiceError> {
    may_write(state, viewer, person, "write").await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let header = crisis_plans::plan_of_person(&mut tx, person, true).await?;
    let latest = header.as_ref().map(|h| h.latest_version);
    if based_on != latest {
        return Err(ServiceError::Conflict(match latest {
            Some(n) => format!(
                "the plan has changed since you opened it: version {n} is now the latest; \
                 open it and make your changes again (nothing was saved)"
            ),
            None => "there is no plan yet to base this on; start a new one".into(),
        }));
    }
    let mut version = PlanVersion {
        plan: header.as_ref().map_or_else(CrisisPlanId::new, |h| h.id),
        person,
        number: latest.map_or(1, |n| n + 1),
        status: PlanStatus::Draft,
        sections,
        based_on: latest,
        author: Author {
            user: Some(viewer.user.id()),
            name: viewer.user.display_name().as_str().to_owned(),
            is_the_person: viewer.user.role() == Role::Person,
        },
        created_at: now,
        person_agreement: None,
        professional_agreement: None,
        agreed_at: None,
        review_due: None,
    };
    if header.is_some() {
        crisis_plans::add_version(&mut tx, &version).await?;
    } else {
        crisis_plans::create_plan(&mut tx, &version).await?;
    }
    // The person's own proposal is agreed on their side as they make it:
    // what is left is the care team's agreement.
    if version.author.is_the_person && !version.sections.is_empty() {
        let own = Agreeing::Person(PersonAgreement {
            at: now,
            via: RecordedVia::OwnAccount,
            recorded_by: viewer.user.id(),
            recorder_name: version.author.name.clone(),
        });
        version
            .agree(own, None)
            .map_err(|e| ServiceError::Internal(format!("a new proposal's agreement: {e}")))?;
        crisis_plans::save_agreement(&mut tx, &version).await?;
    }
    tx.commit().await?;
    Ok(version)
}

/// Whose agreement is being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The person's own agreement (from their account, or recorded by a
    /// professional who was with them or spoke to them).
    Person,
    /// The professional's own agreement.
    Professional,
}

/// Records `party`'s agreement to version `number`. When both have agreed,
/// the version becomes the agreed plan and supersedes the one before.
pub async fn agree(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    number: u32,
    party: Party,
    via: RecordedVia,
    review_due: Option<NaiveDate>,
) -> Result<PlanVersion, ServiceError> {
    // What was asked is checked first, so the audit records only writes
    // that can happen.
    let is_the_person = viewer.user.role() == Role::Person;
    let now = state.clock.now();
    let user = &viewer.user;
    let name = user.display_name().as_str().to_owned();
    let agreeing = match (party, is_the_person) {
        (Party::Person, true) => Agreeing::Person(PersonAgreement {
            at: now,
            via: RecordedVia::OwnAccount,
            recorded_by: user.id(),
            recorder_name: name,
        }),
        (Party::Person, false) => {
            if via == RecordedVia::OwnAccount {
                return Err(ServiceError::invalid(
                    "via",
                    "only the person can agree through their own account; say how they \
                     agreed with you (in person, by phone, by letter)",
                ));
            }
            Agreeing::Person(PersonAgreement {
                at: now,
                via,
                recorded_by: user.id(),
                recorder_name: name,
            })
        }
        (Party::Professional, true) => {
            return Err(ServiceError::invalid(
                "party",
                AgreeError::NotAProfessional.to_string(),
            ))
        }
        (Party::Professional, false) => Agreeing::Professional(ProfessionalAgreement {
            at: now,
            via,
            user: user.id(),
            name,
        }),
    };
    // The person's own account sets no review date: that is the care
    // team's to schedule.
    let review_due = if is_the_person { None } else { review_due };
    may_write(state, viewer, person, "agree").await?;
    let mut tx = state.store.write().await?;
    let header = crisis_plans::plan_of_person(&mut tx, person, true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut version = crisis_plans::version(&mut tx, header.id, number)
        .await?
        .ok_or(ServiceError::NotFound)?;
    version.agree(agreeing, review_due).map_err(|e| match e {
        AgreeError::Empty | AgreeError::ReviewBeforeAgreement | AgreeError::NotAProfessional => {
            ServiceError::invalid("agreement", e)
        }
        AgreeError::NotADraft { .. }
        | AgreeError::PersonAlreadyAgreed(_)
        | AgreeError::ProfessionalAlreadyAgreed(_) => ServiceError::Conflict(e.to_string()),
    })?;
    crisis_plans::save_agreement(&mut tx, &version).await?;
    tx.commit().await?;
    Ok(version)
}
