//! Estimating the model's parameters from the records themselves.
//!
//! - u (how often each level occurs between two different people) from
//!   comparing randomly chosen pairs: almost all random pairs are
//!   different people.
//! - m (how often each level occurs between two records of one person) and
//!   λ (the share of candidate pairs that are one person) by
//!   expectation–maximisation over the candidate pairs' patterns.
//!
//! [`estimate_m`] fits both classes to all the candidate pairs at once —
//! one person, and two people who were blocked together, with level
//! probabilities of their own, since two people blocked together agree on
//! the blocking field far more often than random pairs do. Among many
//! records that second class splits and EM can settle on "same name" as
//! one person, so a linkage trains by subset instead, holding
//! one class where it is known ([`crate::training`]).

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::compare::{compare, Field, Pattern, MISSING};
use crate::record::Record;

/// A probability for each level of each field, indexed by level (level 0,
/// missing, is unused and holds 0).
#[derive(Debug, Clone, PartialEq)]
pub struct LevelProbabilities {
    by_field: [Vec<f64>; Field::COUNT],
}

impl LevelProbabilities {
    /// Probabilities from explicit tables, one per field in [`Field::ALL`]
    /// order, each indexed by level. Each table's non-missing levels must
    /// be non-negative and sum to 1 (within 1e-6).
    pub fn new(by_field: [Vec<f64>; Field::COUNT]) -> Result<Self, EstimateError> {
        for field in Field::ALL {
            let table = &by_field[field.index()];
            let sum: f64 = table.iter().skip(1).sum();
            if table.len() != field.levels().len()
                || table.iter().any(|p| !(0.0..=1.0).contains(p))
                || (sum - 1.0).abs() > 1e-6
            {
                return Err(EstimateError::NotADistribution {
                    field: field.label(),
                });
            }
        }
        Ok(Self { by_field })
    }

    /// The probability of `level` in `field`.
    pub fn get(&self, field: Field, level: u8) -> f64 {
        self.by_field[field.index()][usize::from(level)]
    }

