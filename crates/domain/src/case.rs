//! The multi-agency case: professionals of several partner organisations
//! working with one person to one shared plan, with a lead professional
//! everyone can reach. Being on the frequent contact list may lead to one
//! (`frequent_contact::NextStep::MultiAgencyCase`); so may any
//! professional's concern for a person they work with.
//!
//! The rules here are the case's own: what an action, a meeting and a
//! closure must say, that the lead is one of the members, that a closed
//! case takes nothing more, and when a missed action escalates. Who may
//! see the case is the access decision's (membership is a relationship);
//! who may change it is the server's, from these rules.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::frequent_contact::{check_words, WordsError};
use crate::ids::UserId;
use crate::text::{bounded, paragraphs, TextError};
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// Where a case stands: open, or closed with an outcome.
    pub enum CaseStatus, error CaseStatusError = "a case's status" {
        Open = "open", "Open";
        Closed = "closed", "Closed";
    }
}

closed_vocabulary! {
    /// How a case ended. Each says where the person's care goes next; none
    /// is a judgement of the person.
    pub enum CaseOutcome, error CaseOutcomeError = "a case's outcome" {
        GoalsMet = "goals-met", "The plan's goals were met";
        CareTeamContinues = "care-team-continues", "Care continues with the person's care team";
        PersonChoseToStop = "person-chose-to-stop", "The person chose to stop";
        MovedAway = "moved-away", "The person moved out of the partnership's area";
    }
}

/// The most characters of a case's reason or an action's words.
pub const SHORT_MAX_CHARS: usize = 500;
/// The most characters of a meeting's notes or a closure's note.
pub const NOTES_MAX_CHARS: usize = 4_000;
/// The most members a case may have: a case is a few named people, and a
/// list longer than this is a team, which has its own place.
pub const MEMBERS_MAX: usize = 30;
/// The longest a membership gives access without being renewed: it ends
/// when the case closes or the member leaves, and in any case a year after
/// it began, so no access outlives a case forgotten open.
pub const MEMBERSHIP_AT_MOST: Duration = Duration::days(365);
/// How long after its owner is told of a missed action the lead
/// professional is told, if it is still not done.
pub const LEAD_TOLD_AFTER: Duration = Duration::days(1);

/// Why what was written for a case was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Text(#[from] TextError),
    /// Words that are not neutral, in the field named.
    #[error("{source}")]
    Words {
        field: &'static str,
        source: WordsError,
    },
    #[error("the due date ({due}) has passed; choose today or a later day")]
    DueInThePast { due: NaiveDate },
    #[error("a meeting cannot be recorded before it happens ({on})")]
    MeetingInTheFuture { on: NaiveDate },
    #[error("the lead professional must be one of the case's members")]
    LeadNotAMember,
    #[error("an action's owner must be one of the case's members")]
    OwnerNotAMember,
    #[error("a meeting's attendees must be members of the case")]
    AttendeeNotAMember,
    #[error("the case is closed and takes no more changes")]
    Closed,
    #[error("a case has at most {MEMBERS_MAX} members")]
    TooManyMembers,
    #[error("the lead professional cannot leave the case; name another lead first")]
    LeadLeaving,
}

impl CaseError {
    /// The form field the error is about, for the surfaces.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Text(e) => e.field(),
            Self::Words { field, .. } => field,
            Self::DueInThePast { .. } => "due_date",
            Self::MeetingInTheFuture { .. } => "held_date",
            Self::LeadNotAMember | Self::LeadLeaving => "lead_user_id",
            Self::OwnerNotAMember => "owner_user_id",
            Self::AttendeeNotAMember => "attendees",
            Self::Closed => "status",
            Self::TooManyMembers => "user_id",
        }
    }
}

/// Checked words: bounded, and neutral (nothing proposing a lesser
/// response, no stigmatising label — as everywhere frequent contact's
/// words are written, since a case often follows it).
fn words(field: &'static str, raw: &str, max: usize, multiline: bool) -> Result<String, CaseError> {
    let text = if multiline {
        paragraphs(field, raw, max)?
    } else {
        bounded(field, raw, max)?
    };
    check_words(&text).map_err(|source| CaseError::Words { field, source })?;
    Ok(text)
}

/// Why the case is opened, in one line.
pub fn reason(raw: &str) -> Result<String, CaseError> {
    words("reason", raw, SHORT_MAX_CHARS, false)
}

/// An action of the shared plan: what will be done, by whom, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    what: String,
    owner: UserId,
    due_on: NaiveDate,
}

