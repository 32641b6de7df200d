use std::collections::HashSet;

use super::*;
use crate::record::BirthDate;

fn rec(family: &str, date: Option<(i32, u32, u32)>, postcode: &str, ids: &[&str]) -> Record {
    let mut b = Record::builder()
        .given_name("Sam")
        .family_name(family)
        .postcode(postcode);
    if let Some((y, m, d)) = date {
        b = b.birth_date(BirthDate::new(y, m, d).unwrap());
    }
    for id in ids {
        b = b.identifier("pnc", id);
    }
    b.build()
}

fn records() -> Vec<Record> {
    vec![
        // 0 and 1 share postcode, date, soundex and year, and two
        // identifiers: blocked together by every rule.
        rec("Smith", Some((1980, 1, 2)), "CT9 1AA", &["A", "B"]),
        rec("Smyth", Some((1980, 1, 2)), "CT9 1AA", &["B", "A"]),
        // 2 meets 0 and 1 by postcode only.
        rec("Jones", Some((1990, 5, 5)), "CT9 1AA", &[]),
        // 3 meets 1 by identifier only.
        rec("Patel", None, "ME1 1AA", &["B"]),
        // 4 meets no one.
        rec("Okafor", Some((2001, 7, 7)), "TN1 1AA", &[]),
    ]
}

#[test]
fn every_pair_is_compared_once_even_when_several_rules_block_it() {
    let records = records();
    let refs: Vec<&Record> = records.iter().collect();
    let found = Blocking::default().candidate_pairs(&refs, None);
    let unique: HashSet<(u32, u32)> = found.pairs.iter().copied().collect();
    assert_eq!(unique.len(), found.pairs.len(), "{:?}", found.pairs);
    let expected: HashSet<(u32, u32)> = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3)].into();
    assert_eq!(unique, expected);
    assert_eq!(
        found.stats.iter().map(|s| s.pairs).sum::<usize>(),
        found.pairs.len()
    );
    // Identifiers come first: 0–1 (two shared identifiers, once) and the
    // two pairs with 3.
    assert_eq!(found.stats[0].rule, BlockingRule::Identifier);
    assert_eq!(found.stats[0].pairs, 3);
}

#[test]
fn linking_two_sets_pairs_only_across_them() {
    let records = records();
    let refs: Vec<&Record> = records.iter().collect();
    let found = Blocking::default().candidate_pairs(&refs, Some(2));
    let unique: HashSet<(u32, u32)> = found.pairs.iter().copied().collect();
    assert_eq!(unique, [(0, 2), (1, 2), (0, 3), (1, 3)].into());
    assert_eq!(unique.len(), found.pairs.len());
}

#[test]
fn blocks_over_the_limit_are_skipped_and_counted() {
    let many: Vec<Record> = (0..5)
        .map(|i| rec(&format!("N{i}x"), None, "ZZ99 3VZ", &[]))
        .collect();
    let refs: Vec<&Record> = many.iter().collect();
    let blocking = Blocking::new(vec![BlockingRule::Postcode], 4).unwrap();
    let found = blocking.candidate_pairs(&refs, None);
    assert!(found.pairs.is_empty());
    assert_eq!(
        (
            found.stats[0].skipped_blocks,
            found.stats[0].skipped_records
        ),
        (1, 5)
    );
    let roomy = Blocking::new(vec![BlockingRule::Postcode], 5).unwrap();
    assert_eq!(roomy.candidate_pairs(&refs, None).pairs.len(), 10);
}

#[test]
fn an_index_finds_one_records_candidates_once_each() {
    let records = records();
    let index = BlockIndex::new(Blocking::default(), &records);
    let incoming = rec("Smith", Some((1980, 1, 2)), "CT9 1AA", &["A"]);
    assert_eq!(index.candidates(&incoming), vec![0, 1, 2]);
    let stranger = rec("Nobody", None, "", &[]);
    assert!(index.candidates(&stranger).is_empty());
}

#[test]
fn blocking_needs_rules_and_room_for_a_pair() {
    assert_eq!(Blocking::new(vec![], 10), Err(BlockingError::NoRules));
    assert_eq!(
        Blocking::new(vec![BlockingRule::Phone], 1),
        Err(BlockingError::MaxBlock { max_block: 1 })
    );
}
