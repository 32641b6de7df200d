//! Telling the person that someone used emergency access (break-glass) on
//! their record: a notice in their own inbox once the access has ended, so
//! that information governance has its length to defer disclosure (as it
//! may, for the person's or another's safety). A deferred use is told on
//! the day the deferral ends, as their access log shows it from then.

use chrono::{DateTime, Utc};
use concordat_domain::break_glass::BreakGlass;
use concordat_domain::dates::{uk_clock, when};
use concordat_store::jobs::{self, Job};
use concordat_store::{break_glass as grants, organisations, users, Conn, StoreError};

use crate::delivery::{Message, Outbox};
use crate::scheduler::job::{complete, JobError};
use crate::told::tell_the_person;
use crate::AppState;

pub const KIND: &str = "break-glass-notice";

/// Schedules the notice of `use_` for when its access ends, in the
/// transaction that grants it.
pub async fn schedule(
    conn: &mut Conn,
    use_: &BreakGlass,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let subject = use_.id.to_string();
    jobs::schedule(conn, KIND, &subject, 1, use_.expires_at, "{}", now).await?;
    Ok(())
}

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("notice of `{}`: {e}", job.subject_id)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(use_) = grants::break_glass_by_id(&mut tx, id).await? else {
        return Err(JobError::Unusable(format!(
            "no break-glass {id} to tell of"
        )));
    };
    if !use_.visible_to_person(now.date_naive()) {
        // Deferred: told the day the deferral ends (a later step, so that a
        // deferral changed again is followed from there).
        if let Some(until) = use_.deferral.as_ref().map(|d| d.until) {
            let at = until.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            jobs::schedule(&mut tx, KIND, &job.subject_id, job.step + 1, at, "{}", now).await?;
        }
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let told = notice(&mut tx, &use_).await?;
    let mut outbox = Outbox::default();
    tell_the_person(&mut tx, &mut outbox, use_.person, &told, now).await?;
    outbox.flush(&mut tx, now).await?;
    complete(tx, job, node, now).await?;
    Ok(())
}

/// The notice, in the person's words: who, from where, when, and why.
async fn notice(conn: &mut Conn, use_: &BreakGlass) -> Result<Message, StoreError> {
    let by = users::user_by_id(conn, use_.user).await?;
    let (name, role, organisation) = match by {
        Some(user) => {
            let organisation = organisations::organisation_by_id(conn, user.organisation_id())
                .await?
                .map(|o| o.name().to_owned())
                .unwrap_or_default();
            let role = user.role().label().to_lowercase();
            (user.display_name().as_str().to_owned(), role, organisation)
        }
        None => (
            "A former member of staff".into(),
            String::new(),
            String::new(),
        ),
    };
    let who = if organisation.is_empty() {
        name
    } else {
        format!("{name}, {role} at {organisation},")
    };
    Ok(Message {
        kind: KIND.into(),
        subject: "Someone used emergency access to your record".into(),
        body: format!(
            "{who} used emergency access to your record on {} (until {}), on the basis of {}. \
             The reason they gave: “{}”. Emergency access overrides your choices only to \
             protect life or prevent serious harm, and every use is reviewed. Your access log \
             shows what they looked at.",
            when(use_.granted_at),
            uk_clock(use_.expires_at),
            use_.basis.label().to_lowercase(),
            use_.justification.as_str()
        ),
        link: Some("/my/access-log".into()),
        person: Some(use_.person),
    })
}
