//! Which cells are checked under each store state, when not every one is.

use super::oracle::KINDS;

/// The store dimensions every (user, category, purpose, action) is checked
/// under each value of: agreement, consent, relationship, break-glass and
/// what the person lets their carer see.
pub(super) const DIMENSIONS: usize = 5;

/// Users checked under each store state, when sampling: chosen for coverage,
/// and chosen for the rarest outcomes (see [`Sampler`]).
pub(super) const USERS_FOR_COVERAGE: usize = 4;
pub(super) const USERS_FOR_BALANCE: usize = 2;
/// (category, purpose, action) checked for each of those users.
pub(super) const TRIPLES_PER_USER: usize = 13;

/// Chooses, for each store state, which users and which (category, purpose,
/// action) to check. Deterministic, and greedy in two parts:
///
/// - [`USERS_FOR_COVERAGE`] users, and their cells, are those that cover
///   the most of what is still unchecked for each value of each store
///   dimension (so every (user, category, purpose, action) is checked under
///   every value of every store dimension);
/// - [`USERS_FOR_BALANCE`] more, and their cells, are those whose kind of
///   outcome ([`Expected::kind`]) has been checked least so far, so the
///   rare outcomes — allowed, or refused by consent alone — are checked as
///   often as the store states offer them.
///
/// Remaining ties go to a rotation that moves with the store state.
pub(super) struct Sampler {
    pub(super) users: usize,
    pub(super) triples: usize,
    pub(super) full: bool,
    /// uncovered[dimension][value][user * triples + triple]
    pub(super) uncovered: Vec<Vec<Vec<bool>>>,
    /// unchecked[dimension][value][user]: how many of the user's cells are
    /// uncovered for that value, kept with `uncovered`.
    pub(super) unchecked: Vec<Vec<Vec<usize>>>,
    /// How many cells of each kind of outcome have been picked.
    pub(super) seen: [usize; KINDS],
}

impl Sampler {
    pub(super) fn new(
        dimension_sizes: [usize; DIMENSIONS],
        users: usize,
        triples: usize,
        full: bool,
    ) -> Self {
        Self {
            users,
            triples,
            full,
            uncovered: dimension_sizes
                .iter()
                .map(|&n| vec![vec![true; users * triples]; n])
                .collect(),
            unchecked: dimension_sizes
                .iter()
                .map(|&n| vec![vec![triples; users]; n])
                .collect(),
            seen: [0; KINDS],
        }
    }

    pub(super) fn score(&self, values: [usize; DIMENSIONS], user: usize, triple: usize) -> usize {
        let at = user * self.triples + triple;
        (0..DIMENSIONS)
            .filter(|&d| self.uncovered[d][values[d]][at])
            .count()
    }

    pub(super) fn mark(
        &mut self,
        values: [usize; DIMENSIONS],
        user: usize,
        triple: usize,
        kind: usize,
    ) {
        self.seen[kind] += 1;
        let at = user * self.triples + triple;
        for (d, &v) in values.iter().enumerate() {
            if self.uncovered[d][v][at] {
                self.uncovered[d][v][at] = false;
                self.unchecked[d][v][user] -= 1;
            }
        }
    }

    /// The users (by index) and, for each, the triples (by index) to check
    /// under the store state numbered `k` with these dimension values;
    /// `kind(user, triple)` is the kind of outcome the oracle expects.
    pub(super) fn pick(
        &mut self,
        k: usize,
        values: [usize; DIMENSIONS],
        kind: impl Fn(usize, usize) -> usize,
    ) -> Vec<(usize, Vec<usize>)> {
        if self.full {
            return (0..self.users)
                .map(|u| (u, (0..self.triples).collect()))
                .collect();
        }
        let kinds: Vec<Vec<usize>> = (0..self.users)
            .map(|u| (0..self.triples).map(|t| kind(u, t)).collect())
            .collect();
        // The kinds among each user's cells, a bit each: a user's rarest
        // kind is the least seen of these.
        const { assert!(KINDS <= 64) };
        let present: Vec<u64> = kinds
            .iter()
            .map(|of_user| of_user.iter().fold(0, |bits, &c| bits | 1 << c))
            .collect();
        let rotation = move |n: usize, step: usize, offset: usize| {
            (0..n).map(move |i| (k * step + offset + i) % n)
        };
        // Picking one user's cells changes no other user's count.
        let uncovered: Vec<usize> = (0..self.users)
            .map(|u| {
                (0..DIMENSIONS)
                    .map(|d| self.unchecked[d][values[d]][u])
                    .sum()
            })
            .collect();
        let mut picked: Vec<(usize, Vec<usize>)> = Vec::new();
        for balance in [false, true] {
            let wanted = if balance {
                USERS_FOR_BALANCE
            } else {
                USERS_FOR_COVERAGE
            };
            for _ in 0..wanted {
                let rarest = |s: &Self, u: usize| {
                    (0..KINDS)
                        .filter(|&c| present[u] & 1 << c != 0)
                        .map(|c| s.seen[c])
                        .min()
                        .unwrap_or(0)
                };
                let Some(user) = rotation(self.users, 7, 0)
                    .filter(|u| picked.iter().all(|(p, _)| p != u))
                    .min_by_key(|&u| {
                        if balance {
                            (rarest(self, u), 0)
                        } else {
                            (usize::MAX - uncovered[u], rarest(self, u))
                        }
                    })
                else {
                    break;
                };
                // The user's cells' scores, once: picking a cell changes
                // no other cell's.
                let scores: Vec<usize> = (0..self.triples)
                    .map(|t| self.score(values, user, t))
                    .collect();
                let mut triples = Vec::with_capacity(TRIPLES_PER_USER);
                for _ in 0..TRIPLES_PER_USER {
                    let Some(triple) = rotation(self.triples, 13, user * 5)
                        .filter(|t| !triples.contains(t))
                        .min_by_key(|&t| {
                            let score = usize::MAX - scores[t];
                            let seen = self.seen[kinds[user][t]];
                            if balance {
                                (seen, score)
                            } else {
                                (score, seen)
                            }
                        })
                    else {
                        break;
                    };
                    self.mark(values, user, triple, kinds[user][triple]);
                    triples.push(triple);
                }
                picked.push((user, triples));
            }
        }
        picked
    }

    /// How many (dimension value, user, triple) were never checked.
    pub(super) fn missing(&self) -> usize {
        self.uncovered
            .iter()
            .flatten()
            .map(|cells| cells.iter().filter(|c| **c).count())
            .sum()
    }
}
