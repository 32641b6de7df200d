//! The crisis side of a person's record: the crisis plan made with them,
//! safety flags, contacts with services, and the out-of-hours crisis
//! look-up. Every read and write here goes through the one access decision
//! (`crate::access`) and is audited before anything is shown or changed.

pub mod contacts;
pub mod coverage;
pub mod flags;
pub mod lookup;
pub mod plans;

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_store::audit::AuditAction;
use concordat_store::{care_teams, StoreError};

use crate::access::{authorise, AccessError, Authorisation, Refused, Viewer};
use crate::AppState;

/// How a crisis request can fail, for the API and the pages to word.
#[derive(Debug, thiserror::Error)]
pub enum CrisisError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such person (or plan, flag…), or none this user may know of.
    #[error("not found")]
    NotFound,
    /// The access decision refused; `rule` is the policy that decided.
    #[error("{reason}")]
    Denied { reason: String, rule: String },
    /// Not allowed for a reason other than the access decision (the act is
    /// for the care team, or for crisis roles).
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with what is stored now.
    #[error("{0}")]
    Conflict(String),
    /// Input that breaks a rule, by field.
    #[error("the request is not valid")]
    Invalid(Vec<(String, String)>),
}

impl CrisisError {
    pub fn invalid(field: &str, message: impl ToString) -> Self {
        Self::Invalid(vec![(field.to_owned(), message.to_string())])
    }
}

impl From<Refused> for CrisisError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::NotFound => Self::NotFound,
            Refused::Denied { reason, rule } => Self::Denied { reason, rule },
        }
    }
}

/// Decides and audits `action` on `category` of `person`'s record, and
/// fails unless it is allowed.
pub async fn require(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    category: DataCategory,
) -> Result<Authorisation, CrisisError> {
    let audit_action = match action {
        AccessAction::Write => AuditAction::Write,
        _ => AuditAction::Read,
    };
    let authorisation = authorise(state, viewer, person, action, &[category], audit_action).await?;
    match authorisation.refusal() {
        Some(refused) => Err(refused.into()),
        None => Ok(authorisation),
    }
}

/// Whether the viewer works on the person's care team, or is the person:
/// drafts of a plan are for them; everyone else sees only what was agreed.
pub async fn sees_drafts(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<bool, CrisisError> {
    if viewer.user.person_id() == Some(person) {
        return Ok(true);
    }
    let mut conn = state.store.read().await?;
    Ok(care_teams::is_care_team_member(&mut conn, person, viewer.user.id()).await?)
}
