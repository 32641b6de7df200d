//! The referral lists: the team's inbox and the user's outbox, with
//! deadlines and overdue or escalated ones marked (`/referrals`), and a
//! person's own referrals (`/my/referrals`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::pages::error::PageError;
use crate::pages::extract::PageQuery;
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
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
    inbox_pager: Pager,
    outbox_pager: Pager,
}

/// Which page of each list (`?inbox=2`, `?outbox=3`).
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    inbox: Option<String>,
    outbox: Option<String>,
}

async fn rows(state: &AppState, viewer: &Viewer, listing: Listing) -> Result<Vec<Row>, PageError> {
    let mut out = Vec::new();
    for (r, name) in service::list(state, viewer, listing).await? {
        let team = service::team_label(state, r.to_team).await?;
        out.push(row(state, &r, name, team));
    }
    Ok(out)
}

/// One page of a list, and the controls to its others (named `param`).
async fn paged(
    state: &AppState,
    viewer: &Viewer,
    listing: Listing,
    paging: Paging,
    param: &'static str,
) -> Result<(Vec<Row>, Pager), PageError> {
    let (found, more) =
        service::page(state, viewer, listing, paging.offset(), paging.limit()).await?;
    let mut out = Vec::new();
    for (r, name) in found {
        let team = service::team_label(state, r.to_team).await?;
        out.push(row(state, &r, name, team));
    }
    let pager = Pager::new("/referrals", Vec::new(), paging, out.len(), more).named(param);
    Ok((out, pager))
}

/// `GET /referrals`: the team's inbox and the user's outbox, each a page at
/// a time; only the referrals shown are read and audited.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let inbox_page = Paging::parse(query.inbox.as_deref());
    let (inbox, inbox_pager) = match session.user.team_id() {
        Some(team) => paged(&state, &viewer, Listing::ToTeam(team), inbox_page, "inbox").await?,
        None => (
            Vec::new(),
            Pager::new("/referrals", Vec::new(), inbox_page, 0, false),
        ),
    };
    let outbox_page = Paging::parse(query.outbox.as_deref());
    let listing = Listing::FromUser(session.user.id());
    let (outbox, outbox_pager) = paged(&state, &viewer, listing, outbox_page, "outbox").await?;
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        has_team: session.user.team_id().is_some(),
        inbox,
        outbox,
        inbox_pager,
        outbox_pager,
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
