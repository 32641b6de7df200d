//! Setting one's own password with the one-time link an administrator made
//! (`/set-password/{secret}`), before signing in. The link's 256-bit
//! secret is what makes the form safe to send: no one who could forge the
//! request lacks it, so it serves as the form's CSRF token. A link that is
//! spent, expired or never made gets one answer.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::user::NewPassword;
use serde::Deserialize;

use crate::accounts;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::faults::Faults;
use crate::pages::layout::render;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/set-password/{secret}", get(form).post(set))
}

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPasswordPage {
    /// The owner's name; `None` when the link does not work.
    name: Option<String>,
    username: String,
    secret: String,
    min_chars: usize,
    faults: Faults,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds a password, which must not reach a log"
)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

async fn page(state: &AppState, secret: String, faults: Faults) -> Result<Response, PageError> {
    let owner = accounts::link_owner(state, &secret).await?;
    let status = match (&owner, faults.is_empty()) {
        (None, _) => StatusCode::NOT_FOUND,
        (Some(_), false) => StatusCode::BAD_REQUEST,
        (Some(_), true) => StatusCode::OK,
    };
    let page = SetPasswordPage {
        name: owner.as_ref().map(|u| u.display_name().as_str().to_owned()),
        username: owner
            .as_ref()
            .map(|u| u.username().as_str().to_owned())
            .unwrap_or_default(),
        secret,
        min_chars: NewPassword::MIN_CHARS,
        faults,
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /set-password/{secret}`.
pub async fn form(
    State(state): State<AppState>,
    PagePath(secret): PagePath<String>,
) -> Result<Response, PageError> {
    page(&state, secret, Faults::new()).await
}

/// `POST /set-password/{secret}`: sets it and sends them to sign in.
pub async fn set(
    State(state): State<AppState>,
    PagePath(secret): PagePath<String>,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    let mut faults = Faults::new();
    let password = NewPassword::parse(&form.password)
        .map_err(|e| faults.add("password", e.to_string()))
        .ok();
    if password.is_some() && form.again != form.password {
        faults.add(
            "again",
            "The two passwords are not the same; type it again.",
        );
    }
    let (Some(password), true) = (password, faults.is_empty()) else {
        return page(&state, secret, faults).await;
    };
    match accounts::redeem(&state, &secret, password).await {
        Ok(_) => Ok(Redirect::to("/sign-in?password_set=1").into_response()),
        Err(ServiceError::NotFound) => page(&state, secret, Faults::new()).await,
        Err(other) => Err(other.into()),
    }
}
