//! The information sharing agreement pages: the list, one agreement in plain
//! English (who shares, for what, which role sees which categories, on what
//! lawful basis, who has signed and who is still to), the form that drafts
//! or amends one, and the sign / suspend / resume / end buttons — each shown
//! only to someone [`crate::permissions`] lets press it. Every change goes
//! through [`crate::agreements`], as the JSON API's do.

mod form;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use concordat_domain::agreement::{Agreement, AgreementStatus};
use concordat_domain::dates::{long_date, when};
use concordat_domain::ids::AgreementId;
use serde::Deserialize;

use self::form::{AgreementForm, FormFields};
use crate::agreements::{self as workflow, read, StatusChange, TermsJson};
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::FieldError;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::sentence;
use crate::permissions::{self, Refusal};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/agreements", get(list).post(create))
        .route("/agreements/new", get(new_form))
        .route("/agreements/{id}", get(view))
        .route("/agreements/{id}/edit", get(edit_form).post(amend))
        .route("/agreements/{id}/sign", post(sign))
        .route("/agreements/{id}/suspend", post(suspend))
        .route("/agreements/{id}/resume", post(resume))
        .route("/agreements/{id}/end", post(end))
}

fn refused(refusal: Refusal) -> PageError {
    PageError::Forbidden(sentence(refusal.as_str()))
}

fn agreement_id(raw: &str) -> Result<AgreementId, PageError> {
    Ok(read::parse_id(raw)?)
}

/// A refusal worded as the agreement pages word one: the sentence alone.
fn forbidden(err: ServiceError) -> PageError {
    match err {
        ServiceError::Forbidden(why) => PageError::Forbidden(sentence(&why)),
        other => other.into(),
    }
}

// ---------------------------------------------------------------- the list

struct ListRow {
    id: String,
    title: String,
    tier: &'static str,
    status: &'static str,
    status_class: &'static str,
    version: i64,
    parties: String,
    awaiting: Vec<String>,
    review_on: String,
    review_overdue: bool,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ListRow>,
    may_create: bool,
}

fn status_class(status: AgreementStatus) -> &'static str {
    match status {
        AgreementStatus::Draft => "status status-draft",
        AgreementStatus::Active => "status status-active",
        AgreementStatus::Suspended => "status status-suspended",
        AgreementStatus::Ended => "status status-ended",
    }
}

/// `GET /agreements`.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let listed = read::list(&state, &session.user).await.map_err(forbidden)?;
    let names = &listed.names;
    let today = state.clock.now().date_naive();
    let rows = listed
        .agreements
        .iter()
        .map(|a| ListRow {
            id: a.id().to_string(),
            title: a.terms().title.clone(),
            tier: a.terms().tier.label(),
            status: a.status().label(),
            status_class: status_class(a.status()),
            version: a.version(),
            parties: a
                .terms()
                .parties
                .iter()
                .map(|p| names.code(*p))
                .collect::<Vec<_>>()
                .join(", "),
            awaiting: if a.status() == AgreementStatus::Draft {
                a.awaiting().into_iter().map(|p| names.name(p)).collect()
            } else {
                Vec::new()
            },
            review_on: long_date(a.terms().review_on),
            review_overdue: a.review_overdue(today),
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::load(&state, &session).await?,
        rows,
        may_create: permissions::may_manage_agreements(session.user.role()),
    })
}

// ------------------------------------------------------------ one agreement

struct PartyRow {
    name: String,
    code: String,
    signed: Option<String>,
}

struct GrantRow {
    role: &'static str,
    read: String,
    write: String,
}

struct HistoryRow {
    when: String,
    event: String,
    version: i64,
    status: &'static str,
    by: String,
}

