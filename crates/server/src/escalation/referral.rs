//! Escalating an unacknowledged referral. At its acknowledgement deadline
//! the receiving team's duty contact is told; one acknowledgement period
//! later, the partnership's escalation contact named in the agreement (or,
//! if the agreement names none, the receiving organisation's information
//! governance leads). The sender is told at each step; each step is on the
//! referral's timeline and in the audit. A step runs once: its job is
//! unique, and it finishes in the transaction that records it. An
//! acknowledgement cancels what is left of the chain.

use concordat_domain::dates::when;
use concordat_domain::ids::ReferralId;
use concordat_domain::referral::{escalation_due, ReferralStatus};
use concordat_store::jobs::{self, Job};
use concordat_store::persons;
use concordat_store::referrals::{self, ReferralEvent};

use super::reach;
use crate::referrals::calendar::calendar;
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub const KIND: &str = "referral-escalation";

/// The name the timeline gives the system's own acts.
const SYSTEM: &str = "Concordat (deadline missed)";

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = ReferralId::parse(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("escalation of `{}`: {e}", job.subject_id)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(mut referral) = referrals::referral_by_id(&mut tx, id, true).await? else {
        return Err(JobError::Unusable(format!("no referral {id} to escalate")));
    };
    // Acknowledged meanwhile, or this step already taken: nothing to do.
    if referral.status != ReferralStatus::Sent || referral.escalation_step >= job.step {
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let (levels, _) = referrals::service_levels(&mut tx, referral.agreement).await?;
    let person = persons::person_by_id(&mut tx, referral.person)
        .await?
        .map(|p| p.name().full())
        .unwrap_or_default();
    let missed = escalation_due(
        referral.acknowledge_due,
        levels.for_urgency(referral.urgency).acknowledge,
        u32::try_from(job.step).unwrap_or(1),
        &calendar(state),
    );
    let reach = if job.step <= 1 {
        reach::duty_contact(&mut tx, referral.to_team).await?
    } else {
        reach::partnership_contact(&mut tx, Some(referral.agreement), referral.to_organisation)
            .await?
    };
    let note = format!(
        "{} referral for {person} not acknowledged by {}; escalated to {}",
        referral.urgency.label(),
        when(missed),
        reach.whom
    );
    reach::tell(
        &mut tx,
        &reach,
        referral.from_user,
        (
            &format!("Escalation: unacknowledged referral for {person}"),
            &format!("Your referral for {person} has been escalated"),
        ),
        &note,
        &format!("/referrals/{id}"),
        now,
    )
    .await?;
    referral.escalation_step = job.step;
    referrals::save_progress(&mut tx, &referral).await?;
    referrals::add_event(
        &mut tx,
        id,
        &ReferralEvent {
            at: now,
            kind: "escalated".into(),
            actor: None,
            actor_name: SYSTEM.into(),
            note: note.clone(),
        },
    )
    .await?;
    let mut data = crate::webhooks::referral_data(&referral);
    data["escalation_step"] = job.step.into();
    crate::webhooks::enqueue_for(
        &mut tx,
        referral.to_organisation,
        "referral.escalated",
        &data,
        now,
    )
    .await?;
    if job.step == 1 {
        let second = escalation_due(
            referral.acknowledge_due,
            levels.for_urgency(referral.urgency).acknowledge,
            2,
            &calendar(state),
        );
        jobs::schedule(&mut tx, KIND, &job.subject_id, 2, second, "{}", now).await?;
    }
    if !complete(tx, job, node, now).await? {
        // Another node took this job over; it will record the step.
        return Ok(());
    }
    reach::audit(
        state,
        referral.person,
        concordat_domain::category::DataCategory::Referrals,
        note,
        now,
    )
    .await
}
