use super::*;
use crate::decision::{Decision, Thresholds};
use crate::evaluate::PairCounts;
use crate::synthetic::{Population, RecordsPerPerson};

fn population() -> (Population, Vec<Record>) {
    let population = Population::generate(3, 1_500, &RecordsPerPerson::default());
    let records = population
        .records()
        .iter()
        .map(|r| r.record.clone())
        .collect();
    (population, records)
}

fn settings() -> Settings {
    Settings {
        u_samples: 60_000,
        ..Settings::default()
    }
}

#[test]
fn a_synthetic_population_deduplicates_accurately() {
    let (population, records) = population();
    let linkage = link(Task::Deduplicate(&records), &settings()).unwrap();
    let same = |p: &ScoredPair| {
        population.records()[p.left].person == population.records()[p.right].person
    };
    let predicted: Vec<&ScoredPair> = linkage
        .pairs()
        .iter()
        .filter(|p| p.probability() >= 0.5)
        .collect();
    let correct = predicted.iter().filter(|p| same(p)).count() as u64;
    let counts = PairCounts::new(predicted.len() as u64, correct, population.true_pairs());
    assert!(linkage.em().1, "EM converged");
    assert!(counts.f1() > 0.95, "{counts:?} F1 {}", counts.f1());
}

#[test]
fn no_pair_with_differing_identifiers_is_linked_automatically() {
    let (_, records) = population();
    let linkage = link(Task::Deduplicate(&records), &settings()).unwrap();
    let lowest = Thresholds::new(0.0, 0.0).unwrap();
    let differing: Vec<&ScoredPair> = linkage
        .pairs()
        .iter()
        .filter(|p| p.pattern.identifiers_differ())
        .collect();
    assert!(!differing.is_empty());
    for pair in differing {
        assert_ne!(
            lowest.decide(pair.probability(), &pair.pattern),
            Decision::Link
        );
    }
}

#[test]
fn an_incoming_record_finds_its_person_first() {
    let (population, records) = population();
    let linkage = link(Task::Deduplicate(&records), &settings()).unwrap();
    let index = BlockIndex::new(Blocking::default(), &records);
    let person = &population.records()[0];
    let found = candidates_for(linkage.model(), &index, &records, &person.record);
    // The first candidate is the person, and the record meets itself among
    // the candidates linked automatically. (Not necessarily first: a copy
    // at another postcode in the district is weighed against two people
    // taken at random, the record itself against a household.)
    assert_eq!(population.records()[found[0].index].person, person.person);
    let itself = found.iter().find(|c| c.index == 0).expect("itself");
    assert!(itself.explanation.probability() >= Thresholds::default().link());
    let weights: Vec<f64> = found.iter().map(|c| c.explanation.match_weight()).collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn linking_two_sets_indexes_each_side_separately() {
    let (_, records) = population();
    let (left, right) = records.split_at(records.len() / 2);
    let linkage = link(Task::Link { left, right }, &settings()).unwrap();
    assert!(!linkage.pairs().is_empty());
    assert!(linkage
        .pairs()
        .iter()
        .all(|p| p.left < left.len() && p.right < right.len()));
}
