//! `/my/notices`: how a person is told of what happens to their record —
//! always in their inbox, and by email too if they give an address.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::told;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/my/notices", get(view).post(save))
}

#[derive(Template)]
#[template(path = "my_notices.html")]
struct NoticesPage {
    chrome: Chrome,
    email: String,
    notice: Option<&'static str>,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct NoticesForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
}

/// `GET /my/notices`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let email = told::email(&state, &session.user)
        .await?
        .unwrap_or_default();
    let notice = match query.done.as_deref() {
        Some("saved") if email.is_empty() => Some("Saved: you are told in your inbox only."),
        Some("saved") => {
            Some("Saved: you are told in your inbox, and by email that there is something to see.")
        }
        _ => None,
    };
    let page = NoticesPage {
        chrome: Chrome::load(&state, &session).await?,
        email,
        notice,
        faults: Faults::new(),
    };
    Ok(render(&page)?.into_response())
}

/// `POST /my/notices`.
pub async fn save(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<NoticesForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    match told::set_email(&state, &session.user, &form.email).await {
        Ok(()) => Ok(Redirect::to("/my/notices?done=saved").into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let page = NoticesPage {
                chrome: Chrome::load(&state, &session).await?,
                email: form.email,
                notice: None,
                faults: Faults::from_service(&fields, &["email"], "email"),
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