/// A form with one button that posts to `/agreements/{id}/{action}`.
struct Button {
    action: &'static str,
    label: String,
    class: &'static str,
    /// For a step that cannot be undone: what to read before pressing,
    /// behind a fold so one stray tap does not take it.
    warning: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct ViewPage {
    chrome: Chrome,
    notice: Option<&'static str>,
    error: Option<String>,
    id: String,
    title: String,
    tier: &'static str,
    tier_text: &'static str,
    status: &'static str,
    status_class: &'static str,
    version: i64,
    /// What the status means for sharing today.
    standing: &'static str,
    parties: Vec<PartyRow>,
    awaiting: Vec<String>,
    purposes: Vec<&'static str>,
    grants: Vec<GrantRow>,
    article_6: String,
    article_9: String,
    dpa_schedule_1: String,
    starts_on: String,
    ends_on: Option<String>,
    review_on: String,
    review_overdue: bool,
    history: Vec<HistoryRow>,
    /// The organisation the user would sign for, when they may sign now.
    /// The buttons this user may press now, in order.
    buttons: Vec<Button>,
    may_edit: bool,
}

fn tier_text(agreement: &Agreement) -> &'static str {
    use concordat_domain::agreement::AgreementTier as T;
    match agreement.terms().tier {
        T::Exchange => "Light information exchange: who is involved, referrals and messages.",
        T::Coordinate => "Coordinated care: also crisis plans, risks and contacts with services.",
        T::Integrate => "Full joint working: also clinical notes and social care records.",
    }
}

fn standing(agreement: &Agreement, today: NaiveDate) -> &'static str {
    match agreement.status() {
        AgreementStatus::Active if agreement.in_term(today) => {
            "In force: the parties share as set out below."
        }
        AgreementStatus::Active => {
            "Signed, but today is outside its term, so it allows no sharing."
        }
        AgreementStatus::Draft => {
            "Not yet in force: it allows no sharing until every party has signed this version."
        }
        AgreementStatus::Suspended => "Suspended: it allows no sharing until it is resumed.",
        AgreementStatus::Ended => "Ended: it allows no sharing.",
    }
}

fn categories(
    set: &std::collections::BTreeSet<concordat_domain::category::DataCategory>,
) -> String {
    if set.is_empty() {
        return "Nothing".into();
    }
    set.iter().map(|c| c.label()).collect::<Vec<_>>().join("; ")
}

#[derive(Debug, Deserialize)]
pub struct ViewQuery {
    done: Option<String>,
}

fn notice_for(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "created" => {
            Some("The draft is saved. Each party's information governance lead now signs it.")
        }
        "amended" => {
            Some("The new version is saved. Every party must sign it again before it is in force.")
        }
        "signed" => Some("You have signed this version for your organisation."),
        "suspended" => {
            Some("The agreement is suspended: it allows no sharing until it is resumed.")
        }
        "resumed" => Some("The agreement is in force again."),
        "ended" => Some("The agreement has ended: it allows no sharing."),
        _ => None,
    }
}

