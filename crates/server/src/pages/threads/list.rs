//! The threads the user takes part in (`/threads`), newest first.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::messages::{self as service};
use crate::pages::error::PageError;
use crate::pages::extract::PageQuery;
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
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
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

/// `GET /threads`, a page at a time (`?page=`).
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let paging = Paging::parse(query.page.as_deref());
    let viewer = session.viewer(Purpose::DirectCare);
    let (threads, more) =
        service::mine_page(&state, &viewer, paging.offset(), paging.limit()).await?;
    let pager = Pager::new("/threads", Vec::new(), paging, threads.len(), more);
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        pager,
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
