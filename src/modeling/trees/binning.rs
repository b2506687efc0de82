//! Feature binning for histogram gradient boosting, as scikit-learn's `_BinMapper`: each
//! feature's values are cut at up to `max_bins - 1` thresholds and stored once as `u8` bin
//! indices, column by column, so that every split search afterwards reads one byte a cell.
//!
//! Thresholds (scikit-learn 1.9): with at most `max_bins` distinct values, the midpoints between
//! consecutive ones; otherwise numpy's `percentile(values, linspace(0, 100, max_bins + 1)[1:-1],
//! method="averaged_inverted_cdf")`, duplicates removed. They are computed on at most
//! `subsample` rows (200,000; scikit-learn draws them with replacement from its own seed, this
//! crate without replacement from `seed`, so on larger tables the thresholds differ slightly).
//! A value goes to the first bin whose threshold is `>=` it; a missing value (NaN) to the bin
//! `max_bins`, after every value's bin.

use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::modeling::sklearn_rng::NumpyRandomState;

/// scikit-learn's default number of rows the thresholds are computed on.
pub const BINNING_SUBSAMPLE: usize = 200_000;

/// The fitted thresholds of every feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    /// Bins for non-missing values (at most 255); the missing bin is `max_bins`.
    pub max_bins: usize,
    /// Per feature, the increasing thresholds (`x <= thresholds[b]` puts `x` in bin `b`).
    pub thresholds: Vec<Vec<f64>>,
}

/// Features as bin indices, column-major: feature `f` is `bins[f * n_rows..(f + 1) * n_rows]`.
#[derive(Debug, Clone)]
pub struct Binned {
    /// Rows.
    pub n_rows: usize,
    /// The bin of each cell, column by column.
    pub bins: Vec<u8>,
    /// Whether each feature has a missing value among these rows.
    pub has_missing: Vec<bool>,
}

impl Binned {
    /// No features yet, for `n_rows` rows, with room for `features` of them: pushed one by one
    /// into a vector that grows by doubling, the bins would be copied (and held twice) as it
    /// grows.
    pub fn with_room(n_rows: usize, features: usize) -> Binned {
        Binned {
            n_rows,
            bins: Vec::with_capacity(n_rows * features),
            has_missing: Vec::with_capacity(features),
        }
    }

    /// Adds a feature's bins (one per row); `missing_bin` marks a missing value.
    pub fn push_feature(&mut self, bins: &[u8], missing_bin: u8) {
        debug_assert_eq!(bins.len(), self.n_rows);
        self.bins.extend_from_slice(bins);
        self.has_missing.push(bins.contains(&missing_bin));
    }

    /// The bins of feature `f`, one per row.
    pub fn feature(&self, f: usize) -> &[u8] {
        &self.bins[f * self.n_rows..(f + 1) * self.n_rows]
    }
}

impl BinMapper {
    /// Thresholds for every column of `x` (NaN = missing), from at most `subsample` rows
    /// drawn with `seed`.
    pub fn fit(x: ArrayView2<f64>, max_bins: usize, subsample: usize, seed: u32) -> BinMapper {
        let rows = subsample_rows(x.nrows(), subsample, seed);
        let thresholds = (0..x.ncols())
            .into_par_iter()
            .map(|f| {
                let column = x.column(f);
                feature_thresholds(rows.iter().map(|&r| column[r]).collect(), max_bins)
            })
            .collect();
        BinMapper {
            max_bins,
            thresholds,
        }
    }

    /// The bin index that holds missing values.
    pub fn missing_bin(&self) -> u8 {
        u8::try_from(self.max_bins).unwrap_or(u8::MAX)
    }

    /// Number of bins of non-missing values of feature `f`.
    pub fn n_bins(&self, f: usize) -> usize {
        self.thresholds[f].len() + 1
    }

    /// The bin of value `x` of feature `f`.
    #[inline]
    pub fn bin(&self, f: usize, x: f64) -> u8 {
        bin_value(&self.thresholds[f], x, self.missing_bin())
    }

    /// Every cell of `x` as its bin, column-major, features in parallel.
    pub fn transform(&self, x: ArrayView2<f64>) -> Binned {
        let n = x.nrows();
        let mut bins = vec![0u8; n * x.ncols()];
        let has_missing = bins
            .par_chunks_mut(n.max(1))
            .enumerate()
            .map(|(f, out)| {
                let column = x.column(f);
                let mut missing = false;
                for (slot, &v) in out.iter_mut().zip(column.iter()) {
                    *slot = self.bin(f, v);
                    missing |= v.is_nan();
                }
                missing
            })
            .collect();
        Binned {
            n_rows: n,
            bins,
            has_missing,
        }
    }
}

