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
    #[serde(skip)]
    pub error: Option<LineError>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineStatus {
    Recorded,
    Duplicate,
    Error,
}

impl LineReport {
    pub(super) fn error(line: usize, error: LineError) -> Self {
        Self {
            line,
            status: LineStatus::Error,
            reason: Some(error.to_string()),
            id: None,
            error: Some(error),
        }
    }
}

/// Counts of a batch's outcomes, for its report.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Totals {
    pub lines: usize,
    pub recorded: usize,
    pub duplicates: usize,
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
                LineStatus::Error => totals.errors += 1,
            }
        }
        totals
    }
}
