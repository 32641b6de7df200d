//! Postcodes, graded by the parts of a UK postcode: the full code (a street
//! or part of one), the sector (CT9 1), the district (CT9) and the area
//! (CT). People move within a town far more often than across the country,
//! so a shared district is still some evidence. A value that is not shaped
//! like a UK postcode can only agree in full.

use crate::compare::MISSING;

pub const FULL: u8 = 1;
pub const SECTOR: u8 = 2;
pub const DISTRICT: u8 = 3;
pub const AREA: u8 = 4;
pub const DIFFERENT: u8 = 5;

pub fn levels() -> &'static [&'static str] {
    &["missing", "full", "sector", "district", "area", "different"]
}

pub fn compare(a: Option<&str>, b: Option<&str>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        return FULL;
    }
    // Normalised UK postcodes, and only they, contain the space.
    let (Some((a_out, a_in)), Some((b_out, b_in))) = (a.split_once(' '), b.split_once(' ')) else {
        return DIFFERENT;
    };
    if a_out == b_out {
        if a_in.as_bytes()[0] == b_in.as_bytes()[0] {
            SECTOR
        } else {
            DISTRICT
        }
    } else if area(a_out) == area(b_out) {
        AREA
    } else {
        DIFFERENT
    }
}

fn area(outward: &str) -> &str {
    let letters = outward.bytes().take_while(u8::is_ascii_alphabetic).count();
    &outward[..letters]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::postcode;

    fn level(a: &str, b: &str) -> u8 {
        compare(postcode(a).as_deref(), postcode(b).as_deref())
    }

    #[test]
    fn each_level() {
        assert_eq!(level("CT9 1AA", "ct91aa"), FULL);
        assert_eq!(level("CT9 1AA", "CT9 1BD"), SECTOR);
        assert_eq!(level("CT9 1AA", "CT9 5QQ"), DISTRICT);
        assert_eq!(level("CT9 1AA", "CT20 2XX"), AREA);
        assert_eq!(level("CT9 1AA", "C9 1AA"), DIFFERENT);
        assert_eq!(level("CT9 1AA", "ME1 1AA"), DIFFERENT);
        assert_eq!(level("CT9 1AA", ""), MISSING);
    }

    #[test]
    fn postcodes_not_shaped_like_uk_ones_agree_only_in_full() {
        assert_eq!(level("2119", "2119"), FULL);
        assert_eq!(level("2119", "2118"), DIFFERENT);
    }
}
