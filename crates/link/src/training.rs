//! Training the model on the candidate pairs: m per field, λ, and the level
//! probabilities of two people at one address.
//!
//! EM over all candidate pairs at once finds whatever class stands out
//! most, and among a million records that is "same name" — two people
//! called John Smith outnumber one person's records. So m is trained as
//! Splink does, on subsets of the candidate pairs that agree exactly on
//! some fields ([`SUBSETS`]): within the pairs born on the same day, two
//! people agree on everything else no more often than two people taken at
//! random, so u is held at its random-pair value and EM can only find one
//! person as the class that agrees. The fields a subset agrees on by
//! construction say nothing there and are left out; each field's m comes
//! from the subsets that leave it in, their expected one-person pairs
//! pooled.
//!
//! People who share an address are the exception: a household shares a
//! family name and a postcode, and the random-pair u of each, multiplied,
//! makes two of its members look like one person. So among the pairs at
//! one full postcode, EM holds m and learns u: how often two people at
//! one address agree on each other field. The model weighs a pair at one
//! postcode with that u ([`crate::Model::with_household_u`]).
//!
//! λ, the chance two records taken at random are one person, is where the
//! model's expected number of one-person candidate pairs agrees with it.

use crate::compare::{Field, Pattern, MISSING};
use crate::estimate::{
    fit, initial_m, zero_counts, EmEstimate, EmSettings, EstimateError, Learn, LevelProbabilities,
    Start,
};

/// The fewest expected pairs of two people at one postcode that a
/// household's u is learnt from.
const MIN_HOUSEHOLD_PAIRS: f64 = 100.0;

/// Pseudo-pairs of the starting m added to each field's pooled one-person
/// counts. Among thousands of one-person pairs they are noise; among the
/// handful a small agency's register gives, they keep a level that no pair
/// happened to show (a name one letter off) from weighing as though one
/// person could never be recorded so.
const PRIOR_PAIRS: f64 = 10.0;

/// The level that exact agreement has in every field.
const EXACT: u8 = 1;

/// Subsets of the candidate pairs m is trained on, each named by the
/// fields its pairs agree on exactly. Between them every field is left in
/// at least once.
pub const SUBSETS: [&[Field]; 2] = [&[Field::BirthDate], &[Field::GivenName, Field::FamilyName]];

/// What training found.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    pub m: LevelProbabilities,
    /// Level probabilities of two different people at one full postcode
    /// (the postcode's own table is unused), when there were such pairs.
    pub household_u: Option<LevelProbabilities>,
    /// The chance that two records taken at random are one person.
    pub lambda: f64,
    /// How many candidate pairs the model expects to be one person.
    pub expected_matches: f64,
    /// Iterations of every EM run, and whether each converged.
    pub iterations: usize,
    pub converged: bool,
}

