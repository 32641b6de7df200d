use super::*;
use crate::estimate::estimate_m;

/// Pairs among about 80,000 records: as many as make 30,000 namesakes
/// what the random pairs' u expects (a given name shared by one pair in
/// 100, a family name by one in 1,000).
const ALL_PAIRS: f64 = 3e9;

/// A table for `field` with `agree` on exact agreement, `disagree` on its
/// last level and the rest spread evenly over the levels between.
fn table(field: Field, agree: f64, disagree: f64) -> Vec<f64> {
    let n = field.levels().len();
    let between = (1.0 - agree - disagree) / (n - 3) as f64;
    (0..n)
        .map(|l| match l {
            0 => 0.0,
            1 => agree,
            l if l == n - 1 => disagree,
            _ => between,
        })
        .collect()
}

/// u as random pairs show it: exact agreement rare in every field but sex.
fn random_u() -> LevelProbabilities {
    LevelProbabilities::new(Field::ALL.map(|f| match f {
        Field::Sex => vec![0.0, 0.5, 0.5],
        Field::GivenName => table(f, 0.01, 0.98),
        _ => table(f, 0.001, 0.99),
    }))
    .unwrap()
}

fn pattern(given: u8, family: u8, birth: u8, postcode: u8, sex: u8) -> Pattern {
    Pattern::new([given, family, birth, postcode, 0, sex, 0])
}

/// 1,000 pairs that are one person, far outnumbered by pairs of namesakes
/// (same given and family name, nothing else alike) and of people born on
/// the same day: what blocking on names and dates of birth gives among a
/// million records. Blocking chose them from [`ALL_PAIRS`] pairs.
fn namesakes_outnumber_one_person() -> Vec<(Pattern, u64)> {
    let (given_different, family_different, date_different, postcode_different) = (7, 6, 6, 5);
    vec![
        // One person.
        (pattern(1, 1, 1, 1, 1), 800),
        (pattern(1, 1, date_different, 1, 1), 50),
        (pattern(1, 1, 1, postcode_different, 1), 150),
        // Namesakes.
        (pattern(1, 1, date_different, postcode_different, 1), 15_000),
        (pattern(1, 1, date_different, postcode_different, 2), 15_000),
        // Born on the same day.
        (
            pattern(given_different, family_different, 1, postcode_different, 1),
            10_000,
        ),
        (
            pattern(given_different, family_different, 1, postcode_different, 2),
            10_000,
        ),
    ]
}

#[test]
fn training_by_subset_finds_one_person_where_namesakes_outnumber_them() {
    let patterns = namesakes_outnumber_one_person();
    let u = random_u();

    let trained = train(&patterns, &u, ALL_PAIRS, EmSettings::default()).unwrap();

    assert!(trained.converged, "{trained:?}");
    // 1,000 pairs are one person; within a tenth.
    assert!(
        (trained.expected_matches - 1_000.0).abs() < 100.0,
        "expected matches {}",
        trained.expected_matches
    );
    // m as the one-person pairs show it: dates agree in 950 of 1,000 and
    // postcodes in 850.
    assert!((trained.m.get(Field::BirthDate, 1) - 0.95).abs() < 0.03);
    assert!((trained.m.get(Field::Postcode, 1) - 0.85).abs() < 0.03);
    assert!(trained.m.get(Field::GivenName, 1) > 0.97);
    assert!((trained.m.get(Field::Sex, 1) - 1.0).abs() < 0.01);
}

#[test]
fn em_over_every_pair_at_once_takes_namesakes_for_one_person() {
    // Why training is by subset: the same pairs, one EM over them all.
    let patterns = namesakes_outnumber_one_person();
    let total: u64 = patterns.iter().map(|(_, n)| n).sum();

    let found = estimate_m(&patterns, &random_u(), EmSettings::default()).unwrap();

    assert!(
        found.lambda * total as f64 > 10_000.0,
        "λ {} of {total}",
        found.lambda
    );
}

#[test]
fn training_recovers_known_m_with_u_held_at_random_pairs() {
    // Pairs drawn exactly in proportion from known m and u (no sampling
    // noise): within the subsets the u is the truth, and m comes back.
    let m_true = LevelProbabilities::new(Field::ALL.map(|f| match f {
        Field::Sex => vec![0.0, 0.97, 0.03],
        _ => table(f, 0.85, 0.05),
    }))
    .unwrap();
    let u = random_u();
    let (lambda, total) = (0.2, 2_000_000.0);
    let mut patterns = Vec::new();
    let levels = |f: Field| 1..f.levels().len() as u8;
    for g in levels(Field::GivenName) {
        for fa in levels(Field::FamilyName) {
            for d in levels(Field::BirthDate) {
                for s in levels(Field::Sex) {
                    let p = pattern(g, fa, d, 0, s);
                    let prob = |t: &LevelProbabilities| {
                        t.get(Field::GivenName, g)
                            * t.get(Field::FamilyName, fa)
                            * t.get(Field::BirthDate, d)
                            * t.get(Field::Sex, s)
                    };
                    let n = total * (lambda * prob(&m_true) + (1.0 - lambda) * prob(&u));
                    if n >= 0.5 {
                        patterns.push((p, n.round() as u64));
                    }
                }
            }
        }
    }

    let trained = train(&patterns, &u, total, EmSettings::default()).unwrap();

    for field in [
        Field::GivenName,
        Field::FamilyName,
        Field::BirthDate,
        Field::Sex,
    ] {
        for level in levels(field) {
            let (got, want) = (trained.m.get(field, level), m_true.get(field, level));
            assert!(
                (got - want).abs() < 0.02,
                "{} level {level}: m {got} vs {want}",
                field.label()
            );
        }
    }
    assert!(
        (trained.expected_matches / (lambda * total) - 1.0).abs() < 0.05,
        "expected matches {}",
        trained.expected_matches
    );
}

#[test]
fn people_at_one_address_are_seen_to_share_a_family_name() {
    let mut patterns = namesakes_outnumber_one_person();
    // 2,000 pairs of a household's members: one postcode and family name,
    // different given names and dates of birth.
    patterns.push((pattern(7, 1, 6, 1, 1), 1_000));
    patterns.push((pattern(7, 1, 6, 1, 2), 1_000));

    let trained = train(&patterns, &random_u(), ALL_PAIRS, EmSettings::default()).unwrap();

    let household = trained.household_u.expect("pairs at one postcode");
    assert!(household.get(Field::FamilyName, 1) > 0.9);
    assert!(household.get(Field::BirthDate, 1) < 0.01);
    // The postcode's own table is the random pairs'.
    assert_eq!(
        household.get(Field::Postcode, 1),
        random_u().get(Field::Postcode, 1)
    );
}

/// A small agency's register gives a handful of candidate pairs: the one
/// that agrees exactly on everything must not teach the model that one
/// person is never recorded with a name one letter off or a date of birth
/// one digit off.
#[test]
fn a_handful_of_pairs_leaves_each_level_possible_for_one_person() {
    let patterns = vec![(pattern(1, 1, 1, 1, 1), 1), (pattern(2, 2, 2, 1, 1), 1)];
    let trained = train(&patterns, &random_u(), 132.0, EmSettings::default()).unwrap();
    for (field, level) in [
        (Field::GivenName, 2),
        (Field::FamilyName, 2),
        (Field::BirthDate, 2),
        (Field::BirthDate, 3),
    ] {
        let m = trained.m.get(field, level);
        assert!(
            m > 0.01,
            "{} level {level}: m = {m}, as though one person were never recorded so",
            field.label()
        );
    }
}
