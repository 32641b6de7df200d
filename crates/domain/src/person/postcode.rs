//! UK postcodes, normalised so the same place is always written the same way
//! ("ns14ab" and "NS1 4AB" are one postcode) — record linkage compares them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A UK postcode: an outward code (area and district, "NS1") and an inward
/// code (sector and unit, "4AB"), stored uppercase with one space between.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode {
    code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid UK postcode: expected a form such as `NS1 4AB`")]
pub struct PostcodeError {
    input: String,
}

/// The shapes an outward code takes: `A` a letter, `9` a digit.
const OUTWARD_SHAPES: [&str; 6] = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"];

impl Postcode {
    /// Accepts any letter case, with or without the single space before the
    /// inward code. A space anywhere else is refused rather than guessed past.
    pub fn parse(raw: &str) -> Result<Self, PostcodeError> {
        let input = raw.trim();
        let err = || PostcodeError {
            input: input.to_owned(),
        };
        let upper = input.to_ascii_uppercase();
        let compact = match upper.find(' ') {
            None => upper,
            Some(at) if upper.len() >= 4 && at == upper.len() - 4 => upper.replacen(' ', "", 1),
            Some(_) => return Err(err()),
        };
        if !compact.is_ascii() || compact.len() < 5 {
            return Err(err());
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        // GIR 0AA (the old Girobank code) is the one postcode outside the pattern.
        let special = outward == "GIR" && inward == "0AA";
        let standard = OUTWARD_SHAPES.contains(&shape(outward).as_str()) && shape(inward) == "9AA";
        if !(special || standard) {
            return Err(err());
        }
        Ok(Self {
            code: format!("{outward} {inward}"),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The part before the space ("NS1"): the district, fine enough for
    /// aggregate reports without identifying a household.
    pub fn outward(&self) -> &str {
        self.code
            .split_once(' ')
            .map_or(&self.code, |(outward, _)| outward)
    }

    pub fn inward(&self) -> &str {
        self.code.split_once(' ').map_or("", |(_, inward)| inward)
    }
}

/// `A` for each letter, `9` for each digit, `?` otherwise.
fn shape(part: &str) -> String {
    part.chars()
        .map(|c| match c {
            'A'..='Z' => 'A',
            '0'..='9' => '9',
            _ => '?',
        })
        .collect()
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl std::str::FromStr for Postcode {
    type Err = PostcodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Postcode {
    type Error = PostcodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Postcode> for String {
    fn from(value: Postcode) -> Self {
        value.code
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn postcodes_are_normalised() {
        for raw in ["NS1 4AB", "ns1 4ab", "NS14AB", " ns14AB "] {
            assert_eq!(Postcode::parse(raw).unwrap().as_str(), "NS1 4AB", "{raw:?}");
        }
        let p = Postcode::parse("sw1a1aa").unwrap();
        assert_eq!(
            (p.as_str(), p.outward(), p.inward()),
            ("SW1A 1AA", "SW1A", "1AA")
        );
        assert_eq!(Postcode::parse("gir0aa").unwrap().as_str(), "GIR 0AA");
        assert_eq!(Postcode::parse("M1 1AE").unwrap().as_str(), "M1 1AE");
    }

    #[test]
    fn obviously_bad_postcodes_are_refused() {
        for bad in [
            "",
            "NS1",
            "NS1 4A",
            "1S1 4AB",
            "NS1 AAB",
            "NS1 44B",
            "NSA 4AB",
            "NS1A1 4AB",
            "NS 14AB",
            "NS1  4AB",
            "N$1 4AB",
            "NS1 4ÄB",
            "12345",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            Postcode::parse("nowhere").unwrap_err().to_string(),
            "`nowhere` is not a valid UK postcode: expected a form such as `NS1 4AB`"
        );
    }

    #[test]
    fn serialises_as_the_normal_form() {
        let p = Postcode::parse("ns14ab").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"NS1 4AB\"");
        assert_eq!(serde_json::from_str::<Postcode>("\"ns1 4ab\"").unwrap(), p);
        assert!(serde_json::from_str::<Postcode>("\"NS1\"").is_err());
    }

    fn written(outward: &str, inward: &str, lower: bool, spaced: bool) -> String {
        let s = if spaced {
            format!("{outward} {inward}")
        } else {
            format!("{outward}{inward}")
        };
        if lower {
            s.to_lowercase()
        } else {
            s
        }
    }

    proptest! {
        #[test]
        fn every_standard_shape_is_accepted_in_any_case_with_or_without_space(
            outward in "[A-Z][0-9]|[A-Z][0-9]{2}|[A-Z]{2}[0-9]|[A-Z]{2}[0-9]{2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9][A-Z]",
            inward in "[0-9][A-Z]{2}",
            lower in any::<bool>(),
            spaced in any::<bool>(),
        ) {
            let p = Postcode::parse(&written(&outward, &inward, lower, spaced)).unwrap();
            prop_assert_eq!(p.as_str(), format!("{outward} {inward}"));
            prop_assert_eq!(p.outward(), outward.as_str());
            prop_assert_eq!(Postcode::parse(p.as_str()), Ok(p.clone()));
        }

        #[test]
        fn an_inward_code_not_digit_letter_letter_is_refused(outward in "[A-Z]{2}[0-9]", inward in "[A-Z0-9]{3}") {
            prop_assume!(shape(&inward) != "9AA");
            let raw = format!("{outward} {inward}");
            prop_assert!(Postcode::parse(&raw).is_err());
        }

        #[test]
        fn accepted_postcodes_always_have_the_normal_form(raw in "[A-Za-z0-9 ]{0,9}") {
            if let Ok(p) = Postcode::parse(&raw) {
                let s = p.as_str();
                prop_assert_eq!(s.len() - s.find(' ').unwrap_or(0), 4);
                prop_assert_eq!(s.to_ascii_uppercase(), s);
                prop_assert_eq!(s.replace(' ', ""), raw.trim().replace(' ', "").to_ascii_uppercase());
            }
        }
    }
}
