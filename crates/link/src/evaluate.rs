//! Measuring a linkage against known truth: precision (how many linked
//! pairs are one person), recall (how many true pairs were linked) and F1.

/// Counts of pairs by whether they were predicted and whether they are
/// true.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairCounts {
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
}

impl PairCounts {
    /// Counts from the number of `predicted` pairs, how many of them are
    /// `correct`, and the number of `true_pairs` in the data.
    pub fn new(predicted: u64, correct: u64, true_pairs: u64) -> Self {
        Self {
            true_positives: correct,
            false_positives: predicted - correct,
            false_negatives: true_pairs - correct,
        }
    }

    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_and_f1() {
        let c = PairCounts::new(10, 8, 16);
        assert_eq!(c.precision(), 0.8);
        assert_eq!(c.recall(), 0.5);
        assert!((c.f1() - 2.0 * 0.4 / 1.3).abs() < 1e-12);
        assert_eq!(PairCounts::new(0, 0, 0).f1(), 0.0);
    }
}
