//! The partnership directory: every organisation and team and the number to
//! ring. It names no one the partnership cares for.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

use crate::auth::session::SignedIn;
use crate::directory;
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome, Phone};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/directory", get(directory))
}

struct OrgEntry {
    name: String,
    kind: &'static str,
    code: String,
    teams: Vec<TeamEntry>,
}

struct TeamEntry {
    name: String,
    duty_phone: Option<Phone>,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    chrome: Chrome,
    organisations: Vec<OrgEntry>,
}

pub async fn directory(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let chrome = Chrome::load(&state, &session).await?;
    let found = directory::directory(&state).await?;
    let organisations = found
        .organisations
        .iter()
        .map(|org| OrgEntry {
            name: org.name().to_owned(),
            kind: org.kind().label(),
            code: org.code().as_str().to_owned(),
            teams: found
                .teams_of(org)
                .map(|t| TeamEntry {
                    name: t.name().to_owned(),
                    duty_phone: t.duty_phone().map(Phone::from),
                })
                .collect(),
        })
        .collect();
    render(&DirectoryPage {
        chrome,
        organisations,
    })
}
