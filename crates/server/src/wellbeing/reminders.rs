//! Reminders of a check as it falls due: when it is due, the staff member
//! and their organisation's wellbeing leads are told; if it is still open
//! some days later, told once more. A check done, declined or opted out of
//! is left alone. Each step runs once (its job is unique).

use chrono::{DateTime, Duration, Utc};
use concordat_domain::dates::long_date;
use concordat_domain::ids::UserId;
use concordat_domain::role::Role;
use concordat_domain::wellbeing::{Check, Stage, REMIND_AGAIN_AFTER_DAYS};
use concordat_store::jobs::{self, Job};
use concordat_store::wellbeing::{self as store, Incident, IncidentId};
use concordat_store::{notifications, users, Conn, StoreError};

use super::notice::tell;
use crate::delivery::Outbox;
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub const KIND: &str = "wellbeing-check-due";

/// The job's subject: which check of whose attendance.
fn subject(incident: IncidentId, staff: UserId, stage: Stage) -> String {
    format!("{incident}/{staff}/{}", stage.as_str())
}

fn parse(subject: &str) -> Option<(IncidentId, UserId, Stage)> {
    let mut parts = subject.split('/');
    let incident = parts.next()?.parse().ok()?;
    let staff = UserId::parse(parts.next()?).ok()?;
    let stage = Stage::parse(parts.next()?).ok()?;
    parts.next().is_none().then_some((incident, staff, stage))
}

/// Schedules the first reminder of `check`, when it falls due.
pub async fn schedule(
    conn: &mut Conn,
    incident: &Incident,
    staff: UserId,
    check: &Check,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    jobs::schedule(
        conn,
        KIND,
        &subject(incident.id, staff, check.stage),
        1,
        check.due_at.max(now),
        "{}",
        now,
    )
    .await?;
    Ok(())
}

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let (incident, staff, stage) = parse(&job.subject_id)
        .ok_or_else(|| JobError::Unusable(format!("no check `{}`", job.subject_id)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(attended) = store::attendance(&mut tx, incident, staff, false).await? else {
        return Err(JobError::Unusable(format!(
            "no attendance {}",
            job.subject_id
        )));
    };
    let member = users::user_by_id(&mut tx, staff).await?;
    let still_staff = member.as_ref().is_some_and(|u| !u.disabled());
    if !attended.attendance.is_open(stage) || !still_staff || job.step > 2 {
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let name = member.map_or_else(String::new, |u| u.display_name().as_str().to_owned());
    let what = attended.incident.kind.label().to_lowercase();
    let on = long_date(attended.incident.occurred_at.date_naive());
    let check = stage.label().to_lowercase();
    let (to_staff, to_lead) = if job.step == 1 {
        (
            format!(
                "{} of {what} you attended on {on} is due. It is confidential and you may \
                 decline it.",
                stage.label()
            ),
            format!("{check} for {name} ({what}, {on}) is due."),
        )
    } else {
        (
            format!(
                "{} of {what} you attended on {on} has not been taken up. Your wellbeing lead \
                 can arrange it, or you can decline it.",
                stage.label()
            ),
            format!("{check} for {name} ({what}, {on}) is still open."),
        )
    };
    let mut outbox = Outbox::default();
    tell(
        &mut outbox,
        staff,
        "A wellbeing check is due",
        to_staff,
        incident,
        now,
    );
    for lead in
        notifications::users_with_role(&mut tx, attended.organisation, Role::WellbeingLead).await?
    {
        if lead != staff {
            let body = capitalised(&to_lead);
            tell(
                &mut outbox,
                lead,
                "A colleague's wellbeing check",
                body,
                incident,
                now,
            );
        }
    }
    outbox.flush(&mut tx, now).await?;
    if job.step == 1 {
        jobs::schedule(
            &mut tx,
            KIND,
            &job.subject_id,
            2,
            now + Duration::days(REMIND_AGAIN_AFTER_DAYS),
            "{}",
            now,
        )
        .await?;
    }
    complete(tx, job, node, now).await?;
    Ok(())
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_named_by_its_incident_staff_member_and_stage() {
        let incident = uuid::Uuid::now_v7();
        let staff = UserId::parse("0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b").unwrap();
        let s = subject(incident, staff, Stage::FollowUp);
        assert_eq!(parse(&s), Some((incident, staff, Stage::FollowUp)));
        assert_eq!(parse(&format!("{s}/more")), None);
        assert_eq!(parse("nonsense"), None);
    }
}
