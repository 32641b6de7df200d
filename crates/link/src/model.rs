//! The Fellegi–Sunter model: weighing a pair of records, and the
//! explanation a reviewer sees.
//!
//! Each field's level adds log2(m/u) bits: positive when the level is more
//! typical of one person than of two, negative otherwise. A missing value
//! adds nothing. The prior, log2(λ/(1−λ)), says how likely two records
//! taken at random are to be one person, before looking at them. The
//! total is the match weight; the match probability is 2^w / (1 + 2^w).
//!
//! Two records at one full postcode are weighed against two people at one
//! address (a household) in the fields a household shares: it shares a
//! family name, so agreeing on it there says little and how rare the name
//! is says nothing, and twins share a date of birth (see
//! [`Model::with_household_u`]).

use crate::compare::{compare, Field, Pattern, MISSING};
use crate::estimate::LevelProbabilities;
use crate::frequency::TermFrequencies;
use crate::record::Record;

/// The level that exact agreement has in every field with term frequencies.
const EXACT: u8 = 1;

/// Estimated parameters and term frequencies, ready to weigh pairs.
#[derive(Debug, Clone)]
pub struct Model {
    m: LevelProbabilities,
    u: LevelProbabilities,
    lambda: f64,
    frequencies: TermFrequencies,
    // log2(m/u) per field and level, worked out once.
    weights: [Vec<f64>; Field::COUNT],
    // u and its weights for two people at one full postcode.
    household: Option<(LevelProbabilities, [Vec<f64>; Field::COUNT])>,
}

/// Why a model cannot be built from the given parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("λ must be strictly between 0 and 1; it is {lambda}")]
    Lambda { lambda: f64 },
    #[error("m and u must be above 0 for every level; {field} level `{level}` is not")]
    ZeroProbability {
        field: &'static str,
        level: &'static str,
    },
}

impl Model {
    /// A model from m, u, λ and the term frequencies of the records it
    /// will weigh.
    pub fn new(
        m: LevelProbabilities,
        u: LevelProbabilities,
        lambda: f64,
        frequencies: TermFrequencies,
    ) -> Result<Self, ModelError> {
        if !(lambda > 0.0 && lambda < 1.0) {
            return Err(ModelError::Lambda { lambda });
        }
        let weights = weights(&m, &u)?;
        Ok(Self {
            m,
            u,
            lambda,
            frequencies,
            weights,
            household: None,
        })
    }

    /// The model with `u` for two different people at one full postcode:
    /// a pair whose postcodes agree in full is weighed with it in the
    /// fields a household shares (family name and date of birth), and its
    /// family name without a term-frequency adjustment.
    pub fn with_household_u(mut self, u: LevelProbabilities) -> Result<Self, ModelError> {
        let weights = weights(&self.m, &u)?;
        self.household = Some((u, weights));
        Ok(self)
    }

    /// u for two people at one address, when the model has one.
    pub fn household_u(&self) -> Option<&LevelProbabilities> {
        self.household.as_ref().map(|(u, _)| u)
    }

    /// The tables a pair whose comparison gave `pattern` is weighed with.
    fn regime(&self, pattern: &Pattern) -> Regime<'_> {
        let household = self
            .household
            .as_ref()
            .filter(|_| pattern.level(Field::Postcode) == EXACT)
            .map(|(u, weights)| (u, weights));
        Regime {
            random: (&self.u, &self.weights),
            household,
        }
    }

    pub fn m(&self) -> &LevelProbabilities {
        &self.m
    }

    pub fn u(&self) -> &LevelProbabilities {
        &self.u
    }

    /// The chance that two records taken at random are one person.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// log2(λ/(1−λ)): the weight of a pair before its fields are looked at.
    pub fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// The match weight of a pair whose comparison gave `pattern`, `a`
    /// being either of its records (where they agree exactly their values
    /// are the same, and that value's frequency is all that is looked up).
    /// The quick path for scoring many pairs; [`Model::explain`] gives the
    /// same number with its parts.
    pub fn match_weight(&self, a: &Record, pattern: Pattern) -> f64 {
        let regime = self.regime(&pattern);
        let mut weight = self.prior_weight();
        for field in Field::ALL {
            let level = pattern.counted(field);
            weight += regime.weight(field, level);
            if level == EXACT && regime.adjusts(field) {
                weight += self.term_frequency_adjustment(field, a);
            }
        }
        weight
    }

    /// Compares `a` and `b` and explains the result field by field.
    pub fn explain(&self, a: &Record, b: &Record) -> Explanation {
        let pattern = compare(a, b);
        let regime = self.regime(&pattern);
        let fields = Field::ALL.map(|field| {
            let level = pattern.level(field);
            let counted = pattern.counted(field);
            let (m, u) = if counted == MISSING {
                (None, None)
            } else {
                (Some(self.m.get(field, level)), Some(regime.u(field, level)))
            };
            FieldEvidence {
                field,
                level,
                m,
                u,
                weight: regime.weight(field, counted),
                term_frequency_adjustment: if counted == EXACT && regime.adjusts(field) {
                    self.term_frequency_adjustment(field, a)
                } else {
                    0.0
                },
            }
        });
        let match_weight = self.prior_weight()
            + fields
                .iter()
                .map(|f| f.weight + f.term_frequency_adjustment)
                .sum::<f64>();
        Explanation {
            pattern,
            prior_weight: self.prior_weight(),
            match_weight,
            fields,
        }
    }

    /// For an exact agreement on `record`'s value of `field`: log2 of the
    /// field's average u for exact agreement over the value's own
    /// frequency. Positive for a rarer value than average, negative for a
    /// commoner one; 0 for fields without term frequencies.
    fn term_frequency_adjustment(&self, field: Field, record: &Record) -> f64 {
        let value = match field {
            Field::GivenName => record.given_name(),
            Field::FamilyName => record.family_name(),
            Field::Postcode => record.postcode(),
            _ => None,
        };
        value
            .and_then(|v| self.frequencies.frequency(field, v))
            .map_or(0.0, |tf| (self.u.get(field, EXACT) / tf).log2())
    }
}

