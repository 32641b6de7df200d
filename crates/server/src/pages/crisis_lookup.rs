//! The crisis look-up for a phone (`/crisis-lookup`): a police officer, a
//! paramedic, an emergency-department or crisis clinician or an NHS 111
//! adviser finds a person by NHS number, or by surname and date of birth
//! (and postcode), with a reason, and gets the crisis summary — what helps,
//! what does NOT help, whom to call, active flags — or the candidates to
//! choose from, or no match, or the refusal and the way to break-glass.
//! Built for a phone at 3 a.m.: one column, large type, big targets, no
//! JavaScript, a small page. A look-up is always for emergency treatment.
//! The rules (who may look up, how the form reads, what is shown) are the
//! service's (`crisis::lookup`); this only translates, each field error
//! beside its field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::ContactKind;
use concordat_domain::purpose::Purpose;
use concordat_domain::text::PhoneNumber;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::crisis::lookup::{self, CrisisSummary, LookUpInput, LookUpOutcome};
use crate::error::{FieldError, ServiceError};
use crate::pages::contact_kinds::{detention_opts, kinds, DetentionOpts, KindOpt};
use crate::pages::date_input::DateInput;
use crate::pages::emergency_access::Offer;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome, Phone};
use crate::pages::words::{long_date, nhs_spaced, sentence, uk_clock};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/crisis-lookup", get(form).post(look_up))
}

/// What the look-up form holds: what was typed, and what was wrong.
#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct LookUpForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    nhs_number: String,
    #[serde(default)]
    surname: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    reason: String,
    /// One of the candidates an earlier look-up listed.
    #[serde(default)]
    person_id: String,
}

impl LookUpForm {
    fn input(&self) -> LookUpInput<'_> {
        LookUpInput {
            nhs_number: Some(&self.nhs_number),
            surname: Some(&self.surname),
            birth_date: Some(&self.birth_date),
            postcode: Some(&self.postcode),
            person_id: Some(&self.person_id),
            reason: Some(&self.reason),
        }
    }
}

/// The service's field errors, each beside its field as a sentence; one
/// without a field of its own on the form (a listed candidate's) above
/// them all.
#[derive(Default)]
struct FieldErrors {
    person_id: Option<String>,
    nhs_number: Option<String>,
    surname: Option<String>,
    birth_date: Option<String>,
    postcode: Option<String>,
    reason: Option<String>,
}

impl FieldErrors {
    fn of(fields: &[FieldError]) -> Self {
        let mut errors = Self::default();
        for FieldError { field, message } in fields {
            let slot = match field.as_str() {
                "nhs_number" => &mut errors.nhs_number,
                "surname" => &mut errors.surname,
                "birth_date" => &mut errors.birth_date,
                "postcode" => &mut errors.postcode,
                "reason" => &mut errors.reason,
                _ => &mut errors.person_id,
            };
            // The service speaks to API clients (`YYYY-MM-DD`); the page
            // asks for the date in three boxes.
            let said = if field == "birth_date" && message.starts_with('`') {
                "Enter a real date of birth, for example 14 5 1991.".to_owned()
            } else {
                sentence(message)
            };
            *slot = Some(match slot.take() {
                Some(before) => format!("{before} {said}"),
                None => said,
            });
        }
        errors
    }
}

struct PersonContactView {
    name: String,
    relationship: String,
    phone: Phone,
    when_to_call: String,
}

struct ProfessionalView {
    name: String,
    service: String,
    phone: Phone,
}

struct PlanView {
    standing: String,
    overdue: bool,
    what_helps: String,
    what_does_not_help: String,
    early_warning_signs: String,
    people: Vec<PersonContactView>,
    out_of_hours: Option<ProfessionalView>,
}

struct FlagView {
    review_overdue: bool,
    label: &'static str,
    severity: String,
    summary: String,
}

struct LeadView {
    name: String,
    organisation: String,
    team: Option<String>,
    duty_phone: Option<Phone>,
    duty_text: Option<String>,
}

