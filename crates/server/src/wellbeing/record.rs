//! Recording that staff attended a traumatic incident: each of them is
//! offered both checks at once (told in their inbox), their organisation's
//! wellbeing leads are told, and a reminder is scheduled for when each
//! check falls due. Staff record it here ([`record`], which checks what was
//! typed); a partner's system marks a contact event it sends as one, and
//! the event's writer records it with [`write`] in the event's own
//! transaction.

use chrono::Duration;
use concordat_domain::dates::{long_date, parse_moment};
use concordat_domain::ids::OrganisationId;
use concordat_domain::role::Role;
use concordat_domain::user::{User, Username};
use concordat_domain::wellbeing::{Attendance, IncidentKind};
use concordat_store::users;
use concordat_store::wellbeing::{self as store, Attended, Incident, IncidentId};
use concordat_store::{notifications, Conn, StoreError};

use super::notice::tell;
use super::reminders;
use super::who::is_staff;
use crate::delivery::Outbox;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// How far back an incident may be recorded: a check offered later than
/// this would help no one, and the partnership's figures close.
pub const NO_OLDER_THAN_DAYS: i64 = 90;

/// An incident as typed.
#[derive(Debug, Clone, Default)]
pub struct IncidentInput {
    /// One of [`IncidentKind`]'s words (`suicide-attempt`).
    pub kind: String,
    /// When it happened: RFC 3339, or a UK clock time (`2026-12-03T02:40`).
    pub occurred_at: String,
    /// Who else attended, by username: colleagues of the recorder's own
    /// organisation. A member of staff records their own attendance with
    /// them (empty: theirs alone); a wellbeing lead names everyone who
    /// attended.
    pub attended: Vec<String>,
}

/// Records the incident and who attended it; returns its id.
pub async fn record(
    state: &AppState,
    user: &User,
    input: &IncidentInput,
) -> Result<IncidentId, ServiceError> {
    is_staff(user)?;
    let now = state.clock.now();
    let mut faults = Vec::new();
    let kind = IncidentKind::parse(input.kind.trim())
        .map_err(|e| faults.push(FieldError::new("kind", e)))
        .ok();
    let occurred_at = match parse_moment(&input.occurred_at) {
        None => {
            faults.push(FieldError::new(
                "occurred_at",
                "say when it happened, such as 2026-12-03T02:40 (UK time)",
            ));
            None
        }
        Some(at) if at > now + Duration::minutes(5) => {
            faults.push(FieldError::new("occurred_at", "that time has not come yet"));
            None
        }
        Some(at) if at < now - Duration::days(NO_OLDER_THAN_DAYS) => {
            faults.push(FieldError::new(
                "occurred_at",
                format!(
                    "incidents more than {NO_OLDER_THAN_DAYS} days ago cannot be recorded; \
                     speak to your wellbeing lead"
                ),
            ));
            None
        }
        Some(at) => Some(at),
    };

    let mut tx = state.store.write().await?;
    let mut attended: Vec<User> = Vec::new();
    let names: Vec<&str> = input
        .attended
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if user.role() != Role::WellbeingLead {
        attended.push(user.clone());
    } else if names.is_empty() {
        faults.push(FieldError::new(
            "attended",
            "name the colleagues who attended, by username",
        ));
    }
    for name in names {
        // Someone of another organisation, disabled, or not staff is
        // answered as no one: their own organisation records for them.
        let found = match Username::parse(name) {
            Ok(u) => users::user_by_username(&mut tx, &u).await?,
            Err(_) => None,
        }
        .filter(|u| may_attend(u, user.organisation_id()));
        match found {
            Some(u) if attended.iter().any(|a| a.id() == u.id()) => {}
            Some(u) => attended.push(u),
            None => faults.push(FieldError::new(
                "attended",
                format!("no one in your organisation has the username `{name}`"),
            )),
        }
    }
    let (Some(kind), Some(occurred_at), true) = (kind, occurred_at, faults.is_empty()) else {
        return Err(ServiceError::Invalid(faults));
    };

    let incident = Incident {
        id: uuid::Uuid::now_v7(),
        organisation: user.organisation_id(),
        kind,
        occurred_at,
        recorded_by: user.id(),
        recorded_at: now,
    };
    let mut outbox = Outbox::default();
    write(&mut tx, &mut outbox, &incident, &attended).await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(incident.id)
}

/// Whether `user` may be recorded as having attended an incident of
/// `organisation`: its own staff, still with an account. Anyone else is
/// their own organisation's to record.
pub(crate) fn may_attend(user: &User, organisation: OrganisationId) -> bool {
    user.organisation_id() == organisation
        && !user.disabled()
        && user.role().is_professional()
        && !user.role().is_system()
}

/// Writes `incident`, already checked, with the attendance of each of
/// `attended` (each of whom [`may_attend`]): their checks, a reminder for
/// each, and the notices to them and their organisation's wellbeing leads,
/// gathered in `outbox` for the caller to flush with the rest of its
/// transaction. The caller commits, so the incident is kept with whatever
/// else the transaction keeps, or not at all.
pub(crate) async fn write(
    conn: &mut Conn,
    outbox: &mut Outbox,
    incident: &Incident,
    attended: &[User],
) -> Result<(), StoreError> {
    let now = incident.recorded_at;
    let occurred_at = incident.occurred_at;
    store::insert_incident(conn, incident).await?;
    let leads =
        notifications::users_with_role(conn, incident.organisation, Role::WellbeingLead).await?;
    let on = long_date(occurred_at.date_naive());
    let what = incident.kind.label().to_lowercase();
    for staff in attended {
        let attendance = Attended {
            incident: incident.clone(),
            organisation: staff.organisation_id(),
            team: staff.team_id(),
            attendance: Attendance::offered(staff.id(), occurred_at, now),
        };
        store::insert_attendance(conn, &attendance).await?;
        for check in &attendance.attendance.checks {
            reminders::schedule(conn, incident, staff.id(), check, now).await?;
        }
        tell(
            outbox,
            staff.id(),
            "Support after a traumatic incident",
            format!(
                "You attended {what} on {on}. A confidential wellbeing check is offered about \
                 72 hours after it and a follow-up about a month after; you may decline \
                 either. Only you and your wellbeing lead see it."
            ),
            incident.id,
            now,
        );
        for lead in leads.iter().filter(|l| **l != staff.id()) {
            tell(
                outbox,
                *lead,
                "A colleague attended a traumatic incident",
                format!(
                    "{} attended {what} on {on}. Their first wellbeing check is due about 72 \
                     hours after it.",
                    staff.display_name().as_str()
                ),
                incident.id,
                now,
            );
        }
    }
    Ok(())
}
