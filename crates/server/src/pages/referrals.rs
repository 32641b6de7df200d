//! Referrals as pages: the team's inbox and the user's outbox with
//! deadlines and overdue or escalated ones marked (`/referrals`), a new
//! referral (`/referrals/new`), and one referral with its timeline and what
//! the reader may do next (`/referrals/{id}`). Everything goes through
//! [`crate::referrals`], so each read and change is decided and audited.

use axum::routing::{get, post};
use axum::Router;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use concordat_domain::ids::{PersonId, ReferralId, TeamId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::purpose::Purpose;
use concordat_domain::referral::{ReferralAction, ReferralSection, ReferralStatus, Urgency};
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::directory;
use crate::error::{FieldError, ServiceError};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{sentence, when};
use crate::record::PersonRef;
use crate::referrals::{self as service, ActionInput, NewReferral};
use crate::referrals::{Listing, Referral};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/referrals", get(mine))
        .route("/referrals", get(list).post(send))
        .route("/referrals/new", get(new))
        .route("/referrals/{id}", get(show))
        .route("/referrals/{id}/act", post(act))
}

struct Row {
    id: String,
    person: String,
    urgency: &'static str,
    status: &'static str,
    due: String,
    overdue: bool,
    escalated: i64,
    team: String,
}

fn row(state: &AppState, r: &Referral, person: String, team: String) -> Row {
    Row {
        id: r.id.to_string(),
        person,
        urgency: r.urgency.label(),
        status: r.status.label(),
        due: when(r.acknowledge_due),
        overdue: waiting_past_deadline(state, r),
        escalated: r.escalation_step,
        team,
    }
}

fn waiting_past_deadline(state: &AppState, r: &Referral) -> bool {
    r.acknowledged_at.is_none() && r.status.is_open() && state.clock.now() >= r.acknowledge_due
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct ListPage {
    chrome: Chrome,
    has_team: bool,
    inbox: Vec<Row>,
    outbox: Vec<Row>,
}

async fn rows(state: &AppState, viewer: &Viewer, listing: Listing) -> Result<Vec<Row>, PageError> {
    let mut out = Vec::new();
    for (r, name) in service::list(state, viewer, listing).await? {
        let team = service::team_label(state, r.to_team).await?;
        out.push(row(state, &r, name, team));
    }
    Ok(out)
}

/// `GET /referrals`.
pub async fn list(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let inbox = match session.user.team_id() {
        Some(team) => rows(&state, &viewer, Listing::ToTeam(team)).await?,
        None => Vec::new(),
    };
    let outbox = rows(&state, &viewer, Listing::FromUser(session.user.id())).await?;
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        has_team: session.user.team_id().is_some(),
        inbox,
        outbox,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "my_referrals.html")]
struct MinePage {
    chrome: Chrome,
    referrals: Vec<Row>,
}

/// `GET /my/referrals`: a person's own referrals and where each stands.
pub async fn mine(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let Some(person) = session.user.person_id() else {
        return Err(PageError::Forbidden(
            "This page is for a person's own account.".into(),
        ));
    };
    let viewer = session.viewer(Purpose::OwnAccess);
    let page = MinePage {
        chrome: Chrome::load(&state, &session).await?,
        referrals: rows(&state, &viewer, Listing::Person(person)).await?,
    };
    Ok(render(&page)?.into_response())
}

struct TeamChoice {
    id: String,
    label: String,
    chosen: bool,
}

async fn team_choices(
    state: &AppState,
    chosen: &str,
    except: Option<TeamId>,
) -> Result<Vec<TeamChoice>, PageError> {
    let found = directory::directory(state).await?;
    let orgs = &found.organisations;
    let mut out: Vec<TeamChoice> = found
        .teams
        .iter()
        .filter(|t| Some(t.id()) != except)
        .map(|t| {
            let org = orgs
                .iter()
                .find(|o| o.id() == t.organisation_id())
                .map(|o| o.name().to_owned())
                .unwrap_or_default();
            TeamChoice {
                chosen: t.id().to_string() == chosen,
                id: t.id().to_string(),
                label: format!("{} — {org}", t.name()),
            }
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct NewForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    nhs_number: String,
    #[serde(default)]
    to_team_id: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    section_title: String,
    #[serde(default)]
    section_text: String,
}

struct UrgencyChoice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "referral_new.html")]
struct NewPage {
    chrome: Chrome,
    form: NewForm,
    teams: Vec<TeamChoice>,
    urgencies: Vec<UrgencyChoice>,
    errors: BTreeMap<String, String>,
    problem: Option<String>,
}

impl NewPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