/// The rows (of `n`) that thresholds are computed on: all of them, or the first `subsample` of
/// numpy's permutation from `seed` (without replacement).
pub fn subsample_rows(n: usize, subsample: usize, seed: u32) -> Vec<usize> {
    if n > subsample {
        let mut picked = NumpyRandomState::new(seed).permutation(n);
        picked.truncate(subsample);
        picked.shrink_to_fit();
        picked
    } else {
        (0..n).collect()
    }
}

/// The bin of value `x` under `thresholds`: the first threshold `>= x` (the count of those
/// below it), or `missing_bin` for NaN.
#[inline]
pub fn bin_value(thresholds: &[f64], x: f64, missing_bin: u8) -> u8 {
    if x.is_nan() {
        return missing_bin;
    }
    u8::try_from(thresholds.partition_point(|t| *t < x)).unwrap_or(u8::MAX)
}

/// One feature's thresholds from its (subsampled) values (scikit-learn's
/// `_find_binning_thresholds`).
pub fn feature_thresholds(mut values: Vec<f64>, max_bins: usize) -> Vec<f64> {
    values.retain(|v| !v.is_nan());
    // Values equal under `total_cmp` are the same bits, so an unstable sort gives the same order.
    values.sort_unstable_by(f64::total_cmp);
    let mut distinct = values.clone();
    distinct.dedup();
    let mut cuts: Vec<f64> = if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| (w[0] + w[1]) * 0.5).collect()
    } else {
        // numpy's linspace: k * step, then percentile's q / 100.
        let step = 100.0 / max_bins as f64;
        (1..max_bins)
            .map(|k| averaged_inverted_cdf(&values, k as f64 * step / 100.0))
            .collect()
    };
    cuts.dedup();
    // +inf thresholds would send no value right of them; scikit-learn clips to ALMOST_INF.
    cuts.into_iter().map(|t: f64| t.min(f64::MAX)).collect()
}

/// numpy's `quantile(sorted, q, method="averaged_inverted_cdf")`: with `v = n·q − 1`, the
/// mean of the values at `v` and `v + 1` when `v` is whole, else the value at `⌊v⌋ + 1`.
fn averaged_inverted_cdf(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len() - 1;
    let v = sorted.len() as f64 * q - 1.0;
    let below = v.floor();
    let at = |i: f64| sorted[(i.max(0.0) as usize).min(last)];
    if v == below {
        (at(below) + at(below + 1.0)) / 2.0
    } else {
        at(below + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn few_distinct_values_cut_at_midpoints_and_nan_has_its_own_bin() {
        let x = Array2::from_shape_vec((6, 1), vec![3.0, 1.0, f64::NAN, 2.0, 1.0, 5.0]).unwrap();
        let mapper = BinMapper::fit(x.view(), 255, BINNING_SUBSAMPLE, 0);
        assert_eq!(mapper.thresholds[0], [1.5, 2.5, 4.0]);
        let binned = mapper.transform(x.view());
        assert_eq!(binned.feature(0), [2, 0, 255, 1, 0, 3]);
        assert_eq!(binned.has_missing, [true]);
    }

    #[test]
    fn many_distinct_values_cut_at_scikit_learns_percentiles() {
        // compare/python/hist_gbm_expectations.py prints these with _BinMapper(n_bins=256).
        let column: Vec<f64> = (0..2000)
            .map(|i| (i * 37 % 1009) as f64 / 7.0 + if i % 3 == 0 { 0.5 } else { 0.0 })
            .collect();
        let x = Array2::from_shape_vec((2000, 1), column).unwrap();
        let t = &BinMapper::fit(x.view(), 255, BINNING_SUBSAMPLE, 0).thresholds[0];
        assert_eq!(t.len(), 254);
        let expected_head = [
            0.7142857142857143,
            1.1428571428571428,
            1.7142857142857142,
            2.4285714285714284,
        ];
        assert_eq!(t[..4], expected_head);
        assert_eq!(t[100..102], [56.92857142857143, 57.39285714285714]);
        assert_eq!(t[251..], [142.5, 143.21428571428572, 143.71428571428572]);
    }
}
