//! The list of user accounts, for administrators (everyone) and information
//! governance leads (their own organisation).

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

use crate::auth::session::SignedIn;
use crate::directory;
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/users", get(list).post(crate::pages::accounts::add))
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
}

pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let chrome = Chrome::load(&state, &session).await?;
    let accounts = directory::accounts(&state, &session.user).await?;
    let org_name = |id| {
        accounts
            .organisations
            .iter()
            .find(|o| o.id() == id)
            .map(|o| o.name().to_owned())
            .unwrap_or_default()
    };
    let may_administer = crate::accounts::administers(&session.user).is_ok();
    render(&UsersPage {
        chrome,
        may_administer,
        scope: match &accounts.only {
            Some(org) => org.name().to_owned(),
            None => "the whole partnership".into(),
        },
        users: accounts
            .users
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
    })
}
