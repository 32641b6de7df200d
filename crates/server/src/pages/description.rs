//! `/my/description`: the person says how they describe themselves — sex
//! and NHS ethnic category — if they want to, and why it is asked.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::person::demography::EthnicGroup;
use concordat_domain::person::{EthnicCategory, Sex};
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::record::description::{self, Description};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/my/description", get(view).post(save))
}

/// One choice of a radio group or a list.
struct Choice {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

/// The categories of one ethnic group, as the list shows them.
struct Group {
    label: &'static str,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "my_description.html")]
struct DescriptionPage {
    chrome: Chrome,
    sexes: Vec<Choice>,
    groups: Vec<Group>,
    nothing_chosen: bool,
    not_stated: bool,
    sex_unsaid: bool,
    notice: Option<&'static str>,
    faults: Faults,
}

fn page(
    chrome: Chrome,
    sex: Option<&str>,
    category: Option<&str>,
    notice: Option<&'static str>,
    faults: Faults,
) -> DescriptionPage {
    // "Not known" is a record's word, not a person's answer about themselves.
    let sexes = Sex::ALL
        .iter()
        .filter(|s| **s != Sex::Unknown)
        .map(|s| Choice {
            value: s.as_str(),
            label: s.label(),
            chosen: sex == Some(s.as_str()),
        })
        .collect();
    let groups = EthnicGroup::ALL
        .iter()
        .filter(|g| **g != EthnicGroup::NotStated)
        .map(|group| Group {
            label: group.label(),
            choices: EthnicCategory::ALL
                .iter()
                .filter(|c| c.group() == *group)
                .map(|c| Choice {
                    value: c.as_str(),
                    label: c.label(),
                    chosen: category == Some(c.as_str()),
                })
                .collect(),
        })
        .collect();
    DescriptionPage {
        chrome,
        sexes,
        groups,
        sex_unsaid: sex.is_none_or(str::is_empty),
        nothing_chosen: category.is_none_or(str::is_empty),
        not_stated: category == Some(EthnicCategory::NotStated.as_str()),
        notice,
        faults,
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /my/description`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let said = description::own(&state, &session.viewer(Purpose::OwnAccess)).await?;
    let notice = (query.done.as_deref() == Some("saved")).then_some("Saved. Thank you.");
    let chrome = Chrome::load(&state, &session).await?;
    let page = page(
        chrome,
        said.sex.map(Sex::as_str),
        said.ethnic_category.map(EthnicCategory::as_str),
        notice,
        Faults::new(),
    );
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct DescriptionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    ethnic_category: String,
}

/// `POST /my/description`.
pub async fn save(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<DescriptionForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::OwnAccess);
    let saved = match Description::parse(Some(&form.sex), Some(&form.ethnic_category)) {
        Ok(said) => description::describe(&state, &viewer, said).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(()) => Ok(Redirect::to("/my/description?done=saved").into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let faults = Faults::from_service(&fields, &["sex", "ethnic_category"], "sex");
            let chrome = Chrome::load(&state, &session).await?;
            let page = page(
                chrome,
                Some(form.sex.as_str()),
                Some(form.ethnic_category.as_str()),
                None,
                faults,
            );
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
