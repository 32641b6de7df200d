//! Escalating a missed action of a multi-agency case. When its due day is
//! over and it is not done, its owner is told; a day later, if it is still
//! not done, the case's lead professional. Each step runs once: its job is
//! unique, the action records the last step taken, and the step finishes
//! in the transaction that tells. Marking the action done, or closing the
//! case, cancels what is left.

use concordat_domain::case::CaseStatus;
use concordat_domain::case::Told;
use concordat_domain::category::DataCategory;
use concordat_domain::dates::long_date;
use concordat_store::cases;
use concordat_store::jobs::{self, Job};
use concordat_store::notifications::{self, Notification};
use concordat_store::persons;

use super::reach;
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub const KIND: &str = "case-action-missed";

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("case action `{}`: {e}", job.subject_id)))?;
    let told = Told::of_step(job.step)
        .ok_or_else(|| JobError::Unusable(format!("no escalation step {}", job.step)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(mut action) = cases::action_by_id(&mut tx, id, true).await? else {
        return Err(JobError::Unusable(format!(
            "no case action {id} to escalate"
        )));
    };
    let Some(case) = cases::case_by_id(&mut tx, action.case, false).await? else {
        return Err(JobError::Unusable(format!(
            "no case {} to escalate",
            action.case
        )));
    };
    // Done meanwhile, the case closed, or this step already taken.
    if action.done_at.is_some()
        || case.status != CaseStatus::Open
        || action.escalation_step >= job.step
    {
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let person = persons::person_by_id(&mut tx, case.person)
        .await?
        .map(|p| p.name().full())
        .unwrap_or_default();
    let (whom, user) = match told {
        Told::Owner => ("its owner", action.owner),
        Told::Lead => ("the case's lead professional", case.lead),
    };
    let note = format!(
        "action for {person} due {} not done: “{}”; escalated to {whom}",
        long_date(action.due_on),
        action.what
    );
    notifications::insert_notification(
        &mut tx,
        &Notification {
            id: uuid::Uuid::new_v4(),
            user,
            kind: "escalated".into(),
            subject: format!("Missed action in the multi-agency case for {person}"),
            body: note.clone(),
            link: Some(format!("/cases/{}", case.id)),
            created_at: now,
            read_at: None,
        },
    )
    .await?;
    action.escalation_step = job.step;
    cases::save_action(&mut tx, &action).await?;
    if told == Told::Owner {
        jobs::schedule(
            &mut tx,
            KIND,
            &job.subject_id,
            Told::Lead.step(),
            Told::Lead.due_at(action.due_on),
            "{}",
            now,
        )
        .await?;
    }
    if !complete(tx, job, node, now).await? {
        // Another node took this job over; it will record the step.
        return Ok(());
    }
    reach::audit(state, case.person, DataCategory::CareTeam, note, now).await
}
