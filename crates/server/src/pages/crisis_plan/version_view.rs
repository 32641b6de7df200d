//! A crisis plan version as the pages show it: its sections, its status
//! and standing, who wrote and agreed it, and the list of versions. Shared
//! by the plan page and the version page.

use concordat_domain::crisis_plan::{PlanStatus, PlanVersion, Section};

use crate::crisis::plans::PlanHistory;
use crate::pages::words::{sentence, when};

/// One section of a version: running text, or a list of people to call.
pub(crate) struct SectionView {
    pub(crate) title: &'static str,
    pub(crate) key: &'static str,
    pub(crate) text: Option<String>,
    pub(crate) items: Vec<String>,
}

/// A version as the pages show it.
pub(crate) struct VersionView {
    pub(crate) number: u32,
    pub(crate) status: &'static str,
    pub(crate) status_class: &'static str,
    /// "agreed 3 March 2026, review due 3 September 2026", as a sentence.
    pub(crate) standing: Option<String>,
    pub(crate) overdue: bool,
    pub(crate) proposal: bool,
    pub(crate) written: String,
    pub(crate) person_agreement: Option<String>,
    pub(crate) professional_agreement: Option<String>,
    pub(crate) sections: Vec<SectionView>,
}

pub(crate) struct HistoryRow {
    pub(crate) number: u32,
    pub(crate) status: &'static str,
    pub(crate) written: String,
    pub(crate) previous: Option<u32>,
}

pub(crate) fn version_view(v: &PlanVersion, today: chrono::NaiveDate) -> VersionView {
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
                    format!(". Recorded by {}", a.recorder_name)
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

pub(crate) fn history_rows(history: &PlanHistory) -> Vec<HistoryRow> {
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
