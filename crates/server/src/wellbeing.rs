//! Safeguarding those who safeguard: staff record that they attended a
//! traumatic incident ([`record`]), are offered a trauma-risk check at
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
pub mod record;
pub mod reminders;
pub mod views;

use concordat_domain::role::Role;
use concordat_domain::user::User;

use crate::error::ServiceError;

pub use record::{record, IncidentInput};

/// Staff only: the person, a carer and a partner's system have no part.
pub fn is_staff(user: &User) -> Result<(), ServiceError> {
    let role = user.role();
    if !role.is_professional() || role.is_system() {
        return Err(ServiceError::Forbidden(
            "wellbeing checks after traumatic incidents are for the partnership's staff".into(),
        ));
    }
    Ok(())
}

/// Whether `user` is a wellbeing lead of the organisation `of`.
pub fn leads(user: &User, of: concordat_domain::ids::OrganisationId) -> bool {
    user.role() == Role::WellbeingLead && user.organisation_id() == of && !user.disabled()
}
