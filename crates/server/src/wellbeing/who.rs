//! Who may take part: staff, and an organisation's wellbeing leads.

use concordat_domain::role::Role;
use concordat_domain::user::User;

use crate::error::ServiceError;

/// Staff only: the person, a carer and a partner's system have no part
/// here (a system marks an incident through the contact event it sends).
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
