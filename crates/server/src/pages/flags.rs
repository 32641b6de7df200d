//! A person's safety flags as a page (`/persons/{id}/flags`): each flag with
//! its status for today (an expired flag is shown as expired, never as
//! active) and an overdue review marked, a form to raise one, and a form
//! under each flag still in force to review it. Everything goes through
//! [`crate::crisis::flags`], so each read and change is decided and audited.

use axum::routing::{get, post};
use axum::Router;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use concordat_domain::flag::{FlagCategory, FlagStatus, FlagTerms, FlagTermsError, Severity};
use concordat_domain::ids::{FlagId, PersonId};
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::crisis::flags;
use crate::directory;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::{long_date, sentence, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/flags", get(list).post(raise))
        .route("/persons/{id}/flags/{flag_id}/review", post(review))
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
struct ReviewForm {
    keep: String,
    note: String,
    next_review_on: String,
    errors: BTreeMap<String, String>,
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
    csrf_token: String,
    purpose: Option<String>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    review_on: String,
    #[serde(default)]
    ends_on: String,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ReviewSent {
    #[serde(default)]
    csrf_token: String,
    purpose: Option<String>,
    #[serde(default)]
    keep: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    next_review_on: String,
}

#[derive(Template)]
#[template(path = "flags.html")]
struct FlagsPage {
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
}

#[derive(Debug, Deserialize)]
pub struct FlagsQuery {
    purpose: Option<String>,
    done: Option<String>,
}

/// What the page says back after a failed form.
#[derive(Default)]
struct Feedback {
    notice: Option<&'static str>,
    raise: RaiseForm,
    raise_errors: BTreeMap<String, String>,
    review: Option<(FlagId, ReviewForm)>,
}

async fn page(
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

fn date(field: &str, raw: &str, errors: &mut BTreeMap<String, String>) -> Option<NaiveDate> {
    match raw.trim() {
        "" => None,
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| {
                errors.insert(
                    field.to_owned(),
                    format!("`{raw}` is not a date; write it as YYYY-MM-DD."),
                );
            })
            .ok(),
    }
}

/// The new flag's terms, or an error for each field at fault.
fn terms(form: &RaiseForm, today: NaiveDate) -> Result<FlagTerms, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let category = FlagCategory::parse(form.category.trim()).map_err(|_| {
        errors.insert(
            "category".to_owned(),
            "Choose what kind of flag this is.".to_owned(),
        );
    });
    let severity = Severity::parse(form.severity.trim()).map_err(|_| {
        errors.insert("severity".to_owned(), "Choose how severe it is.".to_owned());
    });
    let review_on = date("review_on", &form.review_on, &mut errors);
    let ends_on = date("ends_on", &form.ends_on, &mut errors);
    let (Ok(category), Ok(severity)) = (category, severity) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    FlagTerms::new(
        category,
        severity,
        &form.summary,
        &form.basis,
        review_on,
        ends_on,
        today,
    )
    .map_err(|e| {
        let field = match &e {
            FlagTermsError::Text(t) => t.field(),
            FlagTermsError::ReviewNotInFuture => "review_on",
            FlagTermsError::EndsInPast => "ends_on",
        };
        let message = match &e {
            FlagTermsError::Text(t) => sentence(&t.kind().to_string()),
            other => sentence(&other.to_string()),
        };
        BTreeMap::from([(field.to_owned(), message)])
    })
}

/// `POST /persons/{id}/flags`: raises a flag.
pub async fn raise(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<RaiseForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_of(&id);
    let viewer = viewer(&session, form.purpose.as_deref())?;
    let today = state.clock.now().date_naive();
    let errors = match terms(&form, today) {
        Ok(terms) => match flags::raise(&state, &viewer, person, terms).await {
            Ok(_) => return Ok(done(person, &viewer, "raised")),
            Err(ServiceError::Invalid(fields)) => fields
                .into_iter()
                .map(|e| (e.field, sentence(&e.message)))
                .collect(),
            Err(other) => return Err(other.into()),
        },
        Err(errors) => errors,
    };
    let feedback = Feedback {
        raise: form,
        raise_errors: errors,
        ..Feedback::default()
    };
    let page = page(&state, &session, &viewer, person, feedback).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

/// `POST /persons/{id}/flags/{flag_id}/review`.
pub async fn review(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, flag_id)): PagePath<(String, String)>,
    PageForm(form): PageForm<ReviewSent>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_of(&id);
    let flag = FlagId::parse(&flag_id).map_err(|_| PageError::NotFound)?;
    let viewer = viewer(&session, form.purpose.as_deref())?;
    let mut errors = BTreeMap::new();
    let keep = match form.keep.as_str() {
        "keep" => Some(true),
        "inactive" => Some(false),
        _ => {
            errors.insert(
                "keep".to_owned(),
                "Choose whether to keep the flag or make it inactive.".to_owned(),
            );
            None
        }
    };
    let next = date("next_review_on", &form.next_review_on, &mut errors);
    let (status, errors) = match keep.filter(|_| errors.is_empty()) {
        Some(keep) => {
            match flags::review(&state, &viewer, person, flag, keep, &form.note, next).await {
                Ok(_) => return Ok(done(person, &viewer, "reviewed")),
                Err(ServiceError::Invalid(fields)) => (
                    StatusCode::BAD_REQUEST,
                    fields
                        .into_iter()
                        .map(|e| (e.field, sentence(&e.message)))
                        .collect(),
                ),
                Err(ServiceError::Conflict(m)) => (
                    StatusCode::CONFLICT,
                    BTreeMap::from([("keep".to_owned(), sentence(&m))]),
                ),
                Err(other) => return Err(other.into()),
            }
        }
        None => (StatusCode::BAD_REQUEST, errors),
    };
    let feedback = Feedback {
        review: Some((
            flag,
            ReviewForm {
                keep: form.keep,
                note: form.note,
                next_review_on: form.next_review_on,
                errors,
            },
        )),
        ..Feedback::default()
    };
    let page = page(&state, &session, &viewer, person, feedback).await?;
    Ok((status, render(&page)?).into_response())
}

fn done(person: PersonId, viewer: &Viewer, what: &str) -> Response {
    Redirect::to(&format!(
        "/persons/{person}/flags?done={what}&purpose={}",
        viewer.purpose.code()
    ))
    .into_response()
}
