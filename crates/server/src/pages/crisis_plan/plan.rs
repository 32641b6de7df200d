//! The crisis plan page (`/persons/{id}/crisis-plan`, and `/my/crisis-plan`
//! for a person's own): the agreed version with where its review stands,
//! the draft in progress (a proposal when the person wrote it), the forms
//! to agree it, and every version. Recording agreement shows this page
//! again with what went wrong (`plan_page`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::ids::PersonId;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::consent::STAFF_VIA;
use crate::crisis::plans::{self, PlanHistory};
use crate::pages::crisis_plan::version_view::{
    history_rows, version_view, HistoryRow, VersionView,
};
use crate::pages::error::PageError;
use crate::pages::extract::{PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{own, person_of, viewer};
use crate::pages::words::sentence;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/crisis-plan", get(view))
        .route("/my/crisis-plan", get(mine))
}

struct Opt {
    value: &'static str,
    label: String,
    chosen: bool,
}

/// The agreement forms under a draft: what is still to be agreed, and what
/// was entered last time if it failed.
struct AgreementForms {
    version: u32,
    person_needed: bool,
    professional_needed: bool,
    vias: Vec<Opt>,
    review_due: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "crisis_plan.html")]
struct PlanPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    purpose_code: &'static str,
    notice: Option<&'static str>,
    agreed: Option<VersionView>,
    draft: Option<VersionView>,
    history: Vec<HistoryRow>,
    may_write: bool,
    agreement: Option<AgreementForms>,
}

impl PlanPage {
    /// A failed agreement, above the page, linking to what it says.
    fn error_summary(&self) -> Faults {
        Faults::single(
            "agree-error",
            self.agreement.as_ref().and_then(|a| a.error.as_deref()),
        )
    }
}

#[derive(Debug, Deserialize)]
pub struct PlanQuery {
    purpose: Option<String>,
    done: Option<String>,
}

fn notice_for(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "saved" => Some("The draft is saved as a new version. It replaces nothing until both the person and a professional agree it."),
        "proposed" => Some("Your proposal is saved. Your care team will talk it through with you; your agreed plan stays as it is until then."),
        "agreed" => Some("The agreement is recorded."),
        _ => None,
    }
}

/// What went wrong last time an agreement was recorded, and what was entered.
#[derive(Default)]
pub(crate) struct AgreeFeedback {
    pub error: Option<String>,
    pub via: String,
    pub review_due: String,
}

/// The plan page for `history` (or for no plan yet).
pub(crate) async fn plan_page(
    state: &AppState,
    session: &SignedIn,
    viewer: &Viewer,
    person: PersonId,
    history: Option<PlanHistory>,
    notice: Option<&'static str>,
    feedback: AgreeFeedback,
) -> Result<String, PageError> {
    let chrome = Chrome::load(state, session).await?;
    let today = state.clock.now().date_naive();
    let own = own(session, person);
    let may_write = match &history {
        Some(h) => h.sees_drafts,
        None => crate::crisis::sees_drafts(state, viewer, person).await?,
    };
    let draft = history.as_ref().and_then(PlanHistory::draft);
    let agreement = draft.filter(|_| may_write).and_then(|d| {
        let person_needed = d.person_agreement.is_none();
        let professional_needed = d.professional_agreement.is_none() && !own;
        (person_needed || professional_needed).then(|| AgreementForms {
            version: d.number,
            person_needed,
            professional_needed,
            vias: STAFF_VIA
                .iter()
                .map(|v| Opt {
                    value: v.as_str(),
                    label: sentence(v.label()).trim_end_matches('.').to_owned(),
                    chosen: v.as_str() == feedback.via,
                })
                .collect(),
            review_due: feedback.review_due.clone(),
            error: feedback.error.clone(),
        })
    });
    render(&PlanPage {
        chrome,
        person_id: person.to_string(),
        own,
        purpose_code: viewer.purpose.code(),
        notice,
        agreed: history
            .as_ref()
            .and_then(PlanHistory::agreed)
            .map(|v| version_view(v, today)),
        draft: draft.map(|v| version_view(v, today)),
        history: history.as_ref().map(history_rows).unwrap_or_default(),
        may_write,
        agreement,
    })
    .map(|html| html.0)
}

/// `GET /persons/{id}/crisis-plan`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<PlanQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let history = plans::history(&state, &viewer, person).await?;
    let html = plan_page(
        &state,
        &session,
        &viewer,
        person,
        history,
        notice_for(query.done.as_deref()),
        AgreeFeedback::default(),
    )
    .await?;
    Ok(axum::response::Html(html).into_response())
}

/// `GET /my/crisis-plan`: the person's own plan, from their home page.
pub async fn mine(session: SignedIn) -> Result<Response, PageError> {
    let person = session
        .user
        .person_id()
        .ok_or_else(|| PageError::Forbidden("This page is for a person's own account.".into()))?;
    Ok(Redirect::to(&format!("/persons/{person}/crisis-plan")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_known_by_name_only() {
        assert!(notice_for(Some("saved")).is_some());
        assert!(notice_for(Some("<script>")).is_none());
        assert!(notice_for(None).is_none());
    }
}
