//! Turning a pair's match probability into what happens next: linked
//! automatically, queued for a person to review, or left unlinked. One
//! safeguard overrides the thresholds: a pair whose identifiers from one
//! system differ (two NHS numbers) is never linked automatically, however
//! well everything else agrees — at most it is reviewed.

use crate::compare::Pattern;

/// The two match-probability thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    // INVARIANT: 0 <= review <= link <= 1 (checked in `new`).
    review: f64,
    link: f64,
}

/// Why thresholds were refused.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum ThresholdError {
    #[error("the {name} threshold must be a probability from 0 to 1; it is {value}")]
    NotAProbability { name: &'static str, value: f64 },
    #[error("the review threshold ({review}) must not be above the link threshold ({link})")]
    OutOfOrder { review: f64, link: f64 },
}

impl Thresholds {
    /// Pairs at or above `link` are linked automatically; at or above
    /// `review` (and below `link`) they are reviewed; below `review` they
    /// are not linked.
    pub fn new(review: f64, link: f64) -> Result<Self, ThresholdError> {
        for (name, value) in [("review", review), ("link", link)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(ThresholdError::NotAProbability { name, value });
            }
        }
        if review > link {
            return Err(ThresholdError::OutOfOrder { review, link });
        }
        Ok(Self { review, link })
    }

    pub fn review(&self) -> f64 {
        self.review
    }

    pub fn link(&self) -> f64 {
        self.link
    }

    /// What to do with a pair of match `probability` and comparison
    /// `pattern`.
    pub fn decide(&self, probability: f64, pattern: &Pattern) -> Decision {
        if probability >= self.link {
            if pattern.identifiers_differ() {
                Decision::Review(ReviewReason::IdentifiersDiffer)
            } else {
                Decision::Link
            }
        } else if probability >= self.review {
            Decision::Review(ReviewReason::Uncertain)
        } else {
            Decision::NoLink
        }
    }
}

impl Default for Thresholds {
    /// Review from a probability of 0.5 (as likely one person as not), link
    /// automatically from 0.999 (one wrong link in a thousand at most).
    fn default() -> Self {
        Self {
            review: 0.5,
            link: 0.999,
        }
    }
}

/// What happens to a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Link,
    Review(ReviewReason),
    NoLink,
}

/// Why a pair waits for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewReason {
    /// Its probability is between the thresholds.
    Uncertain,
    /// Its probability reaches the link threshold, but identifiers from one
    /// system differ.
    IdentifiersDiffer,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Field;

    fn pattern_with_identifiers(level: u8) -> Pattern {
        let mut levels = [1; Field::COUNT];
        levels[Field::Identifiers.index()] = level;
        Pattern::new(levels)
    }

    #[test]
    fn thresholds_out_of_order_refuse_to_build() {
        assert_eq!(
            Thresholds::new(0.99, 0.5),
            Err(ThresholdError::OutOfOrder {
                review: 0.99,
                link: 0.5
            })
        );
    }

    #[test]
    fn thresholds_outside_zero_to_one_refuse_to_build() {
        assert!(matches!(
            Thresholds::new(-0.1, 0.9),
            Err(ThresholdError::NotAProbability { name: "review", .. })
        ));
        assert!(matches!(
            Thresholds::new(0.5, f64::NAN),
            Err(ThresholdError::NotAProbability { name: "link", .. })
        ));
    }

    #[test]
    fn probabilities_fall_into_link_review_and_no_link() {
        let t = Thresholds::new(0.5, 0.99).unwrap();
        let agree = pattern_with_identifiers(1);
        assert_eq!(t.decide(0.995, &agree), Decision::Link);
        assert_eq!(t.decide(0.99, &agree), Decision::Link);
        assert_eq!(
            t.decide(0.7, &agree),
            Decision::Review(ReviewReason::Uncertain)
        );
        assert_eq!(t.decide(0.2, &agree), Decision::NoLink);
    }

    #[test]
    fn differing_identifiers_are_reviewed_however_high_the_probability() {
        let t = Thresholds::new(0.5, 0.99).unwrap();
        for level in [2, 3] {
            assert_eq!(
                t.decide(1.0, &pattern_with_identifiers(level)),
                Decision::Review(ReviewReason::IdentifiersDiffer)
            );
        }
    }
}
