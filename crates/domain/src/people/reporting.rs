//! The reporting line: who manages whom, and the rule that it never loops.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// A reporting line that loops back on itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportingError<K> {
    #[error("the reporting line would loop back to this person")]
    Loop(Vec<K>),
}

/// Whether making `manager` the line manager of `person` would create a loop, given the current
/// line (`manager_of`). A person cannot manage themself, nor anyone above them. The walk is
/// bounded by `limit` steps; a chain longer than that (only possible if the stored data already
/// loops) counts as a loop.
pub fn would_create_loop<K: Copy + Eq>(
    person: K,
    manager: K,
    manager_of: impl Fn(K) -> Option<K>,
    limit: usize,
) -> bool {
    let mut current = Some(manager);
    for _ in 0..=limit {
        match current {
            None => return false,
            Some(m) if m == person => return true,
            Some(m) => current = manager_of(m),
        }
    }
    true
}

/// Orders people so that every manager comes before those who report to them (managers outside
/// the set count as already placed). Returns indices into `rows`, or the people caught in loops.
pub fn manager_order<K: Copy + Eq + Hash>(rows: &[(K, Option<K>)]) -> Result<Vec<usize>, ReportingError<K>> {
    let index: HashMap<K, usize> = rows.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    let mut roots = Vec::new();
    for (i, (_, m)) in rows.iter().enumerate() {
        match m.and_then(|m| index.get(&m)) {
            Some(&p) if p != i => children[p].push(i),
            Some(_) => {} // manages themself: left out, reported as a loop below
            None => roots.push(i),
        }
    }
    let mut order = Vec::with_capacity(rows.len());
    let mut stack = roots;
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(children[i].iter().copied());
    }
    if order.len() == rows.len() {
        Ok(order)
    } else {
        let placed: HashSet<usize> = order.into_iter().collect();
        Err(ReportingError::Loop((0..rows.len()).filter(|i| !placed.contains(i)).map(|i| rows[i].0).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn managing_yourself_is_a_loop() {
        assert!(would_create_loop(1, 1, |_| None, 10));
    }

    #[test]
    fn managing_your_own_manager_is_a_loop() {
        let line: HashMap<i32, i32> = [(1, 2), (2, 3)].into();
        assert!(would_create_loop(3, 1, |k| line.get(&k).copied(), 10));
        assert!(!would_create_loop(1, 3, |k| line.get(&k).copied(), 10));
    }

    #[test]
    fn loops_in_a_file_are_named() {
        let rows = [(1, None), (2, Some(3)), (3, Some(2)), (4, Some(1))];
        match manager_order(&rows) {
            Err(ReportingError::Loop(mut ks)) => {
                ks.sort();
                assert_eq!(ks, vec![2, 3]);
            }
            other => panic!("expected a loop, got {other:?}"),
        }
    }

    /// The slow, obvious check: a row is in a loop if following managers inside the set
    /// returns to it or to a row already seen.
    fn in_loop(rows: &[(u8, Option<u8>)], i: usize) -> bool {
        let map: HashMap<u8, Option<u8>> = rows.iter().copied().collect();
        let mut seen = vec![rows[i].0];
        let mut cur = rows[i].1;
        while let Some(m) = cur {
            if seen.contains(&m) {
                return true;
            }
            match map.get(&m) {
                Some(next) => {
                    seen.push(m);
                    cur = *next;
                }
                None => return false,
            }
        }
        false
    }

    proptest! {
        #[test]
        fn order_puts_managers_first_or_names_every_looped_row(
            managers in proptest::collection::vec(proptest::option::of(0u8..30), 1..30)
        ) {
            let rows: Vec<(u8, Option<u8>)> = managers.iter().enumerate().map(|(i, m)| (i as u8, *m)).collect();
            let any_loop = (0..rows.len()).any(|i| in_loop(&rows, i));
            match manager_order(&rows) {
                Ok(order) => {
                    prop_assert!(!any_loop);
                    let pos: HashMap<usize, usize> = order.iter().enumerate().map(|(p, i)| (*i, p)).collect();
                    prop_assert_eq!(pos.len(), rows.len());
                    for (i, (_, m)) in rows.iter().enumerate() {
                        if let Some(m) = m {
                            if (*m as usize) < rows.len() {
                                prop_assert!(pos[&(*m as usize)] < pos[&i]);
                            }
                        }
                    }
                }
                Err(ReportingError::Loop(_)) => prop_assert!(any_loop),
            }
        }
    }
}