async fn view_page(
    state: &AppState,
    session: &SignedIn,
    id: AgreementId,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<ViewPage, PageError> {
    let read::Story {
        agreement,
        events: history,
        names,
    } = read::history(state, &session.user, id)
        .await
        .map_err(forbidden)?;
    let today = state.clock.now().date_naive();
    let terms = agreement.terms();
    let user = &session.user;
    let own_name = names.name(user.organisation_id());

    let mut parties = Vec::new();
    for party in &terms.parties {
        // The signer belongs to the party, so the name alone says who.
        let signed = agreement
            .signatures()
            .iter()
            .find(|s| s.organisation == *party)
            .map(|s| {
                format!(
                    "Signed by {} on {}",
                    names
                        .known(s.signed_by)
                        .map_or("someone no longer on record", |u| u.display_name().as_str()),
                    when(s.signed_at)
                )
            });
        parties.push(PartyRow {
            name: names.name(*party),
            code: names.code(*party),
            signed,
        });
    }
    let mut history_rows = Vec::new();
    for event in history.iter().rev() {
        history_rows.push(HistoryRow {
            when: when(event.changed_at),
            event: event.event.clone(),
            version: event.version,
            status: event.status.label(),
            by: names.person(event.changed_by),
        });
    }

    let status = agreement.status();
    let governs = permissions::may_govern_agreement(user, &agreement);
    let mut buttons = Vec::new();
    if status == AgreementStatus::Draft
        && permissions::may_sign_for(user, &agreement)
        && !agreement.is_signed_by(user.organisation_id())
    {
        buttons.push(Button {
            action: "sign",
            label: format!("Sign for {own_name}"),
            class: "primary",
            warning: None,
        });
    }
    let ending = "Ending is final: the agreement allows no sharing from now on and cannot be \
                  resumed. A new agreement would need drafting and signing again.";
    let changes = [
        (
            status == AgreementStatus::Active,
            "suspend",
            "Suspend",
            "secondary",
            None,
        ),
        (
            status == AgreementStatus::Suspended,
            "resume",
            "Resume",
            "secondary",
            None,
        ),
        (
            status != AgreementStatus::Ended,
            "end",
            "End the agreement",
            "danger",
            Some(ending),
        ),
    ];
    for (allowed, action, label, class, warning) in changes {
        if governs && allowed {
            buttons.push(Button {
                action,
                label: label.to_owned(),
                class,
                warning,
            });
        }
    }
    Ok(ViewPage {
        chrome: Chrome::load(state, session).await?,
        notice,
        error,
        id: agreement.id().to_string(),
        title: terms.title.clone(),
        tier: terms.tier.label(),
        tier_text: tier_text(&agreement),
        status: status.label(),
        status_class: status_class(status),
        version: agreement.version(),
        standing: standing(&agreement, today),
        awaiting: if status == AgreementStatus::Draft {
            agreement
                .awaiting()
                .into_iter()
                .map(|p| names.name(p))
                .collect()
        } else {
            Vec::new()
        },
        parties,
        purposes: terms.purposes.iter().map(|p| p.label()).collect(),
        grants: terms
            .grants
            .iter()
            .map(|g| GrantRow {
                role: g.role.label(),
                read: categories(&g.read),
                write: categories(&g.write),
            })
            .collect(),
        article_6: terms.lawful_basis.article_6().to_owned(),
        article_9: terms.lawful_basis.article_9().to_owned(),
        dpa_schedule_1: terms.lawful_basis.dpa_schedule_1().to_owned(),
        starts_on: long_date(terms.starts_on),
        ends_on: terms.ends_on.map(long_date),
        review_on: long_date(terms.review_on),
        review_overdue: agreement.review_overdue(today),
        history: history_rows,
        buttons,
        may_edit: governs && status != AgreementStatus::Ended,
    })
}

/// `GET /agreements/{id}`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<ViewQuery>,
) -> Result<Html<String>, PageError> {
    permissions::view_agreements(session.user.role()).map_err(refused)?;
    let id = agreement_id(&id)?;
    let notice = notice_for(query.done.as_deref());
    render(&view_page(&state, &session, id, notice, None).await?)
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ButtonForm {
    csrf_token: String,
}

/// The agreement page again, with what went wrong at the top.
async fn view_with_error(
    state: &AppState,
    session: &SignedIn,
    id: AgreementId,
    failure: ServiceError,
) -> Result<Response, PageError> {
    let (status, message) = match failure {
        ServiceError::Forbidden(why) => (StatusCode::FORBIDDEN, sentence(&why)),
        ServiceError::Conflict(why) => (StatusCode::CONFLICT, sentence(&why)),
        ServiceError::Invalid(errors) => (
            StatusCode::BAD_REQUEST,
            errors
                .iter()
                .map(|e| sentence(&e.message))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => return Err(other.into()),
    };
    let page = render(&view_page(state, session, id, None, Some(message)).await?)?;
    Ok((status, page).into_response())
}

async fn press(
    state: AppState,
    session: SignedIn,
    id: String,
    form: ButtonForm,
    change: Option<StatusChange>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = agreement_id(&id)?;
    let now = state.clock.now();
    let (outcome, done) = match change {
        None => (
            workflow::sign(&state.store, &session.user, id, now).await,
            "signed",
        ),
        Some(change) => (
            workflow::change_status(&state.store, &session.user, id, change, now).await,
            change.event(),
        ),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/agreements/{id}?done={done}")).into_response()),
        Err(failure) => view_with_error(&state, &session, id, failure).await,
    }
}

/// `POST /agreements/{id}/sign`: for the user's own organisation.
pub async fn sign(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, None).await
}

/// `POST /agreements/{id}/suspend`.
pub async fn suspend(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, Some(StatusChange::Suspend)).await
}

/// `POST /agreements/{id}/resume`.
pub async fn resume(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, Some(StatusChange::Resume)).await
}

/// `POST /agreements/{id}/end`.
pub async fn end(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ButtonForm>,
) -> Result<Response, PageError> {
    press(state, session, id, form, Some(StatusChange::End)).await
}

// ------------------------------------------------------ drafting, amending

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
