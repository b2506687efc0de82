//! Numeric columns binned as a [`ColumnSource`] streams their values
//! ([`ColumnSource::stream_numbers`]), so that a big file's numbers are never held whole:
//! memory holds the bins (a byte a value), the source's chunks, and at most the source's
//! [`ColumnSource::value_budget`] of `f64` values at any time.
//!
//! Three passes, each over only what it needs, give what [`super::by_column`]'s whole-column
//! fit gives, to the bit (tested):
//! 1. the binning subsample's rows (at most 200,000 of the fit rows): each column's
//!    thresholds, as [`crate::modeling::trees::binning::feature_thresholds`] cuts them (the order of the
//!    values does not matter to it); as many columns a pass as the budget holds;
//! 2. every row: each value binned as it comes, each bin's smallest and largest value noted,
//!    an infinity remembered (to be refused as the preprocessing refuses it);
//! 3. the median of the training rows, exactly: the bins' counts over the training rows say
//!    which one or two bins hold the middle ranks (a bin holds a run of the sorted values). A
//!    bin whose smallest and largest values are the same number gives its value at once (a
//!    column of few distinct values); otherwise the training rows in the middle bins are read
//!    again, sorted, and the middle ranks taken as numpy's median takes them, as many columns
//!    a pass as the budget holds.
//!
//! A column found not to be numeric (text, booleans) in either of the first two passes is
//! left for the caller to read whole. A column's error (an infinity, no training value) is
//! noted against its input position ([`ColumnErrors`]), so that the first bad column in input
//! order is the one named, as the pipeline names it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::bins::{BinnedColumn, ColumnErrors, FeatureBins, Rows};
use super::source::ColumnSource;
use crate::error::{Error, Result};
use crate::modeling::trees::binning::{bin_value, feature_thresholds};
use crate::table::names::shell_quote;
use crate::table::{ColumnType, Encoding, InputColumn};

/// A column the binning subsample found numeric, and its thresholds.
struct Cuts {
    name: String,
    thresholds: Vec<f64>,
}

/// A column binned over every row: its cuts, its type over the whole table, each row's bin,
/// and each bin's value range.
struct AllBins {
    cuts: Cuts,
    dtype: ColumnType,
    bins: Vec<u8>,
    ranges: BinRanges,
}

/// Each bin's smallest and largest value as [`order_key`]s (an empty bin's low above its
/// high), so that a bin of one value (its two keys equal) is seen without keeping its values.
#[derive(Clone)]
struct BinRanges {
    low: [i64; 256],
    high: [i64; 256],
}

impl BinRanges {
    const EMPTY: BinRanges = BinRanges {
        low: [i64::MAX; 256],
        high: [i64::MIN; 256],
    };

    /// Takes in value `x` of bin `b`.
    #[inline]
    fn add(&mut self, b: u8, x: f64) {
        let (b, key) = (usize::from(b), order_key(x));
        self.low[b] = self.low[b].min(key);
        self.high[b] = self.high[b].max(key);
    }

    /// Takes in `other`'s ranges.
    fn merge(&mut self, other: &BinRanges) {
        for b in 0..256 {
            self.low[b] = self.low[b].min(other.low[b]);
            self.high[b] = self.high[b].max(other.high[b]);
        }
    }

    /// Bin `b`'s value when it holds one only (by its bits: `-0.0` and `0.0` are two).
    fn single(&self, b: u8) -> Option<f64> {
        let b = usize::from(b);
        (self.low[b] == self.high[b]).then(|| from_order_key(self.low[b]))
    }
}

/// `x`'s bits as an integer whose order is `f64::total_cmp`'s (the transform it uses).
#[inline]
fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The value of an [`order_key`] (the transform is its own inverse).
fn from_order_key(key: i64) -> f64 {
    f64::from_bits((key ^ ((((key >> 63) as u64) >> 1) as i64)) as u64)
}

/// Whether a column of this type is binned here.
fn is_number(dtype: ColumnType) -> bool {
    matches!(dtype, ColumnType::Integer | ColumnType::Float)
}

