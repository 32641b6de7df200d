//! Administering staff accounts from the pages: adding one (with its
//! one-time set-password link, shown once and never a password), changing
//! its name, role and team, disabling and enabling it, and a new link for a
//! forgotten password. Each change is confirmed on the page it returns to.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::role::Role;
use serde::Deserialize;

use crate::accounts::{self, AccountInput, MadeLink, STAFF_ROLES};
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::error::ServiceError;
use crate::extract::origin;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users/new", get(new))
        .route("/users/{username}", get(view).post(change))
        .route("/users/{username}/enabled", post(enable))
        .route("/users/{username}/password-link", post(link))
}

struct Choice {
    value: String,
    label: String,
    chosen: bool,
}

/// The account form as sent (new or changed).
#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AccountForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    line_manager: String,
}

impl AccountForm {
    fn input(&self) -> AccountInput {
        AccountInput {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            organisation: self.organisation.clone(),
            team: self.team.clone(),
            role: self.role.clone(),
            line_manager: self.line_manager.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "account_form.html")]
struct FormPage {
    chrome: Chrome,
    /// The account being changed; `None` for a new one.
    existing: Option<Existing>,
    form: AccountForm,
    organisations: Vec<Choice>,
    teams: Vec<Choice>,
    roles: Vec<Choice>,
    faults: Faults,
    notice: Option<&'static str>,
}

struct Existing {
    username: String,
    organisation: String,
    enabled: bool,
    own: bool,
}

#[derive(Template)]
#[template(path = "account_link.html")]
struct LinkPage {
    chrome: Chrome,
    username: String,
    display_name: String,
    link: String,
    until: String,
    is_new: bool,
}

#[derive(Debug, Deserialize)]
pub struct ViewQuery {
    done: Option<String>,
}

fn refused(e: ServiceError) -> PageError {
    e.into()
}

async fn form_page(
    state: &AppState,
    session: &SignedIn,
    existing: Option<Existing>,
    form: AccountForm,
    faults: Faults,
    notice: Option<&'static str>,
) -> Result<FormPage, PageError> {
    let found = directory::directory(state).await?;
    let chosen_org = match &existing {
        Some(e) => e.organisation.clone(),
        None => form.organisation.trim().to_owned(),
    };
    let org_id = found
        .organisations
        .iter()
        .find(|o| o.code().as_str().eq_ignore_ascii_case(&chosen_org))
        .map(|o| o.id());
    Ok(FormPage {
        chrome: Chrome::load(state, session).await?,
        organisations: found
            .organisations
            .iter()
            .map(|o| Choice {
                value: o.code().as_str().to_owned(),
                label: o.name().to_owned(),
                chosen: Some(o.id()) == org_id,
            })
            .collect(),
        // Every team, each with its organisation, so that the choice reads
        // on its own and needs no script to narrow it.
        teams: found
            .teams
            .iter()
            .filter(|t| existing.is_none() || Some(t.organisation_id()) == org_id)
            .map(|t| {
                let org = found
                    .organisations
                    .iter()
                    .find(|o| o.id() == t.organisation_id())
                    .map(|o| o.name().to_owned())
                    .unwrap_or_default();
                Choice {
                    value: t.id().to_string(),
                    label: format!("{} — {org}", t.name()),
                    chosen: t.id().to_string() == form.team.trim(),
                }
            })
            .collect(),
        roles: STAFF_ROLES
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: r.label().to_owned(),
                chosen: r.as_str() == form.role.trim(),
            })
            .collect(),
        existing,
        form,
        faults,
        notice,
    })
}

fn faults_of(e: ServiceError) -> Result<Faults, PageError> {
    match e {
        ServiceError::Invalid(fields) => Ok(Faults::from_service(
            &fields,
            &[
                "username",
                "display_name",
                "organisation",
                "team",
                "role",
                "line_manager",
            ],
            "account",
        )),
        ServiceError::Conflict(why) => {
            let mut faults = Faults::new();
            faults.add("account", why);
            Ok(faults)
        }
        other => Err(refused(other)),
    }
}

