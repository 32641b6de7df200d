//! Small numbers kept from identifying anyone, as NHS England publishes
//! hospital statistics: a count of 1 to 7 is shown as `*`, every other
//! count rounded to the nearest 5 — and, within a breakdown published
//! beside its total, a second count is hidden wherever only one is, so the
//! hidden one cannot be worked out by taking the others from the total.

use serde::Serialize;

/// The largest count hidden outright.
pub const HIDDEN_UP_TO: u64 = 7;

/// A published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    /// Rounded to the nearest 5 (0 stays 0).
    Shown(u64),
    /// Hidden: shown as `*`.
    #[serde(serialize_with = "star")]
    Hidden,
}

fn star<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("*")
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Shown(n) => write!(f, "{n}"),
            Self::Hidden => f.write_str("*"),
        }
    }
}

/// One count, on its own.
pub fn figure(count: u64) -> Figure {
    match count {
        0 => Figure::Shown(0),
        1..=HIDDEN_UP_TO => Figure::Hidden,
        n => Figure::Shown((n + 2) / 5 * 5),
    }
}

/// A breakdown's counts and its total, as published: each count as
/// [`figure`] says, and where that hides exactly one count, the smallest
/// other non-zero count too (the total is published, so one hidden count
/// alone could be worked out from the rest).
pub fn breakdown(counts: &[u64]) -> (Vec<Figure>, Figure) {
    let total: u64 = counts.iter().sum();
    let mut figures: Vec<Figure> = counts.iter().map(|c| figure(*c)).collect();
    let hidden = figures.iter().filter(|f| **f == Figure::Hidden).count();
    if hidden == 1 {
        let second = counts
            .iter()
            .enumerate()
            .filter(|(i, c)| **c > 0 && figures[*i] != Figure::Hidden)
            .min_by_key(|(_, c)| **c)
            .map(|(i, _)| i);
        if let Some(i) = second {
            figures[i] = Figure::Hidden;
        }
    }
    (figures, figure(total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_to_seven_is_hidden_and_the_rest_rounded_to_five() {
        assert_eq!(figure(0), Figure::Shown(0));
        assert_eq!(figure(1), Figure::Hidden);
        assert_eq!(figure(7), Figure::Hidden);
        assert_eq!(figure(8), Figure::Shown(10));
        assert_eq!(figure(12), Figure::Shown(10));
        assert_eq!(figure(13), Figure::Shown(15));
        assert_eq!(figure(100), Figure::Shown(100));
        assert_eq!(Figure::Hidden.to_string(), "*");
        assert_eq!(serde_json::to_string(&Figure::Hidden).unwrap(), "\"*\"");
        assert_eq!(serde_json::to_string(&Figure::Shown(10)).unwrap(), "10");
    }

    #[test]
    fn a_lone_hidden_count_takes_the_next_smallest_with_it() {
        let (figures, total) = breakdown(&[3, 40, 12, 0]);
        assert_eq!(
            figures,
            [
                Figure::Hidden,
                Figure::Shown(40),
                Figure::Hidden,
                Figure::Shown(0)
            ]
        );
        assert_eq!(total, Figure::Shown(55));
        // Two hidden already: nothing more.
        let (figures, _) = breakdown(&[3, 2, 40]);
        assert_eq!(figures, [Figure::Hidden, Figure::Hidden, Figure::Shown(40)]);
        // A team of one: the only count, and the total, hidden.
        let (figures, total) = breakdown(&[1]);
        assert_eq!(figures, [Figure::Hidden]);
        assert_eq!(total, Figure::Hidden);
    }

    proptest! {
        /// No count of 1 to 7 is ever shown, and no breakdown hides exactly
        /// one count when another non-zero count could hide beside it.
        #[test]
        fn no_small_count_can_be_recovered(counts in proptest::collection::vec(0u64..60, 1..8)) {
            let (figures, total) = breakdown(&counts);
            for (count, figure) in counts.iter().zip(&figures) {
                if (1..=HIDDEN_UP_TO).contains(count) {
                    prop_assert_eq!(*figure, Figure::Hidden);
                }
            }
            let hidden = figures.iter().filter(|f| **f == Figure::Hidden).count();
            let nonzero = counts.iter().filter(|c| **c > 0).count();
            if hidden == 1 && total != Figure::Hidden {
                // Only when nothing else could be hidden with it.
                prop_assert_eq!(nonzero, 1);
            }
        }
    }
}
