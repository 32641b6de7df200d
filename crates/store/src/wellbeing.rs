//! Traumatic incidents staff attended, the checks offered after them, and
//! whose line manager is whom. Nothing here names a person in crisis.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, TeamId, UserId};
use concordat_domain::wellbeing::{Attendance, Band, Check, IncidentKind, Outcome, Stage};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

pub type IncidentId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: IncidentId,
    /// The organisation whose staff attended (each organisation records
    /// its own staff's attendance).
    pub organisation: OrganisationId,
    pub kind: IncidentKind,
    pub occurred_at: DateTime<Utc>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

/// One member of staff's attendance at an incident, with its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attended {
    pub incident: Incident,
    pub organisation: OrganisationId,
    /// The staff member's team when the attendance was recorded.
    pub team: Option<TeamId>,
    pub attendance: Attendance,
}

pub async fn insert_incident(conn: &mut Conn, i: &Incident) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO traumatic_incidents \
         (id, organisation_id, kind, occurred_at, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(i.id.to_string())
    .bind(i.organisation.to_string())
    .bind(i.kind.as_str())
    .bind(time::encode(i.occurred_at))
    .bind(i.recorded_by.to_string())
    .bind(time::encode(i.recorded_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Records an attendance and its checks, as new.
pub async fn insert_attendance(conn: &mut Conn, a: &Attended) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO incident_attendances \
         (incident_id, user_id, organisation_id, team_id, recorded_at, opted_out_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(a.incident.id.to_string())
    .bind(a.attendance.staff.to_string())
    .bind(a.organisation.to_string())
    .bind(a.team.map(|t| t.to_string()))
    .bind(time::encode(a.attendance.recorded_at))
    .bind(a.attendance.opted_out_at.map(time::encode))
    .execute(&mut *conn)
    .await?;
    for c in &a.attendance.checks {
        sqlx::query(
            "INSERT INTO wellbeing_checks (incident_id, user_id, stage, due_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(a.incident.id.to_string())
        .bind(a.attendance.staff.to_string())
        .bind(c.stage.as_str())
        .bind(time::encode(c.due_at))
        .execute(&mut *conn)
        .await?;
    }
    save(conn, a).await
}

/// Writes what changes of an attendance: the opt-out and each check's end.
pub async fn save(conn: &mut Conn, a: &Attended) -> Result<(), StoreError> {
    let (incident, user) = (a.incident.id.to_string(), a.attendance.staff.to_string());
    sqlx::query(
        "UPDATE incident_attendances SET opted_out_at = $1 \
         WHERE incident_id = $2 AND user_id = $3",
    )
    .bind(a.attendance.opted_out_at.map(time::encode))
    .bind(incident.clone())
    .bind(user.clone())
    .execute(&mut *conn)
    .await?;
    for c in &a.attendance.checks {
        let (outcome, band, support, onward) = match c.outcome {
            None => (None, None, None, None),
            Some(Outcome::Declined) => (Some("declined"), None, None, None),
            Some(Outcome::Done {
                band,
                support_taken_up,
                onward_referral,
            }) => (
                Some("done"),
                Some(band.as_str()),
                Some(i64::from(support_taken_up)),
                Some(i64::from(onward_referral)),
            ),
        };
        sqlx::query(
            "UPDATE wellbeing_checks SET outcome = $1, band = $2, support_taken_up = $3, \
             onward_referral = $4, ended_at = $5, recorded_by = $6 \
             WHERE incident_id = $7 AND user_id = $8 AND stage = $9",
        )
        .bind(outcome)
        .bind(band)
        .bind(support)
        .bind(onward)
        .bind(c.ended_at.map(time::encode))
        .bind(c.recorded_by.map(|u| u.to_string()))
        .bind(incident.clone())
        .bind(user.clone())
        .bind(c.stage.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const COLUMNS: &str = "i.id, i.organisation_id AS incident_organisation_id, i.kind, \
     i.occurred_at, i.recorded_by, i.recorded_at AS incident_recorded_at, a.user_id, \
     a.organisation_id, a.team_id, a.recorded_at, a.opted_out_at";

const FROM: &str = "FROM incident_attendances a JOIN traumatic_incidents i ON i.id = a.incident_id";

/// Attendances matching `filter` (over `a` and `i`, with `values` as its
/// parameters `$1`, `$2`…), newest incident first, with their checks.
async fn select(
    conn: &mut Conn,
    filter: &str,
    values: &[String],
    lock: &str,
) -> Result<Vec<Attended>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {filter} \
         ORDER BY i.occurred_at DESC, i.id, a.user_id{lock}"
    );
    let mut found = sqlx::query(&sql);
    for v in values {
        found = found.bind(v.clone());
    }
    let found = found.fetch_all(&mut *conn).await?;
    let mut checks: HashMap<(String, String), Vec<Check>> = HashMap::new();
    let sql = format!(
        "SELECT c.incident_id, c.user_id, c.stage, c.due_at, c.outcome, c.band, \
         c.support_taken_up, c.onward_referral, c.ended_at, c.recorded_by \
         FROM wellbeing_checks c JOIN incident_attendances a \
         ON a.incident_id = c.incident_id AND a.user_id = c.user_id \
         JOIN traumatic_incidents i ON i.id = a.incident_id \
         WHERE {filter} ORDER BY c.due_at"
    );
    let mut of_checks = sqlx::query(&sql);
    for v in values {
        of_checks = of_checks.bind(v.clone());
    }
    for row in of_checks.fetch_all(&mut *conn).await? {
        let key = (
            rows::text(&row, "incident_id")?,
            rows::text(&row, "user_id")?,
        );
        checks.entry(key).or_default().push(check(&row)?);
    }
    found
        .iter()
        .map(|row| {
            let key = (rows::text(row, "id")?, rows::text(row, "user_id")?);
            attended(row, checks.remove(&key).unwrap_or_default())
        })
        .collect()
}

/// One attendance; with `for_update` its row stays locked (PostgreSQL)
/// until the transaction ends.
pub async fn attendance(
    conn: &mut Conn,
    incident: IncidentId,
    staff: UserId,
    for_update: bool,
) -> Result<Option<Attended>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let filter = "a.incident_id = $1 AND a.user_id = $2";
    Ok(select(
        conn,
        filter,
        &[incident.to_string(), staff.to_string()],
        lock,
    )
    .await?
    .into_iter()
    .next())
}

/// Everyone recorded as attending `incident`.
pub async fn attendances_at(
    conn: &mut Conn,
    incident: IncidentId,
) -> Result<Vec<Attended>, StoreError> {
    select(conn, "a.incident_id = $1", &[incident.to_string()], "").await
}

/// `staff`'s own attendances.
pub async fn attendances_of(conn: &mut Conn, staff: UserId) -> Result<Vec<Attended>, StoreError> {
    select(conn, "a.user_id = $1", &[staff.to_string()], "").await
}

/// The attendances of `organisation`'s staff (for its wellbeing leads).
pub async fn attendances_in(
    conn: &mut Conn,
    organisation: OrganisationId,
) -> Result<Vec<Attended>, StoreError> {
    select(
        conn,
        "a.organisation_id = $1",
        &[organisation.to_string()],
        "",
    )
    .await
}

/// The attendances of the staff `manager` line-manages.
pub async fn attendances_managed_by(
    conn: &mut Conn,
    manager: UserId,
) -> Result<Vec<Attended>, StoreError> {
    select(
        conn,
        "a.user_id IN (SELECT user_id FROM line_managers WHERE manager_id = $1)",
        &[manager.to_string()],
        "",
    )
    .await
}

/// Attendances at incidents that happened in `[from, to)`, for the
/// partnership's figures.
pub async fn attendances_between(
    conn: &mut Conn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Attended>, StoreError> {
    select(
        conn,
        "i.occurred_at >= $1 AND i.occurred_at < $2",
        &[time::encode(from), time::encode(to)],
        "",
    )
    .await
}

/// Names `manager` as `staff`'s line manager, or clears it.
pub async fn set_line_manager(
    conn: &mut Conn,
    staff: UserId,
    manager: Option<UserId>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM line_managers WHERE user_id = $1")
        .bind(staff.to_string())
        .execute(&mut *conn)
        .await?;
    if let Some(manager) = manager {
        sqlx::query("INSERT INTO line_managers (user_id, manager_id) VALUES ($1, $2)")
            .bind(staff.to_string())
            .bind(manager.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `staff`'s line manager, if one is named.
pub async fn line_manager(conn: &mut Conn, staff: UserId) -> Result<Option<UserId>, StoreError> {
    let row = sqlx::query("SELECT manager_id FROM line_managers WHERE user_id = $1")
        .bind(staff.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| rows::id(r, "manager_id")).transpose()
}

fn corrupt(what: &'static str) -> impl Fn(String) -> StoreError {
    move |e| StoreError::corrupt(what, e)
}

fn check(row: &AnyRow) -> Result<Check, StoreError> {
    let outcome = match rows::opt_text(row, "outcome")?.as_deref() {
        None => None,
        Some("declined") => Some(Outcome::Declined),
        Some("done") => Some(Outcome::Done {
            band: Band::parse(&rows::text(row, "band")?)
                .map_err(|e| StoreError::corrupt("check band", e))?,
            support_taken_up: rows::flag(row, "support_taken_up")?,
            onward_referral: rows::flag(row, "onward_referral")?,
        }),
        Some(other) => return Err(corrupt("check outcome")(other.to_owned())),
    };
    Ok(Check {
        stage: Stage::parse(&rows::text(row, "stage")?)
            .map_err(|e| StoreError::corrupt("check stage", e))?,
        due_at: rows::instant(row, "due_at")?,
        outcome,
        ended_at: rows::opt_instant(row, "ended_at")?,
        recorded_by: rows::opt_id(row, "recorded_by")?,
    })
}

fn attended(row: &AnyRow, checks: Vec<Check>) -> Result<Attended, StoreError> {
    let occurred_at = rows::instant(row, "occurred_at")?;
    Ok(Attended {
        incident: Incident {
            id: rows::text(row, "id")?
                .parse()
                .map_err(|e| StoreError::corrupt("incident id", e))?,
            organisation: rows::id(row, "incident_organisation_id")?,
            kind: IncidentKind::parse(&rows::text(row, "kind")?)
                .map_err(|e| StoreError::corrupt("incident kind", e))?,
            occurred_at,
            recorded_by: rows::id(row, "recorded_by")?,
            recorded_at: rows::instant(row, "incident_recorded_at")?,
        },
        organisation: rows::id(row, "organisation_id")?,
        team: rows::opt_id(row, "team_id")?,
        attendance: Attendance {
            staff: rows::id(row, "user_id")?,
            occurred_at,
            recorded_at: rows::instant(row, "recorded_at")?,
            opted_out_at: rows::opt_instant(row, "opted_out_at")?,
            checks,
        },
    })
}
