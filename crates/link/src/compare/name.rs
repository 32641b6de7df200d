//! Given and family names: exact, swapped between the two fields, a known
//! short form (given names only), then three bands of Jaro–Winkler
//! similarity. The bands follow the usual cut-offs for names: 0.92 is
//! nearly always a typo, 0.88 usually, 0.70 sometimes.

use strsim::jaro_winkler;

use crate::compare::MISSING;
use crate::nickname;
use crate::record::Record;

pub const EXACT: u8 = 1;
pub const SWAPPED: u8 = 2;

// Given-name levels.
pub const GIVEN_NICKNAME: u8 = 3;
pub const GIVEN_JW92: u8 = 4;
pub const GIVEN_JW88: u8 = 5;
pub const GIVEN_JW70: u8 = 6;
pub const GIVEN_DIFFERENT: u8 = 7;

// Family-name levels.
pub const FAMILY_JW92: u8 = 3;
pub const FAMILY_JW88: u8 = 4;
pub const FAMILY_JW70: u8 = 5;
pub const FAMILY_DIFFERENT: u8 = 6;

pub fn given_levels() -> &'static [&'static str] {
    &[
        "missing",
        "exact",
        "given and family swapped",
        "known short form",
        "Jaro-Winkler at least 0.92",
        "Jaro-Winkler at least 0.88",
        "Jaro-Winkler at least 0.70",
        "different",
    ]
}

pub fn family_levels() -> &'static [&'static str] {
    &[
        "missing",
        "exact",
        "given and family swapped",
        "Jaro-Winkler at least 0.92",
        "Jaro-Winkler at least 0.88",
        "Jaro-Winkler at least 0.70",
        "different",
    ]
}

pub fn given(a: &Record, b: &Record) -> u8 {
    let (Some(x), Some(y)) = (a.given_name(), b.given_name()) else {
        return MISSING;
    };
    if x == y {
        return EXACT;
    }
    if swapped(a, b) {
        return SWAPPED;
    }
    if nickname::share_group(a.given_groups(), b.given_groups()) {
        return GIVEN_NICKNAME;
    }
    band(x, y, [GIVEN_JW92, GIVEN_JW88, GIVEN_JW70, GIVEN_DIFFERENT])
}

pub fn family(a: &Record, b: &Record) -> u8 {
    let (Some(x), Some(y)) = (a.family_name(), b.family_name()) else {
        return MISSING;
    };
    if x == y {
        return EXACT;
    }
    if swapped(a, b) {
        return SWAPPED;
    }
    band(
        x,
        y,
        [FAMILY_JW92, FAMILY_JW88, FAMILY_JW70, FAMILY_DIFFERENT],
    )
}

/// Whether one record has the other's given name as its family name and
/// the other way round.
fn swapped(a: &Record, b: &Record) -> bool {
    a.given_name().is_some()
        && a.family_name().is_some()
        && a.given_name() == b.family_name()
        && a.family_name() == b.given_name()
}

fn band(x: &str, y: &str, [jw92, jw88, jw70, different]: [u8; 4]) -> u8 {
    let similarity = jaro_winkler(x, y);
    if similarity >= 0.92 {
        jw92
    } else if similarity >= 0.88 {
        jw88
    } else if similarity >= 0.70 {
        jw70
    } else {
        different
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(given: &str, family: &str) -> Record {
        Record::builder()
            .given_name(given)
            .family_name(family)
            .build()
    }

    fn levels(a: (&str, &str), b: (&str, &str)) -> (u8, u8) {
        let (a, b) = (person(a.0, a.1), person(b.0, b.1));
        (given(&a, &b), family(&a, &b))
    }

    #[test]
    fn equal_names_after_normalising_are_exact() {
        assert_eq!(
            levels(("Gary", "O'Neill"), ("GARY", "oneill")),
            (EXACT, EXACT)
        );
    }

    #[test]
    fn given_and_family_swapped_is_its_own_level() {
        assert_eq!(
            levels(("Holt", "Gary"), ("Gary", "Holt")),
            (SWAPPED, SWAPPED)
        );
    }

    #[test]
    fn a_known_short_form_is_its_own_level_for_given_names() {
        assert_eq!(
            levels(("Bill", "Jones"), ("William", "Jones")).0,
            GIVEN_NICKNAME
        );
    }

    #[test]
    fn jaro_winkler_bands() {
        // MARTHA/MARHTA is the textbook 0.961; DIXON/DICKSONX 0.813.
        assert_eq!(levels(("Martha", "x"), ("Marhta", "x")).0, GIVEN_JW92);
        assert_eq!(levels(("x", "Martha"), ("x", "Marhta")).1, FAMILY_JW92);
        assert_eq!(levels(("x", "Dixon"), ("x", "Dicksonx")).1, FAMILY_JW70);
        assert_eq!(levels(("Dixon", "x"), ("Dicksonx", "x")).0, GIVEN_JW70);
        // Between 0.88 and 0.92.
        let (a, b) = ("STEPHEN", "STEVEN");
        let s = jaro_winkler(a, b);
        assert!((0.88..0.92).contains(&s), "{s}");
        assert_eq!(levels(("x", a), ("x", b)).1, FAMILY_JW88);
        assert_eq!(levels((a, "x"), (b, "x")).0, GIVEN_JW88);
    }

    #[test]
    fn unlike_names_are_different() {
        assert_eq!(
            levels(("Gary", "Holt"), ("Priya", "Okonkwo")),
            (GIVEN_DIFFERENT, FAMILY_DIFFERENT)
        );
    }

    #[test]
    fn a_missing_name_is_missing_not_different() {
        assert_eq!(levels(("", "Holt"), ("Gary", "")), (MISSING, MISSING));
    }
}
