//! Small numbers kept from identifying anyone, as NHS England publishes
//! hospital statistics: a count of 1 to 7 is shown as `*`, every other
//! count rounded to the nearest 5 — and, within a breakdown published
//! beside its total, a second count is hidden wherever only one is, so the
//! hidden one cannot be worked out by taking the others from the total.
//! [`grid`] does the same for a table with totals for its rows, its
//! columns and the whole; [`rate`] withholds a rate that would give a
//! hidden count away.

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

/// A table of counts with the totals published beside it: a total for
/// each column, and where they are published a total for each row and
/// one for the whole. Totals are given rather than summed, as some count
/// people (one person in two rows is one in the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub cells: Vec<Vec<u64>>,
    pub column_totals: Vec<u64>,
    pub row_totals: Option<Vec<u64>>,
    pub total: Option<u64>,
}

impl Table {
    /// A table with every total published, each the sum of its cells.
    /// Every row has the same number of columns as the first.
    pub fn summed(cells: Vec<Vec<u64>>) -> Self {
        let width = cells.first().map_or(0, Vec::len);
        let row_totals = cells.iter().map(|r| r.iter().sum()).collect();
        let column_totals = (0..width)
            .map(|j| cells.iter().map(|r| r.get(j).copied().unwrap_or(0)).sum())
            .collect();
        let total = cells.iter().flatten().sum();
        Self {
            cells,
            column_totals,
            row_totals: Some(row_totals),
            total: Some(total),
        }
    }
}

/// A table as published: the same shape, each value a [`Figure`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub cells: Vec<Vec<Figure>>,
    pub column_totals: Vec<Figure>,
    pub row_totals: Option<Vec<Figure>>,
    pub total: Option<Figure>,
}

/// Where a value sits in a [`Table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum At {
    Cell(usize, usize),
    Row(usize),
    Column(usize),
    Total,
}

/// The lines of a table whose values add up: each column with its total;
/// where row totals are published, each row with its own and the row
/// totals with the whole; where the whole is, the column totals with it.
fn lines(table: &Table) -> Vec<Vec<At>> {
    let rows = table.cells.len();
    let columns = table.column_totals.len();
    let mut lines: Vec<Vec<At>> = Vec::new();
    for j in 0..columns {
        let mut line: Vec<At> = (0..rows).map(|i| At::Cell(i, j)).collect();
        line.push(At::Column(j));
        lines.push(line);
    }
    if table.row_totals.is_some() {
        for i in 0..rows {
            let mut line: Vec<At> = (0..columns).map(|j| At::Cell(i, j)).collect();
            line.push(At::Row(i));
            lines.push(line);
        }
        if table.total.is_some() {
            let mut line: Vec<At> = (0..rows).map(At::Row).collect();
            line.push(At::Total);
            lines.push(line);
        }
    }
    if table.total.is_some() {
        let mut line: Vec<At> = (0..columns).map(At::Column).collect();
        line.push(At::Total);
        lines.push(line);
    }
    lines
}

