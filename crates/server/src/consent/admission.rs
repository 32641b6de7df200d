//! Who may look at or change a person's sharing choices: the one access
//! decision, audited with what was looked at or done before anything is
//! shown or changed. Directives and carers both come through here.

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::audit::AuditAction;

use crate::authorisation::{authorise_noted, Viewer};
use crate::error::ServiceError;
use crate::permissions::ConsentSteward;
use crate::AppState;

/// Decides whether `viewer` may look at (`Read`) or change (`Write`)
/// `person`'s sharing choices, and audits the decision with `note` (what
/// was looked at or done) before anything is shown or changed. A stranger
/// takes the same path and time whether or not the person exists, and is
/// answered [`ServiceError::NotFound`].
pub(crate) async fn admit(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    note: String,
) -> Result<ConsentSteward, ServiceError> {
    let audit_action = match action {
        AccessAction::Read => AuditAction::Read,
        AccessAction::Write => AuditAction::Write,
    };
    let authorisation = authorise_noted(
        state,
        viewer,
        person,
        action,
        &[DataCategory::Consent],
        audit_action,
        Some(note),
    )
    .await?;
    match authorisation.refusal() {
        Some(refused) => Err(refused.into()),
        None => Ok(steward(&viewer.user)),
    }
}

/// Who keeps the choices in a request the decision allowed: the person
/// through their own account, or their care team.
pub(super) fn steward(user: &User) -> ConsentSteward {
    if user.role() == Role::Person {
        ConsentSteward::OwnAccount
    } else {
        ConsentSteward::CareTeam
    }
}
