//! What the access decision said about each category asked for, and how
//! it is asked: one request per category, from facts already gathered.

use concordat_access::{AccessAction, AccessEngine, Decision};
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;

use super::gather::Facts;
use super::refusal::{no_relationship, Refused};
use super::viewer::Viewer;

/// The decision for each category asked about, and where it was audited.
#[derive(Debug, Clone)]
pub struct Authorisation {
    pub decisions: Vec<(DataCategory, Decision)>,
    pub audit_seq: u64,
}

impl Authorisation {
    pub fn allows(&self, category: DataCategory) -> bool {
        self.decisions
            .iter()
            .any(|(c, d)| *c == category && d.is_allowed())
    }

    pub fn allowed(&self) -> impl Iterator<Item = DataCategory> + '_ {
        self.decisions
            .iter()
            .filter(|(_, d)| d.is_allowed())
            .map(|(c, _)| *c)
    }

    pub fn denied(&self) -> impl Iterator<Item = &(DataCategory, Decision)> {
        self.decisions.iter().filter(|(_, d)| !d.is_allowed())
    }

    pub fn any_allowed(&self) -> bool {
        self.decisions.iter().any(|(_, d)| d.is_allowed())
    }

    pub fn via_break_glass(&self) -> bool {
        self.decisions
            .iter()
            .any(|(_, d)| d.is_allowed() && d.via_break_glass())
    }

    /// The denial to name to the user: the first category's decisive rule.
    pub fn first_denial(&self) -> Option<&Decision> {
        self.denied().map(|(_, d)| d).next()
    }

    /// See [`no_relationship`].
    pub fn no_relationship(&self) -> bool {
        no_relationship(&self.decisions)
    }

    /// Why nothing at all may be shown or done, if so: the user must not
    /// learn the person exists, or every category was denied by a rule.
    pub fn refusal(&self) -> Option<Refused> {
        Refused::of(&self.decisions)
    }
}

/// The decision for each category, from facts already gathered.
/// `item` is what a carer asks to see (`None` for everyone else).
#[expect(
    clippy::too_many_arguments,
    reason = "one per part of the question; each is a distinct type"
)]
pub fn decide(
    engine: &AccessEngine,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    categories: &[DataCategory],
    item: Option<CarerItem>,
    facts: &Facts,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(DataCategory, Decision)> {
    let Some(first) = categories.first() else {
        return Vec::new();
    };
    // One request, asked about each category in turn: the facts are the
    // same for all of them.
    let mut request = facts.request(&viewer.user, person, action, *first, viewer.purpose, now);
    request.carer_item = item;
    categories
        .iter()
        .map(|category| {
            request.category = *category;
            (*category, engine.decide(&request))
        })
        .collect()
}
