//! The matrix run: every store state written and gathered, the sampled
//! cells decided by the engine and checked against the oracle, and the
//! figures printed.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

use concordat_access::{AccessEngine, Relationship};
use concordat_server::authorisation::{decide, gather, Viewer};
use concordat_store::backend::PoolSize;
use concordat_store::Store;

use super::agreement::move_agreement;
use super::dimensions::{
    consent_and_break_glass_pairs, everyone, triples, RelationshipState, Side, Who,
    AGREEMENT_STATES, BREAK_GLASS_STATES, CARER_STATES, CONSENT_STATES, RELATIONSHIP_STATES,
};
use super::oracle::{expected, Cell, Observed};
use super::sampler::{Sampler, TRIPLES_PER_USER, USERS_FOR_BALANCE, USERS_FOR_COVERAGE};
use super::subjects::write_subject;
use super::world::{build_world, now};
use crate::harness::{StoreKind, TestDb};

/// The engine, without remembered decisions: no cell's facts are
/// another's, so no answer would ever be remembered to any use.
pub(super) fn engine() -> &'static AccessEngine {
    static ENGINE: OnceLock<AccessEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        AccessEngine::new()
            .expect("the access policies load")
            .without_remembered_decisions()
    })
}

pub(super) fn position<T: PartialEq>(all: &[T], x: &T) -> usize {
    all.iter()
        .position(|y| y == x)
        .expect("a value of the dimension")
}

/// 96768 as "96,768".
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut groups = Vec::new();
    let mut end = digits.len();
    while end > 3 {
        groups.push(&digits[end - 3..end]);
        end -= 3;
    }
    groups.push(&digits[..end]);
    groups.reverse();
    groups.join(",")
}

pub(super) fn full_product() -> bool {
    std::env::var("CONCORDAT_POLICY_MATRIX_FULL").is_ok_and(|v| v == "1")
}