/// The numeric columns of `inputs`, binned from `source`'s stream (see the module docs), and
/// the inputs that are not numeric, to be read whole; `None` when the source does not
/// stream. A numeric column's own error goes to `errors` (the column is then left out).
pub(super) fn bin_streamed(
    source: &mut dyn ColumnSource,
    inputs: &[String],
    rows: &Rows,
    n: usize,
    max_bins: u8,
    errors: &mut ColumnErrors,
) -> Result<Option<(Vec<BinnedColumn>, Vec<String>)>> {
    let Some(cuts) = thresholds(source, inputs, rows, n, max_bins)? else {
        return Ok(None);
    };
    let mut columns = if cuts.is_empty() {
        Vec::new()
    } else {
        bin_every_row(source, cuts, n, max_bins, errors)?
    };
    // The columns that are numbers to the end (binned, or failed with an error of their own);
    // the others are read whole.
    let numeric: HashSet<String> = columns
        .iter()
        .filter(|c| is_number(c.dtype))
        .map(|c| c.cuts.name.clone())
        .collect();
    columns.retain(|c| is_number(c.dtype) && !errors.has(&c.cuts.name));
    let medians = medians(source, &columns, rows, n, max_bins, errors)?;
    let binned: Vec<BinnedColumn> = columns
        .into_par_iter()
        .zip(medians)
        .filter_map(|(column, median)| Some(binned_column(column, median?, rows)))
        .collect();
    let rest = inputs
        .iter()
        .filter(|name| !numeric.contains(*name))
        .cloned()
        .collect();
    Ok(Some((binned, rest)))
}

/// A column's bins picked for each row set, with its fitted encoding.
fn binned_column(column: AllBins, median: f64, rows: &Rows) -> BinnedColumn {
    BinnedColumn {
        numeric: true,
        features: vec![FeatureBins::picked(
            &column.bins,
            column.cuts.thresholds,
            rows,
        )],
        column: InputColumn {
            name: column.cuts.name,
            dtype: column.dtype,
            encoding: Encoding::Numeric { median },
        },
    }
}

/// Pass 1: the columns numeric in the binning subsample, and their thresholds.
fn thresholds(
    source: &mut dyn ColumnSource,
    inputs: &[String],
    rows: &Rows,
    n: usize,
    max_bins: u8,
) -> Result<Option<Vec<Cuts>>> {
    let mut sample: Vec<usize> = rows.picked.iter().map(|&i| rows.fit()[i]).collect();
    sample.sort_unstable();
    let per_pass = (source.value_budget(n) / sample.len().max(1)).max(1);
    let mut cuts = Vec::new();
    for batch in inputs.chunks(per_pass) {
        // Room for the whole sample at once: grown by doubling, a column would be copied.
        let values: Vec<Mutex<Vec<f64>>> = batch
            .iter()
            .map(|_| Mutex::new(Vec::with_capacity(sample.len())))
            .collect();
        let Some(types) = source.stream_numbers(batch, Some(&sample), &|c, _, chunk| {
            lock(&values[c]).extend_from_slice(chunk);
        })?
        else {
            return Ok(None);
        };
        let numeric: Vec<(String, Vec<f64>)> = batch
            .iter()
            .zip(types)
            .zip(values)
            .filter(|((_, t), _)| is_number(*t))
            .map(|((name, _), v)| (name.clone(), v.into_inner().unwrap_or_default()))
            .collect();
        cuts.par_extend(numeric.into_par_iter().map(|(name, v)| Cuts {
            name,
            thresholds: feature_thresholds(v, usize::from(max_bins)),
        }));
    }
    Ok(Some(cuts))
}

/// What pass 2 learns of one column as its chunks come: each row's bin, each bin's value range,
/// the first infinity (row, value).
struct Binning {
    bins: Vec<u8>,
    ranges: BinRanges,
    infinite: Option<(usize, f64)>,
}

/// Pass 2: every row of the `cuts` columns binned (the missing bin is `max_bins`), with each
/// column's type over the whole table; an infinity in a numeric column goes to `errors`.
fn bin_every_row(
    source: &mut dyn ColumnSource,
    cuts: Vec<Cuts>,
    n: usize,
    max_bins: u8,
    errors: &mut ColumnErrors,
) -> Result<Vec<AllBins>> {
    let names: Vec<String> = cuts.iter().map(|c| c.name.clone()).collect();
    let state: Vec<Mutex<Binning>> = cuts
        .iter()
        .map(|_| {
            Mutex::new(Binning {
                bins: vec![0; n],
                ranges: BinRanges::EMPTY,
                infinite: None,
            })
        })
        .collect();
    let outside = AtomicBool::new(false);
    let types = source
        .stream_numbers(&names, None, &|c, first, chunk| {
            let thresholds = &cuts[c].thresholds;
            // Binned and ranged outside the lock, merged under it.
            let binned: Vec<u8> = chunk
                .iter()
                .map(|&x| bin_value(thresholds, x, max_bins))
                .collect();
            let mut ranges = BinRanges::EMPTY;
            for (&b, &x) in binned.iter().zip(chunk) {
                ranges.add(b, x);
            }
            let infinite = chunk.iter().position(|x| x.is_infinite());
            let mut column = lock(&state[c]);
            match column.bins.get_mut(first..first + chunk.len()) {
                Some(to) => to.copy_from_slice(&binned),
                None => outside.store(true, Ordering::Relaxed),
            }
            column.ranges.merge(&ranges);
            if let Some(i) = infinite {
                if column.infinite.is_none_or(|(row, _)| first + i < row) {
                    column.infinite = Some((first + i, chunk[i]));
                }
            }
        })?
        .ok_or_else(|| Error::invalid("table", "the source stopped streaming its numbers"))?;
    if outside.load(Ordering::Relaxed) {
        return Err(Error::invalid(
            "table",
            format!("the file has more than the {n} rows it had when its target was read"),
        ));
    }
    let columns = cuts.into_iter().zip(types).zip(state);
    Ok(columns
        .map(|((cuts, dtype), state)| {
            let state = state.into_inner().unwrap_or_else(|e| e.into_inner());
            if let (Some((row, value)), true) = (state.infinite, is_number(dtype)) {
                errors.note(
                    &cuts.name,
                    Error::BadColumn {
                        column: cuts.name.clone(),
                        message: format!(
                            "row {row} is {value}; a model input must be finite or missing"
                        ),
                    },
                );
            }
            AllBins {
                cuts: integer_zeros(cuts, dtype),
                dtype,
                bins: state.bins,
                ranges: state.ranges,
            }
        })
        .collect())
}

