//! Mental capacity, decision by decision (Mental Capacity Act 2005): an
//! assessment of whether the person can make one particular decision now,
//! and — when they cannot — a best-interests decision about sharing their
//! information, made with the people who know them and their known wishes.

use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// What an assessment found, for its one decision.
    pub enum CapacityOutcome, error CapacityOutcomeError = "an outcome" {
        HasCapacity = "has-capacity", "Has capacity for this decision";
        LacksCapacity = "lacks-capacity", "Lacks capacity for this decision";
    }
}

/// The most characters of a decision, reasons, wishes or notes.
pub const TEXT_MAX_CHARS: usize = 2_000;

/// How far ahead the person can be told later, in days: long enough for a
/// crisis to pass, never indefinitely.
pub const TELL_LATER_AT_MOST_DAYS: i64 = 90;
