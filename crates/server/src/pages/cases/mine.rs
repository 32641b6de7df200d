//! The person's own page (`/my/case`): their multi-agency cases, who leads
//! each, who is on it and what each will do by when.

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

struct OwnAction {
    what: String,
    owner: String,
    due: String,
    done: bool,
}

struct OwnCase {
    id: String,
    reason: String,
    open: bool,
    lead: String,
    members: Vec<String>,
    actions: Vec<OwnAction>,
    outcome: Option<&'static str>,
}

fn own(view: &CaseView) -> OwnCase {
    OwnCase {
        id: view.case.id.to_string(),
        reason: view.case.reason.clone(),
        open: view.case.status.check_open().is_ok(),
        lead: view
            .lead()
            .map(|l| format!("{}, {}", l.name, l.organisation))
            .unwrap_or_default(),
        members: view
            .members
            .iter()
            .map(|m| format!("{}, {}", m.name, m.organisation))
            .collect(),
        actions: view
            .actions
            .iter()
            .map(|a| OwnAction {
                what: a.what.clone(),
                owner: view.name_of(a.owner).to_owned(),
                due: long_date(a.due_on),
                done: a.done_at.is_some(),
            })
            .collect(),
        outcome: view.case.outcome.map(|o| o.label()),
    }
}

#[derive(Template)]
#[template(path = "my_case.html")]
struct MinePage {
    chrome: Chrome,
    cases: Vec<OwnCase>,
}

/// `GET /my/case`.
pub async fn show(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::OwnAccess);
    let views = service::mine(&state, &viewer).await?;
    let page = MinePage {
        chrome: Chrome::load(&state, &session).await?,
        cases: views.iter().map(own).collect(),
    };
    Ok(render(&page)?.into_response())
}
