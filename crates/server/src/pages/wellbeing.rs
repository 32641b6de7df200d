//! Wellbeing after a traumatic incident as a page (`/wellbeing`): recording
//! an incident the signed-in member of staff attended (a wellbeing lead:
//! that colleagues attended); their own checks, each with a form to record
//! or decline it, and opting out; for a wellbeing lead, their
//! organisation's staff's checks; for a line manager, only that support
//! was offered. Everything goes through [`crate::wellbeing`], which decides
//! who sees what: this module only puts its answer into words.

mod rows;

use crate::wellbeing::IncidentId;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use self::rows::{check_anchor, kinds, rows, Choice, Listed, OfferedRow, SentCheck};
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::{FieldError, ServiceError};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::sentence;
use crate::wellbeing::checks::{self, CheckInput};
use crate::wellbeing::views;
use crate::wellbeing::{self as service, IncidentInput};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/wellbeing", get(show))
        .route("/wellbeing/incidents", post(record))
        .route("/wellbeing/incidents/{id}/checks", post(check))
        .route("/wellbeing/incidents/{id}/opt-out", post(opt_out))
}

#[derive(Template)]
#[template(path = "wellbeing.html")]
struct WellbeingPage {
    chrome: Chrome,
    is_lead: bool,
    kinds: Vec<Choice>,
    occurred_at: String,
    attended: String,
    mine: Listed,
    led: Listed,
    offered: Vec<OfferedRow>,
    notice: Option<&'static str>,
    cannot: Option<String>,
    faults: Faults,
}

