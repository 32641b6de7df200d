//! The case page (`/cases/{id}`): who is on it and who leads, the shared
//! plan's actions with their due dates, the review meetings, and the
//! forms of the acts the viewer may take (the lead's: members, lead,
//! closing; any member's: actions, meetings).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use concordat_domain::case::CaseOutcome;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::cases::{self as service, CaseId, CaseView};
use crate::pages::date_input::DateInput;
use crate::pages::error::PageError;
use crate::pages::extract::{PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, when};
use crate::AppState;

pub(super) struct MemberRow {
    user_id: String,
    name: String,
    organisation: String,
    is_lead: bool,
}

pub(super) struct ActionRow {
    id: String,
    what: String,
    owner: String,
    due: String,
    done: Option<String>,
    done_note: String,
    /// Its due day is over and it is not done.
    missed: bool,
}

pub(super) struct MeetingRow {
    held: String,
    attendees: String,
    notes: String,
}

pub(super) struct Choice {
    value: String,
    label: String,
    checked: bool,
}

/// What was typed into the case's forms, shown back when one is refused.
#[derive(Debug, Default)]
pub(super) struct Draft {
    pub what: String,
    pub owner: String,
    pub due_date: String,
    pub held_date: String,
    pub attendees: Vec<String>,
    pub notes: String,
    pub outcome: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "case.html")]
pub(super) struct CasePage {
    chrome: Chrome,
    id: String,
    person_id: String,
    person_name: String,
    reason: String,
    open: bool,
    status: &'static str,
    outcome: Option<&'static str>,
    closing_note: String,
    closed: Option<String>,
    is_lead: bool,
    lead: String,
    members: Vec<MemberRow>,
    candidates: Vec<Choice>,
    owners: Vec<Choice>,
    attendees: Vec<Choice>,
    actions: Vec<ActionRow>,
    meetings: Vec<MeetingRow>,
    outcomes: Vec<Choice>,
    due: DateInput,
    held: DateInput,
    draft: Draft,
    notice: Option<&'static str>,
    faults: Faults,
}

fn choice(value: String, label: String, chosen: &[String]) -> Choice {
    Choice {
        checked: chosen.contains(&value),
        value,
        label,
    }
}

/// The case page for the viewer, with `draft` in its forms and `faults`
/// beside them.
pub(super) async fn case_page(
    state: &AppState,
    session: &SignedIn,
    id: CaseId,
    draft: Draft,
    notice: Option<&'static str>,
    faults: Faults,
) -> Result<CasePage, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let view: CaseView = service::case(state, &viewer, id).await?;
    let case = &view.case;
    let is_lead = case.lead == session.user.id();
    let open = case.status.check_open().is_ok();
    let candidates = if is_lead && open {
        service::candidates(state, &viewer)
            .await?
            .into_iter()
            .filter(|u| !view.is_member(u.id()))
            .map(|u| {
                choice(
                    u.id().to_string(),
                    format!("{} ({})", u.display_name().as_str(), u.role().label()),
                    &[],
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let today = state.clock.now().date_naive();
    let member_choices = |chosen: &[String]| {
        view.members
            .iter()
            .map(|m| {
                choice(
                    m.user.to_string(),
                    format!("{}, {}", m.name, m.organisation),
                    chosen,
                )
            })
            .collect::<Vec<_>>()
    };
    let owners = member_choices(std::slice::from_ref(&draft.owner));
    let attendees = member_choices(&draft.attendees);
    let outcomes = CaseOutcome::ALL
        .iter()
        .map(|o| {
            choice(
                o.as_str().to_owned(),
                o.label().to_owned(),
                std::slice::from_ref(&draft.outcome),
            )
        })
        .collect();
    Ok(CasePage {
        chrome: Chrome::load(state, session).await?,
        id: case.id.to_string(),
        person_id: case.person.to_string(),
        person_name: view.person_name.clone(),
        reason: case.reason.clone(),
        open,
        status: case.status.label(),
        outcome: case.outcome.map(CaseOutcome::label),
        closing_note: case.closing_note.clone(),
        closed: case.closed_at.map(when),
        is_lead,
        lead: view.lead().map(|l| l.name.clone()).unwrap_or_default(),
        members: view
            .members
            .iter()
            .map(|m| MemberRow {
                user_id: m.user.to_string(),
                name: m.name.clone(),
                organisation: m.organisation.clone(),
                is_lead: m.user == case.lead,
            })
            .collect(),
        candidates,
        owners,
        attendees,
        actions: view
            .actions
            .iter()
            .map(|a| ActionRow {
                id: a.id.to_string(),
                what: a.what.clone(),
                owner: view.name_of(a.owner).to_owned(),
                due: long_date(a.due_on),
                done: a.done_at.map(when),
                done_note: a.done_note.clone(),
                missed: a.done_at.is_none() && a.due_on < today,
            })
            .collect(),
        meetings: view
            .meetings
            .iter()
            .map(|m| MeetingRow {
                held: long_date(m.held_on),
                attendees: m
                    .attendees
                    .iter()
                    .map(|u| view.name_of(*u).to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
                notes: m.notes.clone(),
            })
            .collect(),
        outcomes,
        due: DateInput::field(
            "due_date",
            "Due by",
            "For example, 27 3 2026",
            &draft.due_date,
        )
        .with_error(faults.of("due_date")),
        held: DateInput::field(
            "held_date",
            "Held on",
            "For example, 27 3 2026",
            &draft.held_date,
        )
        .with_error(faults.of("held_date")),
        draft,
        notice,
        faults,
    })
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// What each act's success says.
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "opened" => "The case is open, and you lead it. Add the members from other organisations.",
        "member-added" => "The member is added and told.",
        "member-removed" => "The member is off the case; their access through it has ended.",
        "lead" => "The lead is handed over, and the new lead is told.",
        "action" => "The action is added, and its owner told.",
        "action-done" => "The action is marked done.",
        "meeting" => "The meeting is recorded.",
        "closed" => "The case is closed. Every member's access through it has ended.",
        _ => return None,
    })
}

/// `GET /cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let page = case_page(
        &state,
        &session,
        case_id(&id)?,
        Draft::default(),
        notice(query.done.as_deref()),
        Faults::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// A case's (or an action's) id from the address; a malformed one names no
/// case.
pub(super) fn case_id(raw: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw).map_err(|_| PageError::NotFound)
}
