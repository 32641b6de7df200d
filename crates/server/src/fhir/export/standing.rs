//! An export as its asker sees it afterwards: how far it has gone, the
//! files it wrote, and cancelling it. Only the user who asked, under the
//! purpose they asked for, finds it; anyone else, and anyone once its
//! time is up, finds what they would for an export that never was.

use concordat_store::exports::{self, Export, ExportStatus, FileEntry};
use concordat_store::jobs;

use super::super::outcome::FhirError;
use super::job::KIND;
use crate::authorisation::Viewer;
use crate::AppState;

/// Where an export stands.
#[derive(Debug)]
pub enum Standing {
    Running {
        done: i64,
        total: i64,
    },
    Complete {
        export: Box<Export>,
        files: Vec<FileEntry>,
    },
    Failed {
        why: String,
    },
}

/// The export `id`, if `viewer` asked for it and it has not expired.
async fn own(state: &AppState, viewer: &Viewer, id: &str) -> Result<Export, FhirError> {
    let id = uuid::Uuid::parse_str(id).map_err(|_| FhirError::NotFound)?;
    let export = {
        let mut conn = state.store.read().await?;
        exports::export_by_id(&mut conn, id).await?
    };
    let now = state.clock.now();
    export
        .filter(|e| e.user == viewer.user.id() && e.purpose == viewer.purpose.code())
        .filter(|e| e.status == ExportStatus::Running || e.expires_at > now)
        .ok_or(FhirError::NotFound)
}

/// Where the export `id` stands, for `viewer`.
pub async fn standing(state: &AppState, viewer: &Viewer, id: &str) -> Result<Standing, FhirError> {
    let export = own(state, viewer, id).await?;
    Ok(match export.status {
        ExportStatus::Running => Standing::Running {
            done: export.people_done,
            total: export.people_total,
        },
        ExportStatus::Failed => Standing::Failed {
            why: export.error.clone().unwrap_or_default(),
        },
        ExportStatus::Complete => {
            let files = {
                let mut conn = state.store.read().await?;
                exports::files(&mut conn, export.id).await?
            };
            Standing::Complete {
                export: Box::new(export),
                files,
            }
        }
    })
}

/// Cancels the export `id` (or deletes it once complete), with its files.
pub async fn cancel(state: &AppState, viewer: &Viewer, id: &str) -> Result<(), FhirError> {
    let export = own(state, viewer, id).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    exports::delete(&mut tx, export.id).await?;
    jobs::cancel(&mut tx, KIND, &export.id.to_string(), now).await?;
    tx.commit().await?;
    Ok(())
}

/// File `seq` of the export `id`: its type and NDJSON.
pub async fn file(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    seq: &str,
) -> Result<String, FhirError> {
    let export = own(state, viewer, id).await?;
    if export.status != ExportStatus::Complete {
        return Err(FhirError::NotFound);
    }
    let seq: i64 = seq.parse().map_err(|_| FhirError::NotFound)?;
    let mut conn = state.store.read().await?;
    exports::file_body(&mut conn, export.id, seq)
        .await?
        .ok_or(FhirError::NotFound)
}
