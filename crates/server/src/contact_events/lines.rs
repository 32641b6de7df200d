//! A batch's lines once checked and resolved, grouped by the person they
//! are about with what was decided for them.

use concordat_domain::person::Person;

use super::input::Incoming;
use super::names::Named;
use super::tell;

/// One line, checked against the sender's registration and resolved.
pub(super) struct Line {
    pub(super) number: usize,
    pub(super) incoming: Incoming,
    pub(super) named: Named,
}

/// One person's lines in a batch, and what was decided for them.
pub(super) struct PersonLines {
    pub(super) person: Person,
    pub(super) lines: Vec<Line>,
    pub(super) told: tell::Recipients,
}

/// "northshire-ed/E-1, northshire-ed/E-2": the events of a person's lines.
pub(super) fn received(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{}/{}",
                l.incoming.source.system, l.incoming.source.event_id
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
