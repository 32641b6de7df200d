//! Outcomes in a currency every partner shares: monthly figures of what
//! happened to people in crisis — detentions and diversions, repeat
//! contact, crisis look-ups, referrals answered — counted from what the
//! partnership already records ([`tally`]), each measure defined once
//! ([`Measure::definition`]). Only aggregates are made here, and they are
//! published through [`crate::suppression`].

mod measure;
mod month;
pub mod tally;
#[cfg(test)]
mod tests;

pub use measure::{Measure, MeasureError, Rate, Theme};
pub use month::{Month, MonthError};
pub use tally::{
    tally, Beneath, BreakGlassUse, Contact, Discharge, Exposure, FollowUp, History, ListEntry,
    LookUp, OnCaseload, PlanInForce, Referral, Refusal, Tally, FOLLOW_UP_WITHIN,
};
