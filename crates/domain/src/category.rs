//! The categories of a person's record — the unit that agreements grant,
//! consent directives permit or deny, and masks hide. Least information means
//! a police officer is granted `crisis-plan` and `risk`, not `clinical`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocabulary;

crate::vocabulary::schema!(DataCategory);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum DataCategory {
    Demographics,
    CrisisPlan,
    Risk,
    Contacts,
    CareTeam,
    Referrals,
    Messages,
    Clinical,
    SocialCare,
    /// The person's sharing choices themselves: their consent directives
    /// and what their carers may be told. Kept by the person and their care
    /// team; never shared under an agreement.
    Consent,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a data category; expected one of: {}",
    vocabulary::expected(&DataCategory::ALL, DataCategory::as_str)
)]
pub struct DataCategoryError {
    input: String,
}

impl DataCategory {
    pub const ALL: [Self; 10] = [
        Self::Demographics,
        Self::CrisisPlan,
        Self::Risk,
        Self::Contacts,
        Self::CareTeam,
        Self::Referrals,
        Self::Messages,
        Self::Clinical,
        Self::SocialCare,
        Self::Consent,
    ];

    /// The categories an agreement can share and a consent directive can
    /// refuse: all but the sharing choices themselves.
    pub const SHARED: [Self; 9] = [
        Self::Demographics,
        Self::CrisisPlan,
        Self::Risk,
        Self::Contacts,
        Self::CareTeam,
        Self::Referrals,
        Self::Messages,
        Self::Clinical,
        Self::SocialCare,
    ];

    /// Whether agreements share this category (see [`Self::SHARED`]).
    pub fn is_shared(self) -> bool {
        self != Self::Consent
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demographics => "demographics",
            Self::CrisisPlan => "crisis-plan",
            Self::Risk => "risk",
            Self::Contacts => "contacts",
            Self::CareTeam => "care-team",
            Self::Referrals => "referrals",
            Self::Messages => "messages",
            Self::Clinical => "clinical",
            Self::SocialCare => "social-care",
            Self::Consent => "consent",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DataCategoryError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| DataCategoryError {
            input: input.to_owned(),
        })
    }

    /// What the category holds, in words a person reading their own sharing
    /// choices understands.
    pub fn label(self) -> &'static str {
        match self {
            Self::Demographics => "Name, date of birth, address and ID numbers",
            Self::CrisisPlan => "Crisis plan",
            Self::Risk => "Risk and safety flags",
            Self::Contacts => "999 calls, A&E visits and detentions",
            Self::CareTeam => "Care team",
            Self::Referrals => "Referrals",
            Self::Messages => "Messages between staff",
            Self::Clinical => "Clinical notes",
            Self::SocialCare => "Social care records",
            Self::Consent => "Sharing choices",
        }
    }
}

impl fmt::Display for DataCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DataCategory {
    type Err = DataCategoryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DataCategory {
    type Error = DataCategoryError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DataCategory> for &'static str {
    fn from(value: DataCategory) -> Self {
        value.as_str()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::vocabulary::testing;

    #[test]
    fn categories_are_well_formed_and_match_the_design() {
        testing::assert_well_formed(
            &DataCategory::ALL,
            DataCategory::as_str,
            DataCategory::parse,
            DataCategory::label,
        );
        let names: Vec<&str> = DataCategory::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "demographics",
                "crisis-plan",
                "risk",
                "contacts",
                "care-team",
                "referrals",
                "messages",
                "clinical",
                "social-care",
                "consent"
            ]
        );
        assert_eq!(&DataCategory::ALL[..9], &DataCategory::SHARED[..]);
        assert!(DataCategory::SHARED.iter().all(|c| c.is_shared()));
        assert!(!DataCategory::Consent.is_shared());
    }

    #[test]
    fn unknown_category_lists_the_choices() {
        let err = DataCategory::parse("notes").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`notes` is not a data category; expected one of: demographics, crisis-plan, risk, contacts, \
             care-team, referrals, messages, clinical, social-care, consent"
        );
    }

    proptest! {
        #[test]
        fn parse_accepts_only_the_kebab_names(input in "[a-z-]{0,14}|\\PC{0,10}") {
            prop_assert!(testing::parse_accepts_only_names(&DataCategory::ALL, DataCategory::as_str, DataCategory::parse, &input));
        }
    }
}
