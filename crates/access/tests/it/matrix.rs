//! The policy matrix: every combination of role × (own organisation a party
//! or not) × agreement state × consent × relationship × category × purpose ×
//! break-glass × read/write, decided by the engine and checked against the
//! plain-Rust oracle — the outcome, every rule named and its order, and the
//! break-glass mark. Carers are the exception, below.
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
//!
//! Each cell carries one carer situation as well, dealt the same way (at
//! another pace, so the two kinds of situation meet each other in every
//! pairing): the item asked for, what the person lets their carer see, and
//! whether the carer cares for the person asked about (7 × 5 × 2). For
//! everyone but a carer they must count for nothing.
//!
//! For a carer they are the whole of the decision, and the facts a
//! professional's access turns on must count for nothing. So a carer's
//! cells are the other way round: every carer situation × category ×
//! purpose × read/write, with the party, agreement state, consent,
//! relationship and break-glass (1,080 combinations) and the advance-choice
//! situations dealt over them in turn. Crossed as the other roles are, a
//! carer's cells would be 129,600 rather than 8,400, each repeating one of
//! these decisions under facts it does not look at; the properties
//! (`for_a_carer_nothing_counts_but_the_persons_choices`) try those facts
//! on carers at random besides.
//!
//! Every distinct agreement and directive has an id of its own, as in the
//! store: the engine remembers decisions by the ids of their facts, and
//! one id shared by facts that differ would only make it compare them.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use chrono::Duration;
use concordat_access::{
    policy_ids, AccessAction, AccessEngine, AccessRequest, AgreementFacts, BreakGlassFacts,
    Relationship,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::OrganisationId;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::oracle::{
    self, Advance, AgreementState, BreakGlass, Cell, Consent, CrisisState, Relation, Told,
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
const TOLD: [Told; 5] = [
    Told::Withdrawn,
    Told::ThreadOnly,
    Told::Everything,
    Told::AllButTheAsked,
    Told::OnlyTheAsked,
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

/// Every carer situation: the item asked for (or none), what the person
/// lets their carer see, and whether the carer cares for the person asked
/// about.
fn carer_situations() -> Vec<(Option<CarerItem>, Told, bool)> {
    let mut all = Vec::new();
    for item in std::iter::once(None).chain(CarerItem::ALL.map(Some)) {
        for told in TOLD {
            for cares_for_the_person in [true, false] {
                all.push((item, told, cares_for_the_person));
            }
        }
    }
    all
}

/// Every combination of the facts a professional's access turns on: party,
/// agreement state, consent, relationship and break-glass.
fn professional_facts() -> Vec<(bool, AgreementState, Consent, Relation, BreakGlass)> {
    let mut all = Vec::new();
    for party in [true, false] {
        for agreement in AGREEMENT_STATES {
            for consent in CONSENTS {
                for relation in RELATIONS {
                    for break_glass in BREAK_GLASS {
                        all.push((party, agreement, consent, relation, break_glass));
                    }
                }
            }
        }
    }
    all
}

/// A carer's cells: every carer situation × category × purpose × action,
/// with the professional facts dealt over them in order (each met seven or
/// eight times) and the advance-choice situations in turn, moving on by
/// one for each (category, purpose, action).
fn carers_cells() -> Vec<Cell> {
    let situations = situations();
    let professional = professional_facts();
    let mut cells = Vec::new();
    let mut turn = 0;
    for category in DataCategory::ALL {
        for purpose in Purpose::ALL {
            for action in AccessAction::ALL {
                for (dealt, (carer_item, told, cares_for_the_person)) in
                    carer_situations().into_iter().enumerate()
                {
                    let (party, agreement, consent, relation, break_glass) =
                        professional[cells.len() % professional.len()];
                    let (advance, crisis, holds_in_crisis) =
                        situations[(turn + dealt) % situations.len()];
                    cells.push(Cell {
                        role: Role::Carer,
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
                        carer_item,
                        told,
                        cares_for_the_person,
                    });
                }
                turn += 1;
            }
        }
    }
    cells
}

/// The matrix in parts for the threads to share: each role's cells with
/// one consent, and a carer's cells.
#[derive(Debug, Clone, Copy)]
enum Part {
    Consent(Role, Consent),
    Carers,
}

fn parts() -> Vec<Part> {
    let mut parts = Vec::new();
    for role in Role::ALL {
        if role == Role::Carer {
            parts.push(Part::Carers);
        } else {
            parts.extend(CONSENTS.map(|consent| Part::Consent(role, consent)));
        }
    }
    parts
}

/// Every cell whose user has `role` and whose person has `consent`.
fn cells(role: Role, consent: Consent) -> Vec<Cell> {
    let situations = situations();
    let carer_situations = carer_situations();
    assert!(
        situations.len() <= DEALT_OVER && carer_situations.len() <= DEALT_OVER,
        "some situations never dealt"
    );
    let mut cells = Vec::new();
    // Where the turn starts for each combination; starting `role` apart
    // keeps the roles from all being dealt alike. The turn moves on once
    // per combination, across the consents in order.
    let combinations = RELATIONS.len() * DataCategory::ALL.len() * Purpose::ALL.len();
    let consent_index = CONSENTS
        .iter()
        .position(|c| *c == consent)
        .expect("a consent of the matrix");
    let mut turn = role as usize + consent_index * combinations;
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
                                // Twice the pace between combinations:
                                // each carer situation meets each
                                // advance-choice situation somewhere.
                                let (carer_item, told, cares_for_the_person) =
                                    carer_situations[(2 * turn + dealt) % carer_situations.len()];
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
                                    carer_item,
                                    told,
                                    cares_for_the_person,
                                });
                            }
                        }
                    }
                }
                turn += 1;
            }
        }
    }
    cells
}

