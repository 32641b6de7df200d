//! What a batch answers: what became of each line, and the counts of its
//! outcomes.

use concordat_domain::ids::ContactEventId;
use serde::Serialize;

use super::input::LineError;

/// What became of one line.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct LineReport {
    pub line: usize,
    pub status: LineStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The recorded event's id in Concordat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<ContactEventId>,
    /// An event without an NHS number is held for matching under this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub held: Option<uuid::Uuid>,
    #[serde(skip)]
    pub error: Option<LineError>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineStatus {
    Recorded,
    Duplicate,
    /// Sent without an NHS number: held until it is matched to a person.
    Held,
    Error,
}

impl LineReport {
    pub(super) fn error(line: usize, error: LineError) -> Self {
        Self {
            line,
            status: LineStatus::Error,
            reason: Some(error.to_string()),
            id: None,
            held: None,
            error: Some(error),
        }
    }

    /// A line held for matching under `held`; `again` when its sender
    /// had already sent it.
    pub(crate) fn held(line: usize, held: uuid::Uuid, again: bool) -> Self {
        Self {
            line,
            status: if again {
                LineStatus::Duplicate
            } else {
                LineStatus::Held
            },
            reason: Some(if again {
                "already received without an NHS number; it is held until it is matched to a \
                 person"
                    .into()
            } else {
                "held until it is matched to a person: it was sent without an NHS number".into()
            }),
            id: None,
            held: Some(held),
            error: None,
        }
    }
}

/// Counts of a batch's outcomes, for its report.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Totals {
    pub lines: usize,
    pub recorded: usize,
    pub duplicates: usize,
    pub held: usize,
    pub errors: usize,
}

impl Totals {
    pub fn of(reports: &[LineReport]) -> Self {
        let mut totals = Totals {
            lines: reports.len(),
            ..Totals::default()
        };
        for r in reports {
            match r.status {
                LineStatus::Recorded => totals.recorded += 1,
                LineStatus::Duplicate => totals.duplicates += 1,
                LineStatus::Held => totals.held += 1,
                LineStatus::Error => totals.errors += 1,
            }
        }
        totals
    }
}
