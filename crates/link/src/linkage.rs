//! A whole linkage run from records in memory: block, compare, estimate
//! u by sampling and m, λ and a household's u by expectation–maximisation
//! ([`crate::training`]), then weigh every candidate pair. Also the one-record path the product uses when a contact
//! event arrives: its candidates among known people, best first, each with
//! its explanation.

use rayon::prelude::*;

use crate::blocking::{BlockIndex, Blocking, RuleStats};
use crate::compare::{compare, Pattern};
use crate::estimate::{estimate_u, tally, EmSettings, EstimateError};
use crate::frequency::TermFrequencies;
use crate::model::{probability, Explanation, Model, ModelError};
use crate::record::Record;
use crate::training::train;

/// What to link.
#[derive(Debug, Clone, Copy)]
pub enum Task<'a> {
    /// Find the records of one set that are one person.
    Deduplicate(&'a [Record]),
    /// Find the pairs, one record from each set, that are one person.
    Link {
        left: &'a [Record],
        right: &'a [Record],
    },
}

/// How to run a linkage.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub blocking: Blocking,
    /// Random pairs compared to estimate u.
    pub u_samples: usize,
    /// Seed for the random pairs: the same seed gives the same model.
    pub seed: u64,
    pub em: EmSettings,
    /// Whose values u and the term frequencies describe.
    pub population: Population,
}

/// In a link task, the records whose values stand for everyone: how often
/// two different people agree (u), and how common a name or postcode is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Population {
    /// Both sets: two registers of one population (FEBRL 4).
    #[default]
    BothSides,
    /// The right-hand set alone: the people already known, against whom a
    /// few incoming records (contact events) are matched. Six events about
    /// one man must not make his name look common, nor his date of birth
    /// the one random pairs share.
    Known,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            blocking: Blocking::default(),
            u_samples: 400_000,
            seed: 0x5EED,
            em: EmSettings::default(),
            population: Population::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// A candidate pair and its weight. In a link task `left` indexes the
/// left set and `right` the right set; in a deduplication both index the
/// one set and `left < right`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredPair {
    pub left: usize,
    pub right: usize,
    pub pattern: Pattern,
    pub match_weight: f64,
}

impl ScoredPair {
    pub fn probability(&self) -> f64 {
        probability(self.match_weight)
    }
}

/// The outcome of a linkage run.
#[derive(Debug, Clone)]
pub struct Linkage {
    model: Model,
    pairs: Vec<ScoredPair>,
    blocking: Vec<RuleStats>,
    em_iterations: usize,
    em_converged: bool,
    expected_matches: f64,
}

impl Linkage {
    /// The estimated model, for explaining pairs and weighing new records.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every candidate pair with its weight, in blocking order.
    pub fn pairs(&self) -> &[ScoredPair] {
        &self.pairs
    }

    /// What each blocking rule contributed.
    pub fn blocking(&self) -> &[RuleStats] {
        &self.blocking
    }

    /// Iterations expectation–maximisation ran, and whether it converged
    /// before its limit.
    pub fn em(&self) -> (usize, bool) {
        (self.em_iterations, self.em_converged)
    }

    /// How many candidate pairs EM reckons are one person.
    pub fn expected_matches(&self) -> f64 {
        self.expected_matches
    }
}

/// Runs a linkage: blocks, compares, estimates the model from the records
/// and weighs every candidate pair.
pub fn link(task: Task<'_>, settings: &Settings) -> Result<Linkage, LinkError> {
    let (left, right) = match task {
        Task::Deduplicate(records) => (records, None),
        Task::Link { left, right } => (left, Some(right)),
    };
    let left_refs: Vec<&Record> = left.iter().collect();
    let right_refs: Option<Vec<&Record>> = right.map(|r| r.iter().collect());
    let all: Vec<&Record> = left.iter().chain(right.into_iter().flatten()).collect();
    let split = right.map(|_| left.len());

    let candidates = settings.blocking.candidate_pairs(&all, split);
    let patterns: Vec<Pattern> = candidates
        .pairs
        .par_iter()
        .map(|&(i, j)| compare(all[i as usize], all[j as usize]))
        .collect();

    // A link task of a single incoming record (one contact event) has no
    // random pairs to speak of: two different known records taken at
    // random are what u describes, so the known side's own pairs give it.
    let known_only = settings.population == Population::Known || left_refs.len() < 2;
    let u = match right_refs.as_deref() {
        Some(right) if known_only => estimate_u(right, None, settings.u_samples, settings.seed)?,
        right => estimate_u(&left_refs, right, settings.u_samples, settings.seed)?,
    };
    let frequencies = match right_refs.as_deref() {
        Some(right) if settings.population == Population::Known => {
            TermFrequencies::count(right.iter().copied())
        }
        _ => TermFrequencies::count(all.iter().copied()),
    };
    // The model's λ is the chance that any two records are one person, not
    // the share of candidate pairs, because the model weighs a pair on its
    // own, however it was found (a blocked pair here, an incoming event's
    // candidate later). Pairs blocking never produced count as two people.
    let all_pairs = match right {
        None => left.len() as f64 * (left.len() as f64 - 1.0) / 2.0,
        Some(right) => left.len() as f64 * right.len() as f64,
    };
    let training = train(&tally(&patterns), &u, all_pairs, settings.em)?;
    let mut model = Model::new(training.m, u, training.lambda, frequencies)?;
    if let Some(household_u) = training.household_u {
        model = model.with_household_u(household_u)?;
    }

    let offset = split.unwrap_or(0);
    let pairs = candidates
        .pairs
        .par_iter()
        .zip(&patterns)
        .map(|(&(i, j), &pattern)| ScoredPair {
            left: i as usize,
            right: j as usize - offset,
            pattern,
            match_weight: model.match_weight(all[i as usize], pattern),
        })
        .collect();
    Ok(Linkage {
        model,
        pairs,
        blocking: candidates.stats,
        em_iterations: training.iterations,
        em_converged: training.converged,
        expected_matches: training.expected_matches,
    })
}

/// A known record that an incoming one may be, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The known record's index in the slice given to [`candidates_for`].
    pub index: usize,
    pub explanation: Explanation,
}

/// The known `records` (indexed by `index`) that `incoming` shares a block
/// with, best first, each explained by `model`.
pub fn candidates_for(
    model: &Model,
    index: &BlockIndex,
    records: &[Record],
    incoming: &Record,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = index
        .candidates(incoming)
        .into_iter()
        .map(|i| Candidate {
            index: i,
            explanation: model.explain(incoming, &records[i]),
        })
        .collect();
    out.sort_by(|a, b| {
        b.explanation
            .match_weight()
            .total_cmp(&a.explanation.match_weight())
            .then(a.index.cmp(&b.index))
    });
    out
}

#[cfg(test)]
mod tests;
