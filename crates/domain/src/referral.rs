//! Referrals between partners (FHIR ServiceRequest + Task shaped): from a
//! professional to a team of another organisation, with an urgency whose
//! deadlines for acknowledging and responding the agreement between them
//! sets. Every referral has an owner, a deadline and an answer — or an
//! escalation.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    pub enum Urgency, error UrgencyError = "an urgency" {
        Emergency = "emergency", "Emergency";
        Urgent = "urgent", "Urgent";
        Routine = "routine", "Routine";
    }
}

closed_vocabulary! {
    pub enum ReferralStatus, error ReferralStatusError = "a referral status" {
        Sent = "sent", "Sent, waiting for acknowledgement";
        Acknowledged = "acknowledged", "Acknowledged";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
        Redirected = "redirected", "Redirected to another team";
        Completed = "completed", "Completed";
        Cancelled = "cancelled", "Cancelled";
    }
}

closed_vocabulary! {
    /// What a user can do to a referral.
    pub enum ReferralAction, error ReferralActionError = "a referral action" {
        Acknowledge = "acknowledge", "Acknowledge";
        Accept = "accept", "Accept";
        Decline = "decline", "Decline";
        Redirect = "redirect", "Redirect";
        Complete = "complete", "Complete";
        Cancel = "cancel", "Cancel";
    }
}

impl ReferralStatus {
    /// Still waiting on someone.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Sent | Self::Acknowledged | Self::Accepted)
    }

    /// Where `action` takes a referral in this status, if it can.
    pub fn after(self, action: ReferralAction) -> Option<Self> {
        use ReferralAction as A;
        use ReferralStatus as S;
        match (self, action) {
            (S::Sent, A::Acknowledge) => Some(S::Acknowledged),
            (S::Sent | S::Acknowledged, A::Accept) => Some(S::Accepted),
            (S::Sent | S::Acknowledged, A::Decline) => Some(S::Declined),
            (S::Sent | S::Acknowledged, A::Redirect) => Some(S::Redirected),
            (S::Accepted, A::Complete) => Some(S::Completed),
            (S::Sent | S::Acknowledged | S::Accepted, A::Cancel) => Some(S::Cancelled),
            _ => None,
        }
    }

    /// Whether the sending side (rather than the receiving team) acts.
    pub fn sender_acts(action: ReferralAction) -> bool {
        action == ReferralAction::Cancel
    }
}

/// A length of time in clock hours or in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Hours(u32),
    WorkingDays(u32),
}

impl Span {
    pub fn after(self, from: DateTime<Utc>, calendar: &WorkingCalendar) -> DateTime<Utc> {
        match self {
            Span::Hours(h) => from + Duration::hours(i64::from(h)),
            Span::WorkingDays(d) => calendar.add_working_days(from, d),
        }
    }

