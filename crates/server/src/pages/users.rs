//! The list of user accounts, for administrators (everyone) and information
//! governance leads (their own organisation).

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use concordat_domain::role::Role;
use concordat_store::{organisations, users};

use super::layout::{render, Chrome};
use super::PageError;
use crate::auth::session::SignedIn;
use crate::permissions::may_see_users;
use crate::AppState;

struct UserRow {
    username: String,
    display_name: String,
    role: &'static str,
    organisation: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    scope: String,
    users: Vec<UserRow>,
}

pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let role = session.user.role();
    if !may_see_users(role) {
        return Err(PageError::Forbidden(
            "Only administrators and information governance leads can see user accounts.".into(),
        ));
    }
    let mut conn = state.store.read().await?;
    let chrome = Chrome::load_on(&mut conn, &session).await?;
    let orgs = organisations::list_organisations(&mut conn).await?;
    let own_org = session.user.organisation_id();
    let filter = (role == Role::IgLead).then_some(own_org);
    let listed = users::list_users(&mut conn, filter).await?;
    let org_name = |id| {
        orgs.iter()
            .find(|o| o.id() == id)
            .map(|o| o.name().to_owned())
            .unwrap_or_default()
    };
    render(&UsersPage {
        chrome,
        scope: match filter {
            Some(org) => org_name(org),
            None => "the whole partnership".into(),
        },
        users: listed
            .iter()
            .map(|u| UserRow {
                username: u.username().as_str().to_owned(),
                display_name: u.display_name().as_str().to_owned(),
                role: u.role().label(),
                organisation: org_name(u.organisation_id()),
                active: !u.disabled(),
            })
            .collect(),
    })
}
