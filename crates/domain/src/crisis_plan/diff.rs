//! A readable comparison of two versions of a plan: for each section that
//! changed, its lines marked kept, added or removed.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::sections::{PlanSections, Section};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LineChange {
    Kept,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SectionDiff {
    pub section: Section,
    pub title: &'static str,
    pub lines: Vec<DiffLine>,
}

/// The sections that differ between `before` and `after`, in plan order.
pub fn diff(before: &PlanSections, after: &PlanSections) -> Vec<SectionDiff> {
    Section::ALL
        .iter()
        .filter_map(|&section| {
            let old = before.lines(section);
            let new = after.lines(section);
            if old == new {
                return None;
            }
            let old_text = joined(&old);
            let new_text = joined(&new);
            let lines = TextDiff::from_lines(&old_text, &new_text)
                .iter_all_changes()
                .map(|change| DiffLine {
                    change: match change.tag() {
                        ChangeTag::Equal => LineChange::Kept,
                        ChangeTag::Insert => LineChange::Added,
                        ChangeTag::Delete => LineChange::Removed,
                    },
                    text: change.value().trim_end_matches('\n').to_owned(),
                })
                .collect();
            Some(SectionDiff {
                section,
                title: section.label(),
                lines,
            })
        })
        .collect()
}

/// Lines each ending in a newline, so the last line compares like the rest.
fn joined(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}
