//! Comparing two records field by field. Each field's comparison gives a
//! level, from the strongest agreement down to plain disagreement, with
//! level 0 meaning a value is missing on one side or both (no evidence).
//! A [`Pattern`] holds one level per field; it is all the model needs to
//! weigh a pair, apart from term frequencies.

mod contact;
mod date;
mod identifier;
mod name;
mod postcode;

use crate::record::Record;

pub use contact::{phone_levels, sex_levels};
pub use date::levels as birth_date_levels;
pub use identifier::levels as identifier_levels;
pub use name::{family_levels, given_levels};
pub use postcode::levels as postcode_levels;

/// The level that means "missing on one side or both", in every field.
pub const MISSING: u8 = 0;

/// A field compared between two records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    GivenName,
    FamilyName,
    BirthDate,
    Postcode,
    Phone,
    Sex,
    /// Identifiers from the same issuing system.
    Identifiers,
}

impl Field {
    pub const COUNT: usize = 7;
    pub const ALL: [Field; Field::COUNT] = [
        Field::GivenName,
        Field::FamilyName,
        Field::BirthDate,
        Field::Postcode,
        Field::Phone,
        Field::Sex,
        Field::Identifiers,
    ];

    /// The field's position in a [`Pattern`] and in parameter tables.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::GivenName => "given name",
            Field::FamilyName => "family name",
            Field::BirthDate => "date of birth",
            Field::Postcode => "postcode",
            Field::Phone => "phone",
            Field::Sex => "sex",
            Field::Identifiers => "identifiers",
        }
    }

    /// The field's levels in order, index 0 being "missing"; a level's
    /// index is its value in a [`Pattern`].
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::GivenName => given_levels(),
            Field::FamilyName => family_levels(),
            Field::BirthDate => birth_date_levels(),
            Field::Postcode => postcode_levels(),
            Field::Phone => phone_levels(),
            Field::Sex => sex_levels(),
            Field::Identifiers => identifier_levels(),
        }
    }

    /// Whether the field's exact-agreement level (level 1) is weighed by
    /// how common the agreed value is.
    pub fn has_term_frequencies(self) -> bool {
        matches!(self, Field::GivenName | Field::FamilyName | Field::Postcode)
    }
}

/// The comparison level of every field for one pair of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pattern([u8; Field::COUNT]);

impl Pattern {
    /// A pattern from explicit levels, one per field in [`Field::ALL`]
    /// order. Panics if a level is beyond its field's levels: patterns are
    /// made by code, never from input.
    pub fn new(levels: [u8; Field::COUNT]) -> Self {
        for field in Field::ALL {
            assert!(
                usize::from(levels[field.index()]) < field.levels().len(),
                "level {} out of range for {}",
                levels[field.index()],
                field.label()
            );
        }
        Self(levels)
    }

    pub fn level(&self, field: Field) -> u8 {
        self.0[field.index()]
    }

    pub fn levels(&self) -> [u8; Field::COUNT] {
        self.0
    }

    /// The level `field` counts as when weighing the pair: its level,
    /// except that names swapped between the fields are one mistake, not
    /// two, and count once, in the given name (the family name's level
    /// counts as missing).
    pub fn counted(&self, field: Field) -> u8 {
        let both_swapped = self.level(Field::GivenName) == name::SWAPPED
            && self.level(Field::FamilyName) == name::SWAPPED;
        if field == Field::FamilyName && both_swapped {
            MISSING
        } else {
            self.level(field)
        }
    }

    /// Whether some issuing system gives the two records different
    /// identifiers — even if only by one keystroke. Such a pair is never
    /// linked without a person looking at it.
    pub fn identifiers_differ(&self) -> bool {
        identifier::differ(self.level(Field::Identifiers))
    }
}

/// Compares two records in every field.
pub fn compare(a: &Record, b: &Record) -> Pattern {
    Pattern([
        name::given(a, b),
        name::family(a, b),
        date::compare(a.birth_date(), b.birth_date()),
        postcode::compare(a.postcode(), b.postcode()),
        contact::phone(a.phone(), b.phone()),
        contact::sex(a.sex(), b.sex()),
        identifier::compare(a.identifiers(), b.identifiers()),
    ])
}

/// Whether `a` and `b` differ by one keying error: one character replaced,
/// or two neighbouring characters swapped. Equal values do not.
pub(crate) fn one_keying_error(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut differing = a.iter().zip(b).enumerate().filter(|(_, (x, y))| x != y);
    match (differing.next(), differing.next(), differing.next()) {
        (Some(_), None, _) => true,
        (Some((i, _)), Some((j, _)), None) => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_keying_error_is_one_substitution_or_one_neighbour_swap() {
        assert!(one_keying_error(b"12345", b"12845"));
        assert!(one_keying_error(b"12345", b"12435"));
        assert!(!one_keying_error(b"12345", b"12345"));
        assert!(!one_keying_error(b"12345", b"52341"));
        assert!(!one_keying_error(b"12345", b"12388"));
        assert!(!one_keying_error(b"12345", b"1234"));
    }

    #[test]
    fn every_field_has_a_missing_level_first() {
        for field in Field::ALL {
            assert_eq!(field.levels()[0], "missing", "{}", field.label());
            assert!(field.levels().len() >= 3);
        }
    }

    #[test]
    fn pattern_refuses_levels_beyond_the_field() {
        let result = std::panic::catch_unwind(|| Pattern::new([0, 0, 0, 0, 0, 3, 0]));
        assert!(result.is_err());
    }

    #[test]
    fn swapped_names_count_once_in_the_given_name() {
        let a = Record::builder()
            .given_name("Gary")
            .family_name("Holt")
            .build();
        let b = Record::builder()
            .given_name("Holt")
            .family_name("Gary")
            .build();
        let pattern = compare(&a, &b);
        assert_eq!(pattern.level(Field::FamilyName), name::SWAPPED);
        assert_eq!(pattern.counted(Field::GivenName), name::SWAPPED);
        assert_eq!(pattern.counted(Field::FamilyName), MISSING);
    }

    #[test]
    fn two_empty_records_are_missing_in_every_field() {
        let empty = Record::builder().build();
        assert_eq!(compare(&empty, &empty), Pattern::default());
    }
}
