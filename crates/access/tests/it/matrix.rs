//! The policy matrix: every combination of role × (own organisation a party
//! or not) × agreement state × consent × relationship × category × purpose ×
//! break-glass × read/write, decided by the engine and checked against the
//! plain-Rust oracle — the outcome, every rule named and its order, and the
//! break-glass mark.

use std::collections::BTreeSet;
use std::thread;

use chrono::Duration;
use concordat_access::{AccessAction, AccessRequest, BreakGlassFacts, Relationship};
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::oracle::{self, AgreementState, BreakGlass, Cell, Consent, Relation};
use crate::support::*;

const AGREEMENT_STATES: [AgreementState; 6] = [
    AgreementState::Active,
    AgreementState::Draft,
    AgreementState::Suspended,
    AgreementState::Ended,
    AgreementState::Unsigned,
    AgreementState::OutOfDate,
];
const CONSENTS: [Consent; 6] = [
    Consent::None,
    Consent::DenyOrganisation,
    Consent::DenyClinical,
    Consent::DenyEmergency,
    Consent::ExpiredDeny,
    Consent::Permit,
];
const RELATIONS: [Relation; 5] = [
    Relation::None,
    Relation::CareTeam,
    Relation::Ended,
    Relation::CrisisLookUp,
    Relation::SourceReport,
];
const BREAK_GLASS: [BreakGlass; 3] = [BreakGlass::None, BreakGlass::Live, BreakGlass::Expired];

/// Every cell whose user has `role`.
fn cells(role: Role) -> impl Iterator<Item = Cell> {
    let mut cells = Vec::new();
    for party in [true, false] {
        for agreement in AGREEMENT_STATES {
            for consent in CONSENTS {
                for relation in RELATIONS {
                    for category in DataCategory::ALL {
                        for purpose in Purpose::ALL {
                            for break_glass in BREAK_GLASS {
                                for action in AccessAction::ALL {
                                    cells.push(Cell {
                                        role,
                                        party,
                                        agreement,
                                        consent,
                                        relation,
                                        category,
                                        purpose,
                                        break_glass,
                                        action,
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    cells.into_iter()
}

/// The facts of a cell, as a caller would gather them.
fn facts(cell: &Cell) -> AccessRequest {
    let organisation = if cell.role.is_crisis_role() {
        police()
    } else {
        trust()
    };
    let mut r = request(
        actor(cell.role, organisation),
        cell.action,
        cell.category,
        cell.purpose,
    );

    let mut agreement = crisis_agreement();
    agreement.parties = if cell.party {
        vec![organisation, gp_practice()]
    } else {
        vec![gp_practice(), someone_elses_organisation()]
    };
    agreement.purposes = BTreeSet::from(oracle::AGREED_PURPOSES);
    // The user's role's grant from the table, and a decoy: a role granted
    // everything, so a rule that looked at the wrong grant would show.
    let decoy = if cell.role == Role::CrisisClinician {
        Role::SocialWorker
    } else {
        Role::CrisisClinician
    };
    agreement.grants = vec![
        grant(
            cell.role,
            oracle::granted(cell.role, AccessAction::Read),
            oracle::granted(cell.role, AccessAction::Write),
        ),
        grant(decoy, &DataCategory::ALL, &DataCategory::ALL),
    ];
    match cell.agreement {
        AgreementState::Active => {}
        AgreementState::Draft => {
            agreement.status = AgreementStatus::Draft;
            agreement.signed_by_every_party = false;
        }
        AgreementState::Suspended => agreement.status = AgreementStatus::Suspended,
        AgreementState::Ended => agreement.status = AgreementStatus::Ended,
        AgreementState::Unsigned => agreement.signed_by_every_party = false,
        AgreementState::OutOfDate => {
            agreement.starts_on = day(2024, 4, 1);
            agreement.ends_on = Some(r.now.date_naive() - Duration::days(10));
        }
    }
    r.agreements.push(agreement);

    let users_organisation = ConsentScope {
        organisation: Some(organisation),
        ..Default::default()
    };
    match cell.consent {
        Consent::None => {}
        Consent::DenyOrganisation => r
            .consents
            .push(consent(ConsentEffect::Deny, users_organisation)),
        Consent::DenyClinical => r.consents.push(consent(
            ConsentEffect::Deny,
            ConsentScope {
                category: Some(DataCategory::Clinical),
                ..Default::default()
            },
        )),
        Consent::DenyEmergency => r.consents.push(consent(
            ConsentEffect::Deny,
            ConsentScope {
                purpose: Some(Purpose::Emergency),
                ..Default::default()
            },
        )),
        Consent::ExpiredDeny => {
            let mut expired = consent(ConsentEffect::Deny, users_organisation);
            expired.expires_at = Some(r.now - Duration::minutes(1));
            r.consents.push(expired);
        }
        Consent::Permit => r
            .consents
            .push(consent(ConsentEffect::Permit, users_organisation)),
    }

    match cell.relation {
        Relation::None => {}
        Relation::CareTeam => r.relationships.push(Relationship::care_team()),
        Relation::Ended => r.relationships.push(Relationship::care_team().ended()),
        Relation::CrisisLookUp => r.relationships.push(crisis_look_up()),
        Relation::SourceReport => r.relationships.push(Relationship::source_report()),
    }

    let grant = BreakGlassFacts {
        user: r.user.id,
        person: r.person,
        basis: concordat_domain::break_glass::OverrideBasis::PreventionOfHarm,
        granted_at: r.now - Duration::minutes(10),
        expires_at: r.now + Duration::minutes(20),
    };
    r.break_glass = match cell.break_glass {
        BreakGlass::None => None,
        BreakGlass::Live => Some(grant),
        BreakGlass::Expired => Some(BreakGlassFacts {
            granted_at: r.now - Duration::minutes(40),
            expires_at: r.now - Duration::minutes(10),
            ..grant
        }),
    };
    r
}

fn someone_elses_organisation() -> concordat_domain::ids::OrganisationId {
    concordat_domain::ids::OrganisationId::from_uuid(uuid::Uuid::from_u128(4))
}

/// Checks every cell of the roles in `roles`; returns how many were checked
/// and the first few disagreements.
fn check(roles: &[Role]) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for &role in roles {
        for cell in cells(role) {
            let decision = engine().decide(&facts(&cell));
            let want = oracle::expected(&cell);
            let got = (
                decision.is_allowed(),
                policies(&decision),
                decision.via_break_glass(),
            );
            checked += 1;
            if got != (want.allowed, want.policies.clone(), want.via_break_glass)
                && disagreements.len() < 10
            {
                disagreements.push(format!("{cell:?}\n  expected {want:?}\n  engine   {got:?}"));
            }
        }
    }
    (checked, disagreements)
}

#[test]
fn every_cell_of_the_policy_matrix_agrees_with_the_oracle() {
    // Two halves on two threads: the machines this runs on have two cores.
    let (first, second) = Role::ALL.split_at(Role::ALL.len() / 2);
    let (a, b) = thread::scope(|s| {
        let a = s.spawn(|| check(first));
        let b = s.spawn(|| check(second));
        (a.join().unwrap(), b.join().unwrap())
    });
    let checked = a.0 + b.0;
    let disagreements: Vec<String> = a.1.into_iter().chain(b.1).collect();

    println!("policy matrix: {checked} cells checked against the oracle");
    assert_eq!(
        checked,
        Role::ALL.len() * 2 * 6 * 6 * RELATIONS.len() * DataCategory::ALL.len() * 5 * 3 * 2
    );
    assert!(
        disagreements.is_empty(),
        "{} (showing up to 10 per half):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