    /// "1 hour", "24 hours", "5 working days".
    pub fn words(self) -> String {
        match self {
            Span::Hours(1) => "1 hour".into(),
            Span::Hours(h) => format!("{h} hours"),
            Span::WorkingDays(1) => "1 working day".into(),
            Span::WorkingDays(d) => format!("{d} working days"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deadlines {
    pub acknowledge: Span,
    pub respond: Span,
}

/// What an agreement promises for each urgency. Unacknowledged, a referral
/// escalates at its acknowledgement deadline to the receiving team's duty
/// contact, and one acknowledgement period later to the partnership's
/// escalation contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServiceLevels {
    pub emergency: Deadlines,
    pub urgent: Deadlines,
    pub routine: Deadlines,
}

impl Default for ServiceLevels {
    fn default() -> Self {
        Self {
            emergency: Deadlines {
                acknowledge: Span::Hours(1),
                respond: Span::Hours(4),
            },
            urgent: Deadlines {
                acknowledge: Span::Hours(24),
                respond: Span::WorkingDays(3),
            },
            routine: Deadlines {
                acknowledge: Span::WorkingDays(5),
                respond: Span::WorkingDays(20),
            },
        }
    }
}

impl ServiceLevels {
    pub fn for_urgency(&self, urgency: Urgency) -> Deadlines {
        match urgency {
            Urgency::Emergency => self.emergency,
            Urgency::Urgent => self.urgent,
            Urgency::Routine => self.routine,
        }
    }
}

/// When step `step` (1: duty contact, 2: partnership contact) of an
/// unacknowledged referral's escalation falls due.
pub fn escalation_due(
    acknowledge_due: DateTime<Utc>,
    acknowledge: Span,
    step: u32,
    calendar: &WorkingCalendar,
) -> DateTime<Utc> {
    let mut due = acknowledge_due;
    for _ in 1..step {
        due = acknowledge.after(due, calendar);
    }
    due
}

/// A section of a referral's content: "Presenting concerns", "Risk", …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReferralSection {
    pub title: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::calendar::ENGLAND_AND_WALES;

    #[test]
    fn the_lifecycle_allows_only_its_own_steps() {
        use ReferralAction as A;
        use ReferralStatus as S;
        assert_eq!(S::Sent.after(A::Acknowledge), Some(S::Acknowledged));
        assert_eq!(S::Acknowledged.after(A::Accept), Some(S::Accepted));
        assert_eq!(S::Accepted.after(A::Complete), Some(S::Completed));
        assert_eq!(S::Sent.after(A::Complete), None);
        assert_eq!(S::Acknowledged.after(A::Acknowledge), None);
        for closed in [S::Declined, S::Redirected, S::Completed, S::Cancelled] {
            assert!(!closed.is_open());
            for action in ReferralAction::ALL {
                assert_eq!(closed.after(action), None, "{closed:?} {action:?}");
            }
        }
    }

    #[test]
    fn deadlines_follow_the_urgency() {
        let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
        let levels = ServiceLevels::default();
        // Friday 6 March 2026, 16:00.
        let sent = Utc.with_ymd_and_hms(2026, 3, 6, 16, 0, 0).unwrap();
        let at = |u| levels.for_urgency(u).acknowledge.after(sent, &calendar);
        assert_eq!(at(Urgency::Emergency), sent + Duration::hours(1));
        assert_eq!(at(Urgency::Urgent), sent + Duration::hours(24));
        assert_eq!(
            at(Urgency::Routine),
            Utc.with_ymd_and_hms(2026, 3, 13, 16, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_second_escalation_is_one_acknowledgement_period_after_the_first() {
        let calendar = WorkingCalendar::default();
        let due = Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap();
        assert_eq!(escalation_due(due, Span::Hours(24), 1, &calendar), due);
        assert_eq!(
            escalation_due(due, Span::Hours(24), 2, &calendar),
            due + Duration::hours(24)
        );
    }

    #[test]
    fn spans_read_as_words_and_round_trip_as_json() {
        assert_eq!(Span::Hours(1).words(), "1 hour");
        assert_eq!(Span::WorkingDays(5).words(), "5 working days");
        let json = serde_json::to_string(&ServiceLevels::default()).unwrap();
        assert!(json.contains("\"working_days\":5"), "{json}");
        assert_eq!(
            serde_json::from_str::<ServiceLevels>(&json).unwrap(),
            ServiceLevels::default()
        );
    }

    #[test]
    fn vocabularies_are_well_formed() {
        use crate::vocabulary::testing::assert_well_formed;
        assert_well_formed(
            &Urgency::ALL,
            Urgency::as_str,
            Urgency::parse,
            Urgency::label,
        );
        assert_well_formed(
            &ReferralStatus::ALL,
            ReferralStatus::as_str,
            ReferralStatus::parse,
            ReferralStatus::label,
        );
        assert_well_formed(
            &ReferralAction::ALL,
            ReferralAction::as_str,
            ReferralAction::parse,
            ReferralAction::label,
        );
    }
}
