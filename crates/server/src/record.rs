//! Reading a person's record through the access decision: which categories
//! this surface can show, loading what was allowed, and applying field
//! masks. The JSON API and the pages both read records through here.

pub mod description;
pub mod parts;
pub mod people;
mod person_ref;
pub mod views;
pub mod whole;

use parts::RecordParts;
pub use person_ref::PersonRef;

use std::sync::Arc;

use concordat_access::{AccessAction, AccessRequest, Principal};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{CareTeamId, PersonId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::Person;
use concordat_store::audit::AuditAction;
use concordat_store::{care_teams, AccessVersions, StoreError};
use serde::Serialize;

use crate::authorisation::{authorise_under, Authorisation, Refused, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// The categories a record read can show today. The rest of the record
/// (crisis plans, referrals, …) is served by the surfaces that own them.
pub const SERVED: [DataCategory; 2] = [DataCategory::Demographics, DataCategory::CareTeam];

/// A category this surface cannot serve, named for the error message.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not served here; a record read serves: demographics, care-team")]
pub struct NotServed(pub String);

/// Parses `demographics,care-team` (or nothing, for both).
pub fn parse_categories(raw: Option<&str>) -> Result<Vec<DataCategory>, NotServed> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(SERVED.to_vec());
    };
    let mut out = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let category = DataCategory::parse(part).map_err(|_| NotServed(part.to_owned()))?;
        if !SERVED.contains(&category) {
            return Err(NotServed(part.to_owned()));
        }
        if !out.contains(&category) {
            out.push(category);
        }
    }
    Ok(out)
}

/// What the reader may see of the record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordView {
    pub person_id: String,
    pub purpose: &'static str,
    pub break_glass: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demographics: Option<views::DemographicsView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub care_team: Option<Vec<views::CareTeamView>>,
    pub withheld: Vec<WithheldCategory>,
    pub audit_entry: u64,
    /// Whether the reader keeps the person's sharing choices with them: the
    /// person themselves, or a member of their care team (the pages offer
    /// the way there). Not part of the record.
    #[serde(skip)]
    pub keeps_sharing_choices: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WithheldCategory {
    pub category: &'static str,
    pub reason: String,
    pub rule: String,
}

/// Each category the decision withheld, with why and by which rule.
pub fn withheld(authorisation: &Authorisation) -> Vec<WithheldCategory> {
    authorisation
        .denied()
        .map(|(category, decision)| WithheldCategory {
            category: category.as_str(),
            reason: decision.explanation(),
            rule: decision.denying_rule(),
        })
        .collect()
}

/// How a read ended.
#[derive(Debug)]
pub enum ReadOutcome {
    Shown(Box<RecordView>),
    /// Every category denied to a reader who knows of the person; the
    /// decisive reason and rule.
    Denied {
        person: PersonId,
        reason: String,
        rule: String,
    },
    /// No such person, or none the reader may know of.
    NotFound,
}

/// Reads `categories` of `person`'s record for `viewer`, audited.
pub async fn read(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    categories: &[DataCategory],
) -> Result<ReadOutcome, ServiceError> {
    let found = state.reads.persons.read(person_id.into()).await?;
    read_found(state, viewer, person_id, found, categories).await
}

/// [`read`], of the person `person_id` names as read with the access
/// versions in force (`None` for no one).
async fn read_found(
    state: &AppState,
    viewer: &Viewer,
    person_id: PersonId,
    (person, versions): (Option<Person>, AccessVersions),
    categories: &[DataCategory],
) -> Result<ReadOutcome, ServiceError> {
    let authorisation = authorise_under(
        state,
        viewer,
        person_id,
        versions,
        AccessAction::Read,
        categories,
        AuditAction::Read,
    )
    .await?;
    // Checked after the audit on purpose: an absent person and one the
    // reader has no relationship with take the same path and the same time.
    let Some(person) = person else {
        return Ok(ReadOutcome::NotFound);
    };
    match authorisation.refusal() {
        Some(Refused::NotFound) => return Ok(ReadOutcome::NotFound),
        Some(Refused::Denied { reason, rule }) => {
            return Ok(ReadOutcome::Denied {
                person: person.id(),
                reason,
                rule,
            })
        }
        None => {}
    }
    Ok(ReadOutcome::Shown(Box::new(
        view(state, viewer, &person, versions, &authorisation).await?,
    )))
}