/// `GET /users/new`.
pub async fn new(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    accounts::administers(&session.user).map_err(refused)?;
    let page = form_page(
        &state,
        &session,
        None,
        AccountForm::default(),
        Faults::new(),
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

fn link_page(
    state: &AppState,
    headers: &HeaderMap,
    chrome: Chrome,
    made: MadeLink,
    is_new: bool,
) -> LinkPage {
    LinkPage {
        chrome,
        username: made.user.username().as_str().to_owned(),
        display_name: made.user.display_name().as_str().to_owned(),
        link: format!("{}/set-password/{}", origin(state, headers), made.secret),
        until: when(made.expires_at),
        is_new,
    }
}

/// `POST /users`: adds the account and shows its link, once.
pub async fn add(
    State(state): State<AppState>,
    session: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<AccountForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    match accounts::create(&state, &session.user, &form.input()).await {
        Ok(made) => {
            let chrome = Chrome::load(&state, &session).await?;
            let page = link_page(&state, &headers, chrome, made, true);
            Ok(render(&page)?.into_response())
        }
        Err(e) => {
            let faults = faults_of(e)?;
            let page = form_page(&state, &session, None, form, faults, None).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

fn existing(session: &SignedIn, user: &concordat_domain::user::User, org: String) -> Existing {
    Existing {
        username: user.username().as_str().to_owned(),
        organisation: org,
        enabled: !user.disabled(),
        own: user.id() == session.user.id(),
    }
}

async fn organisation_code(
    state: &AppState,
    user: &concordat_domain::user::User,
) -> Result<String, PageError> {
    Ok(directory::organisations(state)
        .await?
        .iter()
        .find(|o| o.id() == user.organisation_id())
        .map(|o| o.code().as_str().to_owned())
        .unwrap_or_default())
}

/// `GET /users/{username}`: the account, to change.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(username): PagePath<String>,
    PageQuery(query): PageQuery<ViewQuery>,
) -> Result<Response, PageError> {
    let user = accounts::staff_account(&state, &session.user, &username)
        .await
        .map_err(refused)?;
    let org = organisation_code(&state, &user).await?;
    let line_manager = accounts::line_manager(&state, &session.user, &user)
        .await
        .map_err(refused)?;
    let form = AccountForm {
        username: user.username().as_str().to_owned(),
        display_name: user.display_name().as_str().to_owned(),
        organisation: org.clone(),
        team: user.team_id().map(|t| t.to_string()).unwrap_or_default(),
        role: user.role().as_str().to_owned(),
        line_manager: line_manager.unwrap_or_default(),
        ..AccountForm::default()
    };
    let notice = match query.done.as_deref() {
        Some("changed") => {
            Some("The account is changed. If its role or team changed, it signs in again.")
        }
        Some("enabled") => Some("The account is enabled: it can sign in again."),
        Some("disabled") => {
            Some("The account is disabled: it was signed out everywhere and cannot sign in.")
        }
        _ => None,
    };
    let ex = existing(&session, &user, org);
    let page = form_page(&state, &session, Some(ex), form, Faults::new(), notice).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /users/{username}`: its name, role and team.
pub async fn change(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(username): PagePath<String>,
    PageForm(form): PageForm<AccountForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    match accounts::update(&state, &session.user, &username, &form.input()).await {
        Ok(user) => Ok(
            Redirect::to(&format!("/users/{}?done=changed", user.username().as_str()))
                .into_response(),
        ),
        Err(e) => {
            let faults = faults_of(e)?;
            let user = accounts::staff_account(&state, &session.user, &username)
                .await
                .map_err(refused)?;
            let org = organisation_code(&state, &user).await?;
            let ex = existing(&session, &user, org);
            let form = AccountForm {
                username: user.username().as_str().to_owned(),
                ..form
            };
            let page = form_page(&state, &session, Some(ex), form, faults, None).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
    }
}

/// What the enable / disable form sends.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct EnableForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    enabled: String,
}

/// `POST /users/{username}/enabled`.
pub async fn enable(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(username): PagePath<String>,
    PageForm(form): PageForm<EnableForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let enabled = form.enabled == "yes";
    let user = accounts::set_enabled(&state, &session.user, &username, enabled)
        .await
        .map_err(refused)?;
    let done = if enabled { "enabled" } else { "disabled" };
    Ok(Redirect::to(&format!("/users/{}?done={done}", user.username().as_str())).into_response())
}

/// The CSRF token alone.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /users/{username}/password-link`: a new one-time link, shown once.
pub async fn link(
    State(state): State<AppState>,
    session: SignedIn,
    headers: HeaderMap,
    PagePath(username): PagePath<String>,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let made = accounts::new_link(&state, &session.user, &username)
        .await
        .map_err(refused)?;
    let chrome = Chrome::load(&state, &session).await?;
    Ok(render(&link_page(&state, &headers, chrome, made, false))?.into_response())
}

/// Whether a role is one the pages administer (for the list's links).
pub fn administered_here(role: Role) -> bool {
    STAFF_ROLES.contains(&role)
}
