//! Why a held event may be a person: the match probability and each
//! field's part in it, kept with the candidate so that the reviewer sees
//! what the job saw.

use concordat_link::Explanation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evidence {
    /// The chance the two records are one person, from 0 to 1.
    pub probability: f64,
    /// The match weight in bits: the prior plus every field's weight.
    pub match_weight: f64,
    pub fields: Vec<FieldWeight>,
}

/// One field's comparison: how the two records agreed and what it weighed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldWeight {
    /// "family name", "date of birth", …
    pub field: String,
    /// How they compared: "exact", "Jaro-Winkler at least 0.92", "missing".
    pub level: String,
    /// Bits for (positive) or against (negative) one person.
    pub weight: f64,
}

impl Evidence {
    pub(super) fn of(explanation: &Explanation) -> Self {
        Self {
            probability: explanation.probability(),
            match_weight: explanation.match_weight(),
            fields: explanation
                .fields()
                .iter()
                .map(|f| FieldWeight {
                    field: f.field().label().to_owned(),
                    level: f.level_label().to_owned(),
                    weight: f.total_weight(),
                })
                .collect(),
        }
    }
}
