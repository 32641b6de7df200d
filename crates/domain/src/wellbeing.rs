//! Safeguarding those who safeguard: a member of staff who attended a
//! traumatic incident (a death, a serious self-harm, a suicide attempt, a
//! restraint, a child at risk) is offered a trauma-risk check about 72
//! hours after it and a follow-up about a month after, as UK police and
//! ambulance services do with TRiM. What is kept of a check is its band
//! and whether support was taken up or an onward referral made — never
//! what was said. The staff member may decline a check or opt out of both
//! at any point.
//!
//! An incident names no one it happened to: it is about the staff who
//! attended, so nothing of it can reach a person's record.

use chrono::{DateTime, Duration, Utc};

use crate::ids::UserId;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// What the staff member attended.
    pub enum IncidentKind, error IncidentKindError = "a kind of traumatic incident" {
        Death = "death", "A death";
        SeriousSelfHarm = "serious-self-harm", "Serious self-harm";
        SuicideAttempt = "suicide-attempt", "A suicide attempt";
        Restraint = "restraint", "A restraint";
        ChildAtRisk = "child-at-risk", "A child at risk";
    }
}

closed_vocabulary! {
    /// The two checks offered after an incident.
    pub enum Stage, error StageError = "a wellbeing check" {
        First = "72-hours", "The check about 72 hours after";
        FollowUp = "one-month", "The follow-up about a month after";
    }
}

closed_vocabulary! {
    /// What a check found, as a band only.
    pub enum Band, error BandError = "a band (low, raised or high)" {
        Low = "low", "Low";
        Raised = "raised", "Raised";
        High = "high", "High";
    }
}

impl Stage {
    /// When the check falls due after an incident that happened at `at`.
    pub fn due(self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::First => at + Duration::hours(72),
            Self::FollowUp => at + Duration::days(28),
        }
    }
}

/// Days after a check falls due, still open, when the staff member and
/// their wellbeing lead are reminded again.
pub const REMIND_AGAIN_AFTER_DAYS: i64 = 3;

/// How long after an incident an offer still counts as made "within 72
/// hours" in the partnership's figures.
pub const OFFER_WITHIN_HOURS: i64 = 72;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done {
        band: Band,
        support_taken_up: bool,
        onward_referral: bool,
    },
    Declined,
}

/// One check of one attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub stage: Stage,
    pub due_at: DateTime<Utc>,
    pub outcome: Option<Outcome>,
    pub ended_at: Option<DateTime<Utc>>,
    pub recorded_by: Option<UserId>,
}

/// A staff member's attendance at an incident, with its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    pub staff: UserId,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub opted_out_at: Option<DateTime<Utc>>,
    pub checks: Vec<Check>,
}

/// Why a check cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckRefused {
    #[error("they opted out of the checks on {0}; nothing more is offered")]
    OptedOut(String),
    #[error("{0} has already been recorded")]
    AlreadyEnded(&'static str),
}

impl Attendance {
    /// A new attendance with both checks offered.
    pub fn offered(staff: UserId, occurred_at: DateTime<Utc>, recorded_at: DateTime<Utc>) -> Self {
        Self {
            staff,
            occurred_at,
            recorded_at,
            opted_out_at: None,
            checks: Stage::ALL
                .into_iter()
                .map(|stage| Check {
                    stage,
                    due_at: stage.due(occurred_at),
                    outcome: None,
                    ended_at: None,
                    recorded_by: None,
                })
                .collect(),
        }
    }

    pub fn check(&self, stage: Stage) -> Option<&Check> {
        self.checks.iter().find(|c| c.stage == stage)
    }

    /// Whether `stage` is still waiting: not ended, and not opted out of.
    pub fn is_open(&self, stage: Stage) -> bool {
        self.opted_out_at.is_none() && self.check(stage).is_some_and(|c| c.outcome.is_none())
    }

