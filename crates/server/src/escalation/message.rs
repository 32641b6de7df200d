//! Escalating a message whose sender asked for an acknowledgement that did
//! not come: first to the duty contact of each team in the thread (or of
//! the named users' teams), then, one deadline's length later, to the
//! partnership's escalation contact of the agreement between the sender's
//! organisation and the receivers'. The sender is told at each step; each
//! step is audited and runs once.

use concordat_domain::agreement::AgreementStatus;
use concordat_domain::ids::MessageId;
use concordat_store::jobs::{self, Job};
use concordat_store::{agreements, messages, users};

use super::reach::{self, Reach};
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub const KIND: &str = "message-escalation";

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = MessageId::parse(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("escalation of `{}`: {e}", job.subject_id)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(message) = messages::message_by_id(&mut tx, id, true).await? else {
        return Err(JobError::Unusable(format!("no message {id} to escalate")));
    };
    let (Some(due), None) = (message.acknowledge_due, message.acknowledged_at) else {
        complete(tx, job, node, now).await?;
        return Ok(());
    };
    if message.escalation_step >= job.step {
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let thread = messages::thread_by_id(&mut tx, message.thread)
        .await?
        .ok_or_else(|| JobError::Unusable(format!("message {id} has no thread")))?;
    // The receiving teams: those named, else the named users' own.
    let mut teams = thread.teams.clone();
    if teams.is_empty() {
        for user in &thread.users {
            if let Some(team) = users::user_by_id(&mut tx, *user)
                .await?
                .and_then(|u| u.team_id())
            {
                teams.push(team);
            }
        }
        teams.sort();
        teams.dedup();
    }
    let reach = if job.step <= 1 {
        let mut all = Reach {
            users: Vec::new(),
            whom: String::new(),
        };
        for team in &teams {
            let r = reach::duty_contact(&mut tx, *team).await?;
            all.users.extend(r.users);
            all.whom = if all.whom.is_empty() {
                r.whom
            } else {
                format!("{}; {}", all.whom, r.whom)
            };
        }
        all.users.sort();
        all.users.dedup();
        all.users.retain(|u| *u != message.author);
        all
    } else {
        let author = users::user_by_id(&mut tx, message.author).await?;
        let receiving = match teams.first() {
            Some(t) => concordat_store::teams::team_by_id(&mut tx, *t)
                .await?
                .map(|t| t.organisation_id()),
            None => None,
        };
        let (Some(author), Some(receiving)) = (author, receiving) else {
            return Err(JobError::Unusable(format!(
                "message {id} has no one to escalate to"
            )));
        };
        let agreement = agreements::agreements_of_organisation(&mut tx, author.organisation_id())
            .await?
            .into_iter()
            .find(|a| {
                a.status() == AgreementStatus::Active && a.terms().parties.contains(&receiving)
            })
            .map(|a| a.id());
        reach::partnership_contact(&mut tx, agreement, receiving).await?
    };
    let missed = due + (due - message.sent_at) * i32::try_from(job.step - 1).unwrap_or(0);
    let note = format!(
        "message \u{201c}{}\u{201d} not acknowledged by {}; escalated to {}",
        thread.subject,
        concordat_domain::dates::when(missed),
        reach.whom
    );
    reach::tell(
        &mut tx,
        &reach,
        message.author,
        (
            &format!("Escalation: unacknowledged message, {}", thread.subject),
            &format!("Your message has been escalated: {}", thread.subject),
        ),
        &note,
        &format!("/threads/{}", thread.id),
        now,
    )
    .await?;
    messages::set_escalation_step(&mut tx, id, job.step).await?;
    if job.step == 1 {
        let second = due + (due - message.sent_at);
        jobs::schedule(&mut tx, KIND, &job.subject_id, 2, second, "{}", now).await?;
    }
    if !complete(tx, job, node, now).await? {
        // Another node took this job over; it will record the step.
        return Ok(());
    }
    reach::audit(
        state,
        thread.person,
        concordat_domain::category::DataCategory::Messages,
        note,
        now,
    )
    .await
}
