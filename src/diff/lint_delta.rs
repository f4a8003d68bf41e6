//! Which lint findings a revision fixed, introduced or kept. Positions shift between revisions,
//! so findings are matched by rule and matched text, as a multiset: two 「！！」 in the old letter
//! and one in the new are one kept and one fixed.

use crate::lint::Finding;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::Hash;

/// Items of the old revision not in the new (`fixed`), of the new not in the old (`introduced`),
/// and in both (`kept`, as they appear in the new revision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delta<T> {
    pub fixed: Vec<T>,
    pub introduced: Vec<T>,
    pub kept: Vec<T>,
}

/// Matches two lists by `key`, each old item at most once, keeping each list's order.
pub fn delta<T, K: Hash + Eq>(old: Vec<T>, new: Vec<T>, key: impl Fn(&T) -> K) -> Delta<T> {
    let mut unmatched: HashMap<K, usize> = HashMap::new();
    for item in &old {
        *unmatched.entry(key(item)).or_default() += 1;
    }
    let (mut introduced, mut kept) = (Vec::new(), Vec::new());
    for item in new {
        match unmatched.get_mut(&key(&item)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                kept.push(item);
            }
            _ => introduced.push(item),
        }
    }
    // The old items left over are the last ones of each key: the new revision kept the first.
    let mut fixed_rev = Vec::new();
    for item in old.into_iter().rev() {
        if let Some(n) = unmatched.get_mut(&key(&item))
            && *n > 0
        {
            *n -= 1;
            fixed_rev.push(item);
        }
    }
    fixed_rev.reverse();
    Delta {
        fixed: fixed_rev,
        introduced,
        kept,
    }
}

/// The lint delta between two revisions' findings, matched by rule id and matched text.
pub fn lint_delta(old: Vec<Finding>, new: Vec<Finding>) -> Delta<Finding> {
    delta(old, new, |f| (f.rule.clone(), f.matched.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiset_matching_ignores_position() {
        let old = vec![("a", 1), ("b", 2), ("a", 3), ("c", 4)];
        let new = vec![("a", 10), ("d", 11), ("c", 12)];
        let d = delta(old, new, |x| x.0);
        assert_eq!(d.kept, vec![("a", 10), ("c", 12)]);
        assert_eq!(d.introduced, vec![("d", 11)]);
        assert_eq!(d.fixed, vec![("b", 2), ("a", 3)]);
    }

    #[test]
    fn equal_lists_keep_everything() {
        let d = delta(vec![1, 1, 2], vec![1, 2, 1], |x| *x);
        assert!(d.fixed.is_empty() && d.introduced.is_empty());
        assert_eq!(d.kept.len(), 3);
    }
}
