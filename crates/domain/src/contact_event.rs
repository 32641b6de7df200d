//! Contacts with services: a 999 call, a street-triage encounter, a section
//! 136 detention, an admission. Recorded by a professional (from a crisis
//! look-up, say) or received from a source system; either way they become
//! the `contacts` category of the person's record.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ids::{ContactEventId, OrganisationId, PersonId, UserId};
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    pub enum ContactKind, error ContactKindError = "a kind of contact" {
        StreetTriage = "street-triage", "Street triage";
        Section136 = "section-136", "Section 136 detention";
        ConveyanceToEd = "conveyance-to-ed", "Conveyed to the emergency department";
        AdviceGiven = "advice-given", "Advice given";
        Call999 = "call-999", "999 call";
        Call111 = "call-111", "NHS 111 call";
        EdAttendance = "ed-attendance", "Emergency department attendance";
        CrisisLineCall = "crisis-line-call", "Crisis line call";
        Admission = "admission", "Admission";
        Discharge = "discharge", "Discharge";
        PlannedDischargeDate = "planned-discharge-date", "Planned discharge date set";
    }
}

impl ContactKind {
    /// What a crisis role records from a look-up, in the order of the form.
    pub const AT_THE_SCENE: [Self; 4] = [
        Self::StreetTriage,
        Self::Section136,
        Self::ConveyanceToEd,
        Self::AdviceGiven,
    ];
}

/// Where an event came from when a system, not a user, sent it: the
/// system's name and its own id for the event, which make sending it again
/// harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventSource {
    pub system: String,
    pub event_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactEvent {
    pub id: ContactEventId,
    pub person: PersonId,
    pub kind: ContactKind,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<UserId>,
    pub recorder_name: String,
    pub organisation: Option<OrganisationId>,
    /// "Taken home; partner present", "Conveyed to Northshire General".
    pub outcome: String,
    pub note: String,
    pub source: Option<EventSource>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_well_formed() {
        crate::vocabulary::testing::assert_well_formed(
            &ContactKind::ALL,
            ContactKind::as_str,
            ContactKind::parse,
            ContactKind::label,
        );
    }
}
