//! Sending a referral: the form (`/referrals/new`), with the teams that
//! take referrals and the urgencies to choose from, and sending it
//! (`POST /referrals`); a failed send shows the form again as typed.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::ids::{OrganisationId, PersonId, TeamId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::purpose::Purpose;
use concordat_domain::referral::{ReferralSection, Urgency};
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::PageForm;
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::sentence;
use crate::record::PersonRef;
use crate::referrals;
use crate::referrals::{self as service, NewReferral};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals", post(send))
        .route("/referrals/new", get(new))
}

pub(crate) struct TeamChoice {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) chosen: bool,
}

/// The teams a referral from `sender` may go to (see
/// [`referrals::receiving_teams`]), as "Team — Organisation" in order.
pub(crate) async fn team_choices(
    state: &AppState,
    chosen: &str,
    sender: OrganisationId,
    except: Option<TeamId>,
) -> Result<Vec<TeamChoice>, PageError> {
    let receiving = referrals::receiving_teams(state, sender, except).await?;
    let orgs = directory::organisations(state).await?;
    let mut out: Vec<TeamChoice> = receiving
        .iter()
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
    faults: Faults,
    problem: Option<String>,
}

impl NewPage {
    /// The fields' faults and, after them, why the referral could not go
    /// (a refusal is about the whole form).
    fn all_faults(&self) -> Faults {
        let mut all = self.faults.clone();
        if let Some(p) = &self.problem {
            all.add("problem", p);
        }
        all
    }
}

async fn new_page(
    state: &AppState,
    session: &SignedIn,
    form: NewForm,
    faults: Faults,
    problem: Option<String>,
) -> Result<NewPage, PageError> {
    let teams = team_choices(
        state,
        &form.to_team_id,
        session.user.organisation_id(),
        session.user.team_id(),
    )
    .await?;
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
        faults,
        problem,
    })
}

/// `GET /referrals/new`: the empty form. (An NHS number is never taken
/// from an address: it is typed into the form.)
pub async fn new(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let form = NewForm {
        urgency: Urgency::Routine.as_str().to_owned(),
        ..NewForm::default()
    };
    let page = new_page(&state, &session, form, Faults::new(), None).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /referrals`.
pub async fn send(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<NewForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let mut faults = Faults::new();
    let nhs = NhsNumber::parse(form.nhs_number.trim())
        .map_err(|e| faults.add("nhs_number", e.to_string()))
        .ok();
    let team = TeamId::parse(form.to_team_id.trim())
        .map_err(|_| faults.add("to_team_id", "Choose the team to refer to."))
        .ok();
    let urgency = Urgency::parse(form.urgency.trim())
        .map_err(|_| faults.add("urgency", "Choose how urgent it is."))
        .ok();
    if form.reason.trim().is_empty() {
        faults.add("reason", "Say why you are referring them.");
    }
    let person = match &nhs {
        Some(n) => {
            PersonRef::NhsNumber(n.as_str().to_owned())
                .resolve(&state)
                .await?
        }
        None => PersonId::nobody(),
    };
    let (status, problem) = match (team, urgency, faults.is_empty()) {
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
                    for f in fields {
                        let field = if f.field.starts_with("sections") {
                            "section_text"
                        } else {
                            f.field.as_str()
                        };
                        faults.add(field, &f.message);
                    }
                    (StatusCode::BAD_REQUEST, None)
                }
                Err(ServiceError::NotFound) => {
                    faults.add("nhs_number", "No one you may refer has this NHS number.");
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
    let page = new_page(&state, &session, form, faults, problem).await?;
    Ok((status, render(&page)?).into_response())
}