    /// The check to offer next, if any is still open.
    pub fn next(&self) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| self.is_open(*s))
    }

    /// Ends `stage` with `outcome`, recorded by `by` at `at`. A check ends
    /// once; after an opt-out nothing is recorded.
    pub fn end(
        &mut self,
        stage: Stage,
        outcome: Outcome,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), CheckRefused> {
        if let Some(out) = self.opted_out_at {
            return Err(CheckRefused::OptedOut(crate::dates::long_date(
                out.date_naive(),
            )));
        }
        let check = self
            .checks
            .iter_mut()
            .find(|c| c.stage == stage)
            .ok_or(CheckRefused::AlreadyEnded(stage.label()))?;
        if check.outcome.is_some() {
            return Err(CheckRefused::AlreadyEnded(stage.label()));
        }
        check.outcome = Some(outcome);
        check.ended_at = Some(at);
        check.recorded_by = Some(by);
        Ok(())
    }

    /// Opts out of every check still open; what was recorded stays.
    /// Opting out twice keeps the first time.
    pub fn opt_out(&mut self, at: DateTime<Utc>) {
        self.opted_out_at.get_or_insert(at);
    }

    /// Whether the offer was made within 72 hours of the incident: the
    /// staff member is told of both checks when their attendance is
    /// recorded, so a late record is a late offer.
    pub fn offered_in_time(&self) -> bool {
        self.recorded_at <= self.occurred_at + Duration::hours(OFFER_WITHIN_HOURS)
    }

    /// Whether the one-month follow-up was done (not declined or missed).
    pub fn follow_up_done(&self) -> bool {
        matches!(
            self.check(Stage::FollowUp).and_then(|c| c.outcome),
            Some(Outcome::Done { .. })
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::vocabulary::testing;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
    }

    fn staff() -> UserId {
        UserId::named("officer")
    }

    #[test]
    fn the_vocabularies_are_well_formed() {
        testing::assert_well_formed(
            &IncidentKind::ALL,
            IncidentKind::as_str,
            IncidentKind::parse,
            IncidentKind::label,
        );
        testing::assert_well_formed(&Stage::ALL, Stage::as_str, Stage::parse, Stage::label);
        testing::assert_well_formed(&Band::ALL, Band::as_str, Band::parse, Band::label);
    }

    #[test]
    fn checks_fall_due_three_days_and_four_weeks_after_the_incident() {
        let a = Attendance::offered(staff(), at(1, 3), at(1, 9));
        assert_eq!(a.check(Stage::First).unwrap().due_at, at(4, 3));
        assert_eq!(
            a.check(Stage::FollowUp).unwrap().due_at,
            Utc.with_ymd_and_hms(2026, 12, 29, 3, 0, 0).unwrap()
        );
        assert_eq!(a.next(), Some(Stage::First));
    }

    #[test]
    fn a_check_ends_once_and_the_next_one_follows() {
        let mut a = Attendance::offered(staff(), at(1, 3), at(1, 9));
        let done = Outcome::Done {
            band: Band::Raised,
            support_taken_up: true,
            onward_referral: false,
        };
        a.end(Stage::First, done, staff(), at(4, 10)).unwrap();
        assert_eq!(a.next(), Some(Stage::FollowUp));
        assert_eq!(
            a.end(Stage::First, Outcome::Declined, staff(), at(5, 10)),
            Err(CheckRefused::AlreadyEnded("The check about 72 hours after"))
        );
        assert_eq!(a.check(Stage::First).unwrap().outcome, Some(done));
        a.end(Stage::FollowUp, Outcome::Declined, staff(), at(29, 10))
            .unwrap();
        assert_eq!(a.next(), None);
        assert!(!a.follow_up_done(), "a declined follow-up is not done");
    }

    #[test]
    fn the_follow_up_may_be_taken_after_the_first_check_was_declined() {
        let mut a = Attendance::offered(staff(), at(1, 3), at(1, 9));
        a.end(Stage::First, Outcome::Declined, staff(), at(4, 10))
            .unwrap();
        assert_eq!(a.next(), Some(Stage::FollowUp));
        let done = Outcome::Done {
            band: Band::Low,
            support_taken_up: false,
            onward_referral: false,
        };
        a.end(Stage::FollowUp, done, staff(), at(29, 10)).unwrap();
        assert!(a.follow_up_done());
    }

    #[test]
    fn opting_out_closes_every_open_check_and_keeps_what_was_recorded() {
        let mut a = Attendance::offered(staff(), at(1, 3), at(1, 9));
        let done = Outcome::Done {
            band: Band::High,
            support_taken_up: true,
            onward_referral: true,
        };
        a.end(Stage::First, done, staff(), at(4, 10)).unwrap();
        a.opt_out(at(6, 12));
        a.opt_out(at(7, 12));
        assert_eq!(a.opted_out_at, Some(at(6, 12)), "the first opt-out stands");
        assert_eq!(a.next(), None);
        assert!(!a.is_open(Stage::FollowUp));
        assert!(matches!(
            a.end(Stage::FollowUp, done, staff(), at(29, 10)),
            Err(CheckRefused::OptedOut(_))
        ));
        assert_eq!(a.check(Stage::First).unwrap().outcome, Some(done));
    }

    #[test]
    fn an_offer_counts_as_in_time_when_recorded_within_72_hours() {
        assert!(Attendance::offered(staff(), at(1, 3), at(4, 3)).offered_in_time());
        assert!(!Attendance::offered(staff(), at(1, 3), at(4, 4)).offered_in_time());
    }
}
