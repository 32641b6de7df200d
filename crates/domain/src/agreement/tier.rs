//! How deep a partnership goes (BMJ: "different sorts of partnerships"). A
//! partner takes part at the level it is ready for, and the tier caps which
//! categories an agreement of that tier can share at all.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::category::DataCategory;
use crate::vocabulary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum AgreementTier {
    /// Light information exchange: who is involved, referrals and messages.
    Exchange,
    /// Coordinated care: also crisis plans, risks and contacts.
    Coordinate,
    /// Full joint working: also clinical and social-care records.
    Integrate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an agreement tier; expected one of: {}", vocabulary::expected(&AgreementTier::ALL, AgreementTier::as_str))]
pub struct AgreementTierError {
    input: String,
}

impl AgreementTier {
    pub const ALL: [Self; 3] = [Self::Exchange, Self::Coordinate, Self::Integrate];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exchange => "exchange",
            Self::Coordinate => "coordinate",
            Self::Integrate => "integrate",
        }
    }

    pub fn parse(input: &str) -> Result<Self, AgreementTierError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| AgreementTierError {
            input: input.to_owned(),
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Exchange => "Information exchange",
            Self::Coordinate => "Coordinated care",
            Self::Integrate => "Joint working",
        }
    }

    /// Whether an agreement of this tier may share `category` at all. No
    /// agreement shares the person's sharing choices themselves.
    pub fn allows(self, category: DataCategory) -> bool {
        use DataCategory as C;
        if !category.is_shared() {
            return false;
        }
        match self {
            Self::Exchange => matches!(
                category,
                C::Demographics | C::CareTeam | C::Referrals | C::Messages
            ),
            Self::Coordinate => !matches!(category, C::Clinical | C::SocialCare),
            Self::Integrate => true,
        }
    }
}

impl fmt::Display for AgreementTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for AgreementTier {
    type Error = AgreementTierError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgreementTier> for &'static str {
    fn from(value: AgreementTier) -> Self {
        value.as_str()
    }
}
