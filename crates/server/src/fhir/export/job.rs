//! The work of an export, as scheduler jobs. A step works through the
//! people the export covers a batch at a time: each person read as
//! `$everything` reads them, one look decided and audited as one entry
//! (the people of a batch are decided together, so their audit entries
//! share commits);
//! what may be shown is written as NDJSON files, one per type, with the
//! cursor, in one transaction. A step hands on to the next after a while,
//! well inside its lease; a node that dies mid-batch leaves the cursor
//! where the last batch ended, and the next holder starts from there.
//! When no one is left the export is complete, and its expiry scheduled.

use std::time::Instant;

use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use concordat_store::covered;
use concordat_store::exports::{self, Export, ExportFile, ExportStatus};
use concordat_store::jobs::{self, Job};
use concordat_store::users;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::super::organization::organization;
use super::super::outcome::FhirError;
use super::super::parts::{self, WithPatient, ABOUT_A_PERSON};
use crate::authorisation::Viewer;
use crate::record::people::covers;
use crate::scheduler::job::{self, JobError, MAX_ATTEMPTS};
use crate::{directory, AppState};

/// The job that works on an export; its subject is the export's id.
pub const KIND: &str = "bulk-export";
/// The job that deletes an ended export's files when their time is up.
pub const EXPIRY_KIND: &str = "bulk-export-expiry";

/// Runs one step of the export `job` names.
pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = export_id(job)?;
    let worked = work(state, node, job, id).await;
    if let Err(error) = &worked {
        // The scheduler gives up on a job after its last attempt; the
        // export then says it failed rather than run for ever.
        if job.attempts >= MAX_ATTEMPTS {
            give_up(state, id, &error.to_string()).await?;
        }
    }
    worked
}

/// Deletes the export `job` names, and its files.
pub async fn expire(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = export_id(job)?;
    let mut tx = state.store.write().await?;
    exports::delete(&mut tx, id).await?;
    job::complete(tx, job, node, state.clock.now()).await?;
    Ok(())
}

fn export_id(job: &Job) -> Result<uuid::Uuid, JobError> {
    uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|_| JobError::Unusable(format!("`{}` is not an export's id", job.subject_id)))
}

async fn work(state: &AppState, node: &str, job: &Job, id: uuid::Uuid) -> Result<(), JobError> {
    let Some(mut export) = ({
        let mut conn = state.store.read().await?;
        exports::export_by_id(&mut conn, id).await?
    }) else {
        // Cancelled: nothing left to do.
        job::complete(state.store.write().await?, job, node, state.clock.now()).await?;
        return Ok(());
    };
    if export.status != ExportStatus::Running {
        job::complete(state.store.write().await?, job, node, state.clock.now()).await?;
        return Ok(());
    }
    let Some(viewer) = viewer_of(state, &export).await? else {
        let mut tx = state.store.write().await?;
        let why = "the account that asked for this export can no longer read records";
        end(state, &mut tx, &export, ExportStatus::Failed, Some(why)).await?;
        job::complete(tx, job, node, state.clock.now()).await?;
        return Ok(());
    };
    let covers = covers(&viewer.user, export.group);
    let settings = &state.config.export;
    let batch = i64::try_from(settings.batch.max(1)).unwrap_or(i64::MAX);
    let started = Instant::now();
    loop {
        let now = state.clock.now();
        let people = {
            let mut conn = state.store.read().await?;
            covered::people(&mut conn, covers, &export.cursor, now, batch).await?
        };
        let Some(last) = people.last().map(ToString::to_string) else {
            return complete(state, node, job, &export).await;
        };
        let files = files_of(state, &viewer, &export, &people)
            .await
            .map_err(|e| JobError::Transient(format!("exporting a batch: {e}")))?;
        let written = i64::try_from(people.len()).unwrap_or(i64::MAX);
        let mut tx = state.store.write().await?;
        if !exports::write_batch(&mut tx, &export, &last, written, &files).await? {
            // Cancelled meanwhile, or this step's batch written by the node
            // that held the step before: either way, not this step's work.
            drop(tx);
            job::complete(state.store.write().await?, job, node, now).await?;
            return Ok(());
        }
        if started.elapsed() >= settings.step {
            jobs::schedule(&mut tx, KIND, &job.subject_id, job.step + 1, now, "", now).await?;
            job::complete(tx, job, node, now).await?;
            return Ok(());
        }
        tx.commit().await?;
        export.cursor = last;
        export.people_done += written;
        export.files_written += i64::try_from(files.len()).unwrap_or(i64::MAX);
    }
}

/// The caller the export was asked by, as they are now: `None` if their
/// account is gone or disabled, or the purpose no longer reads.
async fn viewer_of(state: &AppState, export: &Export) -> Result<Option<Viewer>, JobError> {
    let user = {
        let mut conn = state.store.read().await?;
        users::user_by_id(&mut conn, export.user).await?
    };
    let purpose = Purpose::parse_code(&export.purpose).ok();
    Ok(match (user, purpose) {
        (Some(user), Some(purpose)) if !user.disabled() => Some(Viewer { user, purpose }),
        _ => None,
    })
}

/// Ends the export: the partnership's organisations written, for a
/// system-level one that asked for them, and its expiry scheduled.
async fn complete(
    state: &AppState,
    node: &str,
    job: &Job,
    export: &Export,
) -> Result<(), JobError> {
    let now = state.clock.now();
    let mut files = Vec::new();
    if export.types.iter().any(|t| t == "Organization") {
        let all = directory::organisations(state)
            .await
            .map_err(|e| JobError::Transient(e.to_string()))?;
        let resources: Vec<Value> = all.iter().map(organization).collect();
        files.extend(file_of("Organization", resources.iter(), None));
    }
    let mut tx = state.store.write().await?;
    // The organisations and the end in one transaction, or neither (the
    // export was cancelled, or another node ended it).
    let finished = exports::write_batch(&mut tx, export, &export.cursor, 0, &files).await?
        && end(state, &mut tx, export, ExportStatus::Complete, None).await?;
    if finished {
        job::complete(tx, job, node, now).await?;
    } else {
        drop(tx);
        job::complete(state.store.write().await?, job, node, now).await?;
    }
    Ok(())
}

