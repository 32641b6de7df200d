//! The list of information sharing agreements (`/agreements`): each with its
//! tier, status, parties, who is still to sign and when it is due review.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::dates::long_date;

use crate::agreements::read;
use crate::auth::session::SignedIn;
use crate::pages::agreements::refusals::forbidden;
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/agreements", get(list))
}

struct ListRow {
    id: String,
    title: String,
    tier: &'static str,
    status: &'static str,
    status_class: &'static str,
    version: i64,
    parties: String,
    awaiting: Vec<String>,
    review_on: String,
    review_overdue: bool,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ListRow>,
    may_create: bool,
}

pub(crate) fn status_class(status: AgreementStatus) -> &'static str {
    match status {
        AgreementStatus::Draft => "status status-draft",
        AgreementStatus::Active => "status status-active",
        AgreementStatus::Suspended => "status status-suspended",
        AgreementStatus::Ended => "status status-ended",
    }
}

/// `GET /agreements`.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let listed = read::list(&state, &session.user).await.map_err(forbidden)?;
    let names = &listed.names;
    let today = state.clock.now().date_naive();
    let rows = listed
        .agreements
        .iter()
        .map(|a| ListRow {
            id: a.id().to_string(),
            title: a.terms().title.clone(),
            tier: a.terms().tier.label(),
            status: a.status().label(),
            status_class: status_class(a.status()),
            version: a.version(),
            parties: a
                .terms()
                .parties
                .iter()
                .map(|p| names.code(*p))
                .collect::<Vec<_>>()
                .join(", "),
            awaiting: if a.status() == AgreementStatus::Draft {
                a.awaiting().into_iter().map(|p| names.name(p)).collect()
            } else {
                Vec::new()
            },
            review_on: long_date(a.terms().review_on),
            review_overdue: a.review_overdue(today),
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::load(&state, &session).await?,
        rows,
        may_create: permissions::may_manage_agreements(session.user.role()),
    })
}
