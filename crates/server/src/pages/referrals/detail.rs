//! One referral (`/referrals/{id}`): its timeline and what the reader may
//! do next, and doing it (`POST /referrals/{id}/act`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::ids::{ReferralId, TeamId};
use concordat_domain::purpose::Purpose;
use concordat_domain::referral::{ReferralAction, ReferralSection, ReferralStatus};
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::referrals::lists::waiting_past_deadline;
use crate::pages::referrals::sending::team_choices;
use crate::pages::referrals::sending::TeamChoice;
use crate::pages::words::when;
use crate::referrals::{self as service, ActionInput};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals/{id}", get(show))
        .route("/referrals/{id}/act", post(act))
}

struct EventRow {
    at: String,
    kind: String,
    by: String,
    note: String,
}

struct ActionChoice {
    value: &'static str,
    label: &'static str,
    needs_note: bool,
    /// What the step means, for someone who has not done it before.
    hint: &'static str,
    /// What the note asks for, where one is needed.
    note_label: &'static str,
    /// The step that moves the referral on: the one green button.
    primary: bool,
}

/// What each step means and what its note asks, in words.
fn explained(action: ReferralAction) -> (&'static str, &'static str) {
    match action {
        ReferralAction::Acknowledge => (
            "Tell the sender you have it and are looking at it; you decide later.",
            "",
        ),
        ReferralAction::Accept => ("Your team takes the person on.", ""),
        ReferralAction::Decline => (
            "Your team will not take the person on; the sender is told why.",
            "Why you are declining it",
        ),
        ReferralAction::Redirect => (
            "Another team should take it; it is sent on to them and the sender is told.",
            "Why it should go to that team",
        ),
        ReferralAction::Complete => ("The work the referral asked for is done.", ""),
        ReferralAction::Cancel => (
            "Withdraw the referral: nobody needs to act on it any more.",
            "Why you are cancelling it",
        ),
    }
}

#[derive(Template)]
#[template(path = "referral.html")]
struct DetailPage {
    chrome: Chrome,
    id: String,
    person: String,
    person_id: String,
    urgency: &'static str,
    status: &'static str,
    status_code: &'static str,
    to_team: String,
    reason: String,
    sections: Vec<ReferralSection>,
    acknowledge_due: String,
    respond_due: String,
    overdue: bool,
    escalated: i64,
    timeline: Vec<EventRow>,
    actions: Vec<ActionChoice>,
    can_redirect: bool,
    teams: Vec<TeamChoice>,
    notice: Option<&'static str>,
    /// What went wrong with the step last tried, beside its form.
    faults: Faults,
    /// That step, and the note typed for it (kept for another try).
    tried: Option<(String, String)>,
}