/// Ends `export` as `status` (with `why`, if it failed) in `tx`, and
/// schedules its files' deletion for when their time is up. False, doing
/// nothing, if it is no longer running from the cursor it holds.
async fn end(
    state: &AppState,
    tx: &mut concordat_store::WriteTx<'_>,
    export: &Export,
    status: ExportStatus,
    why: Option<&str>,
) -> Result<bool, JobError> {
    let now = state.clock.now();
    let kept_until = now + state.config.export.kept_for;
    if !exports::finish(tx, export, status, why, now, kept_until).await? {
        return Ok(false);
    }
    let id = export.id.to_string();
    jobs::schedule(tx, EXPIRY_KIND, &id, 0, kept_until, "", now).await?;
    Ok(true)
}

/// Marks the export failed after its job's last attempt.
async fn give_up(state: &AppState, id: uuid::Uuid, error: &str) -> Result<(), JobError> {
    tracing::error!(export = %id, %error, "bulk export failed");
    let mut tx = state.store.write().await?;
    let Some(export) = exports::export_by_id(&mut tx, id).await? else {
        return Ok(());
    };
    let why = "the export could not be completed; ask for it again";
    end(state, &mut tx, &export, ExportStatus::Failed, Some(why)).await?;
    tx.commit().await?;
    Ok(())
}

/// The files of one batch of `people`: one per type that has anything to
/// show, in the order of the export's types.
async fn files_of(
    state: &AppState,
    viewer: &Viewer,
    export: &Export,
    people: &[PersonId],
) -> Result<Vec<ExportFile>, FhirError> {
    let about: Vec<&str> = ABOUT_A_PERSON
        .iter()
        .copied()
        .filter(|k| export.types.iter().any(|t| t == k))
        .collect();
    let with_patient = export.types.iter().any(|t| t == "Patient");
    let shown: Vec<Vec<Value>> = futures::stream::iter(people.iter().copied())
        .map(|person| shown_of(state, viewer, with_patient, &about, person))
        .buffered(state.config.export.concurrency.max(1))
        .try_collect()
        .await?;
    let all: Vec<&Value> = shown.iter().flatten().collect();
    Ok(export
        .types
        .iter()
        .filter_map(|kind| {
            let of_kind = all
                .iter()
                .copied()
                .filter(|r| r["resourceType"].as_str() == Some(kind.as_str()));
            file_of(kind, of_kind, export.since)
        })
        .collect())
}

/// What `viewer` may see of `person`, as `$everything` shows it.
async fn shown_of(
    state: &AppState,
    viewer: &Viewer,
    with_patient: bool,
    about: &[&str],
    person: PersonId,
) -> Result<Vec<Value>, FhirError> {
    let patient = if with_patient {
        WithPatient::IfShown
    } else {
        WithPatient::No
    };
    let found = parts::look(state, viewer, "", patient, about, person).await?;
    Ok(found.into_iter().map(|found| found.resource).collect())
}

/// One NDJSON file of `resources` of `kind` changed after `since`, or
/// `None` if there are none. A resource that does not say when it last
/// changed is always written: a client asking for changes gets too much
/// rather than too little.
fn file_of<'a>(
    kind: &str,
    resources: impl Iterator<Item = &'a Value>,
    since: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<ExportFile> {
    let mut body = String::new();
    let mut count = 0;
    for resource in resources {
        let changed = resource["meta"]["lastUpdated"]
            .as_str()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok());
        if let (Some(since), Some(changed)) = (since, changed) {
            if changed <= since {
                continue;
            }
        }
        body.push_str(&resource.to_string());
        body.push('\n');
        count += 1;
    }
    (count > 0).then(|| ExportFile {
        resource_type: kind.to_owned(),
        count,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_file_holds_one_resource_per_line_and_none_is_empty() {
        let resources = [
            json!({"resourceType": "Flag", "id": "a"}),
            json!({"resourceType": "Flag", "id": "b"}),
        ];
        let file = file_of("Flag", resources.iter(), None).unwrap();
        assert_eq!(file.count, 2);
        assert_eq!(file.body.lines().count(), 2);
        for line in file.body.lines() {
            assert_eq!(
                serde_json::from_str::<Value>(line).unwrap()["resourceType"],
                "Flag"
            );
        }
        assert!(file_of("Flag", [].iter(), None).is_none());
    }

    #[test]
    fn since_keeps_what_changed_after_it_and_what_does_not_say() {
        let since = chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let resources = [
            json!({"resourceType": "Encounter", "id": "old", "meta": {"lastUpdated": "2026-02-28T23:59:59Z"}}),
            json!({"resourceType": "Encounter", "id": "same", "meta": {"lastUpdated": "2026-03-01T00:00:00Z"}}),
            json!({"resourceType": "Encounter", "id": "new", "meta": {"lastUpdated": "2026-03-01T00:00:01Z"}}),
            json!({"resourceType": "Encounter", "id": "unsaid"}),
        ];
        let file = file_of("Encounter", resources.iter(), Some(since)).unwrap();
        let ids: Vec<String> = file
            .body
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(ids, vec!["new", "unsaid"]);
    }
}
