//! The flags page itself (`GET /persons/{id}/flags`): each flag with its
//! status for today and an overdue review marked, the form to raise one and
//! a review form under each flag still in force — shown again as sent, with
//! its errors, after a failed change.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::flag::{FlagCategory, FlagStatus, Severity};
use concordat_domain::ids::{FlagId, PersonId};
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::crisis::flags;
use crate::directory;
use crate::pages::error::PageError;
use crate::pages::extract::{PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::{long_date, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/flags", get(list))
}

struct Opt {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

struct FlagRow {
    id: String,
    category: &'static str,
    severity: &'static str,
    summary: String,
    basis: String,
    raised: String,
    status: &'static str,
    status_class: &'static str,
    review_on: String,
    review_overdue: bool,
    ends_on: Option<String>,
    closed_reason: Option<String>,
    reviewable: bool,
    /// The review form as last sent for this flag, if it failed.
    review: ReviewForm,
}

#[derive(Default, Clone)]
pub(crate) struct ReviewForm {
    pub(crate) keep: String,
    pub(crate) note: String,
    pub(crate) next_review_on: String,
    pub(crate) errors: BTreeMap<String, String>,
}

impl ReviewForm {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct RaiseForm {
    #[serde(default)]
    pub(crate) csrf_token: String,
    pub(crate) purpose: Option<String>,
    #[serde(default)]
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) severity: String,
    #[serde(default)]
    pub(crate) summary: String,
    #[serde(default)]
    pub(crate) basis: String,
    #[serde(default)]
    pub(crate) review_on: String,
    #[serde(default)]
    pub(crate) ends_on: String,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ReviewSent {
    #[serde(default)]
    pub(crate) csrf_token: String,
    pub(crate) purpose: Option<String>,
    #[serde(default)]
    pub(crate) keep: String,
    #[serde(default)]
    pub(crate) note: String,
    #[serde(default)]
    pub(crate) next_review_on: String,
}

#[derive(Template)]
#[template(path = "flags.html")]
pub(crate) struct FlagsPage {
    chrome: Chrome,
    person_id: String,
    purpose_code: &'static str,
    notice: Option<&'static str>,
    flags: Vec<FlagRow>,
    categories: Vec<Opt>,
    severities: Vec<Opt>,
    raise: RaiseForm,
    raise_errors: BTreeMap<String, String>,
}

impl FlagsPage {
    fn raise_error(&self, field: &str) -> Option<&String> {
        self.raise_errors.get(field)
    }

    /// Every fault above the page, each linking to its field: a failed
    /// review's (on its flag) or the new flag's.
    fn error_summary(&self) -> Faults {
        let mut faults = Faults::new();
        for f in &self.flags {
            for (field, message) in &f.review.errors {
                match field.as_str() {
                    "keep" => faults.add(&format!("keep-{}", f.id), message),
                    "note" => faults.add(&format!("note-{}", f.id), message),
                    _ => faults.add_date(&format!("next_review_on-{}", f.id), message),
                }
            }
        }
        for (field, message) in &self.raise_errors {
            match field.as_str() {
                "review_on" | "ends_on" => faults.add_date(field, message),
                _ => faults.add(field, message),
            }
        }
        faults
    }
}

#[derive(Debug, Deserialize)]
pub struct FlagsQuery {
    purpose: Option<String>,
    done: Option<String>,
}

/// What the page says back after a failed form.
#[derive(Default)]
pub(crate) struct Feedback {
    pub(crate) notice: Option<&'static str>,
    pub(crate) raise: RaiseForm,
    pub(crate) raise_errors: BTreeMap<String, String>,
    pub(crate) review: Option<(FlagId, ReviewForm)>,
}

pub(crate) async fn page(
    state: &AppState,
    session: &SignedIn,
    viewer: &Viewer,
    person: PersonId,
    feedback: Feedback,
) -> Result<FlagsPage, PageError> {
    let list = flags::list(state, viewer, person).await?;
    let today = state.clock.now().date_naive();
    let chrome = Chrome::load(state, session).await?;
    let orgs = directory::organisations(state).await?;
    let org_name = |id| {
        orgs.iter()
            .find(|o| o.id() == id)
            .map_or_else(String::new, |o| format!(" ({})", o.name()))
    };
    let Feedback {
        notice,
        raise,
        raise_errors,
        review,
    } = feedback;
    let flags = list
        .into_iter()
        .map(|f| {
            let status = f.status(today);
            FlagRow {
                id: f.id.to_string(),
                category: f.category.label(),
                severity: f.severity.label(),
                raised: format!(
                    "Raised by {}{}, {}",
                    f.raised_by_name,
                    org_name(f.organisation),
                    when(f.raised_at)
                ),
                status: status.label(),
                status_class: match status {
                    FlagStatus::Active => "status status-active",
                    FlagStatus::Expired => "status status-suspended",
                    FlagStatus::Inactive => "status status-ended",
                },
                review_on: long_date(f.review_on),
                review_overdue: f.review_overdue(today),
                ends_on: f.ends_on.map(long_date),
                closed_reason: f.closed_reason.clone(),
                reviewable: status != FlagStatus::Inactive,
                review: review
                    .as_ref()
                    .filter(|(id, _)| *id == f.id)
                    .map(|(_, r)| r.clone())
                    .unwrap_or_default(),
                summary: f.summary,
                basis: f.basis,
            }
        })
        .collect();
    Ok(FlagsPage {
        chrome,
        person_id: person.to_string(),
        purpose_code: viewer.purpose.code(),
        notice,
        flags,
        categories: FlagCategory::ALL
            .iter()
            .map(|c| Opt {
                value: c.as_str(),
                label: c.label(),
                chosen: c.as_str() == raise.category,
            })
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|s| Opt {
                value: s.as_str(),
                label: s.label(),
                chosen: s.as_str() == raise.severity,
            })
            .collect(),
        raise,
        raise_errors,
    })
}

/// `GET /persons/{id}/flags`.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<FlagsQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let notice = match query.done.as_deref() {
        Some("raised") => {
            Some("The flag is raised. It shows on the crisis look-up while it is active.")
        }
        Some("reviewed") => Some("The review is recorded."),
        _ => None,
    };
    let feedback = Feedback {
        notice,
        ..Feedback::default()
    };
    let page = page(&state, &session, &viewer, person, feedback).await?;
    Ok(render(&page)?.into_response())
}
