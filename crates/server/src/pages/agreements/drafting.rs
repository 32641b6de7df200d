//! Drafting a new agreement (`/agreements/new`, `POST /agreements`) and
//! amending one as a new version (`/agreements/{id}/edit`), through the
//! agreement form (`form.rs`); a failed save shows the form again as sent.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::agreement::Agreement;

use crate::agreements::{self as workflow, read, TermsJson};
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::FieldError;
use crate::error::ServiceError;
use crate::pages::agreements::form::{AgreementForm, FormFields};
use crate::pages::agreements::refusals::{agreement_id, forbidden, refused};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::sentence;
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/agreements", post(create))
        .route("/agreements/new", get(new_form))
        .route("/agreements/{id}/edit", get(edit_form).post(amend))
}

#[derive(Template)]
#[template(path = "agreement_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    intro: String,
    action: String,
    submit: &'static str,
    cancel: String,
    fields: FormFields,
}

struct FormTarget {
    heading: String,
    intro: String,
    action: String,
    submit: &'static str,
    cancel: String,
}

impl FormTarget {
    fn new_draft() -> Self {
        Self {
            heading: "New information sharing agreement".into(),
            intro: "Saved as a draft. It allows no sharing until every party's information \
                    governance lead has signed it."
                .into(),
            action: "/agreements".into(),
            submit: "Save draft",
            cancel: "/agreements".into(),
        }
    }

    fn amendment(agreement: &Agreement) -> Self {
        let id = agreement.id();
        Self {
            heading: format!("Amend: {}", agreement.terms().title),
            intro: format!(
                "Saving makes version {}. Every signature is cleared and the agreement allows \
                 no sharing until every party has signed the new version.",
                agreement.version() + 1
            ),
            action: format!("/agreements/{id}/edit"),
            submit: "Save new version",
            cancel: format!("/agreements/{id}"),
        }
    }
}

async fn form_page(
    state: &AppState,
    session: &SignedIn,
    target: FormTarget,
    form: &AgreementForm,
    errors: &[FieldError],
) -> Result<Html<String>, PageError> {
    let names = read::names(state).await?;
    render(&FormPage {
        chrome: Chrome::load(state, session).await?,
        heading: target.heading,
        intro: target.intro,
        action: target.action,
        submit: target.submit,
        cancel: target.cancel,
        fields: form.layout(&names.organisations, errors),
    })
}

/// A failed save: the form again as it was sent, the rule broken beside
/// the field; refusals and conflicts are not the form's fault.
async fn refill(
    state: &AppState,
    session: &SignedIn,
    target: FormTarget,
    form: &AgreementForm,
    failure: ServiceError,
) -> Result<Response, PageError> {
    let (status, errors) = match failure {
        ServiceError::Invalid(errors) => (StatusCode::BAD_REQUEST, errors),
        ServiceError::Conflict(why) => (
            StatusCode::CONFLICT,
            vec![FieldError::new("terms", sentence(&why))],
        ),
        ServiceError::Forbidden(why) => return Err(PageError::Forbidden(sentence(&why))),
        other => return Err(other.into()),
    };
    let page = form_page(state, session, target, form, &errors).await?;
    Ok((status, page).into_response())
}

/// `GET /agreements/new`.
pub async fn new_form(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    permissions::manage_agreements(session.user.role()).map_err(refused)?;
    let own_code = read::names(&state)
        .await?
        .code(session.user.organisation_id());
    let blank = AgreementForm::blank(&own_code, state.clock.now().date_naive());
    form_page(&state, &session, FormTarget::new_draft(), &blank, &[]).await
}

/// `POST /agreements`: save a new draft.
pub async fn create(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = AgreementForm::from_pairs(pairs);
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let outcome = workflow::create(
        &state.store,
        &session.user,
        &form.to_terms_json(),
        state.clock.now(),
    )
    .await;
    match outcome {
        Ok(draft) => {
            Ok(Redirect::to(&format!("/agreements/{}?done=created", draft.id())).into_response())
        }
        Err(failure) => refill(&state, &session, FormTarget::new_draft(), &form, failure).await,
    }
}

/// `GET /agreements/{id}/edit`: the current terms, ready to amend.
pub async fn edit_form(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
) -> Result<Html<String>, PageError> {
    let id = agreement_id(&id)?;
    let read::Shown { agreement, names } = read::for_amendment(&state, &session.user, id)
        .await
        .map_err(forbidden)?;
    let current = AgreementForm::from_terms(&TermsJson::from_terms(
        agreement.terms(),
        &names.organisations,
    ));
    form_page(
        &state,
        &session,
        FormTarget::amendment(&agreement),
        &current,
        &[],
    )
    .await
}

/// `POST /agreements/{id}/edit`: save the amendment as a new version.
pub async fn amend(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = AgreementForm::from_pairs(pairs);
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = agreement_id(&id)?;
    let agreement = read::for_amendment(&state, &session.user, id)
        .await
        .map_err(forbidden)?
        .agreement;
    let outcome = workflow::amend(
        &state.store,
        &session.user,
        id,
        &form.to_terms_json(),
        state.clock.now(),
    )
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/agreements/{id}?done=amended")).into_response()),
        Err(failure) => {
            refill(
                &state,
                &session,
                FormTarget::amendment(&agreement),
                &form,
                failure,
            )
            .await
        }
    }
}