/// Trains the model on candidate pairs' `patterns` (see
/// [`crate::estimate::tally`]), `u` being from random pairs and
/// `all_pairs` the number of pairs blocking chose from.
pub fn train(
    patterns: &[(Pattern, u64)],
    u: &LevelProbabilities,
    all_pairs: f64,
    settings: EmSettings,
) -> Result<Training, EstimateError> {
    if patterns.is_empty() {
        return Err(EstimateError::NoCandidatePairs);
    }
    let mut iterations = 0;
    let mut converged = true;
    let mut record = |e: &EmEstimate| {
        iterations += e.iterations;
        converged &= e.converged;
    };

    let mut pooled = zero_counts();
    for agree in SUBSETS {
        let subset = agreeing(patterns, agree);
        let Ok(found) = fit(&subset, start(u, settings), Learn::M, agree, settings) else {
            continue;
        };
        record(&found);
        for (f, counts) in found.match_counts.iter().enumerate() {
            if !agree.contains(&Field::ALL[f]) {
                for (sum, c) in pooled[f].iter_mut().zip(counts) {
                    *sum += c;
                }
            }
        }
    }
    // A field no subset saw (data without dates of birth, say) has no
    // non-missing values among the subsets; EM over every pair gives it
    // an m, which is then all the evidence there is.
    let unseen: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| pooled[f.index()].iter().sum::<f64>() == 0.0)
        .collect();
    if !unseen.is_empty() {
        let found = fit(patterns, start(u, settings), Learn::M, &[], settings)?;
        record(&found);
        for f in unseen {
            pooled[f.index()].clone_from(&found.match_counts[f.index()]);
        }
    }
    let prior = initial_m();
    for field in Field::ALL {
        for (level, count) in pooled[field.index()].iter_mut().enumerate().skip(1) {
            *count += PRIOR_PAIRS * prior.get(field, level as u8);
        }
    }
    let m = LevelProbabilities::from_counts(&pooled, 1e-3);

    // Among the pairs at one postcode, m is held and u learnt.
    let at_one_postcode = agreeing(patterns, &[Field::Postcode]);
    let household_u = match fit(
        &at_one_postcode,
        Start {
            m: m.clone(),
            u: u.clone(),
            lambda: settings.initial_lambda,
        },
        Learn::U,
        &[Field::Postcode],
        settings,
    ) {
        Ok(found) => {
            // With few pairs of two people at one address their u would
            // be noise (and EM need not settle): the random pairs' u stays.
            let total: u64 = at_one_postcode.iter().map(|(_, n)| n).sum();
            let households = (1.0 - found.lambda) * total as f64;
            (households >= MIN_HOUSEHOLD_PAIRS).then(|| {
                record(&found);
                found.u_candidates
            })
        }
        Err(EstimateError::NoCandidatePairs) => None,
        Err(e) => return Err(e),
    };

    let factor = |p: &Pattern| -> f64 {
        let at_one_address = p.level(Field::Postcode) == EXACT;
        Field::ALL
            .iter()
            .filter(|f| p.counted(**f) != MISSING)
            .map(|&f| {
                let level = p.counted(f);
                let u = match &household_u {
                    Some(h) if at_one_address && f != Field::Postcode => h,
                    _ => u,
                };
                (m.get(f, level) / u.get(f, level)).log2()
            })
            .sum::<f64>()
            .exp2()
    };
    let (lambda, expected_matches) = fit_lambda(patterns, factor, all_pairs);
    Ok(Training {
        m,
        household_u,
        lambda,
        expected_matches,
        iterations,
        converged,
    })
}

fn start(u: &LevelProbabilities, settings: EmSettings) -> Start {
    Start {
        m: initial_m(),
        u: u.clone(),
        lambda: settings.initial_lambda,
    }
}

/// The patterns whose `fields` all agree exactly.
fn agreeing(patterns: &[(Pattern, u64)], fields: &[Field]) -> Vec<(Pattern, u64)> {
    patterns
        .iter()
        .filter(|(p, _)| fields.iter().all(|f| p.level(*f) == EXACT))
        .copied()
        .collect()
}

/// λ such that the candidate pairs' expected one-person count, each
/// pattern weighed by its Bayes factor `factor` and λ itself, is λ times
/// `all_pairs` (every pair blocking did not choose counts as two people).
/// Returns λ and that count.
fn fit_lambda(
    patterns: &[(Pattern, u64)],
    factor: impl Fn(&Pattern) -> f64,
    all_pairs: f64,
) -> (f64, f64) {
    let factors: Vec<(f64, f64)> = patterns
        .iter()
        .map(|(p, n)| (factor(p), *n as f64))
        .collect();
    let total: f64 = factors.iter().map(|(_, n)| n).sum();
    let mut lambda = (0.1 * total / all_pairs).clamp(f64::MIN_POSITIVE, 0.5);
    let mut expected = 0.0;
    for _ in 0..200 {
        let odds = lambda / (1.0 - lambda);
        expected = factors
            .iter()
            .map(|(k, n)| {
                let o = odds * k;
                if o.is_infinite() {
                    *n
                } else {
                    n * o / (1.0 + o)
                }
            })
            .sum();
        let next = (expected / all_pairs).clamp(f64::MIN_POSITIVE, 0.5);
        let settled = ((next - lambda) / lambda).abs() < 1e-9;
        lambda = next;
        if settled {
            break;
        }
    }
    (lambda, expected)
}

#[cfg(test)]
mod tests;
