//! Where each of a list of distinct labels is (columns, row labels, feature names), looked up
//! by name.

use std::collections::HashMap;

/// Up to this many keys, an object's duplicate check is a scan rather than a hash set.
pub(super) const SMALL_OBJECT: usize = 16;

/// Where each of a list of distinct labels is: a scan for a few, a hash map for many (one
/// request's labels are usually a handful, where hashing costs more than comparing).
pub(super) enum Positions<'a> {
    Few(&'a [String]),
    Many(HashMap<&'a str, usize>),
}

impl<'a> Positions<'a> {
    /// The positions of `labels`.
    pub(super) fn new(labels: &'a [String]) -> Self {
        if labels.len() <= SMALL_OBJECT {
            Positions::Few(labels)
        } else {
            Positions::Many(
                labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| (label.as_str(), i))
                    .collect(),
            )
        }
    }

    /// The position of `label`, if it is one of the labels.
    pub(super) fn get(&self, label: &str) -> Option<usize> {
        match self {
            Positions::Few(labels) => labels.iter().position(|l| l == label),
            Positions::Many(map) => map.get(label).copied(),
        }
    }

    /// Whether `label` is one of the labels.
    pub(super) fn contains(&self, label: &str) -> bool {
        self.get(label).is_some()
    }
}
