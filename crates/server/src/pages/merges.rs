//! The person records a service's reviewers merged (`/matching/merges`),
//! each with what moved and a way to undo it
//! (`POST /matching/merges/{id}/undo`). Everything goes through
//! [`crate::matching::merge`].

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::matching::merge::{self as service, Merge};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/matching/merges", get(list))
        .route("/matching/merges/{id}/undo", post(undo))
}

/// A merge as the page shows it.
struct Row {
    id: String,
    /// Where the undo form's fault is shown: `undo-{id}`.
    fault: String,
    event_id: String,
    kept: String,
    merged: String,
    when: String,
    moved: String,
    note: String,
    undone: Option<String>,
    undo_note: String,
}

fn row(m: &Merge) -> Row {
    Row {
        id: m.id.to_string(),
        fault: format!("undo-{}", m.id),
        event_id: m.event_id.clone(),
        kept: m.kept.clone(),
        merged: m.merged.clone(),
        when: when(m.merged_at),
        moved: m.moved.clone(),
        note: m.note.clone(),
        undone: m.undone_at.map(when),
        undo_note: m.undo_note.clone(),
    }
}

#[derive(Template)]
#[template(path = "merges.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    notice: Option<&'static str>,
    faults: Faults,
    /// The merge whose undo came back with a fault, and its note.
    failed: String,
    note: String,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    faults: Faults,
    (failed, note): (String, String),
) -> Result<ListPage, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let merges = service::list(state, &viewer).await?;
    Ok(ListPage {
        chrome: Chrome::load(state, session).await?,
        rows: merges.iter().map(row).collect(),
        notice: None,
        faults,
        failed,
        note,
    })
}

/// `GET /matching/merges`.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let mut shown = page(&state, &session, Faults::new(), Default::default()).await?;
    if query.done.as_deref() == Some("undone") {
        shown.notice = Some("Undone: the two records stand apart again, as they were.");
    }
    Ok(render(&shown)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct UndoForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: String,
}

/// `POST /matching/merges/{id}/undo`.
pub async fn undo(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<UndoForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let (status, message) = match service::undo(&state, &viewer, &id, &form.note).await {
        Ok(_) => return Ok(Redirect::to("/matching/merges?done=undone").into_response()),
        Err(ServiceError::Invalid(fields)) => (
            StatusCode::BAD_REQUEST,
            fields
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Err(ServiceError::Conflict(why)) => (StatusCode::CONFLICT, why),
        Err(other) => return Err(other.into()),
    };
    let mut faults = Faults::new();
    faults.add(&format!("undo-{id}"), &message);
    let shown = page(&state, &session, faults, (id, form.note)).await?;
    Ok((status, render(&shown)?).into_response())
}
