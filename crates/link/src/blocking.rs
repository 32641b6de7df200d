//! Blocking: choosing which pairs to compare. Comparing every record with
//! every other grows with the square of the records; instead each rule
//! puts records with the same key (the same postcode, the same date of
//! birth, …) in a block, and only pairs within a block are compared. The
//! rules are unioned — a pair in a block of any rule is a candidate — and
//! each candidate is produced once, by the first rule that blocks it.
//!
//! A block larger than [`Blocking::max_block`] records is skipped for that
//! rule: a value that many records share is a placeholder (1900-01-01, a
//! "no fixed abode" postcode) or too common to say anything, and comparing
//! all its pairs would make the work grow with the square of its size. Its
//! records still meet through the other rules, and the skip is counted in
//! [`RuleStats`].

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::record::Record;

/// A way of putting records that may be one person in the same block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockingRule {
    /// The same full postcode.
    Postcode,
    /// The same date of birth.
    BirthDate,
    /// Family names that sound alike (Soundex) and the same year of birth.
    FamilySoundexAndBirthYear,
    /// Given names and family names that sound alike (Soundex), either
    /// way round: a form filled in with the names swapped still meets.
    GivenAndFamilySoundex,
    /// Family names that sound alike and given names in one group of
    /// short forms (Bill and William), which Soundex keeps apart.
    FamilySoundexAndShortForm,
    /// The same identifier in the same system; a record with several
    /// identifiers is in several blocks.
    Identifier,
    /// The same phone number.
    Phone,
}

