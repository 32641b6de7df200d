//! Recording a check's result — a band, and whether support was taken up
//! or an onward referral made — or that it was declined; and opting out of
//! every check still to come. The staff member records for themselves, or
//! their organisation's wellbeing lead with them; anyone else is answered
//! as if there were no such attendance.

use concordat_domain::user::{User, Username};
use concordat_domain::wellbeing::{Band, CheckRefused, Outcome, Stage};
use concordat_store::users;
use concordat_store::wellbeing::{self as store, Attended, IncidentId};
use concordat_store::Conn;

use super::who::{is_staff, leads};
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// A check's result as typed.
#[derive(Debug, Clone, Default)]
pub struct CheckInput {
    /// Whose check, by username; empty for the caller's own.
    pub staff: String,
    /// `72-hours` or `one-month`.
    pub stage: String,
    /// `done` or `declined`.
    pub outcome: String,
    /// For a check done: `low`, `raised` or `high`.
    pub band: String,
    pub support_taken_up: bool,
    pub onward_referral: bool,
}

/// Records the result of one check.
pub async fn record_check(
    state: &AppState,
    user: &User,
    incident: IncidentId,
    input: &CheckInput,
) -> Result<Attended, ServiceError> {
    is_staff(user)?;
    let mut faults = Vec::new();
    let stage = Stage::parse(input.stage.trim())
        .map_err(|e| faults.push(FieldError::new("stage", e)))
        .ok();
    let outcome = match input.outcome.trim() {
        "declined" => Some(Outcome::Declined),
        "done" => match Band::parse(input.band.trim()) {
            Ok(band) => Some(Outcome::Done {
                band,
                support_taken_up: input.support_taken_up,
                onward_referral: input.onward_referral,
            }),
            Err(e) => {
                faults.push(FieldError::new("band", e));
                None
            }
        },
        other => {
            faults.push(FieldError::new(
                "outcome",
                format!("`{other}` is not a result; expected `done` or `declined`"),
            ));
            None
        }
    };
    let (Some(stage), Some(outcome), true) = (stage, outcome, faults.is_empty()) else {
        return Err(ServiceError::Invalid(faults));
    };
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut attended = attendance_for(&mut tx, user, incident, &input.staff).await?;
    attended
        .attendance
        .end(stage, outcome, user.id(), now)
        .map_err(refused)?;
    store::save(&mut tx, &attended).await?;
    tx.commit().await?;
    Ok(attended)
}

/// Opts the caller out of every check of an incident still to come. Only
/// the staff member themselves may.
pub async fn opt_out(
    state: &AppState,
    user: &User,
    incident: IncidentId,
) -> Result<Attended, ServiceError> {
    is_staff(user)?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut attended = store::attendance(&mut tx, incident, user.id(), true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    attended.attendance.opt_out(now);
    store::save(&mut tx, &attended).await?;
    tx.commit().await?;
    Ok(attended)
}

/// The attendance of `staff` (the caller's own when empty) at `incident`,
/// locked, if the caller may record for it.
async fn attendance_for(
    conn: &mut Conn,
    user: &User,
    incident: IncidentId,
    staff: &str,
) -> Result<Attended, ServiceError> {
    let staff = staff.trim();
    let whose = if staff.is_empty() {
        Some(user.id())
    } else {
        match Username::parse(staff) {
            Ok(name) => users::user_by_username(conn, &name).await?.map(|u| u.id()),
            Err(_) => None,
        }
    };
    let Some(whose) = whose else {
        return Err(ServiceError::NotFound);
    };
    let attended = store::attendance(conn, incident, whose, true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if whose == user.id() || leads(user, attended.organisation) {
        Ok(attended)
    } else {
        Err(ServiceError::NotFound)
    }
}

fn refused(refusal: CheckRefused) -> ServiceError {
    ServiceError::Conflict(refusal.to_string())
}
