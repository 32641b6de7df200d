//! The audit entries a search found, as CSV for information governance to
//! keep or pass on: one row per entry, in words and in UK time, with the
//! codes beside them for anyone matching it against other records. Free
//! text (a justification, a reason) is written so that a spreadsheet shows
//! it as text and never runs it as a formula.

use concordat_domain::category::DataCategory;
use concordat_domain::dates::when;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use super::AuditItem;
use crate::error::ServiceError;

const HEADER: [&str; 15] = [
    "entry",
    "when",
    "who",
    "username",
    "role",
    "organisation",
    "person",
    "nhs_number",
    "person_id",
    "action",
    "categories",
    "purpose",
    "outcome",
    "break_glass",
    "reasons",
];

/// A cell as a spreadsheet should show it: text that would start a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

pub fn audit_csv(items: &[AuditItem], more: bool) -> Result<String, ServiceError> {
    let failed = |e: csv::Error| ServiceError::Internal(format!("audit CSV: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).map_err(failed)?;
    for i in items {
        let role = i.role.and_then(|r| Role::parse(r).ok()).map(Role::label);
        let purpose = i
            .purpose
            .and_then(|p| Purpose::parse_code(p).ok())
            .map(|p| format!("{} ({})", p.label(), p.code()));
        let categories: Vec<&str> = i
            .categories
            .iter()
            .map(|c| DataCategory::parse(c).map_or(*c, DataCategory::label))
            .collect();
        let record = [
            i.seq.to_string(),
            when(i.at),
            i.who.clone().unwrap_or_else(|| "the system".into()),
            i.username.clone().unwrap_or_default(),
            role.unwrap_or_default().to_owned(),
            i.organisation.clone().unwrap_or_default(),
            i.person_name.clone().unwrap_or_default(),
            i.nhs_number.clone().unwrap_or_default(),
            i.person_id.clone().unwrap_or_default(),
            i.action_label.to_owned(),
            categories.join("; "),
            purpose.unwrap_or_default(),
            i.outcome.to_owned(),
            if i.break_glass { "yes" } else { "no" }.to_owned(),
            i.reasons.join("; "),
        ];
        out.write_record(record.iter().map(|c| cell(c)))
            .map_err(failed)?;
    }
    if more {
        let mut last = vec![String::new(); HEADER.len()];
        last[HEADER.len() - 1] = format!(
            "Only the newest {} entries are here; narrow the search for the rest.",
            items.len()
        );
        out.write_record(&last).map_err(failed)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(format!("audit CSV: {}", e.error())))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(format!("audit CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_would_run_as_a_formula_is_kept_as_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+44 1632"), "'+44 1632");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Found on the bridge"), "Found on the bridge");
    }

    #[test]
    fn an_entry_reads_in_words_with_its_codes_beside_them() {
        let item = AuditItem {
            seq: 7,
            at: chrono::DateTime::parse_from_rfc3339("2026-07-01T02:30:00Z")
                .unwrap()
                .to_utc(),
            username: Some("police".into()),
            who: Some("PC Sam Patel".into()),
            organisation: Some("Northshire Police".into()),
            role: Some("police-officer"),
            purpose: Some("ETREAT"),
            person_id: Some("p-1".into()),
            person_name: Some("Daniel Reid".into()),
            nhs_number: Some("9990000018".into()),
            action: "read",
            action_label: "Read",
            categories: vec!["crisis-plan"],
            outcome: "allowed",
            break_glass: true,
            reasons: vec!["=cmd|' /C calc'!A0".into()],
            policies: Vec::new(),
        };
        let text = audit_csv(&[item], true).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("entry,when,who"));
        let row = lines.next().unwrap();
        assert!(row.contains("1 July 2026, 03:30 BST"), "{row}");
        assert!(row.contains("Police officer"), "{row}");
        assert!(row.contains("(ETREAT)"), "{row}");
        assert!(row.contains("Crisis plan"), "{row}");
        assert!(row.contains(",yes,"), "{row}");
        assert!(row.contains("'=cmd"), "{row}");
        assert!(lines.next().unwrap().contains("Only the newest 1 entries"));
    }
}