impl BlockingRule {
    pub const ALL: [BlockingRule; 7] = [
        BlockingRule::Identifier,
        BlockingRule::BirthDate,
        BlockingRule::Postcode,
        BlockingRule::FamilySoundexAndBirthYear,
        BlockingRule::GivenAndFamilySoundex,
        BlockingRule::Phone,
        BlockingRule::FamilySoundexAndShortForm,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BlockingRule::Postcode => "same postcode",
            BlockingRule::BirthDate => "same date of birth",
            BlockingRule::FamilySoundexAndBirthYear => {
                "family name sounds alike, same year of birth"
            }
            BlockingRule::GivenAndFamilySoundex => "given and family names sound alike",
            BlockingRule::FamilySoundexAndShortForm => {
                "family name sounds alike, given names short forms of one name"
            }
            BlockingRule::Identifier => "same identifier",
            BlockingRule::Phone => "same phone",
        }
    }

    /// The record's keys under this rule, sorted and without duplicates;
    /// empty when the record lacks what the rule needs.
    pub fn keys(self, r: &Record) -> Vec<u64> {
        let tag = self as u8;
        let mut keys: Vec<u64> = match self {
            BlockingRule::Postcode => r.postcode().map(|p| key(tag, p)).into_iter().collect(),
            BlockingRule::BirthDate => r.birth_date().map(|d| key(tag, d)).into_iter().collect(),
            BlockingRule::FamilySoundexAndBirthYear => r
                .family_soundex()
                .zip(r.birth_date())
                .map(|(s, d)| key(tag, (s, d.year())))
                .into_iter()
                .collect(),
            BlockingRule::GivenAndFamilySoundex => r
                .given_soundex()
                .zip(r.family_soundex())
                .map(|(g, f)| key(tag, (g.min(f), g.max(f))))
                .into_iter()
                .collect(),
            BlockingRule::FamilySoundexAndShortForm => r
                .family_soundex()
                .map(|f| r.given_groups().iter().map(move |g| key(tag, (f, *g))))
                .into_iter()
                .flatten()
                .collect(),
            BlockingRule::Identifier => r
                .identifiers()
                .iter()
                .map(|i| key(tag, (i.system(), i.value())))
                .collect(),
            BlockingRule::Phone => r.phone().map(|p| key(tag, p)).into_iter().collect(),
        };
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

// SipHash with its fixed keys: the same key on every run and machine. A
// collision only adds a candidate pair; it never loses one.
fn key(tag: u8, value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    tag.hash(&mut hasher);
    value.hash(&mut hasher);
    hasher.finish()
}

/// Blocking rules, in the order they claim pairs, and the largest block
/// compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocking {
    rules: Vec<BlockingRule>,
    max_block: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockingError {
    #[error("name at least one blocking rule")]
    NoRules,
    #[error("the largest block must hold at least 2 records; it is {max_block}")]
    MaxBlock { max_block: usize },
}

impl Default for Blocking {
    /// Every rule, blocks of up to 500 records.
    fn default() -> Self {
        Self {
            rules: BlockingRule::ALL.to_vec(),
            max_block: 500,
        }
    }
}

impl Blocking {
    pub fn new(rules: Vec<BlockingRule>, max_block: usize) -> Result<Self, BlockingError> {
        if rules.is_empty() {
            return Err(BlockingError::NoRules);
        }
        if max_block < 2 {
            return Err(BlockingError::MaxBlock { max_block });
        }
        let mut unique = Vec::with_capacity(rules.len());
        for rule in rules {
            if !unique.contains(&rule) {
                unique.push(rule);
            }
        }
        Ok(Self {
            rules: unique,
            max_block,
        })
    }

    pub fn rules(&self) -> &[BlockingRule] {
        &self.rules
    }

    /// Blocks with more records than this are skipped.
    pub fn max_block(&self) -> usize {
        self.max_block
    }

    /// Candidate pairs among `records`, each once, as `(i, j)` with
    /// `i < j`. With `split` absent every pair may be a candidate
    /// (deduplication); with `Some(s)` only pairs with `i < s <= j` (linking
    /// the records before `s` to those from `s` on).
    pub fn candidate_pairs(&self, records: &[&Record], split: Option<usize>) -> CandidatePairs {
        let keys: Vec<KeyTable> = self
            .rules
            .iter()
            .map(|rule| KeyTable::build(*rule, records))
            .collect();
        let mut pairs = Vec::new();
        let mut stats = Vec::with_capacity(self.rules.len());
        for (r, rule) in self.rules.iter().enumerate() {
            let mut entries: Vec<(u64, u32)> = keys[r].entries().collect();
            entries.par_sort_unstable();
            let mut blocks = Vec::new();
            let mut rule_stats = RuleStats {
                rule: *rule,
                pairs: 0,
                blocks: 0,
                skipped_blocks: 0,
                skipped_records: 0,
            };
            let mut start = 0;
            while start < entries.len() {
                let end = start + entries[start..].partition_point(|e| e.0 == entries[start].0);
                let size = end - start;
                if size > self.max_block {
                    rule_stats.skipped_blocks += 1;
                    rule_stats.skipped_records += size;
                } else if size > 1 {
                    blocks.push(start..end);
                }
                start = end;
            }
            rule_stats.blocks = blocks.len();
            let earlier = &keys[..r];
            let found: Vec<(u32, u32)> = blocks
                .into_par_iter()
                .flat_map_iter(|range| {
                    let block = &entries[range];
                    let key = block[0].0;
                    let mut out = Vec::new();
                    for (x, &(_, i)) in block.iter().enumerate() {
                        for &(_, j) in &block[x + 1..] {
                            let sides_ok =
                                split.is_none_or(|s| (i as usize) < s && (j as usize) >= s);
                            // INVARIANT: a pair is produced only under its
                            // first rule and that rule's smallest shared key.
                            if sides_ok
                                && !earlier.iter().any(|t| t.share(i, j, u64::MAX))
                                && !keys[r].share(i, j, key)
                            {
                                out.push((i, j));
                            }
                        }
                    }
                    out
                })
                .collect();
            rule_stats.pairs = found.len();
            pairs.extend(found);
            stats.push(rule_stats);
        }
        CandidatePairs { pairs, stats }
    }
}

/// Each record's keys under one rule, stored flat.
struct KeyTable {
    offsets: Vec<u32>,
    keys: Vec<u64>,
}

impl KeyTable {
    fn build(rule: BlockingRule, records: &[&Record]) -> Self {
        let per_record: Vec<Vec<u64>> = records.par_iter().map(|r| rule.keys(r)).collect();
        let mut offsets = Vec::with_capacity(records.len() + 1);
        let mut keys = Vec::new();
        offsets.push(0);
        for k in per_record {
            keys.extend(k);
            offsets.push(u32::try_from(keys.len()).expect("fewer than 2^32 keys"));
        }
        Self { offsets, keys }
    }

    fn of(&self, i: u32) -> &[u64] {
        let i = i as usize;
        &self.keys[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    fn entries(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        (0..self.offsets.len() - 1).flat_map(move |i| {
            let i = i as u32;
            self.of(i).iter().map(move |k| (*k, i))
        })
    }

    /// Whether records `i` and `j` share a key smaller than `below`.
    fn share(&self, i: u32, j: u32, below: u64) -> bool {
        let (a, b) = (self.of(i), self.of(j));
        a.iter()
            .take_while(|k| **k < below)
            .any(|k| b.binary_search(k).is_ok())
    }
}

/// Candidate pairs and how each rule contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidatePairs {
    pub pairs: Vec<(u32, u32)>,
    pub stats: Vec<RuleStats>,
}

/// What one rule contributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleStats {
    pub rule: BlockingRule,
    /// Pairs this rule produced that no earlier rule had.
    pub pairs: usize,
    /// Blocks of two or more records compared.
    pub blocks: usize,
    /// Blocks larger than the limit, not compared under this rule.
    pub skipped_blocks: usize,
    pub skipped_records: usize,
}

/// An index of records by their blocking keys, for finding the candidates
/// of one incoming record (a contact event) without re-blocking everyone.
#[derive(Debug, Clone)]
pub struct BlockIndex {
    blocking: Blocking,
    blocks: HashMap<u64, Vec<u32>>,
}

impl BlockIndex {
    pub fn new(blocking: Blocking, records: &[Record]) -> Self {
        let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            let i = u32::try_from(i).expect("fewer than 2^32 records");
            for rule in blocking.rules() {
                for k in rule.keys(r) {
                    blocks.entry(k).or_default().push(i);
                }
            }
        }
        Self { blocking, blocks }
    }

    /// Indices of the indexed records that share a block with `record`,
    /// ascending, each once. Blocks already at the size limit are skipped,
    /// as in [`Blocking::candidate_pairs`].
    pub fn candidates(&self, record: &Record) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .blocking
            .rules()
            .iter()
            .flat_map(|rule| rule.keys(record))
            .filter_map(|k| self.blocks.get(&k))
            .filter(|block| block.len() < self.blocking.max_block())
            .flatten()
            .map(|i| *i as usize)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests;
