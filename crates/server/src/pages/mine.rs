//! The person's own pages: who has looked at my record and why
//! (`/my/access-log`), and the shortcuts from their home page to their
//! record and their sharing choices. For a person's own account only.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Redirect};
use axum::routing::get;
use axum::Router;
use concordat_domain::ids::PersonId;

use crate::auth::session::SignedIn;
use crate::governance;
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{sentence, when};
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/access-log", get(access_log))
        .route("/my/record", get(record))
        .route("/my/consent", get(consent))
}

/// How many entries the page shows: enough for months, light on a phone.
const LOG_LIMIT: u32 = 200;

struct LogRow {
    when: String,
    who: String,
    role: String,
    organisation: String,
    what: String,
    action: &'static str,
    purpose: String,
    break_glass: bool,
    why: Option<String>,
    /// What made it legitimate, in words: "a contact: …".
    because: Vec<String>,
}

#[derive(Template)]
#[template(path = "my_access_log.html")]
struct AccessLogPage {
    chrome: Chrome,
    rows: Vec<LogRow>,
}

fn own_person(session: &SignedIn) -> Result<PersonId, PageError> {
    permissions::own_access_log(&session.user)
        .map_err(|refusal| PageError::Forbidden(sentence(refusal.as_str())))
}

/// What was done, in the person's words.
fn action_words(action: &str) -> &'static str {
    match action {
        "read" => "Looked at",
        "write" => "Added to or changed",
        "crisis-lookup" => "Looked up in a crisis",
        "break-glass" => "Used emergency access",
        "export" => "Sent out a copy of",
        _ => "Used",
    }
}

/// `GET /my/access-log`.
pub async fn access_log(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let person = own_person(&session)?;
    let chrome = Chrome::load(&state, &session).await?;
    let items = governance::access_log(&state, person, LOG_LIMIT)
        .await
        .map_err(|e| PageError::Internal(format!("access log: {e}")))?;
    let rows = items
        .into_iter()
        .map(|item| LogRow {
            when: when(item.at),
            who: item.who,
            role: item.role,
            organisation: item.organisation,
            what: if item.what.is_empty() {
                if item.action == "break-glass" {
                    "your record".into()
                } else {
                    "your sharing choices".into()
                }
            } else {
                item.what.join("; ")
            },
            action: action_words(item.action),
            purpose: item.purpose,
            break_glass: item.break_glass,
            why: item.why,
            because: item.because,
        })
        .collect();
    render(&AccessLogPage { chrome, rows })
}

/// `GET /my/record`: the person's own record.
pub async fn record(session: SignedIn) -> Result<Redirect, PageError> {
    let person = own_person(&session)?;
    Ok(Redirect::to(&format!("/persons/{person}")))
}

/// `GET /my/consent`: who may see my record.
pub async fn consent(session: SignedIn) -> Result<Redirect, PageError> {
    let person = own_person(&session)?;
    Ok(Redirect::to(&format!("/persons/{person}/consent")))
}
