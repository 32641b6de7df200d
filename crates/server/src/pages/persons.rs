//! A person's record as a page: the find form (`/persons`, sent by POST so
//! that the NHS number stays out of addresses, browser history and proxy
//! logs) and the record (`/persons/{id}`), read through [`crate::record::read`] like
//! the JSON API, for the purpose the reader chose. The page names each
//! category withheld and why, marks masked fields as withheld, and marks an
//! emergency override prominently. A reader with no relationship to the
//! person sees exactly what they would see for no one at all; a denial says
//! which rule denied it and, for a refusal, offers break-glass.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_access::policy_ids;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{
    long_date, nhs_spaced, purpose_choices, reading_purpose, sentence, PurposeChoice,
};
use crate::permissions;
use crate::record::views::{CareTeamView, DemographicsView, Masked};
use crate::record::{self, ReadOutcome, RecordView};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons", get(find_form).post(find))
        .route("/persons/{id}", get(view))
}

#[derive(Template)]
#[template(path = "person_find.html")]
struct FindPage {
    chrome: Chrome,
    nhs_number: String,
    purposes: Vec<PurposeChoice>,
    own_account: bool,
    faults: Faults,
    not_found: bool,
}

/// A field that is shown, or withheld from this reader and why.
pub(crate) struct MaskedText {
    pub(crate) value: Option<String>,
    pub(crate) withheld: Option<String>,
    pub(crate) dial: Option<String>,
}

/// A person's details as `record_details.html` shows them.
pub(crate) struct Demographics {
    pub(crate) name: String,
    pub(crate) birth_date: String,
    pub(crate) nhs_number: Option<String>,
    pub(crate) identifiers: Vec<(String, String)>,
    pub(crate) address: Option<MaskedText>,
    pub(crate) phone: Option<MaskedText>,
    pub(crate) sex: Option<&'static str>,
    pub(crate) ethnic_category: Option<&'static str>,
}

struct Withheld {
    label: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "person_record.html")]
struct RecordPage {
    chrome: Chrome,
    person_id: String,
    own_account: bool,
    purpose_label: &'static str,
    purpose_code: &'static str,
    purposes: Vec<PurposeChoice>,
    break_glass: bool,
    demographics: Option<Demographics>,
    care_teams: Option<Vec<CareTeamView>>,
    withheld: Vec<Withheld>,
    may_manage_consent: bool,
    audit_entry: u64,
}

#[derive(Template)]
#[template(path = "person_denied.html")]
struct DeniedPage {
    chrome: Chrome,
    person_id: String,
    purpose_label: &'static str,
    purpose_code: &'static str,
    purposes: Vec<PurposeChoice>,
    reason: String,
    rule: String,
    /// Break-glass lifts a refusal, so it is offered for one, to those who
    /// may use it.
    offer_break_glass: bool,
    practitioner: bool,
}

/// The find form as sent.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct FindForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    nhs_number: String,
    purpose: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RecordQuery {
    purpose: Option<String>,
}

fn find_page(
    chrome: Chrome,
    session: &SignedIn,
    nhs_number: &str,
    purpose: Option<Purpose>,
    error: Option<(&'static str, String)>,
    not_found: bool,
) -> Result<Response, PageError> {
    let mut faults = Faults::new();
    if let Some((field, message)) = error {
        faults.add(field, message);
    }
    let status = match (faults.is_empty(), not_found) {
        (false, _) => StatusCode::BAD_REQUEST,
        (true, true) => StatusCode::NOT_FOUND,
        (true, false) => StatusCode::OK,
    };
    let page = render(&FindPage {
        chrome,
        nhs_number: nhs_number.to_owned(),
        purposes: purpose_choices(session.user.role(), purpose),
        own_account: session.user.role() == Role::Person,
        faults,
        not_found,
    })?;
    Ok((status, page).into_response())
}

/// `GET /persons`: the find form. A query string is ignored: an NHS number
/// is never taken from an address.
pub async fn find_form(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let chrome = Chrome::load(&state, &session).await?;
    let purpose = reading_purpose(&session.user, None).ok();
    find_page(chrome, &session, "", purpose, None, false)
}

/// `POST /persons`: the record with the NHS number sent, shown in the
/// answer itself (a redirect would read and audit it twice). Whether or not
/// anyone has that number, a reader who may not know gets the same answer.
pub async fn find(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<FindForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let chrome = Chrome::load(&state, &session).await?;
    let raw = form.nhs_number.trim();
    let purpose = match reading_purpose(&session.user, form.purpose.as_deref()) {
        Ok(p) => p,
        Err(message) => {
            return find_page(
                chrome,
                &session,
                raw,
                None,
                Some(("purpose", message)),
                false,
            )
        }
    };
    let nhs_number = match NhsNumber::parse(raw) {
        Ok(n) => n,
        Err(e) => {
            return find_page(
                chrome,
                &session,
                raw,
                Some(purpose),
                Some(("nhs_number", e.to_string())),
                false,
            )
        }
    };
    let viewer = session.viewer(purpose);
    let outcome = record::find(&state, &viewer, &nhs_number, &record::SERVED).await?;
    match show(&session, chrome.clone(), outcome, purpose)? {
        Some(response) => Ok(response),
        None => find_page(chrome, &session, raw, Some(purpose), None, true),
    }
}

/// `GET /persons/{id}?purpose=…`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<RecordQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::load(&state, &session).await?;
    let purpose = match reading_purpose(&session.user, query.purpose.as_deref()) {
        Ok(p) => p,
        Err(message) => {
            return find_page(
                chrome,
                &session,
                "",
                None,
                Some(("purpose", message)),
                false,
            )
        }
    };
    // An id that is not even well-formed names no one: the same answer.
    let person = PersonId::named(&id);
    let outcome = record::read(&state, &session.viewer(purpose), person, &record::SERVED).await?;
    show(&session, chrome, outcome, purpose)?.ok_or(PageError::NotFound)
}