fn organisation_of(role: Role) -> OrganisationId {
    if role.is_crisis_role() {
        police()
    } else {
        trust()
    }
}

/// The matrix's agreement for `role`'s cells, with the user's organisation
/// a party or not, in `state`: the user's role's grant from the table, and
/// a decoy — a role granted everything, so a rule that looked at the wrong
/// grant would show.
fn agreement(role: Role, party: bool, state: AgreementState) -> AgreementFacts {
    let organisation = organisation_of(role);
    let mut agreement = crisis_agreement();
    let index = AGREEMENT_STATES
        .iter()
        .position(|s| *s == state)
        .expect("a state of the matrix");
    agreement.id = fact_id(1000 + 10 * usize::from(party) + index);
    agreement.parties = if party {
        vec![organisation, gp_practice()]
    } else {
        vec![gp_practice(), someone_elses_organisation()]
    };
    agreement.purposes = BTreeSet::from(oracle::AGREED_PURPOSES);
    let decoy = if role == Role::CrisisClinician {
        Role::SocialWorker
    } else {
        Role::CrisisClinician
    };
    agreement.grants = vec![
        grant(
            role,
            oracle::granted(role, AccessAction::Read),
            oracle::granted(role, AccessAction::Write),
        ),
        grant(decoy, &DataCategory::ALL, &DataCategory::ALL),
    ];
    match state {
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
            agreement.ends_on = Some(now().date_naive() - Duration::days(10));
        }
    }
    agreement
}

/// The agreements of `role`'s cells, built once and lent to each cell's
/// request in turn (an agreement's grants are most of the work of building
/// a cell's facts).
struct Agreements(Vec<(bool, AgreementState, Vec<AgreementFacts>)>);

impl Agreements {
    fn of(role: Role) -> Self {
        let mut all = Vec::new();
        for party in [true, false] {
            for state in AGREEMENT_STATES {
                all.push((party, state, vec![agreement(role, party, state)]));
            }
        }
        Self(all)
    }

    fn slot(&mut self, cell: &Cell) -> &mut Vec<AgreementFacts> {
        let (_, _, agreements) = self
            .0
            .iter_mut()
            .find(|(party, state, _)| *party == cell.party && *state == cell.agreement)
            .expect("an agreement for every cell");
        agreements
    }

    /// The cell's agreement, in a request's shape.
    fn lend(&mut self, cell: &Cell) -> Vec<AgreementFacts> {
        std::mem::take(self.slot(cell))
    }

    fn give_back(&mut self, cell: &Cell, agreements: Vec<AgreementFacts>) {
        *self.slot(cell) = agreements;
    }
}

