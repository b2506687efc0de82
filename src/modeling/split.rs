//! Train/test splits and K-fold cross-validation folds that pick the same rows as
//! scikit-learn for the same seed.
//!
//! scikit-learn draws from numpy's legacy `RandomState(seed)` ([`NumpyRandomState`]);
//! reproducing its stream exactly gives identical rows.

use super::sklearn_rng::NumpyRandomState;
use crate::error::{Error, Result};

/// Row positions of a train/test split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training rows, in scikit-learn's order.
    pub train: Vec<usize>,
    /// Test rows, in scikit-learn's order.
    pub test: Vec<usize>,
}

/// `train_test_split(..., test_size, random_state=seed)`: the test set is the first
/// `ceil(test_size·n)` rows of the seeded permutation, the training set the rest.
pub fn train_test_split(n: usize, test_size: f64, seed: u32) -> Result<Split> {
    if !(0.0..1.0).contains(&test_size) {
        return Err(Error::invalid(
            "test_size",
            format!("must be in [0, 1), got {test_size}"),
        ));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    if n_test > 0 && n_test >= n {
        return Err(Error::invalid(
            "test_size",
            format!("{test_size} of {n} rows leaves no training rows"),
        ));
    }
    let perm = NumpyRandomState::new(seed).permutation(n);
    let (test, train) = perm.split_at(n_test);
    Ok(Split {
        train: train.to_vec(),
        test: test.to_vec(),
    })
}

/// scikit-learn's `KFold`: contiguous folds, the first `n % k` one row larger; with
/// `shuffle`, over a seeded permutation of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KFold {
    /// Number of folds (at least 2).
    pub n_splits: usize,
    /// Shuffle the rows before cutting folds.
    pub shuffle: bool,
    /// Seed of the shuffle.
    pub seed: u32,
}

impl KFold {
    /// Contiguous folds, no shuffle (scikit-learn's default).
    pub fn new(n_splits: usize) -> KFold {
        KFold {
            n_splits,
            shuffle: false,
            seed: 0,
        }
    }

    /// Shuffled folds with a seed.
    pub fn shuffled(n_splits: usize, seed: u32) -> KFold {
        KFold {
            n_splits,
            shuffle: true,
            seed,
        }
    }

    /// The folds over `n` rows: each a [`Split`] whose `test` is the held-out fold.
    pub fn splits(&self, n: usize) -> Result<Vec<Split>> {
        if self.n_splits < 2 || self.n_splits > n {
            return Err(Error::invalid(
                "folds",
                format!(
                    "need 2 <= folds <= rows, got {} folds for {n} rows",
                    self.n_splits
                ),
            ));
        }
        let order = if self.shuffle {
            NumpyRandomState::new(self.seed).permutation(n)
        } else {
            (0..n).collect()
        };
        let (base, extra) = (n / self.n_splits, n % self.n_splits);
        let mut start = 0;
        Ok((0..self.n_splits)
            .map(|f| {
                let len = base + usize::from(f < extra);
                let test = order[start..start + len].to_vec();
                let train = order[..start]
                    .iter()
                    .chain(&order[start + len..])
                    .copied()
                    .collect();
                start += len;
                Split { train, test }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_sizes_and_coverage() {
        let folds = KFold::new(10).splits(404).unwrap();
        let sizes: Vec<usize> = folds.iter().map(|s| s.test.len()).collect();
        assert_eq!(sizes, [41, 41, 41, 41, 40, 40, 40, 40, 40, 40]);
        assert_eq!(folds[1].test[0], 41);
        let mut all: Vec<usize> = folds.iter().flat_map(|s| s.test.clone()).collect();
        all.sort();
        assert_eq!(all, (0..404).collect::<Vec<_>>());
        assert!(folds.iter().all(|s| s.train.len() + s.test.len() == 404));
        assert!(KFold::new(1).splits(10).is_err());
        assert!(KFold::new(11).splits(10).is_err());
    }

    #[test]
    fn split_sizes() {
        let s = train_test_split(506, 0.2, 7).unwrap();
        assert_eq!((s.train.len(), s.test.len()), (404, 102));
        assert!(train_test_split(10, 1.0, 7).is_err());
        assert_eq!(train_test_split(10, 0.0, 7).unwrap().test.len(), 0);
    }
}
