//! The partnership's organisations and teams, administered from the pages
//! (`/admin/organisations`): adding an organisation, adding a team to one,
//! and changing a team's name, duty number and whether it takes referrals.
//! Each change is confirmed on the list it returns to.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::organisation::{Organisation, OrganisationKind, Team};
use serde::Deserialize;

use crate::accounts::administers;
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::partnership::{self, OrganisationInput, TeamInput};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/organisations", get(list).post(add_organisation))
        .route("/admin/organisations/new", get(new_organisation))
        .route(
            "/admin/organisations/{code}/teams",
            get(new_team).post(add_team),
        )
        .route("/admin/teams/{id}", get(edit_team).post(change_team))
}

struct TeamRow {
    id: String,
    name: String,
    duty_phone: String,
    takes_referrals: bool,
}

struct OrganisationRow {
    code: String,
    name: String,
    kind: &'static str,
    teams: Vec<TeamRow>,
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct ListPage {
    chrome: Chrome,
    organisations: Vec<OrganisationRow>,
    notice: Option<&'static str>,
}

struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "organisation_form.html")]
struct OrganisationPage {
    chrome: Chrome,
    form: OrganisationForm,
    kinds: Vec<Choice>,
    faults: Faults,
}

#[derive(Template)]
#[template(path = "team_form.html")]
struct TeamPage {
    chrome: Chrome,
    /// The organisation's name, and where the form is sent.
    organisation: String,
    action: String,
    is_new: bool,
    form: TeamForm,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct OrganisationForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct TeamForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    duty_phone: String,
    /// `yes` when ticked.
    #[serde(default)]
    takes_referrals: String,
    /// `yes` when ticked.
    #[serde(default)]
    offers_support: String,
}

impl TeamForm {
    fn input(&self) -> TeamInput {
        TeamInput {
            name: self.name.clone(),
            duty_phone: self.duty_phone.clone(),
            takes_referrals: self.takes_referrals == "yes",
            offers_support: self.offers_support == "yes",
        }
    }
}

fn faults_of(e: ServiceError, fields: &[&str], form: &str) -> Result<Faults, PageError> {
    match e {
        ServiceError::Invalid(found) => Ok(Faults::from_service(&found, fields, form)),
        other => Err(other.into()),
    }
}

/// `GET /admin/organisations`.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    administers(&session.user)?;
    let found = directory::directory(&state).await?;
    let notice = match query.done.as_deref() {
        Some("organisation") => Some("The organisation is added. Add its teams, then its staff."),
        Some("team") => Some("The team is saved. The directory and the referral form show it now."),
        _ => None,
    };
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        organisations: found
            .organisations
            .iter()
            .map(|o| OrganisationRow {
                code: o.code().as_str().to_owned(),
                name: o.name().to_owned(),
                kind: o.kind().label(),
                teams: found
                    .teams_of(o)
                    .map(|t| TeamRow {
                        id: t.id().to_string(),
                        name: t.name().to_owned(),
                        duty_phone: t
                            .duty_phone()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_default(),
                        takes_referrals: t.takes_referrals(),
                    })
                    .collect(),
            })
            .collect(),
        notice,
    };
    Ok(render(&page)?.into_response())
}

fn kinds(chosen: &str) -> Vec<Choice> {
    OrganisationKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str(),
            label: k.label(),
            chosen: k.as_str() == chosen.trim(),
        })
        .collect()
}

async fn organisation_page(
    state: &AppState,
    session: &SignedIn,
    form: OrganisationForm,
    faults: Faults,
) -> Result<OrganisationPage, PageError> {
    Ok(OrganisationPage {
        chrome: Chrome::load(state, session).await?,
        kinds: kinds(&form.kind),
        form,
        faults,
    })
}

/// `GET /admin/organisations/new`.
pub async fn new_organisation(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    administers(&session.user)?;
    let page =
        organisation_page(&state, &session, OrganisationForm::default(), Faults::new()).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /admin/organisations`.
pub async fn add_organisation(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<OrganisationForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let input = OrganisationInput {
        code: form.code.clone(),
        name: form.name.clone(),
        kind: form.kind.clone(),
    };
    match partnership::create_organisation(&state, &session.user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/organisations?done=organisation").into_response()),
        Err(e) => {
            let faults = faults_of(e, &["code", "name", "kind"], "organisation")?;
            let page = organisation_page(&state, &session, form, faults).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// The team form: for a new team of `organisation` (`team` is `None`) or
/// for changing `team`.
async fn team_page(
    state: &AppState,
    session: &SignedIn,
    organisation: &Organisation,
    team: Option<&Team>,
    form: TeamForm,
    faults: Faults,
) -> Result<Response, PageError> {
    let action = match team {
        Some(t) => format!("/admin/teams/{}", t.id()),
        None => format!(
            "/admin/organisations/{}/teams",
            organisation.code().as_str()
        ),
    };
    let status = if faults.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = TeamPage {
        chrome: Chrome::load(state, session).await?,
        organisation: organisation.name().to_owned(),
        action,
        is_new: team.is_none(),
        form,
        faults,
    };
    Ok((status, render(&page)?).into_response())
}

/// The organisation a team belongs to.
async fn organisation_of(state: &AppState, team: &Team) -> Result<Organisation, PageError> {
    directory::organisations(state)
        .await?
        .into_iter()
        .find(|o| o.id() == team.organisation_id())
        .ok_or(PageError::NotFound)
}

/// `GET /admin/organisations/{code}/teams`: the form for a new team.
pub async fn new_team(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let organisation = partnership::organisation(&state, &session.user, &code).await?;
    let form = TeamForm {
        takes_referrals: "yes".into(),
        ..TeamForm::default()
    };
    team_page(&state, &session, &organisation, None, form, Faults::new()).await
}

/// `POST /admin/organisations/{code}/teams`.
pub async fn add_team(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(code): PagePath<String>,
    PageForm(form): PageForm<TeamForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let organisation = partnership::organisation(&state, &session.user, &code).await?;
    match partnership::create_team(&state, &session.user, &code, &form.input()).await {
        Ok(_) => Ok(Redirect::to("/admin/organisations?done=team").into_response()),
        Err(e) => {
            let faults = faults_of(e, &["name", "duty_phone"], "team")?;
            team_page(&state, &session, &organisation, None, form, faults).await
        }
    }
}

/// `GET /admin/teams/{id}`.
pub async fn edit_team(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let team = partnership::team(&state, &session.user, &id).await?;
    let organisation = organisation_of(&state, &team).await?;
    let form = TeamForm {
        name: team.name().to_owned(),
        duty_phone: team
            .duty_phone()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        takes_referrals: if team.takes_referrals() { "yes" } else { "" }.into(),
        offers_support: if partnership::offers_support(&state, team.id()).await? {
            "yes"
        } else {
            ""
        }
        .into(),
        ..TeamForm::default()
    };
    team_page(
        &state,
        &session,
        &organisation,
        Some(&team),
        form,
        Faults::new(),
    )
    .await
}

/// `POST /admin/teams/{id}`.
pub async fn change_team(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<TeamForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    match partnership::update_team(&state, &session.user, &id, &form.input()).await {
        Ok(_) => Ok(Redirect::to("/admin/organisations?done=team").into_response()),
        Err(e) => {
            let faults = faults_of(e, &["name", "duty_phone"], "team")?;
            let team = partnership::team(&state, &session.user, &id).await?;
            let organisation = organisation_of(&state, &team).await?;
            team_page(&state, &session, &organisation, Some(&team), form, faults).await
        }
    }
}
