//! The sign-in page and signing out.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Duration;
use serde::Deserialize;

use crate::auth::csrf::{self, SIGN_IN_COOKIE};
use crate::auth::session::{self, cookie, set_cookie, SignedIn, SESSION_COOKIE};
use crate::auth::sign_in::{authenticate, SignInTo};
use crate::auth::AuthError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::render;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(form).post(submit))
        .route("/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    csrf_token: &'a str,
    username: &'a str,
    error: Option<String>,
    notice: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    signed_out: Option<String>,
    password_set: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    PageQuery(query): PageQuery<SignInQuery>,
) -> Result<Response, PageError> {
    let notice = if query.password_set.is_some() {
        Some("Your password is set. Sign in with it now.")
    } else {
        query.signed_out.is_some().then_some("You have signed out.")
    };
    sign_in_page(&state, StatusCode::OK, "", None, notice)
}

fn sign_in_page(
    state: &AppState,
    status: StatusCode,
    username: &str,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<Response, PageError> {
    let (token, csrf_cookie) = csrf::sign_in_token(state.config.secure_cookies);
    let page = render(&SignInPage {
        csrf_token: &token,
        username,
        error,
        notice,
    })?;
    Ok((
        status,
        [
            (header::SET_COOKIE, csrf_cookie),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        page,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    csrf_token: String,
}

// INVARIANT: the password and token never reach a log through Debug.
impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInForm")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    PageForm(form): PageForm<SignInForm>,
) -> Result<Response, PageError> {
    csrf::check(cookie(&headers, SIGN_IN_COOKIE), &form.csrf_token)?;
    let outcome = authenticate(
        &state,
        &form.username,
        &form.password,
        &peer.ip().to_string(),
        SignInTo::Pages,
    )
    .await;
    let user = match outcome {
        Ok(user) => user,
        Err(AuthError::Rejected) => {
            return sign_in_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &form.username,
                Some("The username or password is not right. Check them and try again.".into()),
                None,
            )
        }
        Err(AuthError::Locked { until }) => {
            let minutes = (until - state.clock.now()).num_minutes() + 1;
            return sign_in_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &form.username,
                Some(format!(
                    "Too many failed sign-ins. Try again in {minutes} minute{}, or ask your \
                     administrator to help.",
                    if minutes == 1 { "" } else { "s" }
                )),
                None,
            );
        }
        Err(other) => return Err(other.into()),
    };
    let session_cookie = session::start(&state, &user, cookie(&headers, SESSION_COOKIE)).await?;
    let clear_csrf = set_cookie(
        SIGN_IN_COOKIE,
        "",
        "/sign-in",
        Duration::zero(),
        state.config.secure_cookies,
    );
    tracing::info!(user = %user.username(), "signed in");
    let mut response = Redirect::to("/").into_response();
    let headers = response.headers_mut();
    for value in [session_cookie, clear_csrf] {
        if let Ok(v) = value.parse() {
            headers.append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct SignOutForm {
    csrf_token: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<SignOutForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let clear = session::end(&state, &session).await?;
    Ok((
        [(header::SET_COOKIE, clear)],
        Redirect::to("/sign-in?signed_out=1"),
    )
        .into_response())
}
