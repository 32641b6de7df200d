//! Multi-agency cases over the API: opening one (`POST /api/v1/cases`),
//! reading one (`GET /api/v1/cases/{id}`), its members, lead, actions,
//! meetings and closure (`POST /api/v1/cases/{id}/…`), and the person's
//! own cases (`GET /api/v1/me/cases`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::case::CaseOutcome;
use concordat_domain::ids::{PersonId, UserId};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::ApiPath;
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::cases::{
    self as service, Action, Case, CaseView, Meeting, NewActionInput, NewMeetingInput,
};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open, member_of))
        .routes(routes!(read))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(set_lead))
        .routes(routes!(add_action))
        .routes(routes!(mark_done))
        .routes(routes!(record_meeting))
        .routes(routes!(close))
        .routes(routes!(mine))
}

/// Someone a case names.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonOnCase {
    pub user_id: String,
    pub name: String,
    pub organisation: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActionView {
    pub id: String,
    pub what: String,
    pub owner: PersonOnCase,
    pub due_on: NaiveDate,
    pub done: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: String,
    /// How far a missed action has escalated: 0 not at all, 1 its owner
    /// told, 2 the lead professional told.
    pub escalation_step: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: String,
    pub held_on: NaiveDate,
    pub attendees: Vec<PersonOnCase>,
    pub notes: String,
}

/// A case as its members see it (the person's own view has no meetings).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub reason: String,
    /// `open` or `closed`.
    pub status: &'static str,
    pub lead: Option<PersonOnCase>,
    pub members: Vec<PersonOnCase>,
    pub actions: Vec<ActionView>,
    pub meetings: Vec<MeetingView>,
    pub opened_at: DateTime<Utc>,
    /// How it ended: `goals-met`, `care-team-continues`,
    /// `person-chose-to-stop` or `moved-away`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    pub closing_note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
}

fn named(view: &CaseView, user: UserId) -> PersonOnCase {
    match view.names.get(&user) {
        Some(n) => PersonOnCase {
            user_id: n.user.to_string(),
            name: n.name.clone(),
            organisation: n.organisation.clone(),
        },
        None => PersonOnCase {
            user_id: user.to_string(),
            name: view.name_of(user).to_owned(),
            organisation: String::new(),
        },
    }
}

impl CaseDetail {
    fn of(view: &CaseView) -> Self {
        let case = &view.case;
        Self {
            id: case.id.to_string(),
            person_id: case.person.to_string(),
            person_name: view.person_name.clone(),
            reason: case.reason.clone(),
            status: case.status.as_str(),
            lead: view.lead().map(|_| named(view, case.lead)),
            members: view.members.iter().map(|m| named(view, m.user)).collect(),
            actions: view.actions.iter().map(|a| action(view, a)).collect(),
            meetings: view
                .meetings
                .iter()
                .map(|m| MeetingView {
                    id: m.id.to_string(),
                    held_on: m.held_on,
                    attendees: m.attendees.iter().map(|u| named(view, *u)).collect(),
                    notes: m.notes.clone(),
                })
                .collect(),
            opened_at: case.opened_at,
            outcome: case.outcome.map(CaseOutcome::as_str),
            closing_note: case.closing_note.clone(),
            closed_at: case.closed_at,
        }
    }
}

fn action(view: &CaseView, a: &Action) -> ActionView {
    ActionView {
        id: a.id.to_string(),
        what: a.what.clone(),
        owner: named(view, a.owner),
        due_on: a.due_on,
        done: a.done_at.is_some(),
        done_at: a.done_at,
        done_note: a.done_note.clone(),
        escalation_step: a.escalation_step,
    }
}

/// What a change answers with: the case's id and status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    pub id: String,
    pub status: &'static str,
    pub lead_user_id: String,
}

impl CaseSummary {
    fn of(case: &Case) -> Self {
        Self {
            id: case.id.to_string(),
            status: case.status.as_str(),
            lead_user_id: case.lead.to_string(),
        }
    }
}

fn case_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

fn user_id(field: &str, raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw).map_err(|_| ApiError::invalid(field, "not a user id"))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenInput {
    pub person_id: String,
    /// Why the case is opened, in one line.
    pub reason: String,
}

/// Opens a multi-agency case about a person the caller works with; the
/// caller leads it. Someone the caller may not read is answered as no one.
#[utoipa::path(
    post,
    path = "/cases",
    operation_id = "openCase",
    tag = "cases",
    request_body(content = OpenInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The case", body = CaseSummary),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn open(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<OpenInput>,
) -> Result<(StatusCode, Json<CaseSummary>), ApiError> {
    let person = PersonId::parse(&input.person_id).map_err(|_| ApiError::NotFound)?;
    let case = service::open(&state, &caller.viewer(), person, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(CaseSummary::of(&case))))
}

