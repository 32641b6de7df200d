use proptest::prelude::*;
use rand::distributions::{Distribution, WeightedIndex};
use rand::Rng;

use super::*;

/// A distribution over a field's non-missing levels with `strong` of the
/// mass on `level` and the rest spread by `spread` (relative weights).
fn table(field: Field, level: usize, strong: f64, spread: &[f64]) -> Vec<f64> {
    let n = field.levels().len();
    let rest: f64 = (1..n).filter(|l| *l != level).map(|l| spread[l]).sum();
    let mut t = vec![0.0; n];
    for (l, p) in t.iter_mut().enumerate().skip(1) {
        *p = if l == level {
            strong
        } else {
            (1.0 - strong) * spread[l] / rest
        };
    }
    t
}

/// Known m and u (m strongest at each field's first level, u at its last),
/// λ, and a seed for drawing pairs.
fn truth() -> impl Strategy<Value = (LevelProbabilities, LevelProbabilities, f64, u64)> {
    let spreads =
        proptest::collection::vec(proptest::collection::vec(0.05f64..1.0, 8), Field::COUNT);
    let strengths = proptest::collection::vec((0.55f64..0.95, 0.55f64..0.95), Field::COUNT);
    (spreads, strengths, 0.05f64..0.5, any::<u64>()).prop_map(
        |(spreads, strengths, lambda, seed)| {
            let m = std::array::from_fn(|f| {
                let field = Field::ALL[f];
                table(field, 1, strengths[f].0, &spreads[f])
            });
            let u = std::array::from_fn(|f| {
                let field = Field::ALL[f];
                let last = field.levels().len() - 1;
                table(field, last, strengths[f].1, &spreads[f])
            });
            (
                LevelProbabilities::new(m).unwrap(),
                LevelProbabilities::new(u).unwrap(),
                lambda,
                seed,
            )
        },
    )
}

/// `pairs` patterns drawn from the model: one person with chance λ, and
/// each field missing one time in ten.
fn draw(
    m: &LevelProbabilities,
    u: &LevelProbabilities,
    lambda: f64,
    seed: u64,
    pairs: usize,
) -> Vec<Pattern> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sampler = |p: &LevelProbabilities, f: Field| {
        let weights: Vec<f64> = (0..f.levels().len()).map(|l| p.get(f, l as u8)).collect();
        WeightedIndex::new(weights).unwrap()
    };
    let m_dists: Vec<_> = Field::ALL.iter().map(|f| sampler(m, *f)).collect();
    let u_dists: Vec<_> = Field::ALL.iter().map(|f| sampler(u, *f)).collect();
    (0..pairs)
        .map(|_| {
            let dists = if rng.gen_bool(lambda) {
                &m_dists
            } else {
                &u_dists
            };
            Pattern::new(std::array::from_fn(|f| {
                if rng.gen_bool(0.1) {
                    MISSING
                } else {
                    dists[f].sample(&mut rng) as u8
                }
            }))
        })
        .collect()
}

const PAIRS: usize = 40_000;
/// With λ ≥ 0.05 there are at least ~2,000 true pairs, so a probability's
/// standard error is at most ~0.011; 0.05 is more than four of them.
const M_TOLERANCE: f64 = 0.05;
const LAMBDA_TOLERANCE: f64 = 0.02;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn em_recovers_known_m_and_lambda((m, u, lambda, seed) in truth()) {
        let patterns = draw(&m, &u, lambda, seed, PAIRS);
        // EM starts its two-people class from an even spread, not from the
        // truth.
        let even = LevelProbabilities::from_counts(&zero_counts(), 1.0);
        let found = estimate_m(&tally(&patterns), &even, EmSettings::default()).unwrap();
        prop_assert!(found.converged, "did not converge in {} iterations", found.iterations);
        prop_assert!((found.lambda - lambda).abs() < LAMBDA_TOLERANCE, "λ {} vs {}", found.lambda, lambda);
        for field in Field::ALL {
            for level in 1..field.levels().len() as u8 {
                let (got, want) = (found.m.get(field, level), m.get(field, level));
                prop_assert!(
                    (got - want).abs() < M_TOLERANCE,
                    "{} level {}: m {} vs {}", field.label(), level, got, want
                );
                let (got, want) = (found.u_candidates.get(field, level), u.get(field, level));
                prop_assert!(
                    (got - want).abs() < M_TOLERANCE,
                    "{} level {}: u {} vs {}", field.label(), level, got, want
                );
            }
        }
    }
}

#[test]
fn u_from_random_pairs_matches_the_share_of_each_level() {
    // Half the records are female: two random records share a sex about
    // half the time.
    let records: Vec<Record> = (0..400)
        .map(|i| {
            let sex = if i % 2 == 0 {
                crate::record::Sex::Female
            } else {
                crate::record::Sex::Male
            };
            Record::builder().sex(sex).build()
        })
        .collect();
    let refs: Vec<&Record> = records.iter().collect();
    let u = estimate_u(&refs, None, 50_000, 1).unwrap();
    assert!((u.get(Field::Sex, 1) - 0.5).abs() < 0.02);
    // Nobody has a postcode: every level gets only the pseudo-count.
    assert!((u.get(Field::Postcode, 1) - 0.2).abs() < 1e-9);
    assert_eq!(
        estimate_u(&refs, None, 50_000, 1).unwrap(),
        u,
        "same seed, same u"
    );
}

#[test]
fn too_few_records_or_pairs_are_errors() {
    let one = [Record::builder().build()];
    let refs: Vec<&Record> = one.iter().collect();
    assert_eq!(
        estimate_u(&refs, None, 10, 1),
        Err(EstimateError::TooFewRecords { left: 1, right: 1 })
    );
    let u = initial_m();
    assert_eq!(
        estimate_m(&[], &u, EmSettings::default()),
        Err(EstimateError::NoCandidatePairs)
    );
}

#[test]
fn probabilities_must_be_distributions() {
    let mut tables: [Vec<f64>; Field::COUNT] =
        std::array::from_fn(|f| table(Field::ALL[f], 1, 0.9, &[1.0; 8]));
    assert!(LevelProbabilities::new(tables.clone()).is_ok());
    tables[Field::Sex.index()] = vec![0.0, 0.9, 0.2];
    assert_eq!(
        LevelProbabilities::new(tables),
        Err(EstimateError::NotADistribution { field: "sex" })
    );
}
