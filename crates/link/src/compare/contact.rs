//! Phone numbers and sex: the two simple fields.

use crate::compare::{one_keying_error, MISSING};
use crate::record::Sex;

pub const PHONE_EXACT: u8 = 1;
pub const PHONE_ONE_KEYING_ERROR: u8 = 2;
pub const PHONE_DIFFERENT: u8 = 3;

pub const SEX_SAME: u8 = 1;
pub const SEX_DIFFERENT: u8 = 2;

pub fn phone_levels() -> &'static [&'static str] {
    &[
        "missing",
        "exact",
        "one digit off or two swapped",
        "different",
    ]
}

pub fn sex_levels() -> &'static [&'static str] {
    &["missing", "same", "different"]
}

pub fn phone(a: Option<&str>, b: Option<&str>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        PHONE_EXACT
    } else if one_keying_error(a.as_bytes(), b.as_bytes()) {
        PHONE_ONE_KEYING_ERROR
    } else {
        PHONE_DIFFERENT
    }
}

pub fn sex(a: Option<Sex>, b: Option<Sex>) -> u8 {
    match (a, b) {
        (Some(a), Some(b)) if a == b => SEX_SAME,
        (Some(_), Some(_)) => SEX_DIFFERENT,
        _ => MISSING,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_levels_in_turn() {
        assert_eq!(phone(Some("07700900123"), Some("07700900123")), PHONE_EXACT);
        assert_eq!(
            phone(Some("07700900123"), Some("07700900132")),
            PHONE_ONE_KEYING_ERROR
        );
        assert_eq!(
            phone(Some("07700900123"), Some("01843123456")),
            PHONE_DIFFERENT
        );
        assert_eq!(phone(None, Some("01843123456")), MISSING);
    }

    #[test]
    fn sex_levels_in_turn() {
        assert_eq!(sex(Some(Sex::Female), Some(Sex::Female)), SEX_SAME);
        assert_eq!(sex(Some(Sex::Female), Some(Sex::Male)), SEX_DIFFERENT);
        assert_eq!(sex(Some(Sex::Other), None), MISSING);
    }
}