/// A fixed id for each distinct fact of the matrix.
fn fact_id<T>(n: usize) -> concordat_domain::ids::Id<T> {
    concordat_domain::ids::Id::from_uuid(uuid::Uuid::from_u128(n as u128))
}

/// The facts of a cell, as a caller would gather them, with the agreement
/// lent by `agreements`.
fn facts(cell: &Cell, agreements: &mut Agreements) -> AccessRequest {
    let organisation = organisation_of(cell.role);
    let mut user = actor(cell.role, organisation);
    if !cell.cares_for_the_person {
        user.carer_of = user.carer_of.map(|_| someone_else());
    }
    let mut r = request(user, cell.action, cell.category, cell.purpose);
    r.carer_item = cell.carer_item;
    r.carer_items = cell.told.items(cell.carer_item);

    r.agreements = agreements.lend(cell);

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
    let kind = CONSENTS
        .iter()
        .position(|c| *c == cell.consent)
        .expect("a consent of the matrix");
    for directive in &mut r.consents {
        directive.id = fact_id(2000 + kind);
    }
    r
}

fn someone_elses_organisation() -> OrganisationId {
    OrganisationId::from_uuid(uuid::Uuid::from_u128(4))
}

/// What checking some cells found.
#[derive(Default)]
struct Checked {
    cells: usize,
    /// Cells allowed because an advance choice lifted the refusal.
    lifted: usize,
    /// Cells a carer was allowed.
    told: usize,
    /// The first few disagreements.
    disagreements: Vec<String>,
}

/// Checks every cell of each of `parts` taken in turn from `next`, until
/// none is left: the threads share the work out as they go, so neither
/// waits for the other at the end.
fn check(parts: &[Part], next: &AtomicUsize) -> Checked {
    // An engine of its own for each thread: the threads' agreements differ
    // (each role's grant), and in one engine they would keep replacing
    // each other's kept entities. No cell's facts are another's, so no
    // answer would ever be remembered to any use.
    let engine = AccessEngine::new()
        .expect("the built-in policies are valid")
        .without_remembered_decisions();
    let mut checked = Checked::default();
    while let Some(&part) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
        let (role, cells) = match part {
            Part::Consent(role, consent) => (role, cells(role, consent)),
            Part::Carers => (Role::Carer, carers_cells()),
        };
        let mut agreements = Agreements::of(role);
        for cell in cells {
            let mut facts = facts(&cell, &mut agreements);
            let decision = engine.decide(&facts);
            agreements.give_back(&cell, std::mem::take(&mut facts.agreements));
            let want = oracle::expected(&cell);
            let got = (
                decision.is_allowed(),
                policies(&decision),
                decision.via_break_glass(),
            );
            checked.cells += 1;
            checked.lifted += usize::from(want.policies.contains(&policy_ids::ADVANCE_CHOICE));
            checked.told += usize::from(want.policies.contains(&policy_ids::CARER_TOLD));
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
    // Two threads: the machines this runs on have two cores.
    let (parts, next) = (parts(), AtomicUsize::new(0));
    let (a, b) = thread::scope(|s| {
        let a = s.spawn(|| check(&parts, &next));
        let b = s.spawn(|| check(&parts, &next));
        (a.join().unwrap(), b.join().unwrap())
    });
    let (checked, lifted, told) = (a.cells + b.cells, a.lifted + b.lifted, a.told + b.told);
    let disagreements: Vec<String> = a.disagreements.into_iter().chain(b.disagreements).collect();

    println!(
        "policy matrix: {checked} cells checked against the oracle, {lifted} of them a refusal lifted by an advance choice, {told} a carer told"
    );
    let triples = DataCategory::ALL.len() * Purpose::ALL.len() * AccessAction::ALL.len();
    assert_eq!(
        checked,
        (Role::ALL.len() - 1) * professional_facts().len() * triples
            + carer_situations().len() * triples
    );
    assert!(lifted > 0, "no cell has a refusal an advance choice lifts");
    assert!(told > 0, "no cell has a carer told anything");
    assert!(
        disagreements.is_empty(),
        "{} (showing up to 10 per thread):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
