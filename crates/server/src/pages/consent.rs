//! "Who may see my record" (`/persons/{id}/consent`): a person's sharing
//! choices in words they can follow — each choice with who recorded it,
//! when and how, a form to make a new one, a button to withdraw one — and
//! what their nominated carers may be told. For the person's own account
//! and their care team; everyone else sees the page for no one. Every
//! change goes through [`crate::consent`], as the JSON API's do, and
//! applies to the very next request.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, NaiveTime, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::consent::{self, carers, NewDirective, Overview, PROFESSIONAL_PURPOSES, STAFF_VIA};
use crate::error::FieldError;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, sentence, when};
use crate::permissions::ConsentSteward;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/consent", get(view).post(record))
        .route(
            "/persons/{id}/consent/{consent_id}/withdraw",
            post(withdraw),
        )
        .route(
            "/persons/{id}/carers/{related_person_id}/sharing",
            post(carer_sharing),
        )
}

struct ChoiceRow {
    id: String,
    summary: String,
    deny: bool,
    recorded: String,
    capacity_note: Option<String>,
    expires: Option<String>,
    status: String,
    in_force: bool,
    withdrawable: bool,
}

struct Opt {
    value: String,
    label: String,
    chosen: bool,
}

struct TopicBox {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

struct CarerRow {
    id: String,
    name: String,
    relationship: &'static str,
    topics: Vec<TopicBox>,
    updated: Option<String>,
    error: Option<String>,
}

/// What the new-choice form holds: what was typed, and what was wrong.
#[derive(Default)]
struct ChoiceErrors {
    effect: Option<String>,
    organisation: Option<String>,
    category: Option<String>,
    purpose: Option<String>,
    via: Option<String>,
    capacity_note: Option<String>,
    expires_at: Option<String>,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    person_name: String,
    notice: Option<&'static str>,
    error: Option<String>,
    choices: Vec<ChoiceRow>,
    effect: String,
    organisations: Vec<Opt>,
    categories: Vec<Opt>,
    purposes: Vec<Opt>,
    vias: Vec<Opt>,
    capacity_note: String,
    expires_at: String,
    errors: ChoiceErrors,
    carers: Vec<CarerRow>,
}

#[derive(Debug, Deserialize)]
pub struct ConsentQuery {
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ChoiceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    choice: NewDirective,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ButtonForm {
    #[serde(default)]
    csrf_token: String,
}

fn person_id(raw: &str) -> PersonId {
    PersonId::named(raw)
}

fn opt(value: &str, label: &str, chosen: &str) -> Opt {
    Opt {
        value: value.to_owned(),
        label: label.to_owned(),
        chosen: value == chosen,
    }
}

fn failure(e: ServiceError) -> PageError {
    match e {
        ServiceError::Denied { reason, .. } => PageError::Forbidden(sentence(&reason)),
        other => other.into(),
    }
}

/// The page's purpose: the person keeps their own choices for their own
/// access; the care team keeps them for direct care.
fn choices_viewer(session: &SignedIn) -> crate::authorisation::Viewer {
    session.viewer(if session.user.role() == Role::Person {
        Purpose::OwnAccess
    } else {
        Purpose::DirectCare
    })
}

/// When a choice stops: a choice made "until" a date stops at midnight
/// after it, which reads better as the end of that date.
fn until(at: DateTime<Utc>) -> String {
    match at.date_naive().pred_opt() {
        Some(day) if at.time() == NaiveTime::MIN => format!("the end of {}", long_date(day)),
        _ => when(at),
    }
}

fn choice_row(d: consent::DirectiveView, own: bool) -> ChoiceRow {
    let status = match (d.withdrawn_at, d.expires_at, d.in_force) {
        (Some(at), _, _) => format!("Withdrawn {}", when(at)),
        (None, Some(at), false) => format!("Expired {}", when(at)),
        _ => "In force".to_owned(),
    };
    let recorded = if own && d.via == "own-account" {
        format!("You recorded this yourself, {}.", when(d.recorded_at))
    } else {
        let org = if d.recorded_by_organisation.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.recorded_by_organisation)
        };
        format!(
            "Recorded by {}{org} {}, {}.",
            d.recorded_by,
            d.via_label,
            when(d.recorded_at)
        )
    };
    ChoiceRow {
        recorded,
        withdrawable: d.withdrawn_at.is_none(),
        id: d.id,
        summary: d.summary,
        deny: d.effect == "deny",
        capacity_note: d.capacity_note,
        expires: d.expires_at.map(until),
        in_force: d.in_force,
        status,
    }
}

/// What the page says back after an attempt: the new-choice form as it was
/// sent and its errors, a notice of success, or a failure (beside the
/// carer it was about, or at the top).
#[derive(Default)]
struct Feedback {
    form: ChoiceForm,
    errors: ChoiceErrors,
    notice: Option<&'static str>,
    failed: Option<(Option<String>, String)>,
}