/// One case, for its current members.
#[utoipa::path(
    get,
    path = "/cases/{id}",
    operation_id = "readCase",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    let view = service::case(&state, &caller.viewer(), case_id(&id)?).await?;
    Ok(Json(CaseDetail::of(&view)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub user_id: String,
}

/// Adds a professional of a partner organisation to the case (its lead).
#[utoipa::path(
    post,
    path = "/cases/{id}/members",
    operation_id = "addCaseMember",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    request_body(content = MemberInput, content_type = "application/json"),
    responses(
        (status = 204, description = "Added"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn add_member(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<StatusCode, ApiError> {
    let user = user_id("user_id", &input.user_id)?;
    service::add_member(&state, &caller.viewer(), case_id(&id)?, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a member off the case (its lead; or a member leaving).
#[utoipa::path(
    post,
    path = "/cases/{id}/members/remove",
    operation_id = "removeCaseMember",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    request_body(content = MemberInput, content_type = "application/json"),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<StatusCode, ApiError> {
    let user = user_id("user_id", &input.user_id)?;
    service::remove_member(&state, &caller.viewer(), case_id(&id)?, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hands the lead to another member (its lead).
#[utoipa::path(
    post,
    path = "/cases/{id}/lead",
    operation_id = "setCaseLead",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    request_body(content = MemberInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The case", body = CaseSummary),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn set_lead(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<Json<CaseSummary>, ApiError> {
    let user = user_id("user_id", &input.user_id)?;
    let case = service::set_lead(&state, &caller.viewer(), case_id(&id)?, user).await?;
    Ok(Json(CaseSummary::of(&case)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// What will be done.
    pub what: String,
    /// Who will do it: a member.
    pub owner_user_id: String,
    /// By when: today or later.
    pub due_date: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActionAdded {
    pub id: String,
}

/// Adds an action to the shared plan (a member). Missed, it escalates to
/// its owner and then to the lead professional.
#[utoipa::path(
    post,
    path = "/cases/{id}/actions",
    operation_id = "addCaseAction",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    request_body(content = ActionInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The action", body = ActionAdded),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn add_action(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ActionInput>,
) -> Result<(StatusCode, Json<ActionAdded>), ApiError> {
    let owner = user_id("owner_user_id", &input.owner_user_id)?;
    let action = service::add_action(
        &state,
        &caller.viewer(),
        case_id(&id)?,
        NewActionInput {
            what: input.what,
            owner,
            due_on: input.due_date,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ActionAdded {
            id: action.id.to_string(),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    #[serde(default)]
    pub note: String,
}

/// Marks an action done (a member); its escalation stops.
#[utoipa::path(
    post,
    path = "/cases/{id}/actions/{action}/done",
    operation_id = "markCaseActionDone",
    tag = "cases",
    params(
        ("id" = String, Path, description = "The case"),
        ("action" = String, Path, description = "The action"),
    ),
    request_body(content = DoneInput, content_type = "application/json"),
    responses(
        (status = 204, description = "Done"),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn mark_done(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath((id, action)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<DoneInput>,
) -> Result<StatusCode, ApiError> {
    service::mark_done(
        &state,
        &caller.viewer(),
        case_id(&id)?,
        case_id(&action)?,
        &input.note,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub held_date: NaiveDate,
    /// The members who attended.
    pub attendee_user_ids: Vec<String>,
    pub notes: String,
}

/// Records a review meeting (a member).
#[utoipa::path(
    post,
    path = "/cases/{id}/meetings",
    operation_id = "recordCaseMeeting",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    request_body(content = MeetingInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The meeting", body = MeetingView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn record_meeting(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<(StatusCode, Json<MeetingView>), ApiError> {
    let attendees = input
        .attendee_user_ids
        .iter()
        .map(|raw| user_id("attendees", raw))
        .collect::<Result<Vec<_>, _>>()?;
    let meeting: Meeting = service::record_meeting(
        &state,
        &caller.viewer(),
        case_id(&id)?,
        NewMeetingInput {
            held_on: input.held_date,
            attendees,
            notes: input.notes,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(MeetingView {
            id: meeting.id.to_string(),
            held_on: meeting.held_on,
            attendees: meeting
                .attendees
                .iter()
                .map(|u| PersonOnCase {
                    user_id: u.to_string(),
                    name: String::new(),
                    organisation: String::new(),
                })
                .collect(),
            notes: meeting.notes,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    /// `goals-met`, `care-team-continues`, `person-chose-to-stop` or
    /// `moved-away`.
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

/// Closes the case with an outcome (its lead): every member's access
/// through it ends.
#[utoipa::path(
    post,
    path = "/cases/{id}/close",
    operation_id = "closeCase",
    tag = "cases",
    params(("id" = String, Path, description = "The case")),
    request_body(content = CloseInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The case", body = CaseSummary),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn close(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<CloseInput>,
) -> Result<Json<CaseSummary>, ApiError> {
    let outcome =
        CaseOutcome::parse(&input.outcome).map_err(|e| ApiError::invalid("outcome", e))?;
    let case = service::close(
        &state,
        &caller.viewer(),
        case_id(&id)?,
        outcome,
        &input.note,
    )
    .await?;
    Ok(Json(CaseSummary::of(&case)))
}

/// The caller's own cases (a person's own account): each with its lead
/// professional, members and actions.
#[utoipa::path(
    get,
    path = "/me/cases",
    operation_id = "myCases",
    tag = "cases",
    responses(
        (status = 200, description = "The cases", body = Vec<CaseDetail>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<CaseDetail>>, ApiError> {
    let views = service::mine(&state, &caller.viewer()).await?;
    Ok(Json(views.iter().map(CaseDetail::of).collect()))
}

/// The open cases the caller is on (a professional): each with its lead,
/// members and actions; a case whose person the caller may no longer read
/// is left out, the refusal audited.
#[utoipa::path(
    get,
    path = "/cases",
    operation_id = "listMyCases",
    tag = "cases",
    responses(
        (status = 200, description = "The open cases the caller is on", body = Vec<CaseDetail>),
    )
)]
pub async fn member_of(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<CaseDetail>>, ApiError> {
    let views = service::member_of(&state, &caller.viewer()).await?;
    Ok(Json(views.iter().map(CaseDetail::of).collect()))
}