impl NewAction {
    /// An action whose owner is among `members` and whose due date is
    /// `today` or later.
    pub fn parse(
        what: &str,
        owner: UserId,
        due_on: NaiveDate,
        members: &[UserId],
        today: NaiveDate,
    ) -> Result<Self, CaseError> {
        let what = words("what", what, SHORT_MAX_CHARS, false)?;
        if !members.contains(&owner) {
            return Err(CaseError::OwnerNotAMember);
        }
        if due_on < today {
            return Err(CaseError::DueInThePast { due: due_on });
        }
        Ok(Self {
            what,
            owner,
            due_on,
        })
    }

    pub fn what(&self) -> &str {
        &self.what
    }

    pub fn owner(&self) -> UserId {
        self.owner
    }

    pub fn due_on(&self) -> NaiveDate {
        self.due_on
    }
}

/// A note written when an action is marked done (may be empty).
pub fn done_note(raw: &str) -> Result<String, CaseError> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    words("note", raw, SHORT_MAX_CHARS, true)
}

/// A review meeting: when it was held, who of the members attended, and
/// its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    held_on: NaiveDate,
    attendees: Vec<UserId>,
    notes: String,
}

impl NewMeeting {
    /// A meeting held on or before `today`, attended by members only (at
    /// least one), with notes.
    pub fn parse(
        held_on: NaiveDate,
        attendees: &[UserId],
        notes: &str,
        members: &[UserId],
        today: NaiveDate,
    ) -> Result<Self, CaseError> {
        if held_on > today {
            return Err(CaseError::MeetingInTheFuture { on: held_on });
        }
        if attendees.is_empty() || attendees.iter().any(|a| !members.contains(a)) {
            return Err(CaseError::AttendeeNotAMember);
        }
        let notes = words("notes", notes, NOTES_MAX_CHARS, true)?;
        if notes.is_empty() {
            return Err(TextError::new("notes", crate::text::TextErrorKind::Empty).into());
        }
        let mut attendees = attendees.to_vec();
        attendees.sort();
        attendees.dedup();
        Ok(Self {
            held_on,
            attendees,
            notes,
        })
    }

    pub fn held_on(&self) -> NaiveDate {
        self.held_on
    }

    pub fn attendees(&self) -> &[UserId] {
        &self.attendees
    }

    pub fn notes(&self) -> &str {
        &self.notes
    }
}

/// The closing note (may be empty; the outcome says the most).
pub fn closing_note(raw: &str) -> Result<String, CaseError> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    words("note", raw, NOTES_MAX_CHARS, true)
}

impl CaseStatus {
    /// Whether the case takes changes: a closed case is a record.
    pub fn check_open(self) -> Result<(), CaseError> {
        match self {
            Self::Open => Ok(()),
            Self::Closed => Err(CaseError::Closed),
        }
    }
}

/// Checks that `lead` is among `members`.
pub fn check_lead(lead: UserId, members: &[UserId]) -> Result<(), CaseError> {
    if members.contains(&lead) {
        Ok(())
    } else {
        Err(CaseError::LeadNotAMember)
    }
}

/// Checks that one more member fits.
pub fn check_room(members: usize) -> Result<(), CaseError> {
    if members >= MEMBERS_MAX {
        Err(CaseError::TooManyMembers)
    } else {
        Ok(())
    }
}

/// Checks that `leaving` may leave a case led by `lead`.
pub fn check_leaving(leaving: UserId, lead: UserId) -> Result<(), CaseError> {
    if leaving == lead {
        Err(CaseError::LeadLeaving)
    } else {
        Ok(())
    }
}

/// Who a missed action's escalation step tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// Step 1: the action's owner.
    Owner,
    /// Step 2: the case's lead professional.
    Lead,
}

impl Told {
    pub fn step(self) -> i64 {
        match self {
            Self::Owner => 1,
            Self::Lead => 2,
        }
    }

    pub fn of_step(step: i64) -> Option<Self> {
        match step {
            1 => Some(Self::Owner),
            2 => Some(Self::Lead),
            _ => None,
        }
    }

