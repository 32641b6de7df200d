//! Identifiers from the same issuing system. Two records that share an NHS
//! number (or a PNC id) are very likely one person; two that carry
//! different ones are very likely two. Systems only one record uses say
//! nothing. A value one keystroke away from the other is kept apart from a
//! plain conflict, because it is usually a typing error — but it still
//! counts as the identifiers differing, so a person must look at the pair.

use crate::compare::{one_keying_error, MISSING};
use crate::record::Identifier;

pub const AGREE: u8 = 1;
pub const ONE_KEYING_ERROR: u8 = 2;
pub const CONFLICT: u8 = 3;

pub fn levels() -> &'static [&'static str] {
    &[
        "missing",
        "same identifier in a shared system",
        "a shared system's identifiers one keystroke apart",
        "a shared system's identifiers conflict",
    ]
}

/// Whether `level` means some shared system's identifiers differ.
pub fn differ(level: u8) -> bool {
    level == ONE_KEYING_ERROR || level == CONFLICT
}

/// The level for two records' identifiers (each sorted by system). The
/// worst system decides: one conflict outweighs any number of agreements,
/// because a conflicting NHS number must reach a person.
pub fn compare(a: &[Identifier], b: &[Identifier]) -> u8 {
    let mut level = MISSING;
    for system in shared_systems(a, b) {
        let outcome = if values(a, system).any(|x| values(b, system).any(|y| x == y)) {
            AGREE
        } else if values(a, system)
            .any(|x| values(b, system).any(|y| one_keying_error(x.as_bytes(), y.as_bytes())))
        {
            ONE_KEYING_ERROR
        } else {
            CONFLICT
        };
        level = level.max(outcome);
    }
    level
}

fn values<'a>(ids: &'a [Identifier], system: &'a str) -> impl Iterator<Item = &'a str> {
    ids.iter()
        .filter(move |i| i.system() == system)
        .map(Identifier::value)
}

fn shared_systems<'a>(a: &'a [Identifier], b: &'a [Identifier]) -> impl Iterator<Item = &'a str> {
    let mut systems: Vec<&str> = a
        .iter()
        .map(Identifier::system)
        .filter(|s| b.iter().any(|y| y.system() == *s))
        .collect();
    systems.dedup();
    systems.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn ids(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .fold(Record::builder(), |b, (s, v)| b.identifier(s, v))
            .build()
    }

    fn level(a: &[(&str, &str)], b: &[(&str, &str)]) -> u8 {
        compare(ids(a).identifiers(), ids(b).identifiers())
    }

    #[test]
    fn each_level() {
        let nhs = "nhs";
        assert_eq!(
            level(&[(nhs, "9434765919")], &[(nhs, "943 476 5919")]),
            AGREE
        );
        assert_eq!(
            level(&[(nhs, "9434765919")], &[(nhs, "9434765991")]),
            ONE_KEYING_ERROR
        );
        assert_eq!(
            level(&[(nhs, "9434765919")], &[(nhs, "4010232137")]),
            CONFLICT
        );
        assert_eq!(level(&[(nhs, "9434765919")], &[("pnc", "12/345")]), MISSING);
        assert_eq!(level(&[], &[]), MISSING);
    }

    #[test]
    fn a_conflict_in_one_system_outweighs_agreement_in_another() {
        let a = [("nhs", "9434765919"), ("pnc", "12345")];
        let b = [("nhs", "9434765919"), ("pnc", "67890")];
        assert_eq!(level(&a, &b), CONFLICT);
        assert!(differ(level(&a, &b)));
        assert!(!differ(AGREE));
    }

    #[test]
    fn a_record_with_two_values_in_a_system_agrees_if_either_matches() {
        let a = [("pnc", "1"), ("pnc", "2")];
        assert_eq!(level(&a, &[("pnc", "2")]), AGREE);
    }
}