/// What a form sent back changes about the page.
#[derive(Default)]
struct Sent<'a> {
    incident: Option<&'a IncidentForm>,
    check: Option<SentCheck>,
    faults: Faults,
    cannot: Option<String>,
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    sent: Sent<'_>,
) -> Result<WellbeingPage, PageError> {
    let overview = views::overview(state, &session.user).await?;
    let (mine, led, offered) = rows(&overview, session, state.clock.now(), sent.check.as_ref());
    Ok(WellbeingPage {
        chrome: Chrome::load(state, session).await?,
        is_lead: crate::wellbeing::who::leads(&session.user, session.user.organisation_id()),
        kinds: kinds(sent.incident.map_or("", |f| f.kind.as_str())),
        occurred_at: sent
            .incident
            .map(|f| f.occurred_at.clone())
            .unwrap_or_default(),
        attended: sent
            .incident
            .map(|f| f.attended.clone())
            .unwrap_or_default(),
        mine: Listed::of(mine),
        led: Listed::of(led),
        offered,
        notice: None,
        cannot: sent.cannot,
        faults: sent.faults,
    })
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /wellbeing`.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let mut page = page(&state, &session, Sent::default()).await?;
    page.notice = match query.done.as_deref() {
        Some("recorded") => Some(
            "Recorded. A check is offered about 72 hours after the incident and a follow-up \
             about a month after. Each person who attended is told in their inbox.",
        ),
        Some("checked") => Some("The check is recorded."),
        Some("declined") => Some("The check is recorded as declined."),
        Some("opted-out") => {
            Some("You have opted out. No more checks are offered for that incident.")
        }
        _ => None,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct IncidentForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    occurred_at: String,
    /// Usernames, separated by commas or on lines of their own.
    #[serde(default)]
    attended: String,
}

/// The usernames typed, however separated.
fn usernames(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `POST /wellbeing/incidents`.
pub async fn record(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<IncidentForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let input = IncidentInput {
        kind: form.kind.clone(),
        occurred_at: form.occurred_at.clone(),
        attended: usernames(&form.attended),
    };
    match service::record(&state, &session.user, &input).await {
        // The notice at the top says what happens next; the form stays
        // first, and the new incident is first of the checks below it.
        Ok(_) => Ok(Redirect::to("/wellbeing?done=recorded").into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let fields = worded(
                fields,
                &[
                    ("kind", &form.kind, "choose what it was"),
                    (
                        "occurred_at",
                        &form.occurred_at,
                        "say when it happened: the date, and the time as near as you know it",
                    ),
                ],
            );
            let faults =
                Faults::from_service(&fields, &["kind", "occurred_at", "attended"], "record");
            let sent = Sent {
                incident: Some(&form),
                faults,
                ..Sent::default()
            };
            let page = page(&state, &session, sent).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct CheckForm {
    #[serde(default)]
    csrf_token: String,
    /// Whose check, by username: empty for the viewer's own.
    #[serde(default)]
    staff: String,
    #[serde(default)]
    stage: String,
    /// `done` or `declined`.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    band: String,
    /// Sent (as `yes`) when ticked.
    support_taken_up: Option<String>,
    onward_referral: Option<String>,
}

/// The service's faults, with the page's own words for a question left
/// unanswered (`(field, what was sent, the words)`): the service's would
/// quote the empty answer back.
fn worded(fields: Vec<FieldError>, unanswered: &[(&str, &str, &str)]) -> Vec<FieldError> {
    fields
        .into_iter()
        .map(|fault| {
            let blank = unanswered
                .iter()
                .find(|(field, sent, _)| *field == fault.field && sent.trim().is_empty());
            match blank {
                Some((field, _, words)) => FieldError::new(field, *words),
                None => fault,
            }
        })
        .collect()
}

/// An incident's id from the address; one that does not read names none.
fn incident_id(id: &str) -> Result<IncidentId, PageError> {
    uuid::Uuid::parse_str(id).map_err(|_| PageError::NotFound)
}

/// `POST /wellbeing/incidents/{id}/checks`: a check's result, or that it
/// was declined.
pub async fn check(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<CheckForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let incident = incident_id(&id)?;
    let input = CheckInput {
        staff: form.staff.clone(),
        stage: form.stage.clone(),
        outcome: form.outcome.clone(),
        band: form.band.clone(),
        support_taken_up: form.support_taken_up.is_some(),
        onward_referral: form.onward_referral.is_some(),
    };
    let staff = form.staff.trim();
    match checks::record_check(&state, &session.user, incident, &input).await {
        Ok(_) => {
            let done = if form.outcome == "declined" {
                "declined"
            } else {
                "checked"
            };
            let at = if staff.is_empty() {
                format!("incident-{incident}")
            } else {
                format!("attendance-{incident}-{staff}")
            };
            Ok(Redirect::to(&format!("/wellbeing?done={done}#{at}")).into_response())
        }
        Err(ServiceError::Invalid(fields)) => {
            let fields = worded(
                fields,
                &[(
                    "band",
                    &form.band,
                    "choose what the check found: low, raised or high",
                )],
            );
            let anchor = check_anchor(&incident.to_string(), staff, form.stage.trim());
            let sent = Sent {
                faults: Faults::from_service(&fields, &[], &anchor),
                check: Some(SentCheck {
                    anchor,
                    band: form.band.clone(),
                    support_taken_up: input.support_taken_up,
                    onward_referral: input.onward_referral,
                }),
                ..Sent::default()
            };
            let page = page(&state, &session, sent).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(ServiceError::Conflict(why)) => conflict(&state, &session, &why).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct OptOutForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /wellbeing/incidents/{id}/opt-out`: the viewer's own, only.
pub async fn opt_out(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<OptOutForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let incident = incident_id(&id)?;
    checks::opt_out(&state, &session.user, incident).await?;
    Ok(Redirect::to(&format!("/wellbeing?done=opted-out#incident-{incident}")).into_response())
}

/// The page again, saying why what was sent could not be done (a check
/// recorded meanwhile, or opted out of).
async fn conflict(state: &AppState, session: &SignedIn, why: &str) -> Result<Response, PageError> {
    let sent = Sent {
        cannot: Some(sentence(why)),
        ..Sent::default()
    };
    let page = page(state, session, sent).await?;
    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_may_be_separated_by_commas_spaces_or_lines() {
        assert_eq!(
            usernames(" pc.jones, sgt.hill\r\npolice;;\n"),
            vec!["pc.jones", "sgt.hill", "police"]
        );
        assert!(usernames(" \n ,").is_empty());
    }

    #[test]
    fn a_question_left_unanswered_is_asked_in_the_pages_words() {
        let said = worded(
            vec![
                FieldError::new("kind", "`` is not a kind of traumatic incident"),
                FieldError::new("occurred_at", "that time has not come yet"),
            ],
            &[
                ("kind", " ", "choose what it was"),
                ("occurred_at", "2099-01-01T00:00", "say when it happened"),
            ],
        );
        assert_eq!(said[0].message, "choose what it was");
        assert_eq!(said[1].message, "that time has not come yet");
    }
}