/// An integer column's zeros have no sign (pandas reads `-0` as the integer 0), though the
/// stream hands a `-0` cell on as `-0.0` in case the column turns out to be floats: its
/// thresholds are then the ones an unsigned zero gives (a threshold is a value or the mean
/// of two, so only a zero can carry the sign).
fn integer_zeros(mut cuts: Cuts, dtype: ColumnType) -> Cuts {
    if dtype == ColumnType::Integer {
        for t in &mut cuts.thresholds {
            if *t == 0.0 {
                *t = 0.0;
            }
        }
    }
    cuts
}

/// Where a column's training median lies: the bins holding its middle ranks.
struct MiddleBins {
    /// The lowest and highest bin holding a middle rank.
    low: u8,
    high: u8,
    /// Training values in bins below `low`, and in `low..=high`.
    below: usize,
    within: usize,
    /// The middle ranks among the training values: the lower one (even counts only) and the
    /// upper one.
    lower_rank: Option<usize>,
    upper_rank: usize,
}

impl MiddleBins {
    /// The median when each middle rank's bin holds one value only (no pass needed).
    fn known(&self, ranges: &BinRanges) -> Option<f64> {
        let upper = ranges.single(self.high)?;
        match self.lower_rank {
            None => Some(upper),
            Some(_) => Some((ranges.single(self.low)? + upper) / 2.0),
        }
    }

    /// The median from the middle bins' training values, sorted.
    fn median_of(&self, values: &[f64]) -> Option<f64> {
        let at = |rank: usize| values.get(rank.checked_sub(self.below)?).copied();
        let upper = at(self.upper_rank)?;
        match self.lower_rank {
            None => Some(upper),
            Some(lower) => Some((at(lower)? + upper) / 2.0),
        }
    }
}

/// Pass 3: each column's median over the training rows of a table of `n` rows (numpy's, as
/// [`crate::modeling::preprocess`]'s imputer fits it); `None` for a column without a value there,
/// whose error goes to `errors`.
fn medians(
    source: &mut dyn ColumnSource,
    columns: &[AllBins],
    rows: &Rows,
    n: usize,
    max_bins: u8,
    errors: &mut ColumnErrors,
) -> Result<Vec<Option<f64>>> {
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let mut training = vec![false; n];
    for &r in &rows.train {
        training[r] = true;
    }
    let middles: Vec<Option<MiddleBins>> = columns
        .par_iter()
        .map(|c| middle_bins(&c.bins, &training, max_bins))
        .collect();
    let mut medians: Vec<Option<f64>> = vec![None; columns.len()];
    let mut again = Vec::new();
    for (c, (column, middle)) in columns.iter().zip(&middles).enumerate() {
        let name = &column.cuts.name;
        match middle {
            None => errors.note(
                name,
                Error::BadColumn {
                    column: name.clone(),
                    message: format!(
                        "no value in the training rows, so nothing to learn; --drop {}",
                        shell_quote(name)
                    ),
                },
            ),
            Some(middle) => match middle.known(&column.ranges) {
                Some(median) => medians[c] = Some(median),
                None => again.push(c),
            },
        }
    }
    // The columns whose middle bins must be read again, as many a pass as the budget holds.
    let budget = source.value_budget(n);
    let mut start = 0;
    while start < again.len() {
        let mut held = 0;
        let mut end = start;
        while end < again.len() {
            let within = middles[again[end]].as_ref().map_or(0, |m| m.within);
            if end > start && held + within > budget {
                break;
            }
            held += within;
            end += 1;
        }
        let batch = &again[start..end];
        let found = read_middles(source, columns, &middles, batch, &training)?;
        for (&c, median) in batch.iter().zip(found) {
            medians[c] = Some(median.ok_or_else(|| {
                Error::invalid(
                    "table",
                    format!(
                        "column {:?} changed between two reads of the file",
                        columns[c].cuts.name
                    ),
                )
            })?);
        }
        start = end;
    }
    Ok(columns
        .iter()
        .zip(medians)
        .map(|(column, median)| match column.dtype {
            // An integer column's median has no sign either (see `integer_zeros`).
            ColumnType::Integer => median.map(|m| if m == 0.0 { 0.0 } else { m }),
            _ => median,
        })
        .collect())
}

