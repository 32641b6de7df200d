//! Raising a flag (`POST /persons/{id}/flags`) and reviewing one
//! (`POST /persons/{id}/flags/{flag_id}/review`): the form read into the
//! flag's terms, and the page again with what was wrong when it does not
//! read or is refused.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use chrono::NaiveDate;
use concordat_domain::flag::{FlagCategory, FlagTerms, FlagTermsError, Severity};
use concordat_domain::ids::{FlagId, PersonId};

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::crisis::flags;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flags::page::{page, Feedback, RaiseForm, ReviewForm, ReviewSent};
use crate::pages::layout::render;
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::sentence;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/flags", post(raise))
        .route("/persons/{id}/flags/{flag_id}/review", post(review))
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