/// The table published: every count of 1 to 7 hidden, then, wherever a
/// line of values that add up (a column and its total; a row and its
/// total; the totals and the whole) would hide exactly one value, the
/// smallest other value in that line hidden too — again, until no line
/// hides exactly one. One hidden value alone could be worked out from the
/// rest of its line; two or more cannot be told apart.
pub fn grid(table: &Table) -> Published {
    let rows = table.cells.len();
    let columns = table.column_totals.len();
    let value = |at: At| match at {
        At::Cell(i, j) => table.cells[i].get(j).copied().unwrap_or(0),
        At::Row(i) => table.row_totals.as_ref().map_or(0, |r| r[i]),
        At::Column(j) => table.column_totals[j],
        At::Total => table.total.unwrap_or(0),
    };
    let lines = lines(table);
    let mut hidden: std::collections::BTreeSet<At> = lines
        .iter()
        .flatten()
        .copied()
        .filter(|at| figure(value(*at)) == Figure::Hidden)
        .collect();
    loop {
        let mut changed = false;
        for line in &lines {
            if line.iter().filter(|at| hidden.contains(at)).count() != 1 {
                continue;
            }
            // The smallest other non-zero value, or failing that any
            // other value (a zero hidden is as good as any).
            let visible = line.iter().filter(|at| !hidden.contains(at));
            let next = visible
                .clone()
                .filter(|at| value(**at) > 0)
                .min_by_key(|at| value(**at))
                .or_else(|| visible.min_by_key(|at| value(**at)));
            if let Some(at) = next {
                hidden.insert(*at);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let publish = |at: At| {
        if hidden.contains(&at) {
            Figure::Hidden
        } else {
            figure(value(at))
        }
    };
    Published {
        cells: (0..rows)
            .map(|i| (0..columns).map(|j| publish(At::Cell(i, j))).collect())
            .collect(),
        column_totals: (0..columns).map(|j| publish(At::Column(j))).collect(),
        row_totals: table
            .row_totals
            .as_ref()
            .map(|_| (0..rows).map(|i| publish(At::Row(i))).collect()),
        total: table.total.map(|_| publish(At::Total)),
    }
}

/// `count` per `per` of `of` (per cent for 100), to one decimal place,
/// from the counts before rounding — or nothing where the count or what
/// is left of `of` besides it is hidden (1 to 7: a rate of 97 % of 40
/// would give the hidden one away), or `of` is nothing.
pub fn rate(count: u64, of: u64, per: u32) -> Option<f64> {
    let rest = of.saturating_sub(count);
    if of == 0 || figure(count) == Figure::Hidden || figure(rest) == Figure::Hidden {
        return None;
    }
    Some((count as f64 * f64::from(per) * 10.0 / of as f64).round() / 10.0)
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

    #[test]
    fn a_grid_hides_a_second_value_in_every_line_that_hides_one() {
        // Rows are months, columns organisations.
        let table = Table::summed(vec![vec![3, 40, 20], vec![30, 40, 25]]);
        let published = grid(&table);
        // Row 0 hides 3, so its smallest other (20) too; column 0 then
        // hides 3 alone, so 30 with it; row 1 hides 30, then its smallest
        // other (25) — and column 2 hides 20 and 25: two. Done.
        assert_eq!(
            published.cells,
            [
                [Figure::Hidden, Figure::Shown(40), Figure::Hidden],
                [Figure::Hidden, Figure::Shown(40), Figure::Hidden],
            ]
        );
        assert_eq!(published.total, Some(Figure::Shown(160)));
        // A team of one: hidden, and its total with it.
        let published = grid(&Table::summed(vec![vec![1]]));
        assert_eq!(published.cells, [[Figure::Hidden]]);
        assert_eq!(published.total, Some(Figure::Hidden));
        // Without row totals, a small month of one row hides nothing in
        // another month: only each column adds up.
        let table = Table {
            cells: vec![vec![1, 12], vec![0, 30]],
            column_totals: vec![1, 42],
            row_totals: None,
            total: None,
        };
        let published = grid(&table);
        assert_eq!(
            published.cells,
            [
                [Figure::Hidden, Figure::Shown(10)],
                [Figure::Shown(0), Figure::Shown(30)]
            ]
        );
        assert_eq!(published.column_totals, [Figure::Hidden, Figure::Shown(40)]);
    }

    #[test]
    fn a_rate_is_withheld_where_it_would_give_a_hidden_count_away() {
        assert_eq!(rate(30, 40, 100), Some(75.0));
        assert_eq!(rate(3, 40, 100), None, "numerator hidden");
        assert_eq!(rate(37, 40, 100), None, "the rest hidden");
        assert_eq!(rate(0, 40, 100), Some(0.0));
        assert_eq!(rate(40, 40, 100), Some(100.0));
        assert_eq!(rate(0, 0, 100), None);
        assert_eq!(rate(12, 4000, 1000), Some(3.0));
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
        /// In a published grid no line of values that add up — a column
        /// and its total, a row and its total where row totals are
        /// published, either set of totals and the whole — hides exactly
        /// one value, so no hidden value is the difference of published
        /// ones; every count of 1 to 7 is hidden; every shown one is
        /// within 2 of the count.
        #[test]
        fn no_hidden_value_in_a_grid_is_a_difference_of_published_ones(
            cells in (1usize..6, 1usize..6).prop_flat_map(|(rows, columns)| {
                proptest::collection::vec(
                    proptest::collection::vec(
                        prop_oneof![Just(0u64), 1u64..8, 8u64..200],
                        columns,
                    ),
                    rows,
                )
            }),
            with_row_totals in any::<bool>(),
            with_total in any::<bool>(),
        ) {
            let mut table = Table::summed(cells);
            if !with_row_totals {
                table.row_totals = None;
            }
            if !with_total {
                table.total = None;
            }
            let published = grid(&table);
            let rows = table.cells.len();
            let columns = table.column_totals.len();
            let mut lines: Vec<Vec<(u64, Figure)>> = Vec::new();
            for j in 0..columns {
                let mut line: Vec<_> = (0..rows)
                    .map(|i| (table.cells[i][j], published.cells[i][j]))
                    .collect();
                line.push((table.column_totals[j], published.column_totals[j]));
                lines.push(line);
            }
            if let (Some(totals), Some(shown)) = (&table.row_totals, &published.row_totals) {
                for i in 0..rows {
                    let mut line: Vec<_> = (0..columns)
                        .map(|j| (table.cells[i][j], published.cells[i][j]))
                        .collect();
                    line.push((totals[i], shown[i]));
                    lines.push(line);
                }
                if let (Some(total), Some(total_shown)) = (table.total, published.total) {
                    let mut line: Vec<_> = totals.iter().copied().zip(shown.iter().copied()).collect();
                    line.push((total, total_shown));
                    lines.push(line);
                }
            }
            if let (Some(total), Some(total_shown)) = (table.total, published.total) {
                let mut line: Vec<_> = table
                    .column_totals
                    .iter()
                    .copied()
                    .zip(published.column_totals.iter().copied())
                    .collect();
                line.push((total, total_shown));
                lines.push(line);
            }
            prop_assert_eq!(published.row_totals.is_some(), with_row_totals);
            prop_assert_eq!(published.total.is_some(), with_total);
            for line in &lines {
                let hidden = line.iter().filter(|(_, f)| *f == Figure::Hidden).count();
                prop_assert_ne!(hidden, 1, "{:?}", line);
                for (count, shown) in line {
                    if (1..=HIDDEN_UP_TO).contains(count) {
                        prop_assert_eq!(*shown, Figure::Hidden);
                    }
                    if let Figure::Shown(n) = shown {
                        prop_assert!(n.abs_diff(*count) <= 2);
                    }
                }
            }
        }
    }
}
