//! The person's own copy of their record: everything the partnership
//! holds about them that they may see — their details and care team,
//! every version of their crisis plan, their safety flags, their contacts
//! with services, and who has looked at their record and why — in one
//! file they can keep or give to someone else, and one page they can
//! print. Each part is read as the person's own pages read it, through
//! the access decision for their own access and audited. A part the
//! decision withholds is said to be withheld, and why, never left out.

use chrono::{DateTime, Utc};
use concordat_domain::contact_event::ContactEvent;
use concordat_domain::crisis_plan::PlanVersion;
use concordat_domain::flag::SafetyFlag;
use serde::Serialize;

use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::governance::{self, AccessLogItem};
use crate::permissions;
use crate::record::views::Masked;
use crate::record::{self, ReadOutcome, RecordView};
use crate::AppState;

/// The most access log entries a copy holds, newest first.
pub const ACCESS_LOG_AT_MOST: u32 = 5_000;

/// A person's own copy.
#[derive(Debug, Clone, Serialize)]
pub struct OwnCopy {
    /// What the file is, in words, for whoever opens it.
    pub about: &'static str,
    pub made_at: DateTime<Utc>,
    /// Details and care team, as the person's own record page shows them.
    pub record: RecordView,
    /// Every version of the crisis plan the person may see, oldest first.
    pub crisis_plan: Masked<Vec<PlanVersion>>,
    /// Every safety flag, newest first.
    pub safety_flags: Masked<Vec<SafetyFlag>>,
    /// Contacts with services (999 calls, A&E visits, detentions, …),
    /// most recent first.
    pub contacts: Masked<Vec<ContactEvent>>,
    /// Who has looked at the record or changed it, and why, newest first.
    pub access_log: Vec<AccessLogItem>,
}

const ABOUT: &str = "A copy of your record as the crisis care partnership holds it: your \
                     details, your care team, every version of your crisis plan, your safety \
                     flags, your contacts with services, and who has looked at your record and \
                     why.";

/// A part as read, or the decision's reason for withholding it.
fn part<T>(read: Result<T, ServiceError>) -> Result<Masked<T>, ServiceError> {
    match read {
        Ok(value) => Ok(Masked::Shown(value)),
        Err(ServiceError::Denied { reason, .. }) => Ok(Masked::withheld(&reason)),
        Err(other) => Err(other),
    }
}

/// The viewer's own copy. Only a person's own account has one.
pub async fn own_copy(state: &AppState, viewer: &Viewer) -> Result<OwnCopy, ServiceError> {
    let person = permissions::own_access_log(&viewer.user)
        .map_err(|refusal| ServiceError::Forbidden(refusal.as_str().to_owned()))?;
    let record = match record::read(state, viewer, person, &record::SERVED).await? {
        ReadOutcome::Shown(view) => *view,
        // A person may always read their own record (`own-record`); a
        // refusal here is a fault, and no copy is better than half of one.
        ReadOutcome::Denied { reason, .. } => return Err(ServiceError::Internal(reason)),
        ReadOutcome::NotFound => return Err(ServiceError::NotFound),
    };
    let crisis_plan = part(
        crate::crisis::plans::history(state, viewer, person)
            .await
            .map(|h| h.map(|h| h.versions).unwrap_or_default()),
    )?;
    let safety_flags = part(crate::crisis::flags::list(state, viewer, person).await)?;
    let contacts = part(crate::crisis::contacts::list(state, viewer, person).await)?;
    let access_log = governance::access_log(state, person, ACCESS_LOG_AT_MOST).await?;
    Ok(OwnCopy {
        about: ABOUT,
        made_at: state.clock.now(),
        record,
        crisis_plan,
        safety_flags,
        contacts,
        access_log,
    })
}