    /// When this step is due for an action due on `due_on`: an action is
    /// missed once its due day is over (midnight UTC after it), when the
    /// owner is told; the lead is told [`LEAD_TOLD_AFTER`] later.
    pub fn due_at(self, due_on: NaiveDate) -> DateTime<Utc> {
        let missed = (due_on + Duration::days(1))
            .and_time(NaiveTime::MIN)
            .and_utc();
        match self {
            Self::Owner => missed,
            Self::Lead => missed + LEAD_TOLD_AFTER,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn user(n: u128) -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn an_action_is_due_today_or_later_and_owned_by_a_member() {
        let members = [user(1), user(2)];
        let action = NewAction::parse(
            "Arrange a housing visit",
            user(2),
            day(10),
            &members,
            day(10),
        )
        .expect("due today is allowed");
        assert_eq!(action.owner(), user(2));
        assert_eq!(
            NewAction::parse("Arrange a visit", user(2), day(9), &members, day(10)),
            Err(CaseError::DueInThePast { due: day(9) })
        );
        assert_eq!(
            NewAction::parse("Arrange a visit", user(3), day(12), &members, day(10)),
            Err(CaseError::OwnerNotAMember)
        );
    }

    #[test]
    fn an_action_must_say_something_neutral_and_short() {
        let members = [user(1)];
        let empty = NewAction::parse("  ", user(1), day(12), &members, day(10)).unwrap_err();
        assert_eq!(empty.field(), "what");
        let long = "x".repeat(SHORT_MAX_CHARS + 1);
        assert!(matches!(
            NewAction::parse(&long, user(1), day(12), &members, day(10)),
            Err(CaseError::Text(_))
        ));
        assert!(matches!(
            NewAction::parse(
                "Downgrade his 999 calls",
                user(1),
                day(12),
                &members,
                day(10)
            ),
            Err(CaseError::Words {
                source: WordsError::ProposesWithholding(_),
                ..
            })
        ));
        assert!(matches!(
            reason("He is a frequent flyer"),
            Err(CaseError::Words {
                source: WordsError::NotNeutral(_),
                ..
            })
        ));
    }

    #[test]
    fn a_meeting_is_in_the_past_attended_by_members_with_notes() {
        let members = [user(1), user(2), user(3)];
        let meeting = NewMeeting::parse(
            day(10),
            &[user(2), user(1), user(2)],
            "Agreed next steps",
            &members,
            day(10),
        )
        .unwrap();
        assert_eq!(meeting.attendees(), [user(1), user(2)]);
        assert_eq!(
            NewMeeting::parse(day(11), &[user(1)], "Notes", &members, day(10)),
            Err(CaseError::MeetingInTheFuture { on: day(11) })
        );
        assert_eq!(
            NewMeeting::parse(day(9), &[user(4)], "Notes", &members, day(10)),
            Err(CaseError::AttendeeNotAMember)
        );
        assert_eq!(
            NewMeeting::parse(day(9), &[], "Notes", &members, day(10)),
            Err(CaseError::AttendeeNotAMember)
        );
        assert_eq!(
            NewMeeting::parse(day(9), &[user(1)], " ", &members, day(10))
                .unwrap_err()
                .field(),
            "notes"
        );
    }

    #[test]
    fn the_lead_is_a_member_and_cannot_leave_while_lead() {
        assert_eq!(check_lead(user(1), &[user(1), user(2)]), Ok(()));
        assert_eq!(
            check_lead(user(3), &[user(1)]),
            Err(CaseError::LeadNotAMember)
        );
        assert_eq!(check_leaving(user(1), user(1)), Err(CaseError::LeadLeaving));
        assert_eq!(check_leaving(user(2), user(1)), Ok(()));
        assert_eq!(check_room(MEMBERS_MAX - 1), Ok(()));
        assert_eq!(check_room(MEMBERS_MAX), Err(CaseError::TooManyMembers));
    }

    #[test]
    fn a_closed_case_takes_nothing_more() {
        assert_eq!(CaseStatus::Open.check_open(), Ok(()));
        assert_eq!(CaseStatus::Closed.check_open(), Err(CaseError::Closed));
    }

    #[test]
    fn a_missed_action_tells_its_owner_when_the_day_is_over_and_the_lead_a_day_later() {
        let owner = Told::Owner.due_at(day(10));
        assert_eq!(owner.to_rfc3339(), "2026-03-11T00:00:00+00:00");
        assert_eq!(Told::Lead.due_at(day(10)) - owner, LEAD_TOLD_AFTER);
        assert_eq!(Told::of_step(Told::Lead.step()), Some(Told::Lead));
        assert_eq!(Told::of_step(3), None);
    }

    #[test]
    fn notes_may_be_empty_but_not_unkind() {
        assert_eq!(done_note("  "), Ok(String::new()));
        assert_eq!(closing_note(""), Ok(String::new()));
        assert!(closing_note("should not attend his calls").is_err());
        assert_eq!(CaseOutcome::parse("goals-met"), Ok(CaseOutcome::GoalsMet));
        assert!(CaseOutcome::parse("withdrawn").is_err());
    }
}
