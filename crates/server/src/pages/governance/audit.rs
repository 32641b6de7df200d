//! Information governance's search of the audit: by person (an NHS number,
//! a name, or the id a row links to), user, organisation, outcome and
//! dates, newest first, a page at a time, and as a CSV download. The form
//! is sent by POST so that an NHS number or a name never reaches an
//! address; `GET` takes only what a link carries (a person's id, a
//! username, an organisation's code).

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::directory;
use crate::error::ServiceError;
use crate::governance::{self, AuditItem, AuditQuery};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::governance::governor::{governor, governs};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{nhs_spaced, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/governance/audit", get(linked).post(search))
}

/// Entries on one page: enough to scan, light on a phone.
const PAGE_ROWS: u32 = 50;

struct Row {
    seq: u64,
    when: String,
    who: String,
    role: String,
    organisation: String,
    person_id: String,
    person: String,
    nhs_number: String,
    action: &'static str,
    categories: String,
    purpose: String,
    denied: bool,
    break_glass: bool,
    reasons: String,
}

struct OrgOption {
    code: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "governance_audit.html")]
struct AuditPage {
    chrome: Chrome,
    form: AuditForm,
    organisations: Vec<OrgOption>,
    faults: Faults,
    rows: Vec<Row>,
    /// Which entries these are: 1 for the newest page.
    first: usize,
    /// The `seq` the next (older) page starts before, if there may be one.
    older: Option<u64>,
}

/// The search as sent by the form, or as far as a link carries it.
#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AuditForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// The next page: entries older than this one.
    #[serde(default)]
    before: String,
    /// How many entries the pages before this one held.
    #[serde(default)]
    shown: String,
    /// `csv` for the download.
    #[serde(default)]
    format: String,
}

/// What a link may carry: never an NHS number or a name.
#[derive(Debug, Deserialize, Default)]
pub struct LinkQuery {
    person: Option<String>,
    user: Option<String>,
    organisation: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl AuditForm {
    fn query(&self, limit: u32) -> Result<AuditQuery, Faults> {
        let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let before = match given(&self.before) {
            None => None,
            Some(b) => Some(b.parse::<u64>().map_err(|_| {
                let mut faults = Faults::new();
                faults.add(
                    "audit-search",
                    "That page of results no longer exists; search again.",
                );
                faults
            })?),
        };
        Ok(AuditQuery {
            person: given(&self.person),
            user: given(&self.user),
            organisation: given(&self.organisation),
            outcome: given(&self.outcome),
            from: given(&self.from),
            to: given(&self.to),
            limit: Some(limit),
            before,
        })
    }
}

/// `GET /governance/audit`: the form, with the newest entries for what a
/// link asked (a person's id, a user, an organisation, an outcome, dates).
pub async fn linked(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(link): PageQuery<LinkQuery>,
) -> Result<Response, PageError> {
    let form = AuditForm {
        // Only an id is taken from an address; anything else is ignored.
        person: link
            .person
            .filter(|p| concordat_domain::ids::PersonId::parse(p.trim()).is_ok())
            .unwrap_or_default(),
        user: link.user.unwrap_or_default(),
        organisation: link.organisation.unwrap_or_default(),
        outcome: link.outcome.unwrap_or_default(),
        from: link.from.unwrap_or_default(),
        to: link.to.unwrap_or_default(),
        ..AuditForm::default()
    };
    answer(&state, &session, form).await
}

/// `POST /governance/audit`: a search, a further page of it, or its CSV.
pub async fn search(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<AuditForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    if form.format == "csv" {
        return download(&state, &session, form).await;
    }
    answer(&state, &session, form).await
}

async fn download(
    state: &AppState,
    session: &SignedIn,
    form: AuditForm,
) -> Result<Response, PageError> {
    governs(session)?;
    let Ok(mut query) = form.query(PAGE_ROWS) else {
        return answer(state, session, AuditForm::default()).await;
    };
    query.before = None;
    let (items, more) = match governance::export_audit(state, &governor(session), &query).await {
        Ok(found) => found,
        Err(ServiceError::Invalid(_)) => {
            let again = AuditForm {
                format: String::new(),
                ..form
            };
            return answer(state, session, again).await;
        }
        Err(other) => return Err(other.into()),
    };
    let body = governance::audit_csv(&items, more)?;
    let today = state.clock.now().date_naive();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-{today}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

fn row(i: AuditItem) -> Row {
    let purpose = i
        .purpose
        .and_then(|p| Purpose::parse_code(p).ok())
        .map(|p| p.label().to_lowercase())
        .unwrap_or_default();
    Row {
        seq: i.seq,
        when: when(i.at),
        who: i.who.unwrap_or_else(|| "The system".into()),
        role: i
            .role
            .and_then(|r| Role::parse(r).ok())
            .map(|r| r.label().to_owned())
            .unwrap_or_default(),
        organisation: i.organisation.unwrap_or_default(),
        person_id: i.person_id.unwrap_or_default(),
        person: i.person_name.unwrap_or_default(),
        nhs_number: i.nhs_number.as_deref().map(nhs_spaced).unwrap_or_default(),
        action: i.action_label,
        categories: i
            .categories
            .iter()
            .map(|c| DataCategory::parse(c).map_or(*c, DataCategory::label))
            .collect::<Vec<_>>()
            .join(", ")
            .to_lowercase(),
        purpose,
        denied: i.outcome == "denied",
        break_glass: i.break_glass,
        reasons: i.reasons.join("; "),
    }
}

async fn answer(
    state: &AppState,
    session: &SignedIn,
    form: AuditForm,
) -> Result<Response, PageError> {
    governs(session)?;
    let chrome = Chrome::load(state, session).await?;
    let orgs = directory::organisations(state).await?;
    let shown: usize = form.shown.trim().parse().unwrap_or(0);
    let (rows, faults) = match form.query(PAGE_ROWS) {
        Err(faults) => (Vec::new(), faults),
        Ok(query) => match governance::search_audit(state, &governor(session), &query).await {
            Ok(items) => (items, Faults::new()),
            Err(ServiceError::Invalid(errors)) => (
                Vec::new(),
                Faults::from_service(
                    &errors,
                    &["person", "user", "organisation", "outcome", "from", "to"],
                    "audit-search",
                ),
            ),
            Err(other) => return Err(other.into()),
        },
    };
    let older = (rows.len() == PAGE_ROWS as usize)
        .then(|| rows.last().map(|r| r.seq))
        .flatten();
    let chosen_org = form.organisation.trim().to_owned();
    let page = AuditPage {
        chrome,
        organisations: orgs
            .iter()
            .map(|o| OrgOption {
                code: o.code().as_str().to_owned(),
                name: o.name().to_owned(),
                chosen: o.code().as_str().eq_ignore_ascii_case(&chosen_org),
            })
            .collect(),
        rows: rows.into_iter().map(row).collect(),
        first: shown + 1,
        older,
        faults,
        form,
    };
    let status = if page.faults.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, render(&page)?).into_response())
}
