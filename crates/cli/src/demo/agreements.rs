//! The demo partnership's information sharing agreements: the main
//! agreement that joins the crisis-care partners, and a light
//! information-exchange agreement for the employment charity.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use concordat_domain::agreement::{AgreementTier, LawfulBasis, RoleGrant, Terms};
use concordat_domain::category::DataCategory as C;
use concordat_domain::ids::OrganisationId;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

fn set(items: &[C]) -> BTreeSet<C> {
    items.iter().copied().collect()
}

fn grant(role: Role, read: &[C], write: &[C]) -> RoleGrant {
    RoleGrant {
        role,
        read: set(read),
        write: set(write),
    }
}

fn health_and_care_basis() -> anyhow::Result<LawfulBasis> {
    Ok(LawfulBasis::new(
        "Article 6(1)(e) public task",
        "Article 9(2)(h) health or social care",
        "Schedule 1 Part 1 paragraph 2 (health or social care purposes)",
    )?)
}

/// Organisation codes that are party to the main agreement: everyone but the
/// charity, which joins at the exchange tier only.
pub const MAIN_PARTIES: &[&str] = &[
    "NMHT", "GPRIV", "GPMKT", "GPHIL", "NSPOL", "NSAMB", "NGHED", "NS111", "NSASC", "NEDS",
];

pub const CHARITY_PARTIES: &[&str] = &["NMHT", "NSASC", "WWELL"];

/// The main agreement. Each role sees what its part in crisis care needs and
/// no more: police, ambulance and NHS 111 see the crisis plan and risks (not
/// clinical notes) and record their contacts.
pub fn main_agreement(parties: Vec<OrganisationId>, today: NaiveDate) -> anyhow::Result<Terms> {
    let clinical_team_read = [
        C::Demographics,
        C::CrisisPlan,
        C::Risk,
        C::Contacts,
        C::CareTeam,
        C::Referrals,
        C::Messages,
        C::Clinical,
    ];
    let clinical_team_write = [
        C::CrisisPlan,
        C::Risk,
        C::Contacts,
        C::Referrals,
        C::Messages,
        C::Clinical,
    ];
    let emergency_read = [C::Demographics, C::CrisisPlan, C::Risk];
    Ok(Terms {
        title: "Northshire Crisis Care Information Sharing Agreement".into(),
        tier: AgreementTier::Integrate,
        parties,
        purposes: [
            Purpose::DirectCare,
            Purpose::Emergency,
            Purpose::Safeguarding,
        ]
        .into_iter()
        .collect(),
        grants: vec![
            grant(
                Role::CrisisClinician,
                &clinical_team_read,
                &clinical_team_write,
            ),
            grant(
                Role::MentalHealthPractitioner,
                &clinical_team_read,
                &clinical_team_write,
            ),
            grant(
                Role::Gp,
                &clinical_team_read,
                &[C::Contacts, C::Referrals, C::Messages, C::Clinical],
            ),
            grant(
                Role::EdClinician,
                &clinical_team_read,
                &[C::Contacts, C::Referrals, C::Messages, C::Clinical],
            ),
            grant(Role::PoliceOfficer, &emergency_read, &[C::Contacts]),
            grant(
                Role::Paramedic,
                &[C::Demographics, C::CrisisPlan, C::Risk, C::CareTeam],
                &[C::Contacts],
            ),
            grant(Role::Nhs111Advisor, &emergency_read, &[C::Contacts]),
            grant(
                Role::SocialWorker,
                &[
                    C::Demographics,
                    C::CrisisPlan,
                    C::Risk,
                    C::Contacts,
                    C::CareTeam,
                    C::Referrals,
                    C::Messages,
                    C::SocialCare,
                ],
                &[C::Referrals, C::Messages, C::SocialCare],
            ),
            // The partners' registered systems report contacts: 999 calls,
            // attendances, admissions and discharges. They read nothing.
            grant(Role::SourceSystem, &[], &[C::Contacts]),
        ],
        lawful_basis: health_and_care_basis()?,
        starts_on: today - chrono::Duration::days(180),
        ends_on: Some(today + chrono::Duration::days(3 * 365)),
        review_on: today + chrono::Duration::days(185),
    })
}

/// The charity's agreement: who is involved, referrals and messages — enough
/// to help someone back to work, nothing clinical.
pub fn charity_agreement(parties: Vec<OrganisationId>, today: NaiveDate) -> anyhow::Result<Terms> {
    let exchange = [C::Demographics, C::CareTeam, C::Referrals, C::Messages];
    Ok(Terms {
        title: "Working Well Northshire Employment Support Information Exchange".into(),
        tier: AgreementTier::Exchange,
        parties,
        purposes: [Purpose::DirectCare].into_iter().collect(),
        grants: vec![
            grant(Role::SupportWorker, &exchange, &[C::Referrals, C::Messages]),
            grant(
                Role::MentalHealthPractitioner,
                &exchange,
                &[C::Referrals, C::Messages],
            ),
            grant(Role::SocialWorker, &exchange, &[C::Referrals, C::Messages]),
        ],
        lawful_basis: health_and_care_basis()?,
        starts_on: today - chrono::Duration::days(90),
        ends_on: Some(today + chrono::Duration::days(2 * 365)),
        review_on: today + chrono::Duration::days(275),
    })
}
