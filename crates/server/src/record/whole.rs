//! A person's whole record as one look (a FHIR `$everything`, a person's
//! part of a bulk export): every category asked for decided together and
//! audited as ONE entry naming each category's decision, then each
//! allowed part read through the service that owns it, as its own read
//! would show it. One entry, because it was one act: the person's access
//! log shows one look at their record, not ten, and the look costs one
//! audit write rather than one a category.
//!
//! A part the decision refused is left out, never half shown; what the
//! caller makes of the refusal of one part (a Patient denied is a 403 for
//! `$everything`) it asks of [`Whole::refusal_of`].

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::ContactEvent;
use concordat_domain::flag::SafetyFlag;
use concordat_domain::ids::PersonId;
use concordat_store::audit::AuditAction;

use super::{record_parts, view_of, RecordView};
use crate::authorisation::{authorise_under, Authorisation, Refused, Viewer};
use crate::consent::{self, Choices};
use crate::crisis::{contacts, flags, plans, sees_drafts_given};
use crate::error::ServiceError;
use crate::messages::{self, Conversation};
use crate::referrals::{self, Detail};
use crate::AppState;

/// What a whole-record look showed: each part present when it was asked
/// for and allowed (an empty list when allowed and there is nothing).
#[derive(Debug)]
pub struct Whole {
    pub person: PersonId,
    /// Demographics and the care team, as a record read shows them; `None`
    /// when neither was asked for and allowed.
    pub record: Option<RecordView>,
    pub plan: Option<plans::PlanHistory>,
    pub flags: Option<Vec<SafetyFlag>>,
    pub choices: Option<Choices>,
    pub contacts: Option<Vec<ContactEvent>>,
    pub referrals: Option<Vec<Detail>>,
    pub messages: Option<Vec<Conversation>>,
    pub authorisation: Authorisation,
}

impl Whole {
    /// A look at `person` at which every category was refused.
    fn nothing(person: PersonId, authorisation: Authorisation) -> Self {
        Self {
            person,
            record: None,
            plan: None,
            flags: None,
            choices: None,
            contacts: None,
            referrals: None,
            messages: None,
            authorisation,
        }
    }

    /// How a read of `category` alone would have been refused, if the
    /// decision refused it: as if there were no one, or by a named rule.
    pub fn refusal_of(&self, category: DataCategory) -> Option<Refused> {
        let decided: Vec<_> = self
            .authorisation
            .decisions
            .iter()
            .filter(|(c, _)| *c == category)
            .cloned()
            .collect();
        Refused::of(&decided)
    }
}

/// How a whole-record look ended.
#[derive(Debug)]
pub enum WholeOutcome {
    Shown(Box<Whole>),
    /// No such person, or none the reader may know of: every category
    /// refused for want of any relationship.
    NotFound,
}

/// Reads `categories` of `person`'s record for `viewer` as one look, one
/// decision and one audit entry; each part the decision allowed is then
/// read as its own service reads it.
pub async fn read(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    categories: &[DataCategory],
) -> Result<WholeOutcome, ServiceError> {
    let (found, versions) = state.reads.persons.read(person.into()).await?;
    let authorisation = authorise_under(
        state,
        viewer,
        person,
        versions,
        AccessAction::Read,
        categories,
        AuditAction::Read,
    )
    .await?;
    // Checked after the audit on purpose, as a record read does: an absent
    // person and one the reader may not know of take the same path.
    let Some(found) = found else {
        return Ok(WholeOutcome::NotFound);
    };
    if authorisation.refusal() == Some(Refused::NotFound) {
        return Ok(WholeOutcome::NotFound);
    }
    if !authorisation.any_allowed() {
        return Ok(WholeOutcome::Shown(Box::new(Whole::nothing(
            person,
            authorisation,
        ))));
    }
    let allows = |category| authorisation.allows(category);
    // Kept between looks under the access versions, and what the parts
    // below would otherwise each read again: the partnership's
    // organisations, and whether the viewer is on the care team.
    let parts = record_parts(state, person, versions).await?;
    let record = (allows(DataCategory::Demographics) || allows(DataCategory::CareTeam))
        .then(|| view_of(state, viewer, &found, &parts, &authorisation));
    // The parts one after another on one connection: each connection
    // taken from the pool costs a round trip to its thread when it is
    // given back, as much as a read.
    let mut conn = state.store.read().await?;
    let conn = &mut *conn;
    let plan = if allows(DataCategory::CrisisPlan) {
        let drafts = sees_drafts_given(viewer, person, parts.has_member(viewer.user.id()));
        plans::history_allowed(conn, person, drafts, authorisation.audit_seq).await?
    } else {
        None
    };
    let flags = when(
        allows(DataCategory::Risk),
        flags::list_allowed(conn, person),
    )
    .await?;
    let choices = when(
        allows(DataCategory::Consent),
        consent::choices_allowed(conn, person, parts.organisations.clone(), state.clock.now()),
    )
    .await?;
    let contacts = when(
        allows(DataCategory::Contacts),
        contacts::list_allowed(conn, person),
    )
    .await?;
    let referrals = when(
        allows(DataCategory::Referrals),
        referrals::of_person_allowed(conn, viewer, person, Some(found.name().full())),
    )
    .await?;
    let messages = when(
        allows(DataCategory::Messages),
        messages::of_person_allowed(conn, viewer, person),
    )
    .await?;
    Ok(WholeOutcome::Shown(Box::new(Whole {
        person,
        record,
        plan,
        flags,
        choices,
        contacts,
        referrals,
        messages,
        authorisation,
    })))
}

/// `part`, awaited only when its category was allowed.
async fn when<T>(
    allowed: bool,
    part: impl std::future::Future<Output = Result<T, ServiceError>>,
) -> Result<Option<T>, ServiceError> {
    if allowed {
        part.await.map(Some)
    } else {
        Ok(None)
    }
}
