//! What every part of frequent contact shares: the category an entry is
//! read under and the reason the support team's relationship is recorded
//! under.

use concordat_domain::category::DataCategory;

/// The reason the support team's relationship with a person on the list
/// is recorded under (and ended by).
pub const SUPPORT_REASON: &str = "offering support after frequent contact";

/// What an entry is made of, and so the category it is read under.
pub const CATEGORY: DataCategory = DataCategory::Contacts;