pub(super) async fn every_cell_agrees_with_the_rules(kind: StoreKind) {
    let Some(db) = TestDb::fresh(kind).await else {
        return;
    };
    let started = Instant::now();
    let store = Store::open(db.url(), PoolSize(4))
        .await
        .expect("open store");
    let world = build_world(&store).await;
    let engine = engine();
    let now = now();

    // One fresh person per (consent, relationship, break-glass), each with
    // a carer; what the person lets the carer see is dealt in turn.
    let mut subjects = Vec::new();
    for consent_state in CONSENT_STATES {
        for relationship_state in RELATIONSHIP_STATES {
            for &break_glass_state in consent_state.break_glass_states() {
                let n = subjects.len();
                subjects.push(
                    write_subject(
                        &store,
                        &world,
                        n,
                        consent_state,
                        relationship_state,
                        break_glass_state,
                        CARER_STATES[n % CARER_STATES.len()],
                    )
                    .await,
                );
            }
        }
    }
    let written = started.elapsed();

    let everyone = everyone();
    let triples = triples();
    let full = full_product();
    let mut sampler = Sampler::new(
        [
            AGREEMENT_STATES.len(),
            CONSENT_STATES.len(),
            RELATIONSHIP_STATES.len(),
            BREAK_GLASS_STATES.len(),
            CARER_STATES.len(),
        ],
        everyone.len(),
        triples.len(),
        full,
    );

    let mut checked = 0usize;
    let mut store_states = 0usize;
    let mut gathered = 0usize;
    let (mut sampling, mut gathering, mut deciding) = (
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
    );
    // (how many, the first few) cells whose outcome differs from the rules,
    // and whose outcome agrees but whose rules named do not.
    let mut wrong: (usize, Vec<String>) = (0, Vec::new());
    let mut misnamed: (usize, Vec<String>) = (0, Vec::new());
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    // The same, for each consent state with advance choices, asked by the
    // police (whom every one of them is about).
    let mut advance_outcomes: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut current = None;
    for agreement_state in AGREEMENT_STATES {
        current = Some(move_agreement(&store, &world, current, agreement_state).await);
        let mut conn = store.read().await.unwrap();
        for subject in &subjects {
            let values = [
                position(&AGREEMENT_STATES, &agreement_state),
                position(&CONSENT_STATES, &subject.consent),
                position(&RELATIONSHIP_STATES, &subject.relationship),
                position(&BREAK_GLASS_STATES, &subject.break_glass),
                position(&CARER_STATES, &subject.carer_state),
            ];
            let cell = |u: usize, t: usize| {
                let (category, purpose, action) = triples[t];
                Cell {
                    agreement: agreement_state,
                    consent: subject.consent,
                    relationship: subject.relationship,
                    break_glass: subject.break_glass,
                    carer_state: subject.carer_state,
                    who: everyone[u],
                    category,
                    purpose,
                    action,
                }
            };
            let clock = Instant::now();
            let picks = sampler.pick(store_states, values, |u, t| expected(&cell(u, t)).kind());
            sampling += clock.elapsed();
            for (u, picked) in picks {
                let who = everyone[u];
                let user = match who {
                    Who::Professional(role, side) => world.professional(role, side),
                    Who::ThePerson => &subject.own_account,
                    Who::AStranger => &world.stranger,
                    Who::TheirCarer(_) => &subject.carer,
                    Who::AnotherPersonsCarer => &world.strangers_carer,
                };
                let clock = Instant::now();
                let mut facts = gather(&mut conn, user, subject.person, now)
                    .await
                    .expect("gather the facts");
                if subject.relationship == RelationshipState::SourceReport {
                    // As the contact events service hands a source system
                    // its report, here handed to everyone.
                    facts.relationships.push(Relationship::source_report());
                }
                gathering += clock.elapsed();
                gathered += 1;
                for t in picked {
                    let cell = cell(u, t);
                    let (category, purpose, action) = (cell.category, cell.purpose, cell.action);
                    let viewer = Viewer {
                        user: user.clone(),
                        purpose,
                    };
                    let clock = Instant::now();
                    let decided = decide(
                        engine,
                        &viewer,
                        subject.person,
                        action,
                        &[category],
                        who.carer_item(),
                        &facts,
                        now,
                    );
                    deciding += clock.elapsed();
                    let decision = &decided[0].1;
                    let want = expected(&cell);
                    let got = Observed::of(decision);
                    checked += 1;
                    let key = if got.allowed {
                        format!("allowed: {}", got.rules.join(" + "))
                    } else {
                        format!(
                            "denied by {}",
                            got.rules.first().map_or("(no rule)", String::as_str)
                        )
                    };
                    if subject.consent.has_advance_choices()
                        && matches!(who, Who::Professional(_, Side::Police))
                    {
                        *advance_outcomes
                            .entry((format!("{:?}", subject.consent), key.clone()))
                            .or_default() += 1;
                    }
                    *outcomes.entry(key).or_default() += 1;
                    // An allowed professional access names the agreement,
                    // except the care team's keeping of the sharing
                    // choices, which no agreement shares.
                    let agreement_ok = !(got.allowed && matches!(who, Who::Professional(..)))
                        || if category.is_shared() {
                            decision.agreement() == Some(world.agreement)
                        } else {
                            decision.agreement().is_none()
                        };
                    if !got.is(&want) || !agreement_ok {
                        // Outcomes first: a wrong answer matters more than
                        // a wrongly named rule.
                        let list = if got.allowed == want.allowed {
                            &mut misnamed
                        } else {
                            &mut wrong
                        };
                        list.0 += 1;
                        if list.1.len() < 10 {
                            list.1.push(format!(
                                "{cell:?}\n    rules say {want:?}\n    engine    {got:?} (agreement {:?}; {})",
                                decision.agreement(),
                                decision.explanation()
                            ));
                        }
                    }
                }
            }
            store_states += 1;
        }
    }

    let product = store_states * everyone.len() * triples.len();
    let missing = sampler.missing();
    let elapsed = started.elapsed();
    let store_name = match kind {
        StoreKind::Sqlite => "sqlite",
        StoreKind::Postgres => "postgres",
    };
    println!(
        "policy matrix: {} cells checked on {store_name} ({}; {} store states, {} gathers; \
         full product {}; every (user, category, purpose, action) checked under every value of \
         every store dimension: {}) in {:.1} s ({:.1} s writing the world, {:.1} s sampling, \
         {:.1} s gathering, {:.1} s deciding)",
        thousands(checked),
        if full {
            "every cell".to_owned()
        } else {
            format!(
                "sampled: {} of {} users × {TRIPLES_PER_USER} of {} (category, \
                 purpose, action) per store state",
                USERS_FOR_COVERAGE + USERS_FOR_BALANCE,
                everyone.len(),
                triples.len()
            )
        },
        thousands(store_states),
        thousands(gathered),
        thousands(product),
        if missing == 0 { "yes" } else { "NO" },
        elapsed.as_secs_f64(),
        written.as_secs_f64(),
        sampling.as_secs_f64(),
        gathering.as_secs_f64(),
        deciding.as_secs_f64(),
    );
    for (outcome, n) in &outcomes {
        println!("  {outcome}: {}", thousands(*n));
    }
    println!("  of which, with advance choices, asked by the police:");
    for ((consent, outcome), n) in &advance_outcomes {
        println!("    {consent}, {outcome}: {}", thousands(*n));
    }

    assert_eq!(
        store_states,
        AGREEMENT_STATES.len() * RELATIONSHIP_STATES.len() * consent_and_break_glass_pairs()
    );
    assert_eq!(
        missing, 0,
        "the sample left {missing} (store dimension value, user, category, purpose, action) \
         unchecked; raise USERS_FOR_COVERAGE or TRIPLES_PER_USER"
    );
    // Every rule has been decisive somewhere, so no part of the matrix is
    // vacuous.
    for decisive in [
        "allowed: own-record",
        "allowed: shared-under-agreement",
        "allowed: shared-under-agreement + break-glass",
        "allowed: shared-under-agreement + advance-choice-lifts-refusal",
        "denied by own-record-only",
        "denied by own-access-is-the-persons",
        "denied by commissioning-sees-no-records",
        "denied by relationship-required",
        "denied by agreement-required",
        "denied by consent-refused",
        "allowed: carer-told",
        "denied by carer-of-this-person-only",
        "denied by carers-see-only-what-they-are-told",
        "denied by carer-access-is-the-carers",
    ] {
        assert!(
            outcomes.contains_key(decisive),
            "no cell was {decisive}: {outcomes:?}"
        );
    }
    // Each advance-choice state has been decisive for the police as it
    // should: a refusal lifted during the crisis its choice waits for (and
    // an override lifting it first), and holding when the crisis has
    // ended, when another crisis is in progress, when the choice does not
    // cover the request, and when made to hold even in a crisis.
    for (consent, decisive) in [
        (
            "LetPoliceInSection136",
            "allowed: shared-under-agreement + advance-choice-lifts-refusal",
        ),
        (
            "LetPoliceInSection136",
            "allowed: shared-under-agreement + break-glass",
        ),
        ("LetPoliceInSection136Ended", "denied by consent-refused"),
        (
            "LetPoliceInSection136DuringStreetTriage",
            "denied by consent-refused",
        ),
        ("RefusePoliceEvenInCrisis", "denied by consent-refused"),
        (
            "LetPoliceThePlanInAnyCrisis",
            "allowed: shared-under-agreement + advance-choice-lifts-refusal",
        ),
        ("LetPoliceThePlanInAnyCrisis", "denied by consent-refused"),
    ] {
        assert!(
            advance_outcomes.contains_key(&(consent.to_owned(), decisive.to_owned())),
            "no cell under {consent} was {decisive}: {advance_outcomes:?}"
        );
    }
    assert!(
        wrong.0 == 0 && misnamed.0 == 0,
        "of {checked} cells on {store_name}, {} have another outcome than the rules give and {} \
         the right outcome but other rules named; the first of each:\n{}",
        wrong.0,
        misnamed.0,
        wrong
            .1
            .iter()
            .chain(&misnamed.1)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
