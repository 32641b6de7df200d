//! Contacts with services: a 999 call, a street-triage encounter, a section
//! 136 detention, an admission. Recorded by a professional (from a crisis
//! look-up, say) or received from a source system; either way they become
//! the `contacts` category of the person's record.

mod detention;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use detention::{Conveyance, Detention, DetentionError, PlaceOfSafety};

use crate::ids::{ContactEventId, OrganisationId, PersonId, UserId};
use crate::organisation::OrganisationKind;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    pub enum ContactKind, error ContactKindError = "a kind of contact" {
        StreetTriage = "street-triage", "Street triage";
        Section136 = "section-136", "Section 136 detention";
        ConveyanceToEd = "conveyance-to-ed", "Taken to A&E";
        AdviceGiven = "advice-given", "Advice given";
        Call999 = "call-999", "999 call";
        Call111 = "call-111", "NHS 111 call";
        EdAttendance = "ed-attendance", "A&E visit";
        CrisisLineCall = "crisis-line-call", "Crisis line call";
        Admission = "admission", "Admission";
        Discharge = "discharge", "Discharge";
        PlannedDischargeDate = "planned-discharge-date", "Planned discharge date set";
        FollowUp = "follow-up", "Follow-up after discharge";
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

/// How long the relationship a contact opens with the person lasts: the
/// people it names may read the record while the contact goes on, not
/// after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactLasts {
    /// A single act (advice given, a discharge date set): no relationship.
    Not,
    /// A fixed time from when it was recorded.
    For(chrono::Duration),
    /// As long as a crisis look-up lasts (street triage works from one).
    LookUpWindow,
    /// Until the person is discharged by the same organisation.
    UntilDischarge,
}

impl ContactKind {
    /// Whether an organisation of `kind` can truthfully report this kind
    /// of contact from its own systems: a GP practice does not report
    /// emergency department attendances; an ambulance service reports 999
    /// calls and conveyances. A source system is registered for some of
    /// the kinds its organisation reports, never others.
    pub fn reported_by(self, kind: OrganisationKind) -> bool {
        use OrganisationKind as O;
        match self {
            Self::StreetTriage => matches!(kind, O::Police | O::NhsTrust),
            Self::Section136 => kind == O::Police,
            Self::ConveyanceToEd => matches!(kind, O::Ambulance | O::Police),
            Self::AdviceGiven => true,
            Self::Call999 => matches!(kind, O::Ambulance | O::Police),
            Self::Call111 => kind == O::Nhs111,
            Self::EdAttendance => kind == O::EmergencyDepartment,
            Self::CrisisLineCall => matches!(kind, O::NhsTrust | O::Charity | O::Nhs111),
            Self::Admission | Self::Discharge | Self::PlannedDischargeDate => matches!(
                kind,
                O::NhsTrust | O::EmergencyDepartment | O::SpecialistService
            ),
            // The mental health services that see someone in the days
            // after they leave hospital.
            Self::FollowUp => kind.provides_mental_health_care(),
        }
    }

    /// How long the relationship this contact opens for the people it
    /// names lasts. A section 136 detention may last 24 hours and be
    /// extended by 12; an emergency call or attendance is over within a
    /// day; an admission lasts until the discharge.
    pub fn lasts(self) -> ContactLasts {
        use chrono::Duration;
        match self {
            Self::StreetTriage => ContactLasts::LookUpWindow,
            Self::Section136 => ContactLasts::For(Duration::hours(36)),
            Self::ConveyanceToEd => ContactLasts::For(Duration::hours(12)),
            Self::Call999 | Self::Call111 | Self::EdAttendance | Self::CrisisLineCall => {
                ContactLasts::For(Duration::hours(24))
            }
            Self::Admission => ContactLasts::UntilDischarge,
            Self::AdviceGiven | Self::Discharge | Self::PlannedDischargeDate | Self::FollowUp => {
                ContactLasts::Not
            }
        }
    }
}

/// Where an event came from when a system, not a user, sent it: the
/// system's name and its own id for the event, which make sending it again
/// harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EventSource {
    pub system: String,
    pub event_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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
    fn every_kind_is_reported_by_some_organisation_and_not_by_every_one() {
        for kind in ContactKind::ALL {
            let reporters = OrganisationKind::ALL
                .iter()
                .filter(|o| kind.reported_by(**o))
                .count();
            assert!(reporters > 0, "{kind:?}");
            if kind != ContactKind::AdviceGiven {
                assert!(reporters < OrganisationKind::ALL.len(), "{kind:?}");
            }
        }
    }

    #[test]
    fn a_gp_practice_reports_no_emergency_contacts() {
        let gp = OrganisationKind::GpPractice;
        let reported: Vec<_> = ContactKind::ALL
            .into_iter()
            .filter(|k| k.reported_by(gp))
            .collect();
        assert_eq!(reported, [ContactKind::AdviceGiven]);
        assert!(ContactKind::Call999.reported_by(OrganisationKind::Ambulance));
        assert!(ContactKind::ConveyanceToEd.reported_by(OrganisationKind::Ambulance));
        assert!(!ContactKind::EdAttendance.reported_by(OrganisationKind::Ambulance));
    }

    #[test]
    fn an_admission_lasts_until_discharge_and_advice_opens_nothing() {
        assert_eq!(ContactKind::Admission.lasts(), ContactLasts::UntilDischarge);
        assert_eq!(ContactKind::AdviceGiven.lasts(), ContactLasts::Not);
        assert_eq!(ContactKind::Discharge.lasts(), ContactLasts::Not);
        assert_eq!(
            ContactKind::Section136.lasts(),
            ContactLasts::For(chrono::Duration::hours(36))
        );
        assert_eq!(
            ContactKind::StreetTriage.lasts(),
            ContactLasts::LookUpWindow
        );
    }

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
