//! An unanswered correction request escalates: the day after its answer
//! was due its owner is told it is overdue, and a week later, if it is
//! still unanswered, the information governance leads of the owner's
//! organisation. Each step runs once (its job is unique, the request
//! records the last step taken) and finishes in the transaction that
//! tells; an answered request ends it.

use chrono::Duration;
use concordat_domain::correction::CorrectionStatus;
use concordat_domain::dates::long_date;
use concordat_domain::role::Role;
use concordat_store::corrections as store;
use concordat_store::jobs::{self, Job};
use concordat_store::notifications::{self, Notification};
use concordat_store::users;

use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub const KIND: &str = "correction-overdue";

/// Days between telling the owner and telling governance.
const THEN_GOVERNANCE_AFTER: i64 = 7;

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("correction `{}`: {e}", job.subject_id)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(mut correction) = store::by_id(&mut tx, id, true).await? else {
        return Err(JobError::Unusable(format!(
            "no correction {id} to escalate"
        )));
    };
    if correction.status != CorrectionStatus::Open || correction.escalation_step >= job.step {
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let due = long_date(correction.answer_by);
    let told = match job.step {
        1 => vec![correction.owner],
        2 => {
            let owner = users::user_by_id(&mut tx, correction.owner).await?;
            let organisation = owner.map(|o| o.organisation_id());
            users::list_users(&mut tx, organisation)
                .await?
                .into_iter()
                .filter(|u| u.role() == Role::IgLead && !u.disabled())
                .map(|u| u.id())
                .collect()
        }
        other => return Err(JobError::Unusable(format!("no escalation step {other}"))),
    };
    for user in told {
        notifications::insert_notification(
            &mut tx,
            &Notification {
                id: uuid::Uuid::new_v4(),
                user,
                kind: "escalated".into(),
                subject: "A correction request is overdue".into(),
                body: format!(
                    "A person's request to correct {} was to be answered by {due}",
                    correction.part.label().to_lowercase()
                ),
                link: Some(format!("/corrections/{}", correction.id)),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
    }
    correction.escalation_step = job.step;
    store::save(&mut tx, &correction).await?;
    if job.step == 1 {
        jobs::schedule(
            &mut tx,
            KIND,
            &job.subject_id,
            2,
            now + Duration::days(THEN_GOVERNANCE_AFTER),
            "{}",
            now,
        )
        .await?;
    }
    complete(tx, job, node, now).await?;
    Ok(())
}