/// The fields a household shares more often than two people taken at
/// random: a family name, and a twin's date of birth. Its members' other
/// fields (given names, phones, identifiers) are their own.
const HOUSEHOLD_FIELDS: [Field; 2] = [Field::FamilyName, Field::BirthDate];

/// u and weights, per field, for one pair: those of two people taken at
/// random, or in a household's fields those of two people at one address.
struct Regime<'a> {
    random: Tables<'a>,
    household: Option<Tables<'a>>,
}

type Tables<'a> = (&'a LevelProbabilities, &'a [Vec<f64>; Field::COUNT]);

impl<'a> Regime<'a> {
    fn tables(&self, field: Field) -> Tables<'a> {
        match self.household {
            Some(h) if HOUSEHOLD_FIELDS.contains(&field) => h,
            _ => self.random,
        }
    }

    fn weight(&self, field: Field, level: u8) -> f64 {
        self.tables(field).1[field.index()][usize::from(level)]
    }

    fn u(&self, field: Field, level: u8) -> f64 {
        self.tables(field).0.get(field, level)
    }

    /// Whether an exact agreement in `field` is adjusted for how common
    /// the value is: not a family name within a household, which its
    /// members share however rare it is.
    fn adjusts(&self, field: Field) -> bool {
        !(self.household.is_some() && field == Field::FamilyName)
    }
}

/// log2(m/u) per field and level.
fn weights(
    m: &LevelProbabilities,
    u: &LevelProbabilities,
) -> Result<[Vec<f64>; Field::COUNT], ModelError> {
    let mut weights: [Vec<f64>; Field::COUNT] = Default::default();
    for field in Field::ALL {
        let labels = field.levels();
        let table = &mut weights[field.index()];
        table.push(0.0);
        for (level, label) in (1u8..).zip(&labels[1..]) {
            let (pm, pu) = (m.get(field, level), u.get(field, level));
            if !(pm > 0.0 && pu > 0.0) {
                return Err(ModelError::ZeroProbability {
                    field: field.label(),
                    level: label,
                });
            }
            table.push((pm / pu).log2());
        }
    }
    Ok(weights)
}

/// The probability that a pair with match weight `weight` is one person.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

/// Why a pair scored as it did: what a reviewer sees beside the two
/// records.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pattern: Pattern,
    prior_weight: f64,
    match_weight: f64,
    fields: [FieldEvidence; Field::COUNT],
}

impl Explanation {
    pub fn pattern(&self) -> Pattern {
        self.pattern
    }

    /// The weight before any field is looked at.
    pub fn prior_weight(&self) -> f64 {
        self.prior_weight
    }

    /// The prior plus every field's weight, in bits.
    pub fn match_weight(&self) -> f64 {
        self.match_weight
    }

    pub fn probability(&self) -> f64 {
        probability(self.match_weight)
    }

    /// One entry per field, in [`Field::ALL`] order.
    pub fn fields(&self) -> &[FieldEvidence; Field::COUNT] {
        &self.fields
    }
}

/// One field's part in a pair's weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldEvidence {
    field: Field,
    level: u8,
    m: Option<f64>,
    u: Option<f64>,
    weight: f64,
    term_frequency_adjustment: f64,
}

impl FieldEvidence {
    pub fn field(&self) -> Field {
        self.field
    }

    /// The level's index in [`Field::levels`].
    pub fn level(&self) -> u8 {
        self.level
    }

    /// The level in words ("Jaro-Winkler at least 0.92", "missing").
    pub fn level_label(&self) -> &'static str {
        self.field.levels()[usize::from(self.level)]
    }

    /// How often one person's two records show this level; `None` when
    /// missing.
    pub fn m(&self) -> Option<f64> {
        self.m
    }

    /// How often two people's records show this level; `None` when
    /// missing.
    pub fn u(&self) -> Option<f64> {
        self.u
    }

    /// log2(m/u), before any term-frequency adjustment.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The adjustment for how common the agreed value is (exact agreement
    /// on names and postcodes only).
    pub fn term_frequency_adjustment(&self) -> f64 {
        self.term_frequency_adjustment
    }

    /// The field's whole contribution to the match weight.
    pub fn total_weight(&self) -> f64 {
        self.weight + self.term_frequency_adjustment
    }
}

#[cfg(test)]
mod tests;
