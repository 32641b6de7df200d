//! Beginning an export: whom it covers, kept with what was asked, and its
//! first step given to the scheduler, in one transaction, so an export
//! that was answered `202` is always worked on, by whichever node is up.

use concordat_domain::ids::TeamId;
use concordat_store::covered;
use concordat_store::exports::{self, Export, ExportStatus};
use concordat_store::jobs;

use super::super::outcome::FhirError;
use super::ask::{Ask, Level};
use super::job::KIND;
use crate::authorisation::Viewer;
use crate::record::people::covers;
use crate::AppState;

/// Keeps a new export of `ask` at `level` (of `group`'s caseload, for a
/// group-level one) for `viewer`, asked at `request`, and schedules its
/// first step now. Returns its id.
pub async fn begin(
    state: &AppState,
    viewer: &Viewer,
    level: Level,
    group: Option<TeamId>,
    ask: Ask,
    request: &str,
) -> Result<uuid::Uuid, FhirError> {
    let now = state.clock.now();
    let covers = covers(&viewer.user, group);
    let mut tx = state.store.write().await?;
    let people_total = covered::count_people(&mut tx, covers, now).await?;
    let export = Export {
        id: uuid::Uuid::new_v4(),
        user: viewer.user.id(),
        purpose: viewer.purpose.code().to_owned(),
        level: level.as_str().to_owned(),
        group,
        types: ask.types.iter().map(|t| (*t).to_owned()).collect(),
        since: ask.since,
        request: request.to_owned(),
        status: ExportStatus::Running,
        cursor: String::new(),
        people_total,
        people_done: 0,
        files_written: 0,
        error: None,
        created_at: now,
        completed_at: None,
        expires_at: now + state.config.export.kept_for,
    };
    let scheduled = async {
        exports::insert(&mut tx, &export).await?;
        jobs::schedule(&mut tx, KIND, &export.id.to_string(), 0, now, "", now).await?;
        tx.commit().await
    };
    scheduled.await?;
    Ok(export.id)
}
