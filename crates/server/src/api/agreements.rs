//! `/api/v1/agreements`: information sharing agreements for information
//! governance leads. Listing and reading them is open to the governance roles
//! [`crate::permissions`] names; drafting, amending, signing, suspending,
//! resuming and ending go through [`crate::agreements`], which the pages and
//! the command line share. The token's purpose of use does not matter here:
//! agreements hold no one's personal data.
//!
//! A little past 400 lines: ten operations, each with its OpenAPI
//! description beside it. If it grows, the seam is the views (`Describe` and
//! the structs it fills), which would move to their own module.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::agreement::Agreement;
use concordat_domain::ids::UserId;
use serde::Serialize;

use crate::agreements::{self as workflow, read, Names, StatusChange, TermsJson};
use crate::api::error::ApiError;
use crate::api::extract::ApiPath;
use crate::api::json::ApiJson;
use crate::api::openapi::{Conflict, Forbidden, Invalid, NotFound};
use crate::auth::bearer::ApiCaller;
use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, amend))
        .routes(routes!(sign))
        .routes(routes!(suspend))
        .routes(routes!(resume))
        .routes(routes!(end))
        .routes(routes!(history))
}

/// One agreement in the list: where it stands, without its terms.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementSummary {
    id: String,
    title: String,
    tier: &'static str,
    status: &'static str,
    version: i64,
    parties: Vec<Party>,
    /// Codes of the parties yet to sign this version.
    awaiting_signatures: Vec<String>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    review_on: NaiveDate,
    /// Active and past its review date.
    review_overdue: bool,
    /// Today falls between the start and end dates.
    in_term: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Party {
    code: String,
    name: String,
    signed: bool,
    /// Username of whoever signed this version for the party.
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_at: Option<DateTime<Utc>>,
}

/// One agreement with its terms, written as `PUT` takes them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementDetail {
    #[serde(flatten)]
    summary: AgreementSummary,
    terms: TermsJson,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementList {
    agreements: Vec<AgreementSummary>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEvent {
    seq: i64,
    version: i64,
    event: String,
    status: &'static str,
    changed_by: String,
    /// Code of the organisation the person who made the change belongs to.
    changed_by_organisation: String,
    changed_at: DateTime<Utc>,
    terms: TermsJson,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    id: String,
    events: Vec<HistoryEvent>,
}

/// The agreement as JSON, naming organisations by code and people by
/// username, from what the reading named.
struct Describe<'a> {
    names: &'a Names,
    today: NaiveDate,
}

impl Describe<'_> {
    /// The username of `id` and the code of their organisation.
    fn user(&self, id: UserId) -> (String, String) {
        match self.names.known(id) {
            Some(user) => (
                user.username().as_str().to_owned(),
                self.names.code(user.organisation_id()),
            ),
            None => (id.to_string(), String::new()),
        }
    }

    fn summary(&self, agreement: &Agreement, with_signers: bool) -> AgreementSummary {
        let terms = agreement.terms();
        let parties = terms
            .parties
            .iter()
            .map(|id| {
                let signature = agreement
                    .signatures()
                    .iter()
                    .find(|s| s.organisation == *id)
                    .filter(|_| with_signers);
                Party {
                    code: self.names.code(*id),
                    name: self.names.name(*id),
                    signed: agreement.is_signed_by(*id),
                    signed_by: signature.map(|s| self.user(s.signed_by).0),
                    signed_at: signature.map(|s| s.signed_at),
                }
            })
            .collect();
        AgreementSummary {
            id: agreement.id().to_string(),
            title: terms.title.clone(),
            tier: terms.tier.as_str(),
            status: agreement.status().as_str(),
            version: agreement.version(),
            awaiting_signatures: agreement
                .awaiting()
                .into_iter()
                .map(|id| self.names.code(id))
                .collect(),
            parties,
            starts_on: terms.starts_on,
            ends_on: terms.ends_on,
            review_on: terms.review_on,
            review_overdue: agreement.review_overdue(self.today),
            in_term: agreement.in_term(self.today),
        }
    }

    fn detail(&self, agreement: &Agreement) -> AgreementDetail {
        AgreementDetail {
            summary: self.summary(agreement, true),
            terms: TermsJson::from_terms(agreement.terms(), &self.names.organisations),
        }
    }
}

/// The agreement as it now stands, for the response to a change.
async fn respond(
    state: &AppState,
    agreement: Agreement,
) -> Result<Json<AgreementDetail>, ApiError> {
    let shown = read::shown(state, agreement).await?;
    let describe = Describe {
        names: &shown.names,
        today: state.clock.now().date_naive(),
    };
    Ok(Json(describe.detail(&shown.agreement)))
}

