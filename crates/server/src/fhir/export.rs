//! Bulk Data export (HL7 FHIR Bulk Data Access 2.0), asynchronous:
//! `$export` at system, `Patient` and `Group` level is answered `202`
//! with the address of its status; the status answers `202` with its
//! progress until the files are written, then the manifest; `DELETE`
//! there cancels it; each file is NDJSON. Only the asker, with a token
//! for the purpose they asked under, finds any of it. What the files
//! hold is what the asker may read, each person decided and audited by
//! the services that own their record (see `job`); the work lives in the
//! store and the scheduler's job table, so a restart loses none of it;
//! files are deleted when their time is up.

pub mod ask;
pub mod begin;
pub mod job;
pub mod standing;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::ids::TeamId;
use serde_json::json;

use super::outcome::FhirError;
use super::search;
use super::wire::{instant, FhirPath, FhirRequest};
use crate::auth::bearer;
use crate::AppState;
use ask::Level;
use standing::Standing;

pub const EXPORT: &str = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export";
pub const PATIENT_EXPORT: &str =
    "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export";
pub const GROUP_EXPORT: &str = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export";

/// Where an export's standing is read (and it is cancelled), below the base.
const STATUS: &str = "bulk-status";
/// Where its files are read, below the base.
const FILES: &str = "bulk-files";
/// The media type of an export's files.
const NDJSON: &str = "application/fhir+ndjson";
/// Seconds a client is asked to wait between polls.
const POLL_AFTER: &str = "2";

/// The status and file addresses (the kick-offs are operations in the
/// table the router is made from).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("/{STATUS}/{{id}}"), get(status).delete(cancel))
        .route(&format!("/{FILES}/{{id}}/{{seq}}"), get(file))
}

/// `GET /fhir/$export`.
pub async fn system(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: FhirRequest,
) -> Result<Response, FhirError> {
    kick_off(&state, &headers, &request, Level::System, None).await
}

/// `GET /fhir/Patient/$export`.
pub async fn patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: FhirRequest,
) -> Result<Response, FhirError> {
    kick_off(&state, &headers, &request, Level::Patient, None).await
}

/// Begins an export at `level` (of `group`'s caseload, for a group-level
/// one): `202` with the address of its status.
pub async fn kick_off(
    state: &AppState,
    headers: &HeaderMap,
    request: &FhirRequest,
    level: Level,
    group: Option<TeamId>,
) -> Result<Response, FhirError> {
    let prefer = headers.get("prefer").and_then(|v| v.to_str().ok());
    let ask = ask::read(level, prefer, &request.params)?;
    let id = begin::begin(state, &request.viewer, level, group, ask, &request.asked).await?;
    let location = format!("{}/{STATUS}/{id}", request.base);
    let mut response = StatusCode::ACCEPTED.into_response();
    response.headers_mut().insert(
        header::CONTENT_LOCATION,
        HeaderValue::from_str(&location)
            .map_err(|e| FhirError::Internal(format!("status address: {e}")))?,
    );
    Ok(response)
}

/// `GET /fhir/bulk-status/{id}`: `202` with progress while it runs, the
/// manifest once complete.
async fn status(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<Response, FhirError> {
    search::no_parameters(&request.params)?;
    match standing::standing(&state, &request.viewer, &id).await? {
        Standing::Running { done, total } => {
            let mut response = StatusCode::ACCEPTED.into_response();
            let progress = format!("{done} of {total} people");
            let headers = response.headers_mut();
            if let Ok(progress) = HeaderValue::from_str(&progress) {
                headers.insert("x-progress", progress);
            }
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static(POLL_AFTER));
            Ok(response)
        }
        Standing::Failed { why } => {
            let outcome = json!({
                "resourceType": "OperationOutcome",
                "issue": [{ "severity": "error", "code": "exception", "diagnostics": why }],
            });
            let mut response =
                (StatusCode::INTERNAL_SERVER_ERROR, outcome.to_string()).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(super::terms::FHIR_JSON),
            );
            Ok(response)
        }
        Standing::Complete { export, files } => {
            let base = &request.base;
            let manifest = json!({
                "transactionTime": instant(export.created_at),
                "request": export.request,
                "requiresAccessToken": true,
                "output": files.iter().map(|f| json!({
                    "type": f.resource_type,
                    "url": format!("{base}/{FILES}/{}/{}", export.id, f.seq),
                    "count": f.count,
                })).collect::<Vec<_>>(),
                "error": [],
            });
            let mut response = manifest.to_string().into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let expires = export
                .expires_at
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string();
            if let Ok(expires) = HeaderValue::from_str(&expires) {
                headers.insert(header::EXPIRES, expires);
            }
            Ok(response)
        }
    }
}

/// `DELETE /fhir/bulk-status/{id}`: the export stops and its files go.
async fn cancel(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<Response, FhirError> {
    search::no_parameters(&request.params)?;
    standing::cancel(&state, &request.viewer, &id).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `GET /fhir/bulk-files/{id}/{seq}`: one file, as NDJSON. Read with the
/// asker's token; its media type is NDJSON whatever `Accept` says, as
/// the manifest named it.
async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    FhirPath((id, seq)): FhirPath<(String, String)>,
) -> Result<Response, FhirError> {
    let viewer = bearer::caller(&state, &headers).await?.viewer();
    let body = standing::file(&state, &viewer, &id, &seq).await?;
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    Ok(response)
}
