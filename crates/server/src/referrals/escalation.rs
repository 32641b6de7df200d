//! Escalating an unacknowledged referral. At its acknowledgement deadline
//! the receiving team's duty contact is told; one acknowledgement period
//! later, the partnership's escalation contact named in the agreement (or,
//! if the agreement names none, the receiving organisation's information
//! governance leads). The sender is told at each step; each step is on the
//! referral's timeline and in the audit. A step runs once: its job is
//! unique, and it finishes in the transaction that records it. An
//! acknowledgement cancels what is left of the chain.

use concordat_domain::ids::{ReferralId, UserId};
use concordat_domain::referral::{escalation_due, ReferralStatus};
use concordat_domain::role::Role;
use concordat_store::audit::{AuditAction, AuditEntry, Outcome};
use concordat_store::jobs::{self, Job};
use concordat_store::notifications::{self, Notification};
use concordat_store::referrals::{self, ReferralEvent};
use concordat_store::{persons, teams, users};

use super::{calendar, when};
use crate::scheduler::{complete, JobError};
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
        if complete(&mut tx, job, node, now).await? {
            tx.commit().await?;
        }
        return Ok(());
    }
    let team = teams::team_by_id(&mut tx, referral.to_team)
        .await?
        .ok_or_else(|| JobError::Unusable(format!("referral {id} names no team")))?;
    let (levels, partnership_contact) =
        referrals::service_levels(&mut tx, referral.agreement).await?;
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

    let (recipients, whom): (Vec<UserId>, String) = if job.step <= 1 {
        let members = users::users_of_team(&mut tx, team.id()).await?;
        let phone = team
            .duty_phone()
            .map(|p| format!(", duty line {}", p.as_str()))
            .unwrap_or_default();
        (
            members.iter().map(|u| u.id()).collect(),
            format!("the duty contact of {}{phone}", team.name()),
        )
    } else {
        match partnership_contact {
            Some(contact) => {
                let name = users::user_by_id(&mut tx, contact)
                    .await?
                    .map(|u| u.display_name().as_str().to_owned())
                    .unwrap_or_default();
                (
                    vec![contact],
                    format!("the partnership's escalation contact, {name}"),
                )
            }
            None => {
                let leads =
                    notifications::users_with_role(&mut tx, referral.to_organisation, Role::IgLead)
                        .await?;
                (
                    leads,
                    "the receiving organisation's information governance leads (the agreement \
                     names no escalation contact)"
                        .to_owned(),
                )
            }
        }
    };
    let note = format!(
        "{} referral for {person} not acknowledged by {}; escalated to {whom}",
        referral.urgency.label(),
        when(missed)
    );
    for user in recipients.iter().copied().chain([referral.from_user]) {
        let to_sender = user == referral.from_user;
        notifications::insert_notification(
            &mut tx,
            &Notification {
                id: uuid::Uuid::new_v4(),
                user,
                kind: "referral-escalated".into(),
                subject: if to_sender {
                    format!("Your referral for {person} has been escalated")
                } else {
                    format!("Escalation: unacknowledged referral for {person}")
                },
                body: note.clone(),
                link: Some(format!("/referrals/{id}")),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
    }
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
    if job.step == 1 {
        let second = escalation_due(
            referral.acknowledge_due,
            levels.for_urgency(referral.urgency).acknowledge,
            2,
            &calendar(state),
        );
        jobs::schedule(&mut tx, KIND, &job.subject_id, 2, second, "{}", now).await?;
    }
    if !complete(&mut tx, job, node, now).await? {
        // Another node took this job over; it will record the step.
        return Ok(());
    }
    tx.commit().await?;
    state
        .audit
        .record(AuditEntry {
            occurred_at: now,
            actor: None,
            purpose: None,
            person: Some(referral.person),
            action: AuditAction::Escalation,
            categories: vec![concordat_domain::category::DataCategory::Referrals],
            outcome: Outcome::Allowed,
            reasons: vec![note],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await
        .map_err(|e| JobError::Transient(format!("escalation recorded but not audited: {e}")))?;
    Ok(())
}
