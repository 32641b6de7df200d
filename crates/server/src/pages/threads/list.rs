//! The threads the user takes part in (`/threads`), newest first.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;

use crate::auth::session::SignedIn;
use crate::messages::{self as service};
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/threads", get(list))
}

struct ThreadRow {
    id: String,
    subject: String,
    started: String,
}

#[derive(Template)]
#[template(path = "threads.html")]
struct ListPage {
    chrome: Chrome,
    threads: Vec<ThreadRow>,
}

/// `GET /threads`.
pub async fn list(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let threads = service::mine(&state, &session.viewer(Purpose::DirectCare)).await?;
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        threads: threads
            .iter()
            .map(|t| ThreadRow {
                id: t.id.to_string(),
                subject: t.subject.clone(),
                started: when(t.started_at),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}
