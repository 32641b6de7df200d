//! What a carer may see or be told about the person they care for, item by
//! item, and the link from a carer's account to that person. The person
//! chooses each item (consent first: an item never chosen is a "no"); the
//! carer's thread with the care team is theirs while the person lets them
//! sign in at all.

use serde::{Deserialize, Serialize};

use crate::category::DataCategory;
use crate::ids::{PersonId, RelatedPersonId};
use crate::vocabulary::{self, closed_vocabulary};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not something a carer can be told; expected one of: {}",
    vocabulary::expected(&CarerItem::CHOSEN, CarerItem::as_str)
)]
pub struct ChosenItemError {
    input: String,
}

closed_vocabulary! {
    /// One thing a carer may see on their own page, or be told by email.
    /// The labels are in the person's voice, as they choose.
    pub enum CarerItem, error CarerItemError = "something a carer can be told" {
        Admission = "admission", "that I have been admitted to hospital, and where";
        Discharge = "discharge", "that I am being discharged from hospital, and when";
        CrisisContact = "crisis-contact", "that I have been in contact with crisis services";
        WhoToCall = "who-to-call", "who to call if I am in crisis, from my crisis plan";
        WhatHelps = "what-helps", "what helps me in a crisis, from my crisis plan";
        /// Not chosen item by item: the carer's own thread with the care
        /// team, theirs while they may sign in.
        Messages = "messages", "messages between my carer and my care team";
    }
}

impl CarerItem {
    /// The items the person chooses one by one.
    pub const CHOSEN: [Self; 5] = [
        Self::Admission,
        Self::Discharge,
        Self::CrisisContact,
        Self::WhoToCall,
        Self::WhatHelps,
    ];

    /// An item the person chooses, from its name; the thread is not one.
    pub fn parse_chosen(input: &str) -> Result<Self, ChosenItemError> {
        vocabulary::lookup(&Self::CHOSEN, Self::as_str, input.trim()).ok_or_else(|| {
            ChosenItemError {
                input: input.to_owned(),
            }
        })
    }

    /// The category of the person's record the item is part of: what the
    /// access decision weighs it as.
    pub fn category(self) -> DataCategory {
        match self {
            Self::Admission | Self::Discharge | Self::CrisisContact => DataCategory::Contacts,
            Self::WhoToCall | Self::WhatHelps => DataCategory::CrisisPlan,
            Self::Messages => DataCategory::Messages,
        }
    }

    /// Whether the item is also told by email when it happens (the others
    /// are only seen on the carer's page).
    pub fn is_told(self) -> bool {
        matches!(
            self,
            Self::Admission | Self::Discharge | Self::CrisisContact
        )
    }
}

closed_vocabulary! {
    /// What an item a carer may see stands on. The labels finish "the
    /// carer may see this because …", as the person's access log says it.
    pub enum ShareBasis, error ShareBasisError = "a basis for sharing with a carer" {
        /// The person chose it, or their care team recorded it as they asked.
        Person = "person", "the person chose to let them";
        /// A decision made in the person's best interests when they could
        /// not make it themselves.
        BestInterests = "best-interests", "a decision made in the person's best interests lets them";
    }
}

/// Whose carer an account is: the person, and the carer as the person's
/// record names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CarerOf {
    pub person: PersonId,
    pub related_person: RelatedPersonId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::testing;

    #[test]
    fn items_and_bases_are_well_formed_vocabularies() {
        testing::assert_well_formed(
            &CarerItem::ALL,
            CarerItem::as_str,
            CarerItem::parse,
            CarerItem::label,
        );
        testing::assert_well_formed(
            &ShareBasis::ALL,
            ShareBasis::as_str,
            ShareBasis::parse,
            ShareBasis::label,
        );
    }

    #[test]
    fn the_thread_is_not_chosen_item_by_item() {
        assert!(CarerItem::parse_chosen("messages").is_err());
        assert_eq!(
            CarerItem::parse_chosen(" what-helps "),
            Ok(CarerItem::WhatHelps)
        );
        assert_eq!(CarerItem::parse("messages"), Ok(CarerItem::Messages));
        assert!(!CarerItem::CHOSEN.contains(&CarerItem::Messages));
    }

    #[test]
    fn each_item_belongs_to_one_category() {
        assert_eq!(CarerItem::Discharge.category(), DataCategory::Contacts);
        assert_eq!(CarerItem::WhatHelps.category(), DataCategory::CrisisPlan);
        assert_eq!(CarerItem::Messages.category(), DataCategory::Messages);
        assert!(CarerItem::CHOSEN
            .iter()
            .all(|i| i.category() != DataCategory::Clinical));
    }
}