struct SummaryView {
    person_id: String,
    name: Option<String>,
    birth_date: Option<String>,
    plan_exists: bool,
    plan: Option<PlanView>,
    flags: Option<Vec<FlagView>>,
    lead: Option<LeadView>,
    break_glass: bool,
    /// Until when emergency access lasts, just granted (UK time).
    until: Option<String>,
    withheld: Vec<(&'static str, String)>,
    /// The lawful way past what was withheld, for a role that may take it.
    offer: Option<Offer>,
    audit_entry: u64,
}

struct CandidateView {
    person_id: String,
    name: String,
    birth_date: String,
    district: Option<String>,
}

struct RefusedView {
    plan_exists: bool,
    reason: String,
    /// The NHS number typed, spaced as it is read, to check against.
    nhs_typed: Option<String>,
    offer: Option<Offer>,
}

#[derive(Template)]
#[template(path = "crisis_lookup.html")]
struct LookUpPage {
    chrome: Chrome,
    notice: Option<String>,
    form: LookUpForm,
    errors: FieldErrors,
    summary: Option<SummaryView>,
    candidates: Option<Vec<CandidateView>>,
    no_match: bool,
    refused: Option<RefusedView>,
    kinds: Vec<KindOpt>,
    detention: DetentionOpts,
    /// The date of birth, as day, month and year.
    birth_date: DateInput,
}

impl LookUpPage {
    /// The faults above the form, each linking to its field (GOV.UK's
    /// error summary): the first thing read and focused after a failed
    /// look-up.
    fn error_summary(&self) -> Faults {
        let e = &self.errors;
        let mut faults = Faults::new();
        for (field, message) in [
            ("look-up", &e.person_id),
            ("nhs_number", &e.nhs_number),
            ("surname", &e.surname),
            ("birth_date", &e.birth_date),
            ("postcode", &e.postcode),
            ("reason", &e.reason),
        ] {
            match message {
                Some(m) if field == "birth_date" => faults.add_date(field, m),
                Some(m) => faults.add(field, m),
                None => {}
            }
        }
        faults
    }

    fn has_result(&self) -> bool {
        self.summary.is_some() || self.candidates.is_some() || self.refused.is_some()
    }

