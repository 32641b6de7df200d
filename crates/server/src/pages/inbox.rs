//! The inbox (`/inbox`): the user's notifications, newest first, the unread
//! ones marked, and a button that marks them all read. The unread count is
//! in every signed-in page's header ([`crate::pages::layout::Chrome::load`]).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::inbox;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read", post(mark_read))
}

struct Row {
    subject: String,
    body: String,
    link: Option<String>,
    when: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct InboxQuery {
    page: Option<String>,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct MarkReadForm {
    #[serde(default)]
    csrf_token: String,
}

/// A link inside the site only: a notification never sends anyone away.
fn local(link: Option<String>) -> Option<String> {
    link.filter(|l| l.starts_with('/') && !l.starts_with("//"))
}

/// `GET /inbox`, a page at a time (`?page=`).
pub async fn inbox(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<InboxQuery>,
) -> Result<Html<String>, PageError> {
    let chrome = Chrome::load(&state, &session).await?;
    let paging = Paging::parse(query.page.as_deref());
    let (found, more) =
        inbox::notifications(&state, &session.user, paging.offset(), paging.limit()).await?;
    let pager = Pager::new("/inbox", Vec::new(), paging, found.len(), more);
    let rows = found
        .into_iter()
        .map(|n| Row {
            subject: n.subject,
            body: n.body,
            link: local(n.link),
            when: when(n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    render(&InboxPage {
        chrome,
        rows,
        pager,
    })
}

/// `POST /inbox/read`: marks every notification read.
pub async fn mark_read(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<MarkReadForm>,
) -> Result<Redirect, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    inbox::mark_read(&state, &session.user).await?;
    Ok(Redirect::to("/inbox"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_links_stay_on_the_site() {
        assert_eq!(
            local(Some("/governance/break-glass".into())).as_deref(),
            Some("/governance/break-glass")
        );
        assert_eq!(local(Some("https://elsewhere.example".into())), None);
        assert_eq!(local(Some("//elsewhere.example".into())), None);
    }
}
