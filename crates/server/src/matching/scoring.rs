//! Which people each held event may be, and what follows: linked without
//! review, reviewed, or left unmatched. No I/O: the held details and the
//! people arrive in memory.

use concordat_domain::ids::PersonId;
use concordat_link::estimate::EstimateError;
use concordat_link::linkage::LinkError;
use concordat_link::{
    candidates_for, link, BlockIndex, Candidate, Decision, Population, Record, Settings, Task,
    Thresholds,
};
use concordat_store::held_events::HeldDetails;
use concordat_store::linkage::LinkageRow;

use super::details::{held_record, record_of};
use super::evidence::Evidence;

/// Candidates kept for a reviewer, best first.
pub const MAX_CANDIDATES: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    /// One person, certainly enough: recorded for them without review.
    Link(PersonId),
    Review,
    Unmatched,
}

#[derive(Debug, Clone)]
pub(super) struct Scored {
    pub(super) outcome: Outcome,
    /// At least as likely as the review threshold, best first.
    pub(super) candidates: Vec<(PersonId, Evidence)>,
}

/// Scores each of `held` against `people` and decides each by
/// `thresholds`. The model is estimated as `concordat link run --csv`
/// estimates it for an agency's register — m by expectation–maximisation
/// over the blocked pairs of the events and the people, λ from how many of
/// those are one person, so the prior is that an event is about one of
/// the people, not that two people are one — but u and the term
/// frequencies from the known people alone ([`Population::Known`]).
pub(super) fn score(
    held: &[HeldDetails],
    people: &[LinkageRow],
    thresholds: Thresholds,
) -> Result<Vec<Scored>, LinkError> {
    let known: Vec<Record> = people.iter().map(record_of).collect();
    if known.len() < 2 {
        return Ok(held.iter().map(|_| unmatched()).collect());
    }
    let incoming: Vec<Record> = held.iter().map(held_record).collect();
    let settings = Settings {
        population: Population::Known,
        ..Settings::default()
    };
    let linkage = match link(
        Task::Link {
            left: &incoming,
            right: &known,
        },
        &settings,
    ) {
        Ok(linkage) => linkage,
        // No event shares a block with anyone: none can be anyone's.
        Err(LinkError::Estimate(EstimateError::NoCandidatePairs)) => {
            return Ok(held.iter().map(|_| unmatched()).collect())
        }
        Err(other) => return Err(other),
    };
    let index = BlockIndex::new(settings.blocking, &known);
    Ok(incoming
        .iter()
        .map(|record| {
            let likely: Vec<Candidate> = candidates_for(linkage.model(), &index, &known, record)
                .into_iter()
                .filter(|c| c.explanation.probability() >= thresholds.review())
                .collect();
            decided(&likely, people, thresholds)
        })
        .collect())
}

fn unmatched() -> Scored {
    Scored {
        outcome: Outcome::Unmatched,
        candidates: Vec::new(),
    }
}

/// What follows from an event's `likely` candidates (best first, each at
/// least as likely as the review threshold).
fn decided(likely: &[Candidate], people: &[LinkageRow], thresholds: Thresholds) -> Scored {
    let linkable: Vec<&Candidate> = likely
        .iter()
        .filter(|c| {
            let e = &c.explanation;
            thresholds.decide(e.probability(), &e.pattern()) == Decision::Link
        })
        .collect();
    let above_link = likely
        .iter()
        .filter(|c| c.explanation.probability() >= thresholds.link())
        .count();
    // Two people as likely as the link threshold, or one whose
    // identifiers disagree, is for a reviewer, never a guess.
    let outcome = match linkable.as_slice() {
        [one] if above_link == 1 => Outcome::Link(people[one.index].person),
        _ if likely.is_empty() => Outcome::Unmatched,
        _ => Outcome::Review,
    };
    Scored {
        outcome,
        candidates: likely
            .iter()
            .take(MAX_CANDIDATES)
            .map(|c| (people[c.index].person, Evidence::of(&c.explanation)))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