/// The record's page; `None` when the reader must be told there is no one.
fn show(
    session: &SignedIn,
    chrome: Chrome,
    outcome: ReadOutcome,
    purpose: Purpose,
) -> Result<Option<Response>, PageError> {
    let practitioner = session.user.role().is_practitioner();
    let purposes = if practitioner {
        purpose_choices(session.user.role(), Some(purpose))
    } else {
        Vec::new()
    };
    match outcome {
        ReadOutcome::NotFound => Ok(None),
        ReadOutcome::Denied {
            person,
            reason,
            rule,
        } => {
            let page = render(&DeniedPage {
                chrome,
                person_id: person.to_string(),
                purpose_label: purpose.label(),
                purpose_code: purpose.code(),
                purposes,
                reason: sentence(&reason),
                offer_break_glass: rule == policy_ids::CONSENT_REFUSED
                    && permissions::break_glass(session.user.role()).is_ok(),
                rule,
                practitioner,
            })?;
            Ok(Some((StatusCode::FORBIDDEN, page).into_response()))
        }
        ReadOutcome::Shown(view) => {
            let may_manage_consent = view.keeps_sharing_choices;
            let page = record_page(chrome, session, *view, purposes, may_manage_consent);
            Ok(Some(render(&page)?.into_response()))
        }
    }
}

fn masked<T>(
    field: Option<Masked<T>>,
    shown: impl Fn(T) -> (String, Option<String>),
) -> Option<MaskedText> {
    field.map(|m| match m {
        Masked::Shown(value) => {
            let (value, dial) = shown(value);
            MaskedText {
                value: Some(value),
                withheld: None,
                dial,
            }
        }
        Masked::Withheld { reason, .. } => MaskedText {
            value: None,
            // The page already says "Withheld"; the reason need not repeat it.
            withheld: Some(sentence(
                reason.strip_prefix("withheld: ").unwrap_or(&reason),
            )),
            dial: None,
        },
    })
}

pub(crate) fn demographics(d: DemographicsView) -> Demographics {
    let nhs = d.nhs_number.clone();
    let sex = d
        .sex
        .and_then(|s| concordat_domain::person::Sex::parse(s).ok())
        .map(concordat_domain::person::Sex::label);
    Demographics {
        sex,
        ethnic_category: d.ethnic_category.as_ref().map(|c| c.label),
        name: format!("{} {}", d.given_name, d.family_name),
        birth_date: long_date(d.birth_date),
        nhs_number: d.nhs_number.as_deref().map(nhs_spaced),
        identifiers: d
            .identifiers
            .into_iter()
            .filter(|i| Some(&i.value) != nhs.as_ref())
            .map(|i| (i.system, i.value))
            .collect(),
        address: masked(d.address, |a| {
            let mut parts = a.lines;
            parts.push(a.town);
            parts.push(a.postcode);
            (parts.join(", "), None)
        }),
        phone: masked(d.phone, |p| {
            let dial: String = p
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            (p, Some(dial))
        }),
    }
}

fn record_page(
    chrome: Chrome,
    session: &SignedIn,
    view: RecordView,
    purposes: Vec<PurposeChoice>,
    may_manage_consent: bool,
) -> RecordPage {
    let purpose = Purpose::parse_code(view.purpose).unwrap_or(Purpose::DirectCare);
    RecordPage {
        chrome,
        person_id: view.person_id,
        own_account: session.user.role() == Role::Person,
        purpose_label: purpose.label(),
        purpose_code: purpose.code(),
        purposes,
        break_glass: view.break_glass,
        demographics: view.demographics.map(demographics),
        care_teams: view.care_team,
        withheld: view
            .withheld
            .into_iter()
            .map(|w| Withheld {
                label: DataCategory::parse(w.category).map_or(w.category, DataCategory::label),
                reason: sentence(&w.reason),
            })
            .collect(),
        may_manage_consent,
        audit_entry: view.audit_entry,
    }
}
