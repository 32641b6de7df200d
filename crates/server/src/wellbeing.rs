//! Safeguarding those who safeguard: staff record that they attended a
//! traumatic incident ([`record`]), or a partner's system marks a contact
//! event as one for the staff it names (`crate::contact_events`); they are
//! offered a trauma-risk check at
//! about 72 hours and a follow-up at about a month, and are reminded
//! through the scheduler ([`reminders`]); the result is kept as a band
//! only ([`checks`]), and the staff member may decline or opt out.
//!
//! Confidential by design ([`views`]): an attendance is its staff
//! member's and their organisation's wellbeing leads' only; a line manager
//! is told that support was offered and nothing else; other organisations
//! see nothing. An incident names no person in crisis, so nothing of it
//! reaches anyone's record, access log, export or FHIR resource. Neither
//! is it written to the audit log, which information governance leads
//! search: each check keeps who recorded it and when. The partnership
//! sees only the suppressed monthly figures of `crate::outcomes`.

pub mod checks;
pub mod notice;
pub mod record;
pub mod reminders;
pub mod views;
pub mod who;

/// An attendance and its checks, and an incident's id, as the services
/// answer them.
pub use concordat_store::wellbeing::{Attended, IncidentId};
pub use record::{record, IncidentInput};
