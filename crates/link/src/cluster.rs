//! Grouping linked pairs into people: the connected components of the
//! accepted pairs, for deduplicating a register. Transitive: if A is
//! linked to B and B to C, all three are one cluster, even though A and C
//! were never compared — which is why the product keeps this for
//! evaluation and review, not automatic merging.

/// The cluster of each of `records` records, given accepted `pairs` of
/// record indices. Clusters are numbered by their smallest record, so the
/// result does not depend on the order of `pairs`.
pub fn clusters(records: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..records).collect();
    for (a, b) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        // The smaller index becomes the root, so each root is its
        // cluster's smallest record.
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[high] = low;
    }
    (0..records).map(|i| root(&mut parent, i)).collect()
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        // Path halving keeps the trees shallow.
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_pairs_join_transitively() {
        let c = clusters(6, [(4, 2), (0, 1), (2, 5)]);
        assert_eq!(c, vec![0, 0, 2, 3, 2, 2]);
    }

    #[test]
    fn no_pairs_leave_every_record_alone() {
        assert_eq!(clusters(3, []), vec![0, 1, 2]);
    }
}
