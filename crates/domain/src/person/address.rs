//! Postal addresses: up to four lines, a town and a postcode. Addresses are
//! among the most masked fields (a person fleeing violence may withhold
//! theirs), so [`Address`] is its own type that masking can act on whole.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Postcode;
use crate::text::{bounded, TextError};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "AddressRecord")]
pub struct Address {
    // INVARIANT: 1 to 4 lines, each non-empty bounded text.
    lines: Vec<String>,
    town: String,
    postcode: Postcode,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("an address must have 1 to 4 lines before the town, not {count}")]
    LineCount { count: usize },
    #[error(transparent)]
    Text(#[from] TextError),
}

impl Address {
    pub const MAX_LINES: usize = 4;
    pub const MAX_CHARS: usize = 100;

    /// Blank lines are dropped before counting: forms offer four boxes and
    /// most people fill two, which is not an error.
    pub fn new<I, S>(lines: I, town: &str, postcode: Postcode) -> Result<Self, AddressError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let lines = lines
            .into_iter()
            .filter(|line| !line.as_ref().trim().is_empty())
            .map(|line| bounded("address line", line.as_ref(), Self::MAX_CHARS))
            .collect::<Result<Vec<_>, _>>()?;
        if lines.is_empty() || lines.len() > Self::MAX_LINES {
            return Err(AddressError::LineCount { count: lines.len() });
        }
        let town = bounded("town", town, Self::MAX_CHARS)?;
        Ok(Self {
            lines,
            town,
            postcode,
        })
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn town(&self) -> &str {
        &self.town
    }

    pub fn postcode(&self) -> &Postcode {
        &self.postcode
    }
}

impl fmt::Display for Address {
    /// One line, comma-separated: "12 Harbour Row, Northshire, NS1 4AB".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            write!(f, "{line}, ")?;
        }
        write!(f, "{}, {}", self.town, self.postcode)
    }
}

#[derive(Deserialize)]
struct AddressRecord {
    lines: Vec<String>,
    town: String,
    postcode: Postcode,
}

impl TryFrom<AddressRecord> for Address {
    type Error = AddressError;
    fn try_from(r: AddressRecord) -> Result<Self, Self::Error> {
        Self::new(r.lines, &r.town, r.postcode)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn postcode() -> Postcode {
        Postcode::parse("NS1 4AB").unwrap()
    }

    #[test]
    fn address_drops_blank_lines_and_trims() {
        let a = Address::new([" 12 Harbour Row ", "", "  "], " Northshire ", postcode()).unwrap();
        assert_eq!(a.lines(), ["12 Harbour Row"]);
        assert_eq!(a.town(), "Northshire");
        assert_eq!(a.to_string(), "12 Harbour Row, Northshire, NS1 4AB");
    }

    #[test]
    fn address_needs_one_to_four_lines_and_a_town() {
        let none: [&str; 0] = [];
        assert_eq!(
            Address::new(none, "Northshire", postcode())
                .unwrap_err()
                .to_string(),
            "an address must have 1 to 4 lines before the town, not 0"
        );
        assert!(Address::new(["a", "b", "c", "d"], "Northshire", postcode()).is_ok());
        assert_eq!(
            Address::new(["a", "b", "c", "d", "e"], "Northshire", postcode()).unwrap_err(),
            AddressError::LineCount { count: 5 }
        );
        assert_eq!(
            Address::new(["a"], " ", postcode())
                .unwrap_err()
                .to_string(),
            "`town` must not be empty"
        );
        assert_eq!(
            Address::new([&"x".repeat(101)], "Northshire", postcode())
                .unwrap_err()
                .to_string(),
            "`address line` must be at most 100 characters"
        );
    }

    #[test]
    fn address_json_is_validated() {
        let a = Address::new(
            vec!["Flat 2".to_owned(), "7 Mill Lane".to_owned()],
            "Northshire",
            postcode(),
        )
        .unwrap();
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["postcode"], "NS1 4AB");
        assert_eq!(serde_json::from_value::<Address>(json.clone()).unwrap(), a);
        let mut too_many = json;
        too_many["lines"] = serde_json::json!(["a", "b", "c", "d", "e"]);
        assert!(serde_json::from_value::<Address>(too_many).is_err());
    }

    proptest! {
        #[test]
        fn valid_exactly_when_one_to_four_non_blank_lines_all_fit(lines in prop::collection::vec("[ a-z]{0,3}|[a-z]{99,101}", 0..7)) {
            let kept: Vec<&String> = lines.iter().filter(|l| !l.trim().is_empty()).collect();
            let ok = (1..=4).contains(&kept.len()) && kept.iter().all(|l| l.trim().chars().count() <= 100);
            let result = Address::new(&lines, "Northshire", postcode());
            prop_assert_eq!(result.is_ok(), ok, "{:?}", lines);
            if let Ok(a) = result {
                prop_assert_eq!(a.lines().len(), kept.len());
            }
        }
    }
}
