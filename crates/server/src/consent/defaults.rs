//! What the partnership's agreements share about anyone by default, before
//! the person chooses anything: for each organisation, which parts of a
//! record its staff may see and for what. The consent page says this first,
//! so a person knows what they would be changing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use concordat_domain::agreement::Agreement;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::OrganisationId;
use concordat_domain::organisation::Organisation;
use concordat_domain::purpose::Purpose;
use concordat_domain::user::User;

/// One organisation's default sharing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultSharing {
    pub organisation: String,
    pub categories: Vec<&'static str>,
    pub purposes: Vec<&'static str>,
    /// The parts of a record no agreement in force lets its staff see.
    pub never: Vec<&'static str>,
}

/// Each organisation that an agreement in force on `today` lets see part of
/// a record, by name, with what it may see and why: what the agreement
/// grants the roles `staff` says the organisation has. A source system's
/// grant (it reads nothing) and commissioning (aggregates only) share no
/// record.
pub fn default_sharing(
    agreements: &[Agreement],
    organisations: &[Organisation],
    staff: &[User],
    today: NaiveDate,
) -> Vec<DefaultSharing> {
    let mut by_organisation: BTreeMap<OrganisationId, (BTreeSet<DataCategory>, BTreeSet<Purpose>)> =
        BTreeMap::new();
    let in_force = agreements.iter().filter(|a| a.in_force(today));
    for agreement in in_force {
        let terms = agreement.terms();
        let purposes: BTreeSet<Purpose> = terms
            .purposes
            .iter()
            .copied()
            .filter(|p| *p != Purpose::Commissioning)
            .collect();
        if purposes.is_empty() {
            continue;
        }
        for party in &terms.parties {
            let read: BTreeSet<DataCategory> = terms
                .grants
                .iter()
                .filter(|g| {
                    staff
                        .iter()
                        .any(|u| u.organisation_id() == *party && u.role() == g.role)
                })
                .flat_map(|g| g.read.iter().copied())
                .collect();
            if read.is_empty() {
                continue;
            }
            let entry = by_organisation.entry(*party).or_default();
            entry.0.extend(read.iter().copied());
            entry.1.extend(purposes.iter().copied());
        }
    }
    let mut out: Vec<DefaultSharing> = by_organisation
        .into_iter()
        .filter_map(|(id, (categories, purposes))| {
            let organisation = organisations.iter().find(|o| o.id() == id)?;
            Some(DefaultSharing {
                organisation: organisation.name().to_owned(),
                never: DataCategory::ALL
                    .into_iter()
                    .filter(|c| !categories.contains(c))
                    .map(DataCategory::label)
                    .collect(),
                categories: categories.into_iter().map(DataCategory::label).collect(),
                purposes: purposes.into_iter().map(Purpose::plain).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.organisation.cmp(&b.organisation));
    out
}
