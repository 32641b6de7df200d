//! The threads the user takes part in (`/threads`), newest first, and the
//! same list narrowed to a person's name or a subject's words.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::messages::{self as service};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/threads", get(list).post(search))
}

struct ThreadRow {
    id: String,
    subject: String,
    person: String,
    started: String,
}

#[derive(Template)]
#[template(path = "threads.html")]
struct ListPage {
    chrome: Chrome,
    threads: Vec<ThreadRow>,
    /// What the list is narrowed to, as typed.
    words: String,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

/// The list's search and page, as sent.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct SearchForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    words: String,
    page: Option<String>,
}

/// `GET /threads`, a page at a time (`?page=`).
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let paging = Paging::parse(query.page.as_deref());
    threads(&state, &session, None, paging).await
}

/// `POST /threads`: narrowed to a name or a subject's words, or another
/// page of it (sent in the form, never in the address).
pub async fn search(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<SearchForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let paging = Paging::parse(form.page.as_deref());
    threads(&state, &session, Some(form.words.trim().to_owned()), paging).await
}

async fn threads(
    state: &AppState,
    session: &SignedIn,
    words: Option<String>,
    paging: Paging,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let narrowed = words.as_deref().filter(|w| !w.is_empty());
    let (threads, more) =
        service::mine_page(state, &viewer, narrowed, paging.offset(), paging.limit()).await?;
    let kept = match &words {
        Some(w) => vec![("words", w.clone())],
        None => Vec::new(),
    };
    let pager = Pager::new("/threads", kept, paging, threads.len(), more);
    let page = ListPage {
        chrome: Chrome::load(state, session).await?,
        pager,
        words: words.unwrap_or_default(),
        threads: threads
            .iter()
            .map(|(t, person)| ThreadRow {
                id: t.id.to_string(),
                subject: t.subject.clone(),
                person: person.clone(),
                started: when(t.started_at),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}
