//! Where an agreement stands: draft (being written or awaiting signatures),
//! active (signed by every party), suspended, or ended.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocabulary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum AgreementStatus {
    Draft,
    Active,
    Suspended,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an agreement status; expected one of: {}", vocabulary::expected(&AgreementStatus::ALL, AgreementStatus::as_str))]
pub struct AgreementStatusError {
    input: String,
}

impl AgreementStatus {
    pub const ALL: [Self; 4] = [Self::Draft, Self::Active, Self::Suspended, Self::Ended];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Ended => "ended",
        }
    }

    pub fn parse(input: &str) -> Result<Self, AgreementStatusError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| AgreementStatusError {
            input: input.to_owned(),
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Active => "Active",
            Self::Suspended => "Suspended",
            Self::Ended => "Ended",
        }
    }
}

impl fmt::Display for AgreementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for AgreementStatus {
    type Error = AgreementStatusError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<AgreementStatus> for &'static str {
    fn from(value: AgreementStatus) -> Self {
        value.as_str()
    }
}