    /// The recording form's faults: none, as it has not been sent yet.
    fn no_faults(&self) -> Faults {
        Faults::new()
    }
}

#[derive(Debug, Deserialize)]
pub struct LookUpQuery {
    recorded: Option<String>,
}

/// The look-up's viewer: always for emergency treatment.
fn crisis_viewer(session: &SignedIn) -> Viewer {
    Viewer {
        user: session.user.clone(),
        purpose: Purpose::Emergency,
    }
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    form: LookUpForm,
    errors: FieldErrors,
) -> Result<LookUpPage, PageError> {
    let birth_date = DateInput::field(
        "birth_date",
        "Date of birth",
        "For example, 14 5 1991",
        &form.birth_date,
    )
    .with_error(errors.birth_date.as_ref());
    Ok(LookUpPage {
        chrome: Chrome::load(state, session).await?,
        notice: None,
        birth_date,
        form,
        errors,
        summary: None,
        candidates: None,
        no_match: false,
        refused: None,
        kinds: kinds(""),
        detention: detention_opts("", ""),
    })
}

/// `GET /crisis-lookup`.
pub async fn form(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<LookUpQuery>,
) -> Result<Response, PageError> {
    // Anyone who may not look up is told so before typing anything.
    lookup::may_look_up(&crisis_viewer(&session))?;
    let mut page = page(
        &state,
        &session,
        LookUpForm::default(),
        FieldErrors::default(),
    )
    .await?;
    page.notice = query
        .recorded
        .as_deref()
        .and_then(|k| ContactKind::parse(k).ok())
        .map(|k| {
            format!(
                "Recorded: {}. The person's care team has been told.",
                k.label().to_lowercase()
            )
        });
    Ok(render(&page)?.into_response())
}

/// `POST /crisis-lookup`.
pub async fn look_up(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<LookUpForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    answer(&state, &session, form, None).await
}

/// Whether the signed-in user may be brought back to a crisis summary:
/// only a crisis role may look up.
pub fn may_look_up(session: &SignedIn) -> bool {
    lookup::may_look_up(&crisis_viewer(session)).is_ok()
}

/// The crisis summary of `person`, looked up again for `reason` once
/// emergency access was granted from a look-up, with until when it lasts:
/// the officer is back where they were, not at the start.
pub async fn after_break_glass(
    state: &AppState,
    session: &SignedIn,
    person: String,
    reason: String,
    until: chrono::DateTime<chrono::Utc>,
) -> Result<Response, PageError> {
    let form = LookUpForm {
        person_id: person,
        reason,
        ..LookUpForm::default()
    };
    answer(state, session, form, Some(uk_clock(until))).await
}

/// Looks up what `form` asks and answers with the page for the outcome.
async fn answer(
    state: &AppState,
    session: &SignedIn,
    form: LookUpForm,
    until: Option<String>,
) -> Result<Response, PageError> {
    let viewer = crisis_viewer(session);
    let outcome = match lookup::look_up(state, &viewer, &form.input()).await {
        Ok(outcome) => outcome,
        // What was typed is kept, with each field's fault beside it.
        Err(ServiceError::Invalid(fields)) => {
            let page = page(state, session, form, FieldErrors::of(&fields)).await?;
            return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let role = session.user.role();
    let minutes = state.config.break_glass_for.num_minutes();
    let reason = form.reason.trim().to_owned();
    let nhs_typed = Some(form.nhs_number.trim())
        .filter(|n| !n.is_empty())
        .map(|n| nhs_spaced(&n.replace(' ', "")));
    let errors = FieldErrors::default();
    let mut page = page(state, session, form, errors).await?;
    let status = match outcome {
        LookUpOutcome::NoMatch => {
            page.no_match = true;
            StatusCode::NOT_FOUND
        }
        LookUpOutcome::Candidates(list) => {
            page.candidates = Some(
                list.into_iter()
                    .map(|c| CandidateView {
                        name: format!("{} {}", c.given_name, c.family_name),
                        birth_date: long_date(c.birth_date),
                        district: c.postcode_district,
                        person_id: c.person_id,
                    })
                    .collect(),
            );
            StatusCode::OK
        }
        LookUpOutcome::Refused {
            person_id,
            plan_exists,
            reason: refusal,
        } => {
            let person = person_id.to_string();
            page.refused = Some(RefusedView {
                plan_exists,
                reason: sentence(&refusal),
                nhs_typed,
                offer: Offer::to(role, &person, &reason, minutes, true),
            });
            StatusCode::FORBIDDEN
        }
        LookUpOutcome::Summary(summary) => {
            let mut view = summary_view(*summary);
            // Something withheld, not already under emergency access: the
            // lawful way past it is offered, closed.
            let withheld = !view.withheld.is_empty() || (view.plan_exists && view.plan.is_none());
            if withheld && !view.break_glass {
                view.offer = Offer::to(role, &view.person_id, &reason, minutes, false);
            }
            view.until = until;
            page.summary = Some(view);
            StatusCode::OK
        }
    };
    Ok((status, render(&page)?).into_response())
}

fn phone(raw: &str) -> (Option<Phone>, Option<String>) {
    match PhoneNumber::parse(raw) {
        Ok(p) => (Some(Phone::from(&p)), None),
        Err(_) => (None, Some(raw.to_owned())),
    }
}

fn summary_view(s: CrisisSummary) -> SummaryView {
    SummaryView {
        person_id: s.person_id,
        name: s.name,
        birth_date: s.birth_date.map(long_date),
        plan_exists: s.plan_exists,
        plan: s.plan.map(|p| PlanView {
            standing: p.standing,
            overdue: p.review.is_overdue(),
            what_helps: p.what_helps,
            what_does_not_help: p.what_does_not_help,
            early_warning_signs: p.early_warning_signs,
            people: p
                .people_to_contact
                .iter()
                .map(|c| PersonContactView {
                    name: c.name.clone(),
                    relationship: c.relationship.clone(),
                    phone: Phone::from(&c.phone),
                    when_to_call: c.when_to_call.clone(),
                })
                .collect(),
            out_of_hours: p.out_of_hours.as_ref().map(|c| ProfessionalView {
                name: c.name.clone(),
                service: c.service.clone(),
                phone: Phone::from(&c.phone),
            }),
        }),
        flags: s.flags.map(|list| {
            list.into_iter()
                .map(|f| FlagView {
                    review_overdue: f.review_overdue,
                    label: f.category_label,
                    severity: sentence(f.severity).trim_end_matches('.').to_owned(),
                    summary: f.summary,
                })
                .collect()
        }),
        lead: s.lead_professional.map(|l| {
            let (duty_phone, duty_text) = match l.duty_phone.as_deref() {
                Some(raw) => phone(raw),
                None => (None, None),
            };
            LeadView {
                name: l.name,
                organisation: l.organisation,
                team: l.team,
                duty_phone,
                duty_text,
            }
        }),
        break_glass: s.break_glass,
        until: None,
        offer: None,
        withheld: s
            .withheld
            .into_iter()
            .map(|w| {
                (
                    DataCategory::parse(w.category).map_or(w.category, DataCategory::label),
                    sentence(&w.reason),
                )
            })
            .collect(),
        audit_entry: s.audit_entry,
    }
}