async fn new_page(
    state: &AppState,
    session: &SignedIn,
    form: NewForm,
    errors: BTreeMap<String, String>,
    problem: Option<String>,
) -> Result<NewPage, PageError> {
    let teams = team_choices(state, &form.to_team_id, session.user.team_id()).await?;
    let urgencies = Urgency::ALL
        .iter()
        .map(|u| UrgencyChoice {
            value: u.as_str(),
            label: u.label(),
            chosen: u.as_str() == form.urgency,
        })
        .collect();
    Ok(NewPage {
        chrome: Chrome::load(state, session).await?,
        form,
        teams,
        urgencies,
        errors,
        problem,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    nhs_number: Option<String>,
}

/// `GET /referrals/new`.
pub async fn new(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<NewQuery>,
) -> Result<Response, PageError> {
    let form = NewForm {
        nhs_number: query.nhs_number.unwrap_or_default(),
        urgency: Urgency::Routine.as_str().to_owned(),
        ..NewForm::default()
    };
    let page = new_page(&state, &session, form, BTreeMap::new(), None).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /referrals`.
pub async fn send(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<NewForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let mut errors = BTreeMap::new();
    let nhs = NhsNumber::parse(form.nhs_number.trim())
        .map_err(|e| errors.insert("nhs_number".into(), sentence(&e.to_string())))
        .ok();
    let team = TeamId::parse(form.to_team_id.trim())
        .map_err(|_| errors.insert("to_team_id".into(), "Choose the team to refer to.".into()))
        .ok();
    let urgency = Urgency::parse(form.urgency.trim())
        .map_err(|_| errors.insert("urgency".into(), "Choose how urgent it is.".into()))
        .ok();
    let person = match &nhs {
        Some(n) => {
            PersonRef::NhsNumber(n.as_str().to_owned())
                .resolve(&state)
                .await?
        }
        None => PersonId::nobody(),
    };
    let (status, problem) = match (team, urgency, errors.is_empty()) {
        (Some(to_team), Some(urgency), true) => {
            let sections = if form.section_text.trim().is_empty() {
                Vec::new()
            } else {
                vec![ReferralSection {
                    title: if form.section_title.trim().is_empty() {
                        "Details".into()
                    } else {
                        form.section_title.clone()
                    },
                    text: form.section_text.clone(),
                }]
            };
            let sent = service::send(
                &state,
                &session.viewer(Purpose::DirectCare),
                NewReferral {
                    person,
                    to_team,
                    urgency,
                    reason: form.reason.clone(),
                    sections,
                },
            )
            .await;
            match sent {
                Ok(r) => {
                    return Ok(
                        Redirect::to(&format!("/referrals/{}?done=sent", r.id)).into_response()
                    )
                }
                Err(ServiceError::Invalid(fields)) => {
                    for FieldError {
                        field: f,
                        message: m,
                    } in fields
                    {
                        let field = if f.starts_with("sections") {
                            "section_text".to_owned()
                        } else {
                            f
                        };
                        errors.insert(field, sentence(&m));
                    }
                    (StatusCode::BAD_REQUEST, None)
                }
                Err(ServiceError::NotFound) => {
                    errors.insert(
                        "nhs_number".into(),
                        "No one you may refer has this NHS number.".into(),
                    );
                    (StatusCode::NOT_FOUND, None)
                }
                Err(ServiceError::Denied { reason, .. } | ServiceError::Forbidden(reason)) => {
                    (StatusCode::FORBIDDEN, Some(sentence(&reason)))
                }
                Err(other) => return Err(other.into()),
            }
        }
        _ => (StatusCode::BAD_REQUEST, None),
    };
    let page = new_page(&state, &session, form, errors, problem).await?;
    Ok((status, render(&page)?).into_response())
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
    problem: Option<String>,
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
    problem: Option<String>,
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
    let actions: Vec<ActionChoice> = ReferralAction::ALL
        .iter()
        .filter(|a| r.status.after(**a).is_some())
        .filter(|a| {
            if ReferralStatus::sender_acts(**a) {
                sending
            } else {
                receiving
            }
        })
        .map(|a| ActionChoice {
            value: a.as_str(),
            label: a.label(),
            needs_note: matches!(
                a,
                ReferralAction::Decline | ReferralAction::Redirect | ReferralAction::Cancel
            ),
        })
        .collect();
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
            team_choices(state, "", Some(r.to_team)).await?
        } else {
            Vec::new()
        },
        notice,
        problem,
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
    let (status, problem) = match done {
        Ok(_) => return Ok(Redirect::to(&format!("/referrals/{id}?done=updated")).into_response()),
        Err(ServiceError::Invalid(fields)) => (
            StatusCode::BAD_REQUEST,
            fields
                .into_iter()
                .map(|e| sentence(&e.message))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Err(ServiceError::Conflict(m)) => (StatusCode::CONFLICT, sentence(&m)),
        Err(ServiceError::Forbidden(m) | ServiceError::Denied { reason: m, .. }) => {
            (StatusCode::FORBIDDEN, sentence(&m))
        }
        Err(other) => return Err(other.into()),
    };
    let page = detail_page(&state, &session, id, None, Some(problem)).await?;
    Ok((status, render(&page)?).into_response())
}
