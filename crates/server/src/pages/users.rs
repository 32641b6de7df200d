//! The list of user accounts, for administrators (everyone) and information
//! governance leads (their own organisation): 25 a page, and searched by
//! username or name in a form sent by POST (`/users/search`), so that a
//! name never reaches an address.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging, ROWS};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(crate::pages::accounts::add))
        .route("/users/search", post(search))
}

struct UserRow {
    username: String,
    /// Whether an administrator changes it here (a staff account).
    editable: bool,
    display_name: String,
    role: &'static str,
    organisation: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    may_administer: bool,
    scope: String,
    users: Vec<UserRow>,
    wanted: String,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct PageOnly {
    page: Option<String>,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct SearchForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    wanted: String,
    page: Option<String>,
}

/// `GET /users`, a page at a time (`?page=`).
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<PageOnly>,
) -> Result<Html<String>, PageError> {
    let paging = Paging::parse(query.page.as_deref());
    users_page(&state, &session, String::new(), paging).await
}

/// `POST /users/search`: the accounts whose username or name contains
/// what was typed, a page at a time.
pub async fn search(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<SearchForm>,
) -> Result<Html<String>, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let paging = Paging::parse(form.page.as_deref());
    users_page(&state, &session, form.wanted.trim().to_owned(), paging).await
}

async fn users_page(
    state: &AppState,
    session: &SignedIn,
    wanted: String,
    paging: Paging,
) -> Result<Html<String>, PageError> {
    let chrome = Chrome::load(state, session).await?;
    let accounts = directory::accounts_matching(state, &session.user, &wanted).await?;
    let org_name = |id| {
        accounts
            .organisations
            .iter()
            .find(|o| o.id() == id)
            .map(|o| o.name().to_owned())
            .unwrap_or_default()
    };
    let may_administer = crate::accounts::administers(&session.user).is_ok();
    let start = (paging.offset() as usize).min(accounts.users.len());
    let end = (start + ROWS as usize).min(accounts.users.len());
    let kept = if wanted.is_empty() {
        Vec::new()
    } else {
        vec![("wanted", wanted.clone())]
    };
    let action = if wanted.is_empty() {
        "/users"
    } else {
        "/users/search"
    };
    let pager = Pager::new(
        action,
        kept,
        paging,
        end - start,
        end < accounts.users.len(),
    );
    render(&UsersPage {
        chrome,
        may_administer,
        scope: match &accounts.only {
            Some(org) => org.name().to_owned(),
            None => "the whole partnership".into(),
        },
        users: accounts.users[start..end]
            .iter()
            .map(|u| UserRow {
                editable: may_administer && crate::pages::accounts::administered_here(u.role()),
                username: u.username().as_str().to_owned(),
                display_name: u.display_name().as_str().to_owned(),
                role: u.role().label(),
                organisation: org_name(u.organisation_id()),
                active: !u.disabled(),
            })
            .collect(),
        wanted,
        pager,
    })
}