/// Every agreement, most recently changed first.
#[utoipa::path(
    get,
    path = "/agreements",
    operation_id = "listAgreements",
    tag = "agreements",
    responses(
        (status = 200, description = "The agreements", body = AgreementList),
        (status = 403, response = Forbidden),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<AgreementList>, ApiError> {
    let listed = read::list(&state, &caller.user).await?;
    let describe = Describe {
        names: &listed.names,
        today: state.clock.now().date_naive(),
    };
    Ok(Json(AgreementList {
        agreements: listed
            .agreements
            .iter()
            .map(|a| describe.summary(a, false))
            .collect(),
    }))
}

/// One agreement with its terms.
#[utoipa::path(
    get,
    path = "/agreements/{id}",
    operation_id = "showAgreement",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    responses(
        (status = 200, description = "The agreement", body = AgreementDetail),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgreementDetail>, ApiError> {
    let shown = read::one(&state, &caller.user, read::parse_id(&id)?).await?;
    let describe = Describe {
        names: &shown.names,
        today: state.clock.now().date_naive(),
    };
    Ok(Json(describe.detail(&shown.agreement)))
}

/// A new draft agreement; 201 with its address.
#[utoipa::path(
    post,
    path = "/agreements",
    operation_id = "createAgreement",
    tag = "agreements",
    request_body = TermsJson,
    responses(
        (status = 201, description = "The draft", body = AgreementDetail, headers(("Location" = String, description = "The new agreement's address"))),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(written): ApiJson<TermsJson>,
) -> Result<Response, ApiError> {
    let draft = workflow::create(&state.store, &caller.user, &written, state.clock.now()).await?;
    let location = format!("/api/v1/agreements/{}", draft.id());
    let body = respond(&state, draft).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], body).into_response())
}

/// New terms: a new version, to be signed again.
#[utoipa::path(
    put,
    path = "/agreements/{id}",
    operation_id = "amendAgreement",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    request_body = TermsJson,
    responses(
        (status = 200, description = "The agreement as amended", body = AgreementDetail),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn amend(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
    ApiJson(written): ApiJson<TermsJson>,
) -> Result<Json<AgreementDetail>, ApiError> {
    let id = read::parse_id(&id)?;
    let amended =
        workflow::amend(&state.store, &caller.user, id, &written, state.clock.now()).await?;
    respond(&state, amended).await
}

/// Signs the agreement for the caller's own organisation.
#[utoipa::path(
    post,
    path = "/agreements/{id}/sign",
    operation_id = "signAgreement",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    responses(
        (status = 200, description = "The agreement as it now stands", body = AgreementDetail),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn sign(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgreementDetail>, ApiError> {
    let id = read::parse_id(&id)?;
    let signed = workflow::sign(&state.store, &caller.user, id, state.clock.now()).await?;
    respond(&state, signed).await
}

async fn change_status(
    state: &AppState,
    caller: &ApiCaller,
    id: &str,
    change: StatusChange,
) -> Result<Json<AgreementDetail>, ApiError> {
    let id = read::parse_id(id)?;
    let changed =
        workflow::change_status(&state.store, &caller.user, id, change, state.clock.now()).await?;
    respond(state, changed).await
}

/// Suspends the agreement.
#[utoipa::path(
    post,
    path = "/agreements/{id}/suspend",
    operation_id = "suspendAgreement",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    responses(
        (status = 200, description = "The agreement as it now stands", body = AgreementDetail),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn suspend(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgreementDetail>, ApiError> {
    change_status(&state, &caller, &id, StatusChange::Suspend).await
}

/// Resumes a suspended agreement.
#[utoipa::path(
    post,
    path = "/agreements/{id}/resume",
    operation_id = "resumeAgreement",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    responses(
        (status = 200, description = "The agreement as it now stands", body = AgreementDetail),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn resume(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgreementDetail>, ApiError> {
    change_status(&state, &caller, &id, StatusChange::Resume).await
}

/// Ends the agreement.
#[utoipa::path(
    post,
    path = "/agreements/{id}/end",
    operation_id = "endAgreement",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    responses(
        (status = 200, description = "The agreement as it now stands", body = AgreementDetail),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
pub async fn end(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AgreementDetail>, ApiError> {
    change_status(&state, &caller, &id, StatusChange::End).await
}

/// Every change, oldest first, with the terms as they stood after it.
#[utoipa::path(
    get,
    path = "/agreements/{id}/history",
    operation_id = "agreementHistory",
    tag = "agreements",
    params(("id" = String, Path, description = "The agreement")),
    responses(
        (status = 200, description = "The history", body = History),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<History>, ApiError> {
    let story = read::history(&state, &caller.user, read::parse_id(&id)?).await?;
    let describe = Describe {
        names: &story.names,
        today: state.clock.now().date_naive(),
    };
    let events = story
        .events
        .into_iter()
        .map(|event| {
            let (changed_by, changed_by_organisation) = describe.user(event.changed_by);
            HistoryEvent {
                seq: event.seq,
                version: event.version,
                event: event.event,
                status: event.status.as_str(),
                changed_by,
                changed_by_organisation,
                changed_at: event.changed_at,
                terms: TermsJson::from_terms(&event.terms, &story.names.organisations),
            }
        })
        .collect();
    let id = story.agreement.id();
    Ok(Json(History {
        id: id.to_string(),
        events,
    }))
}
