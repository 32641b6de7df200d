//! The policy matrix: every combination of role × (own organisation a party
//! or not) × agreement state × consent × relationship × category × purpose ×
//! break-glass × read/write, decided by the engine and checked against the
//! plain-Rust oracle — the outcome, every rule named and its order, and the
//! break-glass mark.
//!
//! Each cell also carries one advance-choice situation: the person's advance
//! choice, the crisis they are in, and whether their refusal holds even
//! then (7 × 5 × 2). Crossing those too would multiply the matrix by 70, so
//! they are dealt out in turn instead: the 72 cells that share a role,
//! consent, relationship, category and purpose (the facts a choice and a
//! refusal look at) take 72 consecutive situations, so each of those
//! combinations meets every situation, and the turn moves on from one
//! combination to the next so that each agreement, break-glass and action
//! meets them too.

use std::collections::BTreeSet;
use std::thread;

use chrono::Duration;
use concordat_access::{
    policy_ids, AccessAction, AccessEngine, AccessRequest, BreakGlassFacts, Relationship,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::oracle::{
    self, Advance, AgreementState, BreakGlass, Cell, Consent, CrisisState, Relation,
};
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
const ADVANCE: [Advance; 7] = [
    Advance::None,
    Advance::OrganisationDuringSection136,
    Advance::AnythingDuringAnyCrisis,
    Advance::AnythingDuringAdmission,
    Advance::AnotherOrganisationDuringSection136,
    Advance::CrisisPlanDuringAnyCrisis,
    Advance::DirectCareDuringAnyCrisis,
];
const CRISES: [CrisisState; 5] = [
    CrisisState::None,
    CrisisState::Section136,
    CrisisState::Section136Ended,
    CrisisState::Admission,
    CrisisState::StreetTriage,
];
/// The cells that share a role, consent, relationship, category and
/// purpose: party × agreement state × break-glass × action.
const DEALT_OVER: usize = 2 * AGREEMENT_STATES.len() * BREAK_GLASS.len() * 2;

/// Every advance-choice situation: a choice, a crisis, and whether the
/// refusal holds even then.
fn situations() -> Vec<(Advance, CrisisState, bool)> {
    let mut all = Vec::new();
    for advance in ADVANCE {
        for crisis in CRISES {
            for holds_in_crisis in [false, true] {
                all.push((advance, crisis, holds_in_crisis));
            }
        }
    }
    all
}

/// Every cell whose user has `role`.
fn cells(role: Role) -> impl Iterator<Item = Cell> {
    let situations = situations();
    assert!(
        situations.len() <= DEALT_OVER,
        "some situations never dealt"
    );
    let mut cells = Vec::new();
    // Where the turn starts for each combination; starting `role` apart
    // keeps the roles from all being dealt alike.
    let mut turn = role as usize;
    for consent in CONSENTS {
        for relation in RELATIONS {
            for category in DataCategory::ALL {
                for purpose in Purpose::ALL {
                    let mut dealt = 0;
                    for party in [true, false] {
                        for agreement in AGREEMENT_STATES {
                            for break_glass in BREAK_GLASS {
                                for action in AccessAction::ALL {
                                    let (advance, crisis, holds_in_crisis) =
                                        situations[(turn + dealt) % situations.len()];
                                    dealt += 1;
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
                                        advance,
                                        crisis,
                                        holds_in_crisis,
                                    });
                                }
                            }
                        }
                    }
                    turn += 1;
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

    // Only a refusal is made to hold in a crisis.
    for directive in &mut r.consents {
        directive.holds_in_crisis = cell.holds_in_crisis && directive.effect == ConsentEffect::Deny;
    }
    let (during, scope) = match cell.advance {
        Advance::None => (None, ConsentScope::default()),
        Advance::OrganisationDuringSection136 => (Some(CrisisKind::Section136), users_organisation),
        Advance::AnythingDuringAnyCrisis => (Some(CrisisKind::AnyCrisis), ConsentScope::default()),
        Advance::AnythingDuringAdmission => (Some(CrisisKind::Admission), ConsentScope::default()),
        Advance::AnotherOrganisationDuringSection136 => (
            Some(CrisisKind::Section136),
            ConsentScope {
                organisation: Some(gp_practice()),
                ..Default::default()
            },
        ),
        Advance::CrisisPlanDuringAnyCrisis => (
            Some(CrisisKind::AnyCrisis),
            ConsentScope {
                category: Some(DataCategory::CrisisPlan),
                ..Default::default()
            },
        ),
        Advance::DirectCareDuringAnyCrisis => (
            Some(CrisisKind::AnyCrisis),
            ConsentScope {
                purpose: Some(Purpose::DirectCare),
                ..Default::default()
            },
        ),
    };
    r.advance_choices = during
        .map(|during| advance_choice(during, scope))
        .into_iter()
        .collect();
    r.crises = match cell.crisis {
        CrisisState::None => Vec::new(),
        CrisisState::Section136 => crises_of(ContactKind::Section136, false),
        CrisisState::Section136Ended => crises_of(ContactKind::Section136, true),
        CrisisState::Admission => crises_of(ContactKind::Admission, false),
        CrisisState::StreetTriage => crises_of(ContactKind::StreetTriage, false),
    };
    r
}

fn someone_elses_organisation() -> concordat_domain::ids::OrganisationId {
    concordat_domain::ids::OrganisationId::from_uuid(uuid::Uuid::from_u128(4))
}

/// What checking some cells found.
#[derive(Default)]
struct Checked {
    cells: usize,
    /// Cells allowed because an advance choice lifted the refusal.
    lifted: usize,
    /// The first few disagreements.
    disagreements: Vec<String>,
}

/// Checks every cell of the roles in `roles`.
fn check(roles: &[Role]) -> Checked {
    // An engine of its own for each half: the halves' agreements differ
    // (each role's grant), and in one engine they would keep replacing
    // each other's kept entities, and wait on each other's memo.
    let engine = AccessEngine::new().expect("the built-in policies are valid");
    let mut checked = Checked::default();
    for &role in roles {
        for cell in cells(role) {
            let decision = engine.decide(&facts(&cell));
            let want = oracle::expected(&cell);
            let got = (
                decision.is_allowed(),
                policies(&decision),
                decision.via_break_glass(),
            );
            checked.cells += 1;
            checked.lifted += usize::from(want.policies.contains(&policy_ids::ADVANCE_CHOICE));
            if got != (want.allowed, want.policies.clone(), want.via_break_glass)
                && checked.disagreements.len() < 10
            {
                checked
                    .disagreements
                    .push(format!("{cell:?}\n  expected {want:?}\n  engine   {got:?}"));
            }
        }
    }
    checked
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
    let (checked, lifted) = (a.cells + b.cells, a.lifted + b.lifted);
    let disagreements: Vec<String> = a.disagreements.into_iter().chain(b.disagreements).collect();

    println!(
        "policy matrix: {checked} cells checked against the oracle, {lifted} of them a refusal lifted by an advance choice"
    );
    assert_eq!(
        checked,
        Role::ALL.len() * 2 * 6 * 6 * RELATIONS.len() * DataCategory::ALL.len() * 5 * 3 * 2
    );
    assert!(lifted > 0, "no cell has a refusal an advance choice lifts");
    assert!(
        disagreements.is_empty(),
        "{} (showing up to 10 per half):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
