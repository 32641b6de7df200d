//! The referral lists: the team's inbox and the user's outbox, with
//! deadlines and overdue or escalated ones marked (`/referrals`), and a
//! person's own referrals (`/my/referrals`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
use crate::pages::words::when;
use crate::referrals::{self as service};
use crate::referrals::{Listing, Narrowing, Referral};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/referrals", get(mine))
        .route("/referrals", get(list))
        .route("/referrals/search", post(search))
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
    /// The name both lists are narrowed to, if any.
    name: String,
    /// Whether only referrals still open are shown.
    open_only: bool,
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

/// The lists' search and pages, as sent.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct SearchForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    /// A ticked box sends anything; an unticked one sends nothing.
    open: Option<String>,
    inbox: Option<String>,
    outbox: Option<String>,
}

/// What a search narrows both lists to, and the fields the page controls
/// send along (none when nothing is narrowed, so they are plain links).
struct Search {
    narrowing: Narrowing,
    kept: Vec<(&'static str, String)>,
}

impl Search {
    fn none() -> Self {
        Self {
            narrowing: Narrowing::default(),
            kept: Vec::new(),
        }
    }

    fn of(form: &SearchForm) -> Self {
        let name = form.name.trim().to_owned();
        let open_only = form.open.is_some();
        let mut kept = vec![("name", name.clone())];
        if open_only {
            kept.push(("open", "yes".to_owned()));
        }
        Self {
            narrowing: Narrowing {
                name: Some(name).filter(|n| !n.is_empty()),
                open_only,
            },
            kept,
        }
    }
}

/// One page of a list, and the controls to its others (named `param`).
async fn paged(
    state: &AppState,
    viewer: &Viewer,
    listing: Listing,
    search: &Search,
    paging: Paging,
    param: &'static str,
) -> Result<(Vec<Row>, Pager), PageError> {
    let (found, more) = service::page(
        state,
        viewer,
        listing,
        &search.narrowing,
        paging.offset(),
        paging.limit(),
    )
    .await?;
    let mut out = Vec::new();
    for (r, name) in found {
        let team = service::team_label(state, r.to_team).await?;
        out.push(row(state, &r, name, team));
    }
    let action = if search.kept.is_empty() {
        "/referrals"
    } else {
        "/referrals/search"
    };
    let pager = Pager::new(action, search.kept.clone(), paging, out.len(), more).named(param);
    Ok((out, pager))
}

/// `GET /referrals`: the team's inbox and the user's outbox, each a page at
/// a time; only the referrals shown are read and audited.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let inbox = Paging::parse(query.inbox.as_deref());
    let outbox = Paging::parse(query.outbox.as_deref());
    lists(&state, &session, Search::none(), inbox, outbox).await
}

/// `POST /referrals/search`: both lists narrowed to a name or to those still
/// open, or another page of one of them (a name is sent in the form, never
/// in the address).
pub async fn search(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<SearchForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let inbox = Paging::parse(form.inbox.as_deref());
    let outbox = Paging::parse(form.outbox.as_deref());
    lists(&state, &session, Search::of(&form), inbox, outbox).await
}

async fn lists(
    state: &AppState,
    session: &SignedIn,
    search: Search,
    inbox_page: Paging,
    outbox_page: Paging,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let (inbox, inbox_pager) = match session.user.team_id() {
        Some(team) => {
            let listing = Listing::ToTeam(team);
            paged(state, &viewer, listing, &search, inbox_page, "inbox").await?
        }
        None => (
            Vec::new(),
            Pager::new("/referrals", Vec::new(), inbox_page, 0, false),
        ),
    };
    let listing = Listing::FromUser(session.user.id());
    let (outbox, outbox_pager) =
        paged(state, &viewer, listing, &search, outbox_page, "outbox").await?;
    let page = ListPage {
        chrome: Chrome::load(state, session).await?,
        has_team: session.user.team_id().is_some(),
        inbox,
        outbox,
        inbox_pager,
        outbox_pager,
        name: search.narrowing.name.unwrap_or_default(),
        open_only: search.narrowing.open_only,
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
