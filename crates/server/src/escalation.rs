//! Escalation: when something that asked to be acknowledged is not, the
//! system tells more people, step by step. Two things escalate, each a job
//! kind the scheduler runs: an unacknowledged referral ([`referral`]) and a
//! message whose sender asked for an acknowledgement ([`message`]). Both
//! reach people and tell them the same way ([`reach`]). A missed action of a
//! multi-agency case tells its owner, then the case's lead ([`case_action`]).

pub mod case_action;
pub mod message;
pub mod reach;
pub mod referral;
