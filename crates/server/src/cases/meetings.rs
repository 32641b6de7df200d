//! Review meetings: any member records one held on or before today, with
//! the members who attended and its notes.

use chrono::NaiveDate;
use concordat_domain::case::NewMeeting;
use concordat_domain::ids::UserId;
use concordat_store::cases::{self as store, CaseId, Meeting};

use super::terms::invalid;
use super::view::{current, member_case, open_for_change};
use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::AppState;

/// A meeting as entered.
#[derive(Debug, Clone)]
pub struct NewMeetingInput {
    pub held_on: NaiveDate,
    pub attendees: Vec<UserId>,
    pub notes: String,
}

/// Records a review meeting of case `id`, for one of its members.
pub async fn record_meeting(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    input: NewMeetingInput,
) -> Result<Meeting, ServiceError> {
    member_case(state, viewer, id).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    open_for_change(&mut tx, id).await?;
    let members = current(&store::members_of(&mut tx, id).await?);
    let parsed = NewMeeting::parse(
        input.held_on,
        &input.attendees,
        &input.notes,
        &members,
        now.date_naive(),
    )
    .map_err(invalid)?;
    let meeting = Meeting {
        id: uuid::Uuid::new_v4(),
        case: id,
        held_on: parsed.held_on(),
        attendees: parsed.attendees().to_vec(),
        notes: parsed.notes().to_owned(),
        recorded_by: viewer.user.id(),
        recorded_at: now,
    };
    store::insert_meeting(&mut tx, &meeting).await?;
    tx.commit().await?;
    Ok(meeting)
}
