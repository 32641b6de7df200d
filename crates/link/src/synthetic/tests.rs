use super::*;

fn small() -> Population {
    Population::generate(11, 2_000, &RecordsPerPerson::default())
}

#[test]
fn the_same_seed_gives_the_same_population() {
    let (a, b) = (small(), small());
    assert_eq!(a.records(), b.records());
    assert_eq!(a.people(), b.people());
    let other = Population::generate(12, 2_000, &RecordsPerPerson::default());
    assert_ne!(a.records(), other.records());
}

#[test]
fn every_person_has_at_least_one_record_and_truth_counts_pairs() {
    let p = small();
    let mut seen = vec![0u64; p.people().len()];
    for r in p.records() {
        seen[r.person] += 1;
    }
    assert!(seen.iter().all(|k| *k >= 1));
    let pairs: u64 = seen.iter().map(|k| k * (k - 1) / 2).sum();
    assert_eq!(p.true_pairs(), pairs);
    let mean = p.records().len() as f64 / p.people().len() as f64;
    assert!(
        (mean - RecordsPerPerson::default().mean()).abs() < 0.15,
        "{mean}"
    );
}

#[test]
fn nhs_numbers_pass_the_modulus_11_check() {
    for person in small().people() {
        let d: Vec<u32> = person
            .nhs_number
            .chars()
            .map(|c| c.to_digit(10).unwrap())
            .collect();
        let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
        assert_eq!((11 - sum % 11) % 11, d[9], "{}", person.nhs_number);
    }
}

#[test]
fn records_carry_realistic_gaps_and_errors() {
    let p = small();
    let records = p.records();
    let n = records.len() as f64;
    let share =
        |f: &dyn Fn(&SyntheticRecord) -> bool| records.iter().filter(|r| f(r)).count() as f64 / n;
    let without_nhs = share(&|r| {
        !r.record
            .identifiers()
            .iter()
            .any(|i| i.system() == NHS_NUMBER_SYSTEM)
    });
    assert!((0.4..0.7).contains(&without_nhs), "{without_nhs}");
    let wrong_given = share(&|r| {
        r.record
            .given_name()
            .is_some_and(|g| g != p.people()[r.person].given_name.to_uppercase())
    });
    assert!((0.05..0.25).contains(&wrong_given), "{wrong_given}");
    let moved = share(&|r| {
        let truth = &p.people()[r.person].postcodes;
        truth.len() > 1 && r.record.postcode() == Some(truth[1].as_str())
    });
    assert!(moved > 0.05, "{moved}");
}

#[test]
fn records_per_person_refuses_weights_that_are_not_a_distribution() {
    assert!(RecordsPerPerson::new(vec![]).is_err());
    assert!(RecordsPerPerson::new(vec![0.0, 0.0]).is_err());
    assert!(RecordsPerPerson::new(vec![1.0, -1.0]).is_err());
    let one = RecordsPerPerson::new(vec![0.0, 1.0]).unwrap();
    assert_eq!(one.mean(), 2.0);
}
