//! One agreement in plain English (`/agreements/{id}`): who shares, for
//! what, which role sees which categories, on what lawful basis, who has
//! signed and who is still to, its history, and the buttons this user may
//! press — shown again with what went wrong when a press fails.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use concordat_domain::agreement::{Agreement, AgreementStatus};
use concordat_domain::dates::{long_date, when};
use concordat_domain::ids::AgreementId;
use serde::Deserialize;

use crate::agreements::read;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::pages::agreements::list::status_class;
use crate::pages::agreements::refusals::{agreement_id, forbidden, refused};
use crate::pages::error::PageError;
use crate::pages::extract::{PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::words::sentence;
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/agreements/{id}", get(view))
}

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

/// The agreement page again, with what went wrong at the top.
pub(crate) async fn view_with_error(
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
