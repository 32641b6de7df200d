//! Matching contact events that arrived without an NHS number to the
//! people Concordat knows, by probabilistic record linkage
//! (`concordat_link`).
//!
//! An event naming its person only by details (names, date of birth,
//! postcode, the sender's own identifier) is held (`crate::contact_events`): the sender is
//! told it is held, whoever it describes, so the answer never says whether
//! such a person is known. A scheduler job ([`job`]) compares the held
//! events with everyone, estimating the model from the data as `concordat
//! link run` does, and for each event:
//!
//! - links it without review when exactly one person is at least as likely
//!   as the link threshold and no identifier of one system disagrees: the
//!   event is recorded for them as its sender would have recorded it with
//!   their NHS number — the same decision, audit and notifications;
//! - asks a reviewer of the sending organisation when someone is at least
//!   as likely as the review threshold: the event waits in the review queue
//!   with its candidates and the evidence for each;
//! - leaves it unmatched otherwise, still listed for the reviewers.
//!
//! A reviewer ([`review`]) sees the event's details beside each candidate's
//! demographics, each read under a `match-review` relationship (theirs
//! alone, demographics only, for an hour) through the access decision and
//! audited, and decides: this person (the event is recorded for them), none
//! of them, someone Concordat does not know yet (a new person record is
//! started from the event's details and the event recorded for them — the
//! only way a held event starts a record), or unsure (it waits for another
//! reviewer). Linking an event names the person it was about; two person
//! records are merged only by a reviewer's choice ([`merge`]), and can be
//! unmerged.

mod details;
mod evidence;
pub mod job;
pub mod merge;
mod new_person;
mod recording;
pub mod review;
pub mod schedule;
mod scoring;

pub use details::{record_of, sex_of};
pub use evidence::{Evidence, FieldWeight};
pub use new_person::NewRecord;
pub use review::{decide, item, queue, waiting_for, Choice, Item, QueueEntry, ReviewedCandidate};
