//! When an agreed plan is due for review, and how to say where it stands:
//! "agreed 3 March 2026, review overdue since 3 September 2026".

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::dates::long_date;

/// Six months after agreement, unless the professional set another date.
pub const DEFAULT_REVIEW_MONTHS: u32 = 6;

pub fn default_review_due(agreed_on: NaiveDate) -> NaiveDate {
    agreed_on
        .checked_add_months(Months::new(DEFAULT_REVIEW_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ReviewStatus {
    /// Due on or after today.
    InDate { due: NaiveDate },
    /// The due date has passed.
    Overdue { since: NaiveDate },
}

impl ReviewStatus {
    pub fn of(due: NaiveDate, today: NaiveDate) -> Self {
        if due < today {
            Self::Overdue { since: due }
        } else {
            Self::InDate { due }
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Self::Overdue { .. })
    }
}

/// Where an agreed plan stands, in a sentence.
pub fn standing(agreed_on: NaiveDate, review: ReviewStatus) -> String {
    match review {
        ReviewStatus::InDate { due } => format!(
            "agreed {}, review due {}",
            long_date(agreed_on),
            long_date(due)
        ),
        ReviewStatus::Overdue { since } => format!(
            "agreed {}, review overdue since {}",
            long_date(agreed_on),
            long_date(since)
        ),
    }
}
