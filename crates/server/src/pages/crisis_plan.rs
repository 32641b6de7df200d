//! A person's crisis plan as pages (`/persons/{id}/crisis-plan`): the agreed
//! version with where its review stands, the draft in progress (a proposal
//! when the person wrote it), who agreed how and when, every version and a
//! readable comparison of any two. Everything is read through
//! [`crate::crisis::plans`], so each page is a decided, audited read.
//! Writing a draft is in [`edit`]; recording agreement in [`agree`].

pub mod agree;
pub mod edit;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use concordat_domain::crisis_plan::{LineChange, PlanStatus, PlanVersion, Section};
use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;
use serde::Deserialize;

use super::layout::{render, Chrome};
use super::words::{sentence, when};
use super::PageError;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::consent::STAFF_VIA;
use crate::crisis::plans::{self, PlanHistory};
use crate::pages::{PagePath, PageQuery};
use crate::AppState;

/// One section of a version: running text, or a list of people to call.
struct SectionView {
    title: &'static str,
    key: &'static str,
    text: Option<String>,
    items: Vec<String>,
}

/// A version as the pages show it.
struct VersionView {
    number: u32,
    status: &'static str,
    status_class: &'static str,
    /// "agreed 3 March 2026, review due 3 September 2026", as a sentence.
    standing: Option<String>,
    overdue: bool,
    proposal: bool,
    written: String,
    person_agreement: Option<String>,
    professional_agreement: Option<String>,
    sections: Vec<SectionView>,
}

struct HistoryRow {
    number: u32,
    status: &'static str,
    written: String,
    previous: Option<u32>,
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

#[derive(Template)]
#[template(path = "crisis_plan_version.html")]
struct VersionPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    purpose_code: &'static str,
    v: VersionView,
    previous: Option<u32>,
}

struct DiffLineView {
    class: &'static str,
    mark: &'static str,
    text: String,
}

struct DiffSectionView {
    title: &'static str,
    lines: Vec<DiffLineView>,
}

#[derive(Template)]
#[template(path = "crisis_plan_diff.html")]
struct DiffPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    purpose_code: &'static str,
    from: u32,
    to: u32,
    sections: Vec<DiffSectionView>,
}

#[derive(Debug, Deserialize)]
pub struct PlanQuery {
    purpose: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    purpose: Option<String>,
    from: Option<u32>,
    to: Option<u32>,
}

pub(crate) use super::reader::{person_of, viewer};

fn own(session: &SignedIn, person: PersonId) -> bool {
    session.user.role() == Role::Person && session.user.person_id() == Some(person)
}

fn version_view(v: &PlanVersion, today: chrono::NaiveDate) -> VersionView {
    let (status, status_class) = match v.status {
        PlanStatus::Agreed => ("Agreed", "status status-active"),
        PlanStatus::Draft if v.is_proposal() => ("Proposal", "status status-draft"),
        PlanStatus::Draft => ("Draft", "status status-draft"),
        PlanStatus::Superseded => ("Superseded", "status status-ended"),
    };
    let review = v.review_status(today);
    VersionView {
        number: v.number,
        status,
        status_class,
        standing: v.standing(today).map(|s| sentence(&s)),
        overdue: review.is_some_and(|r| r.is_overdue()),
        proposal: v.is_proposal(),
        written: written(v),
        person_agreement: v.person_agreement.as_ref().map(|a| {
            format!(
                "Agreed by the person {}, {}{}.",
                a.via.label(),
                when(a.at),
                if a.via.as_str() == "own-account" {
                    String::new()
                } else {
                    format!("; recorded by {}", a.recorder_name)
                }
            )
        }),
        professional_agreement: v
            .professional_agreement
            .as_ref()
            .map(|a| format!("Agreed by {}, {}.", a.name, when(a.at))),
        sections: Section::ALL
            .iter()
            .map(|&section| {
                let text = v.sections.text(section).map(str::to_owned);
                SectionView {
                    title: section.label(),
                    key: section.as_str(),
                    items: if text.is_some() {
                        Vec::new()
                    } else {
                        v.sections.lines(section)
                    },
                    text,
                }
            })
            .collect(),
    }
}

fn written(v: &PlanVersion) -> String {
    let what = if v.is_proposal() {
        "Proposed by"
    } else {
        "Written by"
    };
    format!("{what} {}, {}", v.author.name, when(v.created_at))
}

fn history_rows(history: &PlanHistory) -> Vec<HistoryRow> {
    history
        .versions
        .iter()
        .rev()
        .map(|v| HistoryRow {
            number: v.number,
            status: match v.status {
                PlanStatus::Draft if v.is_proposal() => "Proposal",
                other => other.label(),
            },
            written: written(v),
            previous: history
                .versions
                .iter()
                .rev()
                .find(|p| p.number < v.number)
                .map(|p| p.number),
        })
        .collect()
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

/// `GET /persons/{id}/crisis-plan/versions/{n}`.
pub async fn version(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, number)): PagePath<(String, u32)>,
    PageQuery(query): PageQuery<PlanQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let history = plans::history(&state, &viewer, person)
        .await?
        .ok_or(PageError::NotFound)?;
    let v = history.version(number).ok_or(PageError::NotFound)?;
    let today = state.clock.now().date_naive();
    let previous = history
        .versions
        .iter()
        .rev()
        .find(|p| p.number < number)
        .map(|p| p.number);
    let page = VersionPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        own: own(&session, person),
        purpose_code: viewer.purpose.code(),
        v: version_view(v, today),
        previous,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /persons/{id}/crisis-plan/diff?from=&to=`: what changed between
/// two versions, each line marked in words as well as in colour.
pub async fn diff(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DiffQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(PageError::Invalid(
            "Say which two versions to compare, as from and to.".into(),
        ));
    };
    let history = plans::history(&state, &viewer, person)
        .await?
        .ok_or(PageError::NotFound)?;
    let sections = history
        .diff(from, to)?
        .into_iter()
        .map(|s| DiffSectionView {
            title: s.title,
            lines: s
                .lines
                .into_iter()
                .map(|l| {
                    let (class, mark) = match l.change {
                        LineChange::Kept => ("diff-kept", "Unchanged"),
                        LineChange::Added => ("diff-added", "Added"),
                        LineChange::Removed => ("diff-removed", "Removed"),
                    };
                    DiffLineView {
                        class,
                        mark,
                        text: l.text,
                    }
                })
                .collect(),
        })
        .collect();
    let page = DiffPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        own: own(&session, person),
        purpose_code: viewer.purpose.code(),
        from,
        to,
        sections,
    };
    Ok(render(&page)?.into_response())
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
