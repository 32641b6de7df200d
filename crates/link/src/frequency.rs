//! Term frequencies: how common each given name, family name and postcode
//! is among the records being linked. Agreeing on "SMITH" is weaker
//! evidence than agreeing on "OKONKWO", because two different people share
//! "SMITH" far more often; the model adjusts an exact agreement's weight by
//! the value's own frequency instead of the field's average.

use std::collections::HashMap;

use crate::compare::Field;
use crate::record::Record;

/// Counts of each value of the fields that have term-frequency
/// adjustments ([`Field::has_term_frequencies`]).
#[derive(Debug, Clone, Default)]
pub struct TermFrequencies {
    given: Counts,
    family: Counts,
    postcode: Counts,
}

#[derive(Debug, Clone, Default)]
struct Counts {
    by_value: HashMap<String, u32>,
    total: u64,
}

impl Counts {
    fn add(&mut self, value: Option<&str>) {
        if let Some(value) = value {
            *self.by_value.entry(value.to_owned()).or_default() += 1;
            self.total += 1;
        }
    }

    fn frequency(&self, value: &str) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        // A value not seen yet (an incoming record's) is counted once, as
        // it would be once that record were added.
        let count = self.by_value.get(value).copied().unwrap_or(0).max(1);
        Some(f64::from(count) / self.total as f64)
    }
}

impl TermFrequencies {
    /// Counts the values in `records`.
    pub fn count<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut out = Self::default();
        for r in records {
            out.given.add(r.given_name());
            out.family.add(r.family_name());
            out.postcode.add(r.postcode());
        }
        out
    }

    /// The share of records with `value` in `field` among those with any
    /// value there, or `None` for a field without term frequencies or with
    /// no values at all.
    pub fn frequency(&self, field: Field, value: &str) -> Option<f64> {
        match field {
            Field::GivenName => self.given.frequency(value),
            Field::FamilyName => self.family.frequency(value),
            Field::Postcode => self.postcode.frequency(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_are_shares_of_the_records_with_a_value() {
        let records: Vec<Record> = ["Smith", "Smith", "Smith", "Okonkwo", ""]
            .iter()
            .map(|f| Record::builder().family_name(f).build())
            .collect();
        let tf = TermFrequencies::count(&records);
        assert_eq!(tf.frequency(Field::FamilyName, "SMITH"), Some(0.75));
        assert_eq!(tf.frequency(Field::FamilyName, "OKONKWO"), Some(0.25));
        assert_eq!(tf.frequency(Field::FamilyName, "UNSEEN"), Some(0.25));
        assert_eq!(tf.frequency(Field::GivenName, "GARY"), None);
        assert_eq!(tf.frequency(Field::Sex, "F"), None);
    }
}