/// The medians of columns `batch` (indexes into `columns`), from one pass over the training
/// rows in their middle bins.
fn read_middles(
    source: &mut dyn ColumnSource,
    columns: &[AllBins],
    middles: &[Option<MiddleBins>],
    batch: &[usize],
    training: &[bool],
) -> Result<Vec<Option<f64>>> {
    let middle = |k: usize| middles[batch[k]].as_ref();
    let in_middle = |r: usize, k: usize| {
        let b = columns[batch[k]].bins[r];
        training[r] && middle(k).is_some_and(|m| (m.low..=m.high).contains(&b))
    };
    let again: Vec<usize> = (0..training.len())
        .into_par_iter()
        .filter(|&r| (0..batch.len()).any(|k| in_middle(r, k)))
        .collect();
    let names: Vec<String> = batch
        .iter()
        .map(|&c| columns[c].cuts.name.clone())
        .collect();
    let values: Vec<Mutex<Vec<f64>>> = (0..batch.len())
        .map(|k| Mutex::new(Vec::with_capacity(middle(k).map_or(0, |m| m.within))))
        .collect();
    source
        .stream_numbers(&names, Some(&again), &|k, first, chunk| {
            let mut kept = lock(&values[k]);
            for (i, &x) in chunk.iter().enumerate() {
                if again.get(first + i).is_some_and(|&r| in_middle(r, k)) {
                    kept.push(x);
                }
            }
        })?
        .ok_or_else(|| Error::invalid("table", "the source stopped streaming its numbers"))?;
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(k, values)| {
            let mut values = values.into_inner().unwrap_or_default();
            values.sort_unstable_by(f64::total_cmp);
            middle(k)?.median_of(&values)
        })
        .collect())
}

/// The bins of `bins` (a column's, every row) that hold the training rows' middle ranks;
/// `None` when no training row has a value.
fn middle_bins(bins: &[u8], training: &[bool], max_bins: u8) -> Option<MiddleBins> {
    let mut counts = [0usize; 256];
    for (&b, &t) in bins.iter().zip(training) {
        counts[usize::from(b)] += usize::from(t);
    }
    counts[usize::from(max_bins)] = 0;
    let present: usize = counts.iter().sum();
    if present == 0 {
        return None;
    }
    let upper_rank = present / 2;
    let lower_rank = present.is_multiple_of(2).then(|| upper_rank - 1);
    // The bin holding a rank, and the count of values in the bins before it.
    let locate = |rank: usize| {
        let mut before = 0;
        for (b, &count) in counts.iter().enumerate() {
            if rank < before + count {
                return (b, before);
            }
            before += count;
        }
        (usize::from(max_bins), before)
    };
    let (high, _) = locate(upper_rank);
    let (low, below) = locate(lower_rank.unwrap_or(upper_rank));
    Some(MiddleBins {
        low: u8::try_from(low).unwrap_or(u8::MAX),
        high: u8::try_from(high).unwrap_or(u8::MAX),
        below,
        within: counts[low..=high].iter().sum(),
        lower_rank,
        upper_rank,
    })
}

/// A mutex's value, poisoned or not (a visit that panicked has already failed the pass).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_sort_as_total_cmp_and_give_the_value_back() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -1.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.5,
            f64::MAX,
            f64::INFINITY,
        ];
        for pair in values.windows(2) {
            assert!(order_key(pair[0]) < order_key(pair[1]), "{pair:?}");
        }
        for x in values {
            assert_eq!(from_order_key(order_key(x)).to_bits(), x.to_bits());
        }
        let mut ranges = BinRanges::EMPTY;
        ranges.add(3, -0.0);
        ranges.add(3, -0.0);
        ranges.add(4, -0.0);
        ranges.add(4, 0.0);
        assert_eq!(
            ranges.single(3).map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(ranges.single(4), None);
        assert_eq!(ranges.single(5), None);
    }
}
