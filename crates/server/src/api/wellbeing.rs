//! Wellbeing checks after traumatic incidents over the API: what the
//! caller may see (`GET /api/v1/wellbeing`), recording an incident they or
//! colleagues attended (`POST /api/v1/wellbeing/incidents`), a check's
//! result (`POST /api/v1/wellbeing/incidents/{id}/checks`) and opting out
//! (`POST /api/v1/wellbeing/incidents/{id}/opt-out`). See
//! [`crate::wellbeing`] for who sees what.

use crate::wellbeing::{Attended, IncidentId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::wellbeing::Outcome;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::ApiPath;
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::wellbeing::checks::{self, CheckInput};
use crate::wellbeing::views::{self, Named};
use crate::wellbeing::{self as service, IncidentInput};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(record))
        .routes(routes!(check))
        .routes(routes!(opt_out))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    /// `72-hours` or `one-month`.
    pub stage: &'static str,
    pub stage_label: &'static str,
    pub due_at: DateTime<Utc>,
    /// `open`, `done`, `declined`, or `opted-out`.
    pub status: &'static str,
    /// For a check done: `low`, `raised` or `high`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_taken_up: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onward_referral: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttendanceView {
    pub incident_id: String,
    /// `death`, `serious-self-harm`, `suicide-attempt`, `restraint` or
    /// `child-at-risk`.
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opted_out_at: Option<DateTime<Utc>>,
    /// For a wellbeing lead's view: whose attendance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub checks: Vec<CheckView>,
}

impl AttendanceView {
    pub fn of(a: &Attended) -> Self {
        let opted_out = a.attendance.opted_out_at.is_some();
        Self {
            incident_id: a.incident.id.to_string(),
            kind: a.incident.kind.as_str(),
            kind_label: a.incident.kind.label(),
            occurred_at: a.incident.occurred_at,
            recorded_at: a.attendance.recorded_at,
            opted_out_at: a.attendance.opted_out_at,
            staff: None,
            username: None,
            checks: a
                .attendance
                .checks
                .iter()
                .map(|c| {
                    let (status, band, support, onward) = match c.outcome {
                        None if opted_out => ("opted-out", None, None, None),
                        None => ("open", None, None, None),
                        Some(Outcome::Declined) => ("declined", None, None, None),
                        Some(Outcome::Done {
                            band,
                            support_taken_up,
                            onward_referral,
                        }) => (
                            "done",
                            Some(band.as_str()),
                            Some(support_taken_up),
                            Some(onward_referral),
                        ),
                    };
                    CheckView {
                        stage: c.stage.as_str(),
                        stage_label: c.stage.label(),
                        due_at: c.due_at,
                        status,
                        band,
                        support_taken_up: support,
                        onward_referral: onward,
                        ended_at: c.ended_at,
                    }
                })
                .collect(),
        }
    }

    fn named(n: &Named) -> Self {
        Self {
            staff: Some(n.staff.clone()),
            username: Some(n.username.clone()),
            ..Self::of(&n.attended)
        }
    }
}

/// All a line manager is told: support was offered to someone they
/// manage, and when.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferedView {
    pub staff: String,
    pub offered_on: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WellbeingView {
    /// The caller's own attendances and checks.
    pub mine: Vec<AttendanceView>,
    /// For a wellbeing lead: their organisation's staff's.
    pub led: Vec<AttendanceView>,
    /// For a line manager: that support was offered, and nothing more.
    pub offered: Vec<OfferedView>,
}

/// What the caller may see: their own checks; a wellbeing lead, their
/// organisation's staff's; a line manager, only that support was offered.
#[utoipa::path(
    get,
    path = "/wellbeing",
    operation_id = "wellbeingOverview",
    tag = "wellbeing",
    responses(
        (status = 200, description = "What the caller may see", body = WellbeingView),
        (status = 403, response = Forbidden),
    )
)]
pub async fn overview(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<WellbeingView>, ApiError> {
    let o = views::overview(&state, &caller.user).await?;
    Ok(Json(WellbeingView {
        mine: o.mine.iter().map(AttendanceView::of).collect(),
        led: o.led.iter().map(AttendanceView::named).collect(),
        offered: o
            .offered
            .iter()
            .map(|x| OfferedView {
                staff: x.staff.clone(),
                offered_on: x.offered_on,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentBody {
    /// `death`, `serious-self-harm`, `suicide-attempt`, `restraint` or
    /// `child-at-risk`.
    pub kind: String,
    /// RFC 3339, or a UK clock time such as `2026-12-03T02:40`.
    pub occurred_at: String,
    /// Usernames of colleagues in the caller's organisation who attended
    /// too (the caller's own attendance is recorded with them; a wellbeing
    /// lead names everyone who attended).
    #[serde(default)]
    pub attended: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub incident_id: String,
}

/// Records that the caller (or named colleagues) attended a traumatic
/// incident; each is offered a check at about 72 hours and a month.
#[utoipa::path(
    post,
    path = "/wellbeing/incidents",
    operation_id = "recordTraumaticIncident",
    tag = "wellbeing",
    request_body(content = IncidentBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Recorded),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<IncidentBody>,
) -> Result<(StatusCode, Json<Recorded>), ApiError> {
    let input = IncidentInput {
        kind: body.kind,
        occurred_at: body.occurred_at,
        attended: body.attended,
    };
    let id = service::record(&state, &caller.user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Recorded {
            incident_id: id.to_string(),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// Whose check, by username (a wellbeing lead recording with them);
    /// the caller's own when absent.
    #[serde(default)]
    pub staff: String,
    /// `72-hours` or `one-month`.
    pub stage: String,
    /// `done` or `declined`.
    pub outcome: String,
    /// For a check done: `low`, `raised` or `high`.
    #[serde(default)]
    pub band: String,
    #[serde(default)]
    pub support_taken_up: bool,
    #[serde(default)]
    pub onward_referral: bool,
}

/// An id that does not read names no incident: the same 404.
fn incident_id(id: &str) -> Result<IncidentId, ApiError> {
    uuid::Uuid::parse_str(id).map_err(|_| ApiError::NotFound)
}

/// Records a check's result (a band only) or that it was declined.
#[utoipa::path(
    post,
    path = "/wellbeing/incidents/{id}/checks",
    operation_id = "recordWellbeingCheck",
    tag = "wellbeing",
    params(("id" = String, Path, description = "The incident")),
    request_body(content = CheckBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = AttendanceView),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn check(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CheckBody>,
) -> Result<Json<AttendanceView>, ApiError> {
    let input = CheckInput {
        staff: body.staff,
        stage: body.stage,
        outcome: body.outcome,
        band: body.band,
        support_taken_up: body.support_taken_up,
        onward_referral: body.onward_referral,
    };
    let a = checks::record_check(&state, &caller.user, incident_id(&id)?, &input).await?;
    Ok(Json(AttendanceView::of(&a)))
}

/// Opts the caller out of every check of an incident still to come.
#[utoipa::path(
    post,
    path = "/wellbeing/incidents/{id}/opt-out",
    operation_id = "optOutOfWellbeingChecks",
    tag = "wellbeing",
    params(("id" = String, Path, description = "The incident")),
    responses(
        (status = 200, description = "Opted out", body = AttendanceView),
        (status = 404, response = NotFound),
    )
)]
pub async fn opt_out(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AttendanceView>, ApiError> {
    let a = checks::opt_out(&state, &caller.user, incident_id(&id)?).await?;
    Ok(Json(AttendanceView::of(&a)))
}