/// Reads `categories` of the record of the person with `nhs_number`, for
/// `viewer`, audited. No one with that number takes the path of a person
/// the reader may not know of: the same answer, the same audit.
pub async fn find(
    state: &AppState,
    viewer: &Viewer,
    nhs_number: &NhsNumber,
    categories: &[DataCategory],
) -> Result<ReadOutcome, ServiceError> {
    // The person and the versions in one statement, as a read by id has
    // them in one.
    let found = state.reads.persons.read((*nhs_number).into()).await?;
    let id = found
        .0
        .as_ref()
        .map_or_else(PersonId::nobody, |person| person.id());
    read_found(state, viewer, id, found, categories).await
}

/// The care team `team`, read as part of its person's record (the
/// `care-team` category), audited. A team that does not exist takes the
/// path of a person the reader may not know of: the same answer, the same
/// audit.
pub async fn care_team(
    state: &AppState,
    viewer: &Viewer,
    team: CareTeamId,
) -> Result<ReadOutcome, ServiceError> {
    let person = {
        let mut conn = state.store.read().await?;
        care_teams::person_of_care_team(&mut conn, team).await?
    };
    read(
        state,
        viewer,
        person.unwrap_or_else(PersonId::nobody),
        &[DataCategory::CareTeam],
    )
    .await
}

async fn record_parts(
    state: &AppState,
    person: PersonId,
    versions: AccessVersions,
) -> Result<Arc<RecordParts>, StoreError> {
    if let Some(kept) = state.record_parts.get(&person, &versions) {
        return Ok(kept);
    }
    let mut conn = state.store.read().await?;
    let read = Arc::new(RecordParts::load(&mut conn, person).await?);
    state.record_parts.keep(person, versions, Arc::clone(&read));
    Ok(read)
}

/// `person`'s demographics as `viewer` may read them (the decision has
/// allowed it): each field masked from them withheld, with why.
pub async fn demographics(
    state: &AppState,
    viewer: &Viewer,
    person: &Person,
    versions: AccessVersions,
) -> Result<views::DemographicsView, StoreError> {
    let parts = record_parts(state, person.id(), versions).await?;
    Ok(masked_demographics(state, viewer, person, &parts))
}

fn masked_demographics(
    state: &AppState,
    viewer: &Viewer,
    person: &Person,
    parts: &RecordParts,
) -> views::DemographicsView {
    let request = AccessRequest {
        user: Principal::from_user(&viewer.user),
        person: person.id(),
        action: AccessAction::Read,
        category: DataCategory::Demographics,
        purpose: viewer.purpose,
        now: state.clock.now(),
        agreements: Vec::new(),
        consents: Vec::new(),
        relationships: Vec::new(),
        break_glass: None,
        advance_choices: Vec::new(),
        crises: Vec::new(),
        carer_item: None,
        carer_items: Vec::new(),
    };
    let masked = state.engine.masks_for(&request, &parts.masks);
    views::demographics(person, |field| {
        masked
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.reason.clone())
    })
}

async fn view(
    state: &AppState,
    viewer: &Viewer,
    person: &Person,
    versions: AccessVersions,
    authorisation: &Authorisation,
) -> Result<RecordView, StoreError> {
    let parts = record_parts(state, person.id(), versions).await?;
    Ok(view_of(state, viewer, person, &parts, authorisation))
}

/// [`view`], of the record's parts as read under the versions in force.
fn view_of(
    state: &AppState,
    viewer: &Viewer,
    person: &Person,
    parts: &RecordParts,
    authorisation: &Authorisation,
) -> RecordView {
    let demographics = authorisation
        .allows(DataCategory::Demographics)
        .then(|| masked_demographics(state, viewer, person, parts));
    let care_team = authorisation.allows(DataCategory::CareTeam).then(|| {
        parts
            .care_teams
            .iter()
            .map(|t| views::care_team(t, &parts.members, &parts.organisations))
            .collect()
    });
    RecordView {
        person_id: person.id().to_string(),
        purpose: viewer.purpose.code(),
        break_glass: authorisation.via_break_glass(),
        demographics,
        care_team,
        withheld: withheld(authorisation),
        audit_entry: authorisation.audit_seq,
        keeps_sharing_choices: viewer.user.person_id() == Some(person.id())
            || parts.has_member(viewer.user.id()),
    }
}
