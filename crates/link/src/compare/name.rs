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
/// the other way round. Crosswise near-misses count (Jaro–Winkler at
/// least 0.92): a form filled in the wrong way round is no less likely to
/// have a typing slip too, or a short form of the given name. Names that
/// already agree the straight way are
/// not swapped.
fn swapped(a: &Record, b: &Record) -> bool {
    let (Some(ag), Some(af), Some(bg), Some(bf)) = (
        a.given_name(),
        a.family_name(),
        b.given_name(),
        b.family_name(),
    ) else {
        return false;
    };
    let close = |x: &str, y: &str| {
        // The first letter is rarely mistyped; checking it first saves
        // two Jaro–Winkler calls for almost every pair.
        x.as_bytes()[0] == y.as_bytes()[0] && (x == y || jaro_winkler(x, y) >= 0.92)
    };
    // A given name may also have been swapped in its short form.
    let given_close =
        || close(ag, bf) || nickname::share_group(a.given_groups(), nickname::groups(bf));
    close(af, bg) && given_close() && !(close(ag, bg) && close(af, bf))
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
    fn swapped_names_with_a_typing_slip_are_still_swapped() {
        assert_eq!(
            levels(("Rodby", "Kevin"), ("Kevin", "Rodbby")),
            (SWAPPED, SWAPPED)
        );
        // The same name in both fields is not a swap.
        assert_eq!(
            levels(("James", "James"), ("James", "James")),
            (EXACT, EXACT)
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
