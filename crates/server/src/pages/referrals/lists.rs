//! The referral lists: the team's inbox and the user's outbox, with
//! deadlines and overdue or escalated ones marked (`/referrals`), and a
//! person's own referrals (`/my/referrals`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;

use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::referrals::{self as service};
use crate::referrals::{Listing, Referral};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/referrals", get(mine))
        .route("/referrals", get(list))
}

struct Row {
    id: String,
    person: String,
    urgency: &'static str,
    status: &'static str,
    due: String,
    overdue: bool,
    escalated: i64,
    team: String,
}

fn row(state: &AppState, r: &Referral, person: String, team: String) -> Row {
    Row {
        id: r.id.to_string(),
        person,
        urgency: r.urgency.label(),
        status: r.status.label(),
        due: when(r.acknowledge_due),
        overdue: waiting_past_deadline(state, r),
        escalated: r.escalation_step,
        team,
    }
}

pub(crate) fn waiting_past_deadline(state: &AppState, r: &Referral) -> bool {
    r.acknowledged_at.is_none() && r.status.is_open() && state.clock.now() >= r.acknowledge_due
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct ListPage {
    chrome: Chrome,
    has_team: bool,
    inbox: Vec<Row>,
    outbox: Vec<Row>,
}

async fn rows(state: &AppState, viewer: &Viewer, listing: Listing) -> Result<Vec<Row>, PageError> {
    let mut out = Vec::new();
    for (r, name) in service::list(state, viewer, listing).await? {
        let team = service::team_label(state, r.to_team).await?;
        out.push(row(state, &r, name, team));
    }
    Ok(out)
}

/// `GET /referrals`.
pub async fn list(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let inbox = match session.user.team_id() {
        Some(team) => rows(&state, &viewer, Listing::ToTeam(team)).await?,
        None => Vec::new(),
    };
    let outbox = rows(&state, &viewer, Listing::FromUser(session.user.id())).await?;
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        has_team: session.user.team_id().is_some(),
        inbox,
        outbox,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "my_referrals.html")]
struct MinePage {
    chrome: Chrome,
    referrals: Vec<Row>,
}

/// `GET /my/referrals`: a person's own referrals and where each stands.
pub async fn mine(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let Some(person) = session.user.person_id() else {
        return Err(PageError::Forbidden(
            "This page is for a person's own account.".into(),
        ));
    };
    let viewer = session.viewer(Purpose::OwnAccess);
    let page = MinePage {
        chrome: Chrome::load(&state, &session).await?,
        referrals: rows(&state, &viewer, Listing::Person(person)).await?,
    };
    Ok(render(&page)?.into_response())
}
