//! The case page's forms, each posting to its own address: members and
//! the lead (the lead's), actions and meetings (any member's), closing
//! (the lead's). Each checks the CSRF token, calls one service function,
//! and answers with the case page: redirected with a notice on success,
//! shown again with the form's faults (`400`) when the input was refused.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use concordat_domain::case::CaseOutcome;
use concordat_domain::ids::UserId;
use concordat_domain::purpose::Purpose;

use super::case_page::{case_id, case_page, Draft};
use crate::auth::session::SignedIn;
use crate::cases::{self as service, CaseId, NewActionInput, NewMeetingInput};
use crate::error::{FieldError, ServiceError};
use crate::pages::error::PageError;
use crate::pages::extract::{Fields, PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::layout::render;
use crate::AppState;

fn user(field: &str, raw: &str, message: &str) -> Result<UserId, ServiceError> {
    UserId::parse(raw).map_err(|_| ServiceError::invalid(field, message))
}

fn date(field: &str, raw: &str) -> Result<NaiveDate, ServiceError> {
    if raw.trim().is_empty() {
        return Err(ServiceError::invalid(field, "Enter the date"));
    }
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid(field, "Enter a real date, for example 27 3 2026"))
}

/// The answer to one form: on to the case page with `done`, or the page
/// again with the form's faults.
async fn answer(
    state: &AppState,
    session: &SignedIn,
    id: CaseId,
    result: Result<(), ServiceError>,
    done: &str,
    form: (&[&str], &str),
    draft: Draft,
) -> Result<Response, PageError> {
    let (on_form, whole) = form;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}?done={done}")).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            refused(state, session, id, &fields, on_form, whole, draft).await
        }
        Err(ServiceError::Conflict(message)) => {
            let fields = [FieldError::new(whole, message)];
            refused(state, session, id, &fields, &[], whole, draft).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn refused(
    state: &AppState,
    session: &SignedIn,
    id: CaseId,
    fields: &[FieldError],
    on_form: &[&str],
    whole: &str,
    draft: Draft,
) -> Result<Response, PageError> {
    let faults = Faults::from_service(fields, on_form, whole);
    let page = case_page(state, session, id, draft, None, faults).await?;
    Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
}

/// What a form naming one member does.
#[derive(Clone, Copy)]
enum MemberAct {
    Add,
    Remove,
    Lead,
}

/// The three forms that name one member by `user_id`: adding them (a
/// field of its own), removing them and handing them the lead (buttons
/// beside the member list).
async fn member_form(
    state: AppState,
    session: SignedIn,
    id: String,
    pairs: Vec<(String, String)>,
    act: MemberAct,
) -> Result<Response, PageError> {
    let form = Fields(pairs).checked(&session)?;
    let id = case_id(&id)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let (field, missing, done, form_of): (&str, &str, &str, (&[&str], &str)) = match act {
        MemberAct::Add => (
            "user_id",
            "Choose who to add",
            "member-added",
            (&["user_id"], "add-member"),
        ),
        MemberAct::Remove => (
            "members",
            "Choose who leaves",
            "member-removed",
            (&[], "members"),
        ),
        MemberAct::Lead => ("members", "Choose the new lead", "lead", (&[], "members")),
    };
    let result = match user(field, &form.one("user_id"), missing) {
        Ok(member) => match act {
            MemberAct::Add => service::add_member(&state, &viewer, id, member)
                .await
                .map(|_| ()),
            MemberAct::Remove => service::remove_member(&state, &viewer, id, member).await,
            MemberAct::Lead => service::set_lead(&state, &viewer, id, member)
                .await
                .map(|_| ()),
        },
        Err(e) => Err(e),
    };
    answer(
        &state,
        &session,
        id,
        result,
        done,
        form_of,
        Draft::default(),
    )
    .await
}

/// `POST /cases/{id}/members`.
pub async fn add_member(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    member_form(state, session, id, pairs, MemberAct::Add).await
}

/// `POST /cases/{id}/members/remove`.
pub async fn remove_member(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    member_form(state, session, id, pairs, MemberAct::Remove).await
}

/// `POST /cases/{id}/lead`.
pub async fn set_lead(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    member_form(state, session, id, pairs, MemberAct::Lead).await
}

/// `POST /cases/{id}/actions`.
pub async fn add_action(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Fields(pairs).checked(&session)?;
    let id = case_id(&id)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let draft = Draft {
        what: form.one("what"),
        owner: form.one("owner_user_id"),
        due_date: form.one("due_date"),
        ..Draft::default()
    };
    let parsed = user("owner_user_id", &draft.owner, "Choose who will do it")
        .and_then(|owner| Ok((owner, date("due_date", &draft.due_date)?)));
    let result = match parsed {
        Ok((owner, due_on)) => {
            let input = NewActionInput {
                what: draft.what.clone(),
                owner,
                due_on,
            };
            service::add_action(&state, &viewer, id, input)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    let form_of = (&["what", "owner_user_id", "due_date"][..], "add-action");
    answer(&state, &session, id, result, "action", form_of, draft).await
}

/// `POST /cases/{id}/actions/{action}/done`.
pub async fn mark_done(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, action)): PagePath<(String, String)>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Fields(pairs).checked(&session)?;
    let id = case_id(&id)?;
    let action = case_id(&action)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let result = service::mark_done(&state, &viewer, id, action, &form.one("note"))
        .await
        .map(|_| ());
    let form_of = (&[][..], "actions");
    answer(
        &state,
        &session,
        id,
        result,
        "action-done",
        form_of,
        Draft::default(),
    )
    .await
}

/// `POST /cases/{id}/meetings`.
pub async fn record_meeting(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Fields(pairs).checked(&session)?;
    let id = case_id(&id)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let draft = Draft {
        held_date: form.one("held_date"),
        attendees: form.all("attendees"),
        notes: form.one("notes"),
        ..Draft::default()
    };
    let parsed = date("held_date", &draft.held_date).and_then(|held_on| {
        let attendees = draft
            .attendees
            .iter()
            .map(|raw| user("attendees", raw, "Tick who attended"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((held_on, attendees))
    });
    let result = match parsed {
        Ok((held_on, attendees)) => {
            let input = NewMeetingInput {
                held_on,
                attendees,
                notes: draft.notes.clone(),
            };
            service::record_meeting(&state, &viewer, id, input)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    let form_of = (&["held_date", "attendees", "notes"][..], "record-meeting");
    answer(&state, &session, id, result, "meeting", form_of, draft).await
}

/// `POST /cases/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = Fields(pairs).checked(&session)?;
    let id = case_id(&id)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let draft = Draft {
        outcome: form.one("outcome"),
        note: form.one("note"),
        ..Draft::default()
    };
    let result = match CaseOutcome::parse(&draft.outcome) {
        Ok(outcome) => service::close(&state, &viewer, id, outcome, &draft.note)
            .await
            .map(|_| ()),
        Err(_) => Err(ServiceError::invalid(
            "outcome",
            "Choose how the case ended",
        )),
    };
    let form_of = (&["outcome", "note"][..], "close");
    answer(&state, &session, id, result, "closed", form_of, draft).await
}