    pub(crate) fn from_counts(counts: &[Vec<f64>; Field::COUNT], pseudo_count: f64) -> Self {
        let by_field = std::array::from_fn(|f| {
            let levels = counts[f].len() - 1;
            let total: f64 = counts[f].iter().skip(1).sum::<f64>() + pseudo_count * levels as f64;
            let mut table = vec![0.0; counts[f].len()];
            for (l, p) in table.iter_mut().enumerate().skip(1) {
                *p = (counts[f][l] + pseudo_count) / total;
            }
            table
        });
        Self { by_field }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EstimateError {
    #[error("the {field} probabilities are not one per level summing to 1")]
    NotADistribution { field: &'static str },
    #[error("estimating u needs two records on each side; there are {left} and {right}")]
    TooFewRecords { left: usize, right: usize },
    #[error("expectation–maximisation needs candidate pairs and there are none")]
    NoCandidatePairs,
}

pub(crate) fn zero_counts() -> [Vec<f64>; Field::COUNT] {
    std::array::from_fn(|f| vec![0.0; Field::ALL[f].levels().len()])
}

/// Estimates u by comparing `samples` random pairs, deterministically for
/// a given `seed`. With `right` absent, pairs are two different records of
/// `left` (deduplication); otherwise one from each side (linking).
pub fn estimate_u(
    left: &[&Record],
    right: Option<&[&Record]>,
    samples: usize,
    seed: u64,
) -> Result<LevelProbabilities, EstimateError> {
    let other = right.unwrap_or(left);
    if left.len() < 2 || other.len() < 2 {
        return Err(EstimateError::TooFewRecords {
            left: left.len(),
            right: other.len(),
        });
    }
    // Fixed-size chunks, each with its own seeded generator, make the
    // sample independent of how rayon schedules the work.
    const CHUNK: usize = 16_384;
    let chunks = samples.div_ceil(CHUNK);
    let counts = (0..chunks)
        .into_par_iter()
        .map(|chunk| {
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed ^ (chunk as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let mut counts = zero_counts();
            let n = CHUNK.min(samples - chunk * CHUNK);
            for _ in 0..n {
                let i = rng.gen_range(0..left.len());
                let mut j = rng.gen_range(0..other.len());
                if right.is_none() {
                    while j == i {
                        j = rng.gen_range(0..other.len());
                    }
                }
                add(&mut counts, compare(left[i], other[j]), 1.0);
            }
            counts
        })
        .reduce(zero_counts, merge);
    // One pseudo-count per level: a level never seen among random pairs
    // (agreeing NHS numbers) gets a small u rather than zero, which would
    // make its weight infinite.
    Ok(LevelProbabilities::from_counts(&counts, 1.0))
}

fn add(counts: &mut [Vec<f64>; Field::COUNT], pattern: Pattern, weight: f64) {
    for field in Field::ALL {
        let level = pattern.counted(field);
        if level != MISSING {
            counts[field.index()][usize::from(level)] += weight;
        }
    }
}

fn merge(mut a: [Vec<f64>; Field::COUNT], b: [Vec<f64>; Field::COUNT]) -> [Vec<f64>; Field::COUNT] {
    for (x, y) in a.iter_mut().zip(b) {
        for (p, q) in x.iter_mut().zip(y) {
            *p += q;
        }
    }
    a
}

/// Distinct patterns among `patterns` with how often each occurs, in a
/// fixed order.
pub fn tally(patterns: &[Pattern]) -> Vec<(Pattern, u64)> {
    let counts = patterns
        .par_chunks(65_536)
        .map(|chunk| {
            let mut counts: HashMap<Pattern, u64> = HashMap::new();
            for p in chunk {
                *counts.entry(*p).or_default() += 1;
            }
            counts
        })
        .reduce(HashMap::new, |mut a, b| {
            for (p, n) in b {
                *a.entry(p).or_default() += n;
            }
            a
        });
    let mut out: Vec<(Pattern, u64)> = counts.into_iter().collect();
    out.sort_unstable();
    out
}

/// When expectation–maximisation stops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmSettings {
    /// Stop when no m probability and not λ moved more than this in an
    /// iteration.
    pub tolerance: f64,
    pub max_iterations: usize,
    /// λ to start from.
    pub initial_lambda: f64,
}

impl Default for EmSettings {
    fn default() -> Self {
        Self {
            tolerance: 1e-6,
            max_iterations: 500,
            initial_lambda: 0.1,
        }
    }
}

/// What expectation–maximisation found.
#[derive(Debug, Clone, PartialEq)]
pub struct EmEstimate {
    /// m for each level.
    pub m: LevelProbabilities,
    /// Level probabilities of candidate pairs that are two people.
    pub u_candidates: LevelProbabilities,
    /// The share of candidate pairs that are one person.
    pub lambda: f64,
    pub iterations: usize,
    pub converged: bool,
    /// The expected number of one-person pairs at each level, which is
    /// what m was estimated from: how much evidence stands behind it.
    pub match_counts: [Vec<f64>; Field::COUNT],
}

/// Estimates m and λ from candidate pairs' `patterns` (distinct patterns
/// with counts, see [`tally`]), starting the two-people class from `u`.
/// Both classes are learnt: the blocked-together class as well as the
/// one-person class.
pub fn estimate_m(
    patterns: &[(Pattern, u64)],
    u: &LevelProbabilities,
    settings: EmSettings,
) -> Result<EmEstimate, EstimateError> {
    fit(
        patterns,
        Start {
            m: initial_m(),
            u: u.clone(),
            lambda: settings.initial_lambda,
        },
        Learn::Both,
        &[],
        settings,
    )
}

/// Where expectation–maximisation starts.
pub(crate) struct Start {
    pub m: LevelProbabilities,
    pub u: LevelProbabilities,
    pub lambda: f64,
}

/// Which class's level probabilities EM learns; the other's are held as
/// they started. λ is always learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Learn {
    Both,
    /// m only, u held: training where the two-people class is known from
    /// random pairs.
    M,
    /// u only, m held: the two-people class among pairs already known to
    /// agree on something.
    U,
}

/// Expectation–maximisation over `patterns`, with the fields in `left_out`
/// treated as missing (their tables stay as they started).
pub(crate) fn fit(
    patterns: &[(Pattern, u64)],
    start: Start,
    learn: Learn,
    left_out: &[Field],
    settings: EmSettings,
) -> Result<EmEstimate, EstimateError> {
    let total: f64 = patterns.iter().map(|(_, n)| *n as f64).sum();
    if total == 0.0 {
        return Err(EstimateError::NoCandidatePairs);
    }
    let Start {
        mut m,
        mut u,
        mut lambda,
    } = start;
    let used: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| !left_out.contains(f))
        .collect();
    let mut iterations = 0;
    let mut converged = false;
    let mut match_counts = zero_counts();
    while iterations < settings.max_iterations {
        iterations += 1;
        // E step: the probability each pattern is one person.
        let mut counts = zero_counts();
        let mut non_counts = zero_counts();
        let mut matches = 0.0;
        for (pattern, n) in patterns {
            let (mut pm, mut pu) = (lambda, 1.0 - lambda);
            for &field in &used {
                let level = pattern.counted(field);
                if level != MISSING {
                    pm *= m.get(field, level);
                    pu *= u.get(field, level);
                }
            }
            let posterior = pm / (pm + pu);
            let weight = posterior * *n as f64;
            matches += weight;
            add(&mut counts, *pattern, weight);
            add(&mut non_counts, *pattern, *n as f64 - weight);
        }
        // M step. A tiny pseudo-count keeps a level no match shows from
        // becoming impossible (an infinitely negative weight).
        let mut change = (lambda - matches / total).abs();
        lambda = matches / total;
        for (learnt, table, counts) in [
            (learn != Learn::U, &mut m, &counts),
            (learn != Learn::M, &mut u, &non_counts),
        ] {
            if !learnt {
                continue;
            }
            let next = LevelProbabilities::from_counts(counts, 1e-3);
            for &field in &used {
                let f = field.index();
                for (x, y) in table.by_field[f].iter_mut().zip(&next.by_field[f]) {
                    change = change.max((*x - y).abs());
                    *x = *y;
                }
            }
        }
        match_counts = counts;
        if change < settings.tolerance {
            converged = true;
            break;
        }
    }
    Ok(EmEstimate {
        m,
        u_candidates: u,
        lambda,
        iterations,
        converged,
        match_counts,
    })
}

/// A starting m that favours the stronger levels: level 1 (the closest
/// agreement) takes most of the mass, then each weaker level half the one
/// before.
pub(crate) fn initial_m() -> LevelProbabilities {
    let counts = std::array::from_fn(|f| {
        let levels = Field::ALL[f].levels().len();
        let mut table = vec![0.0; levels];
        for (l, p) in table.iter_mut().enumerate().skip(1) {
            *p = 0.5f64.powi(l as i32 * 2);
        }
        table
    });
    LevelProbabilities::from_counts(&counts, 0.0)
}

#[cfg(test)]
mod tests;
