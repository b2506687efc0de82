//! Train/test splits and K-fold cross-validation folds that pick the same rows as
//! scikit-learn for the same seed.
//!
//! scikit-learn draws from numpy's legacy `RandomState(seed)`: a plain MT19937 seeded with
//! `init_genrand(seed)`, whose `permutation(n)` is a Fisher–Yates shuffle from the end, each
//! draw a 32-bit output masked to the smallest all-ones mask covering the bound and rejected
//! when above it. Reproducing exactly that gives identical rows.

use rand_mt::Mt;

use crate::error::{Error, Result};

/// numpy's legacy `RandomState`, as far as scikit-learn's splitters use it.
#[derive(Debug, Clone)]
pub struct NumpyRandomState {
    mt: Mt,
}

impl NumpyRandomState {
    /// `numpy.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        NumpyRandomState { mt: Mt::new(seed) }
    }

    /// `RandomState(seed)` for any `u64`: seeds of 2^32 and above use the key `[low, high]`,
    /// as numpy's `init_by_array` does for them.
    pub fn from_u64(seed: u64) -> Self {
        match u32::try_from(seed) {
            Ok(s) => Self::new(s),
            Err(_) => NumpyRandomState {
                mt: Mt::new_with_key([seed as u32, (seed >> 32) as u32]),
            },
        }
    }

    /// A uniform integer in `[0, max]` (numpy's `random_interval`, masked rejection; what
    /// `randint(0, max + 1)` draws).
    pub fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mask = u32::MAX >> max.leading_zeros();
        loop {
            let v = self.mt.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// Shuffles in place as `RandomState.shuffle` does.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u32) as usize;
            items.swap(i, j);
        }
    }

    /// `RandomState.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }

    /// A uniform float in [0, 1) with 53 random bits (`random_sample`).
    pub fn uniform(&mut self) -> f64 {
        let a = (self.mt.next_u32() >> 5) as f64;
        let b = (self.mt.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) / 9007199254740992.0
    }
}

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
    fn mt19937_matches_numpy() {
        // The first raw outputs of MT19937 seeded by init_genrand(5489) (the reference values).
        let mut mt = Mt::new(5489);
        assert_eq!((mt.next_u32(), mt.next_u32()), (3499211612, 581869302));
        // numpy.random.RandomState(0).permutation(10)
        assert_eq!(
            NumpyRandomState::new(0).permutation(10),
            [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
        );
        // numpy.random.RandomState(7).random_sample()
        assert_eq!(NumpyRandomState::new(7).uniform(), 0.07630828937395717);
    }

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
