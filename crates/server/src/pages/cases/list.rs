//! `/cases`: the open multi-agency cases the signed-in professional is on,
//! each with its person, its lead and what falls to them next — the way
//! back to a case at 3 a.m. without remembering whose record it is.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use concordat_domain::purpose::Purpose;

use crate::auth::session::SignedIn;
use crate::cases::{self as service, CaseView};
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::long_date;
use crate::AppState;

struct Row {
    id: String,
    person: String,
    reason: String,
    lead: String,
    leads: bool,
    /// The viewer's own next action not yet done: what, and by when.
    next: Option<(String, String)>,
    open_actions: usize,
}

fn row(view: &CaseView, me: concordat_domain::ids::UserId) -> Row {
    let mut mine: Vec<_> = view
        .actions
        .iter()
        .filter(|a| a.owner == me && a.done_at.is_none())
        .collect();
    mine.sort_by_key(|a| a.due_on);
    Row {
        id: view.case.id.to_string(),
        person: view.person_name.clone(),
        reason: view.case.reason.clone(),
        lead: view.lead().map(|l| l.name.clone()).unwrap_or_default(),
        leads: view.case.lead == me,
        next: mine.first().map(|a| (a.what.clone(), long_date(a.due_on))),
        open_actions: view.actions.iter().filter(|a| a.done_at.is_none()).count(),
    }
}

#[derive(Template)]
#[template(path = "cases_mine.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
}

/// `GET /cases`.
pub async fn show(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let views = service::member_of(&state, &viewer).await?;
    let me = session.user.id();
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        rows: views.iter().map(|v| row(v, me)).collect(),
    };
    Ok(render(&page)?.into_response())
}
