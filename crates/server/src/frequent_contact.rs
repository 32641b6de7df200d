//! Frequent contact across agencies: the people whose emergency contacts
//! (999 and NHS 111 calls, emergency department attendances, section 136,
//! street triage, crisis line calls) pass the partnership's threshold
//! ([`concordat_domain::frequent_contact`]), on a list for the team that
//! offers them support.
//!
//! Safeguards, each kept here or in the domain: identification opens a
//! relationship for the support team only, for as long as the entry is
//! current; the list is read person by person through the access decision,
//! each read audited; a review chooses help (an offer of support, a crisis
//! plan review, a multi-agency case) or ends the entry, and its words are
//! refused if they propose a lesser response; the person is told, in their
//! own inbox, when they are identified, reviewed or taken off, and may ask
//! for a review; an entry nobody reviews ends by itself. Governance sees
//! only the list's make-up, with small numbers suppressed.

mod access;
mod ending;
pub mod identify;
mod list;
pub mod make_up;
mod own;
mod review;
mod terms;

pub use concordat_store::frequent_contact::{Entry, EntryId};
pub use ending::{run as run_ending, KIND as ENDING_KIND};
pub use identify::{audit_identified, identify, Identified};
pub use list::{current, entry, offers_support, Listed};
pub use make_up::{make_up, MakeUp};
pub use own::{ask_for_review, has_entries, mine};
pub use review::{review, Outcome, Review};

pub use terms::{CATEGORY, SUPPORT_REASON};