impl DetailPage {
    /// The note typed for `action` when it last failed.
    fn typed_note(&self, action: &str) -> &str {
        match &self.tried {
            Some((tried, note)) if tried == action => note,
            _ => "",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
}

async fn detail_page(
    state: &AppState,
    session: &SignedIn,
    id: ReferralId,
    notice: Option<&'static str>,
    failed: Option<(Faults, String, String)>,
) -> Result<DetailPage, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let service::Detail {
        referral: r,
        events,
        person_name,
    } = service::detail(state, &viewer, id).await?;
    let person = person_name.unwrap_or_default();
    let receiving = session.user.team_id() == Some(r.to_team);
    let sending = session.user.organisation_id() == r.from_organisation;
    let mut actions: Vec<ActionChoice> = ReferralAction::ALL
        .iter()
        .filter(|a| r.status.after(**a).is_some())
        .filter(|a| {
            if ReferralStatus::sender_acts(**a) {
                sending
            } else {
                receiving
            }
        })
        .map(|a| {
            let (hint, note_label) = explained(*a);
            ActionChoice {
                value: a.as_str(),
                label: a.label(),
                needs_note: !note_label.is_empty(),
                hint,
                note_label,
                primary: false,
            }
        })
        .collect::<Vec<_>>();
    // The first step that moves it on is the green one; declining,
    // redirecting and cancelling never are.
    if let Some(first) = actions
        .iter_mut()
        .find(|a| matches!(a.value, "acknowledge" | "accept" | "complete"))
    {
        first.primary = true;
    }
    let can_redirect = actions.iter().any(|a| a.value == "redirect");
    Ok(DetailPage {
        chrome: Chrome::load(state, session).await?,
        id: r.id.to_string(),
        person,
        person_id: r.person.to_string(),
        urgency: r.urgency.label(),
        status: r.status.label(),
        status_code: r.status.as_str(),
        to_team: service::team_label(state, r.to_team).await?,
        overdue: waiting_past_deadline(state, &r),
        escalated: r.escalation_step,
        reason: r.reason.clone(),
        sections: r.sections.clone(),
        acknowledge_due: when(r.acknowledge_due),
        respond_due: when(r.respond_due),
        timeline: events
            .into_iter()
            .map(|e| EventRow {
                at: when(e.at),
                kind: capitalised(&e.kind.replace('-', " ")),
                by: e.actor_name,
                note: e.note,
            })
            .collect(),
        actions,
        can_redirect,
        teams: if can_redirect {
            team_choices(state, "", r.from_organisation, Some(r.to_team)).await?
        } else {
            Vec::new()
        },
        notice,
        faults: failed
            .as_ref()
            .map(|(f, _, _)| f.clone())
            .unwrap_or_default(),
        tried: failed.map(|(_, action, note)| (action, note)),
    })
}

/// "acknowledged" → "Acknowledged".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn referral_of(raw: &str) -> ReferralId {
    ReferralId::named(raw)
}

/// `GET /referrals/{id}`.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DetailQuery>,
) -> Result<Response, PageError> {
    let notice = match query.done.as_deref() {
        Some("sent") => Some("The referral is sent. The team has been told."),
        Some("updated") => Some("Done. The other side has been told."),
        _ => None,
    };
    let page = detail_page(&state, &session, referral_of(&id), notice, None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ActForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    to_team_id: String,
}

/// `POST /referrals/{id}/act`.
pub async fn act(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ActForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = referral_of(&id);
    let action = ReferralAction::parse(&form.action)
        .map_err(|_| PageError::Invalid("Choose what to do with the referral.".into()))?;
    let to_team = match form.to_team_id.trim() {
        "" => None,
        raw => Some(TeamId::parse(raw).map_err(|_| PageError::Invalid("Choose a team.".into()))?),
    };
    let done = service::act(
        &state,
        &session.viewer(Purpose::DirectCare),
        id,
        action,
        ActionInput {
            note: form.note.clone(),
            to_team,
        },
    )
    .await;
    // Each fault beside its field on the step's own form: its note, the
    // team to redirect to, or the form as a whole.
    let action_name = action.as_str();
    let mut faults = Faults::new();
    let whole = format!("act-{action_name}");
    let status = match done {
        Ok(_) => return Ok(Redirect::to(&format!("/referrals/{id}?done=updated")).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            for f in fields {
                let anchor = match f.field.as_str() {
                    "note" => format!("note-{action_name}"),
                    "to_team_id" => format!("to-team-{action_name}"),
                    _ => whole.clone(),
                };
                faults.add(&anchor, &f.message);
            }
            StatusCode::BAD_REQUEST
        }
        Err(ServiceError::Conflict(m)) => {
            faults.add(&whole, m);
            StatusCode::CONFLICT
        }
        Err(ServiceError::Forbidden(m) | ServiceError::Denied { reason: m, .. }) => {
            faults.add(&whole, m);
            StatusCode::FORBIDDEN
        }
        Err(other) => return Err(other.into()),
    };
    let failed = Some((faults, action_name.to_owned(), form.note));
    let page = detail_page(&state, &session, id, None, failed).await?;
    Ok((status, render(&page)?).into_response())
}
