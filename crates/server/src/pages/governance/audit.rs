//! `GET /governance/audit`: search the audit by person, user, organisation,
//! outcome and dates; the newest entries first.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::auth::session::SignedIn;
use crate::directory;
use crate::error::ServiceError;
use crate::governance::{self, AuditQuery};
use crate::pages::error::PageError;
use crate::pages::extract::PageQuery;
use crate::pages::governance::governor::{governor, governs};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{sentence, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/governance/audit", get(search))
}

/// Entries on one page: enough to scan, light on a phone.
const PAGE_ROWS: u32 = 50;

struct Row {
    seq: u64,
    when: String,
    who: String,
    username: String,
    organisation: String,
    role: String,
    person_id: String,
    action: &'static str,
    purpose: String,
    categories: String,
    outcome: &'static str,
    break_glass: bool,
    reasons: String,
}

struct OrgOption {
    code: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "governance_audit.html")]
struct AuditPage {
    chrome: Chrome,
    person: String,
    user: String,
    organisations: Vec<OrgOption>,
    outcome: String,
    from: String,
    to: String,
    error: Option<(String, String)>,
    rows: Vec<Row>,
    limit: u32,
}

fn text(value: &Option<String>) -> String {
    value.as_deref().unwrap_or_default().trim().to_owned()
}

pub async fn search(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(mut query): PageQuery<AuditQuery>,
) -> Result<Response, PageError> {
    governs(&session)?;
    let chrome = Chrome::load(&state, &session).await?;
    let orgs = directory::organisations(&state).await?;
    query.limit = Some(PAGE_ROWS);
    let (rows, error) = match governance::search_audit(&state, &governor(&session), &query).await {
        Ok(items) => (items, None),
        Err(ServiceError::Invalid(errors)) => {
            let first = errors.into_iter().next();
            (Vec::new(), first.map(|e| (e.field, sentence(&e.message))))
        }
        Err(other) => return Err(other.into()),
    };
    let chosen_org = text(&query.organisation);
    let page = AuditPage {
        chrome,
        person: text(&query.person),
        user: text(&query.user),
        organisations: orgs
            .iter()
            .map(|o| OrgOption {
                code: o.code().as_str().to_owned(),
                name: o.name().to_owned(),
                chosen: o.code().as_str().eq_ignore_ascii_case(&chosen_org),
            })
            .collect(),
        outcome: text(&query.outcome),
        from: text(&query.from),
        to: text(&query.to),
        rows: rows
            .into_iter()
            .map(|i| Row {
                seq: i.seq,
                when: when(i.at),
                who: i.who.unwrap_or_else(|| "the system".into()),
                username: i.username.unwrap_or_default(),
                organisation: i.organisation.unwrap_or_default(),
                role: i.role.unwrap_or_default().to_owned(),
                person_id: i.person_id.unwrap_or_default(),
                action: i.action,
                purpose: i.purpose.unwrap_or_default().to_owned(),
                categories: i.categories.join(", "),
                outcome: i.outcome,
                break_glass: i.break_glass,
                reasons: i.reasons.join("; "),
            })
            .collect(),
        limit: PAGE_ROWS,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}
