//! Frequent contact over the API: the list for the team that offers
//! support (`GET /api/v1/frequent-contact`), an entry's review (`POST
//! /api/v1/frequent-contact/{id}/review`), the person's own entries and
//! their request for a review (`/api/v1/me/frequent-contact`), and the
//! list's make-up for governance (`GET /api/v1/frequent-contact/make-up`).

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use concordat_domain::frequent_contact::NextStep;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::ApiError;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::frequent_contact::{self as service, Entry, Listed, MakeUp, Outcome, Review};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(review))
        .routes(routes!(make_up))
        .routes(routes!(mine))
        .routes(routes!(ask_for_review))
}

/// One entry on the list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: String,
    /// Set on the support team's list; absent on the person's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    pub identified_at: DateTime<Utc>,
    pub contacts_last_month: u32,
    pub contacts_last_year: u32,
    /// Services that reported a contact in the year.
    pub services: u32,
    /// `identified`, `reviewed`, `ended` or `expired`.
    pub status: &'static str,
    pub status_label: &'static str,
    /// When it ends unless reviewed.
    pub review_by: DateTime<Utc>,
    /// `offer-support`, `care-plan-review` or `multi-agency-case`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<&'static str>,
    pub note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    /// When the person asked for a review, and their words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_asked_at: Option<DateTime<Utc>>,
    pub review_asked_words: String,
}

impl EntryView {
    fn of(entry: &Entry) -> Self {
        Self {
            id: entry.id.to_string(),
            person_id: None,
            name: None,
            nhs_number: None,
            identified_at: entry.identified_at,
            contacts_last_month: entry.count.last_month,
            contacts_last_year: entry.count.last_year,
            services: entry.count.agencies,
            status: entry.status.as_str(),
            status_label: entry.status.label(),
            review_by: entry.review_by,
            next_step: entry.next_step.map(NextStep::as_str),
            note: entry.note.clone(),
            reviewed_at: entry.reviewed_at,
            reviewed_by: entry.reviewed_at.map(|_| entry.reviewer_name.clone()),
            review_asked_at: entry.asked_review_at,
            review_asked_words: entry.asked_words.clone(),
        }
    }

    fn listed(listed: &Listed) -> Self {
        Self {
            person_id: Some(listed.person.id().to_string()),
            name: Some(listed.person.name().full()),
            nhs_number: listed.person.nhs_number().map(|n| n.to_string()),
            ..Self::of(&listed.entry)
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListView {
    pub entries: Vec<EntryView>,
    /// Whether there are more after these (ask for `offset` + `limit`).
    pub more: bool,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Entries to skip (default 0).
    #[param(minimum = 0, maximum = 1000000)]
    offset: Option<u32>,
    /// Entries to return (1 to 100, default 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// The people now on the list, those waiting for review first: for the
/// team that offers them support. Each person is read through the access
/// decision and audited.
#[utoipa::path(
    get,
    path = "/frequent-contact",
    operation_id = "listFrequentContact",
    tag = "frequent-contact",
    params(ListQuery),
    responses(
        (status = 200, description = "The list", body = ListView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ListView>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "from 1 to 100"));
    }
    let offset = query.offset.unwrap_or(0).min(1_000_000);
    let (listed, more) = service::current(&state, &caller.viewer(), offset, limit).await?;
    Ok(Json(ListView {
        entries: listed.iter().map(EntryView::listed).collect(),
        more,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// `offer-support`, `care-plan-review` or `multi-agency-case` to keep
    /// the person on the list until the next review for that; `end` to take
    /// them off it. Nothing else exists.
    pub outcome: String,
    /// What was decided and why. Words proposing to withhold, delay or
    /// downgrade a response are refused.
    #[serde(default)]
    pub note: String,
}

fn entry_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// Reviews an entry: help chosen, or the person taken off the list.
#[utoipa::path(
    post,
    path = "/frequent-contact/{id}/review",
    operation_id = "reviewFrequentContact",
    tag = "frequent-contact",
    params(("id" = String, Path, description = "The entry")),
    request_body(content = ReviewInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The entry as it now stands", body = EntryView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn review(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<EntryView>, ApiError> {
    let outcome = match input.outcome.as_str() {
        "end" => Outcome::End,
        other => Outcome::Continue(NextStep::parse(other).map_err(|_| {
            ApiError::invalid(
                "outcome",
                "offer-support, care-plan-review, multi-agency-case or end",
            )
        })?),
    };
    let entry = service::review(
        &state,
        &caller.viewer(),
        entry_id(&id)?,
        Review {
            outcome,
            note: input.note,
        },
    )
    .await?;
    Ok(Json(EntryView::of(&entry)))
}

/// How many people are on the list by age band, sex and ethnic group,
/// counts of 1 to 7 shown as `*` and the rest rounded to 5: for
/// information governance and commissioners.
#[utoipa::path(
    get,
    path = "/frequent-contact/make-up",
    operation_id = "frequentContactMakeUp",
    tag = "frequent-contact",
    responses(
        (status = 200, description = "The make-up", body = MakeUp),
        (status = 403, response = Forbidden),
    )
)]
pub async fn make_up(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<MakeUp>, ApiError> {
    Ok(Json(service::make_up(&state, &caller.viewer()).await?))
}

/// The caller's own entries (a person's own account), newest first.
#[utoipa::path(
    get,
    path = "/me/frequent-contact",
    operation_id = "myFrequentContact",
    tag = "frequent-contact",
    responses(
        (status = 200, description = "The entries", body = Vec<EntryView>),
        (status = 403, response = Forbidden),
    )
)]
pub async fn mine(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<EntryView>>, ApiError> {
    let entries = service::mine(&state, &caller.viewer()).await?;
    Ok(Json(entries.iter().map(EntryView::of).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskInput {
    /// Why the person asks, in their own words.
    pub words: String,
}

/// The person asks for their current entry to be looked at again.
#[utoipa::path(
    post,
    path = "/me/frequent-contact/review-request",
    operation_id = "askFrequentContactReview",
    tag = "frequent-contact",
    request_body(content = AskInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The entry with the request", body = EntryView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub async fn ask_for_review(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(input): ApiJson<AskInput>,
) -> Result<Json<EntryView>, ApiError> {
    let entry = service::ask_for_review(&state, &caller.viewer(), &input.words).await?;
    Ok(Json(EntryView::of(&entry)))
}