/// Builds the page around `overview`.
async fn page(
    state: &AppState,
    session: &SignedIn,
    person: PersonId,
    overview: Overview,
    feedback: Feedback,
) -> Result<ConsentPage, PageError> {
    let Feedback {
        form,
        errors,
        notice,
        failed,
    } = feedback;
    let general = failed
        .as_ref()
        .filter(|(id, _)| id.is_none())
        .map(|(_, m)| m.clone());
    let chrome = Chrome::load(state, session).await?;
    let (orgs, person_name) = (&overview.organisations, overview.person_name.clone());
    let own = overview.steward == ConsentSteward::OwnAccount;
    let form = form.choice;
    let value = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let (chosen_org, chosen_cat, chosen_purpose, chosen_via) = (
        value(&form.organisation),
        value(&form.category),
        value(&form.purpose),
        value(&form.via),
    );
    let (carer_error_id, carer_error) = match failed {
        Some((Some(id), message)) => (Some(id), Some(message)),
        _ => (None, None),
    };
    let mut organisations = vec![opt("", "Every organisation", &chosen_org)];
    organisations.extend(
        orgs.iter()
            .map(|o| opt(o.code().as_str(), o.name(), &chosen_org)),
    );
    let mut categories = vec![opt("", "Everything in the record", &chosen_cat)];
    categories.extend(
        DataCategory::SHARED
            .iter()
            .map(|c| opt(c.as_str(), c.label(), &chosen_cat)),
    );
    let mut purposes = vec![opt("", "Any reason", &chosen_purpose)];
    purposes.extend(
        PROFESSIONAL_PURPOSES
            .iter()
            .map(|p| opt(p.code(), p.label(), &chosen_purpose)),
    );
    Ok(ConsentPage {
        chrome,
        person_id: person.to_string(),
        own,
        person_name,
        notice,
        error: general,
        choices: overview
            .directives
            .into_iter()
            .map(|d| choice_row(d, own))
            .collect(),
        effect: form.effect.trim().to_owned(),
        organisations,
        categories,
        purposes,
        vias: STAFF_VIA
            .iter()
            .map(|v| opt(v.as_str(), &sentence(v.label()), &chosen_via))
            .collect(),
        capacity_note: value(&form.capacity_note),
        expires_at: value(&form.expires_at),
        errors,
        carers: overview
            .carers
            .into_iter()
            .map(|c| CarerRow {
                error: (carer_error_id.as_deref() == Some(c.related_person_id.as_str()))
                    .then(|| carer_error.clone())
                    .flatten(),
                updated: c.updated_at.map(|at| {
                    format!(
                        "Last changed by {} on {}.",
                        c.updated_by.clone().unwrap_or_default(),
                        when(at)
                    )
                }),
                id: c.related_person_id,
                name: c.name,
                relationship: c.relationship,
                topics: c
                    .topics
                    .iter()
                    .map(|t| TopicBox {
                        value: t.topic,
                        label: t.label,
                        checked: t.may_tell,
                    })
                    .collect(),
            })
            .collect(),
    })
}

fn notice_for(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "recorded" => Some("Your choice is saved. It applies from now on."),
        "withdrawn" => Some("The choice is withdrawn. It no longer applies."),
        "carers" => Some("What your carer may be told is saved."),
        _ => None,
    }
}

/// `GET /persons/{id}/consent`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<ConsentQuery>,
) -> Result<Response, PageError> {
    let person = person_id(&id);
    let overview = consent::overview(&state, &choices_viewer(&session), person)
        .await
        .map_err(failure)?;
    let notice = notice_for(query.done.as_deref());
    let feedback = Feedback {
        notice,
        ..Feedback::default()
    };
    let page = page(&state, &session, person, overview, feedback).await?;
    Ok(render(&page)?.into_response())
}

/// The page again after a failed change, with what went wrong.
async fn again(
    state: &AppState,
    session: &SignedIn,
    person: PersonId,
    status: StatusCode,
    feedback: Feedback,
) -> Result<Response, PageError> {
    let overview = consent::overview(state, &choices_viewer(session), person)
        .await
        .map_err(failure)?;
    let page = page(state, session, person, overview, feedback).await?;
    Ok((status, render(&page)?).into_response())
}

fn choice_errors(errors: Vec<FieldError>, form: &ChoiceForm) -> ChoiceErrors {
    let mut out = ChoiceErrors::default();
    for e in errors {
        let message = Some(sentence(&e.message));
        match e.field.as_str() {
            "effect" => {
                out.effect = if form.choice.effect.trim().is_empty() {
                    Some("Choose whether to share or not.".to_owned())
                } else {
                    message
                }
            }
            "organisation" => out.organisation = message,
            "category" => out.category = message,
            "purpose" => out.purpose = message,
            "via" => out.via = message,
            "capacity_note" => out.capacity_note = message,
            _ => out.expires_at = message,
        }
    }
    out
}

/// `POST /persons/{id}/consent`: a new choice.
pub async fn record(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ChoiceForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id);
    match consent::record(&state, &choices_viewer(&session), person, &form.choice).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/persons/{person}/consent?done=recorded")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let feedback = Feedback {
                errors: choice_errors(errors, &form),
                form,
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::BAD_REQUEST, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}

/// `POST /persons/{id}/consent/{consent_id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, consent_id)): PagePath<(String, String)>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let person = person_id(&id);
    match consent::withdraw(&state, &choices_viewer(&session), person, &consent_id).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/persons/{person}/consent?done=withdrawn")).into_response())
        }
        Err(ServiceError::Conflict(why)) => {
            let feedback = Feedback {
                failed: Some((None, sentence(&why))),
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::CONFLICT, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}

/// `POST /persons/{id}/carers/{related_person_id}/sharing`: the ticked
/// topics, and nothing else.
pub async fn carer_sharing(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, related)): PagePath<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = pairs
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    csrf::check(Some(&session.csrf_token), token)?;
    let person = person_id(&id);
    let topics: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "may_tell")
        .map(|(_, v)| v)
        .collect();
    match carers::set_sharing(&state, &choices_viewer(&session), person, &related, &topics).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/persons/{person}/consent?done=carers")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let message = errors
                .iter()
                .map(|e| sentence(&e.message))
                .collect::<Vec<_>>()
                .join(" ");
            let feedback = Feedback {
                failed: Some((Some(related), message)),
                ..Feedback::default()
            };
            again(&state, &session, person, StatusCode::BAD_REQUEST, feedback).await
        }
        Err(e) => Err(failure(e)),
    }
}
