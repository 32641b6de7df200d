//! How much of a deduplication's error lies in pairs that carry too little
//! to decide: two records that share nothing but a name and a sex (a
//! crisis-line call gives no more) may be one person or two namesakes, and
//! no model can tell which. The whole-set figures stay the headline; these
//! say where the rest of the error is.

use std::collections::{HashMap, HashSet};

use concordat_link::evaluate::PairCounts;
use concordat_link::{compare, Field, Linkage, Pattern, Record};

/// Whether the two records of a pair were both given anything beyond
/// names and sex: a date of birth, a postcode, a phone or an identifier
/// system in common.
pub fn decidable(pattern: &Pattern) -> bool {
    [
        Field::BirthDate,
        Field::Postcode,
        Field::Phone,
        Field::Identifiers,
    ]
    .iter()
    .any(|f| pattern.level(*f) != 0)
}

/// Prints F1 over the pairs with more than a name, the true pairs blocking
/// never compared, and (when `verbose`) the commonest patterns of those.
pub fn report(
    linkage: &Linkage,
    person: &[u64],
    records: &[Record],
    threshold: f64,
    verbose: bool,
) {
    let scored: HashMap<(usize, usize), f64> = linkage
        .pairs()
        .iter()
        .map(|p| ((p.left, p.right), p.probability()))
        .collect();
    let mut by_person: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, p) in person.iter().enumerate() {
        by_person.entry(*p).or_default().push(i);
    }
    // [more than a name?]: true pairs, found, never compared.
    let mut truth = [0u64; 2];
    let mut found = [0u64; 2];
    let mut unblocked = [0u64; 2];
    let mut unblocked_patterns: HashMap<[u8; Field::COUNT], u64> = HashMap::new();
    let mut true_pairs: HashSet<(usize, usize)> = HashSet::new();
    for members in by_person.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (i, j) = (i.min(j), i.max(j));
                true_pairs.insert((i, j));
                let pattern = compare(&records[i], &records[j]);
                let d = usize::from(decidable(&pattern));
                truth[d] += 1;
                match scored.get(&(i, j)) {
                    Some(p) if *p >= threshold => found[d] += 1,
                    Some(_) => {}
                    None => {
                        unblocked[d] += 1;
                        *unblocked_patterns.entry(pattern.levels()).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut predicted = [0u64; 2];
    for p in linkage.pairs() {
        if p.probability() >= threshold {
            predicted[usize::from(decidable(&p.pattern))] += 1;
        }
    }
    let more = PairCounts::new(predicted[1], found[1], truth[1]);
    let less = PairCounts::new(predicted[0], found[0], truth[0]);
    println!(
        "    pairs with more than a name: {} true, {} predicted, precision {:.4} recall {:.4} F1 {:.4}",
        truth[1],
        predicted[1],
        more.precision(),
        more.recall(),
        more.f1(),
    );
    println!(
        "    pairs with only names and sex: {} true, {} predicted, precision {:.4} recall {:.4} F1 {:.4}",
        truth[0],
        predicted[0],
        less.precision(),
        less.recall(),
        less.f1(),
    );
    println!(
        "    true pairs never compared: {} ({} with more than a name)",
        unblocked[0] + unblocked[1],
        unblocked[1]
    );
    if verbose {
        let mut patterns: Vec<_> = unblocked_patterns.into_iter().collect();
        patterns.sort_by_key(|p| std::cmp::Reverse(p.1));
        for (levels, n) in patterns.iter().take(12) {
            println!("    {n:>6} never compared {levels:?}");
        }
    }
}
