//! Numeric columns binned as a [`ColumnSource`] streams their values
//! ([`ColumnSource::stream_numbers`]), so that a big file's numbers are never held whole, not
//! even a column of them: memory holds the bins (a byte a value) and the source's chunks.
//!
//! Three passes, each over only what it needs, give what [`super::binned`]'s whole-column
//! fit gives, to the bit (tested):
//! 1. the binning subsample's rows (at most 200,000 of the fit rows): each column's
//!    thresholds, as [`super::trees::binning::feature_thresholds`] cuts them (the order of the
//!    values does not matter to it);
//! 2. every row: each value binned as it comes (an infinity remembered, to be refused as the
//!    preprocessing refuses it);
//! 3. the median of the training rows, exactly: the bins' counts over the training rows say
//!    which one or two bins hold the middle values (a bin holds a run of the sorted values),
//!    so only the training rows in those bins are read again, sorted, and the middle ranks
//!    taken as numpy's median takes them.
//!
//! A column found not to be numeric (text, booleans) in either of the first two passes is
//! left for the caller to read whole.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::binned::{BinnedColumn, ColumnSource, FeatureBins, Rows};
use super::columns::{ColumnType, Encoding, InputColumn};
use super::trees::binning::{bin_value, feature_thresholds};
use crate::error::{Error, Result};

/// A column the binning subsample found numeric, and its thresholds.
struct Cuts {
    name: String,
    thresholds: Vec<f64>,
}

/// A column binned over every row: its cuts, its type over the whole table, each row's bin.
struct AllBins {
    cuts: Cuts,
    dtype: ColumnType,
    bins: Vec<u8>,
}

/// Whether a column of this type is binned here.
fn is_number(dtype: ColumnType) -> bool {
    matches!(dtype, ColumnType::Integer | ColumnType::Float)
}

/// The numeric columns of `inputs`, binned from `source`'s stream (see the module docs), and
/// the other inputs, to be read whole; `None` when the source does not stream.
pub(super) fn bin_streamed(
    source: &mut dyn ColumnSource,
    inputs: &[String],
    rows: &Rows,
    n: usize,
    max_bins: u8,
) -> Result<Option<(Vec<BinnedColumn>, Vec<String>)>> {
    let Some(cuts) = thresholds(source, inputs, rows, max_bins)? else {
        return Ok(None);
    };
    let mut columns = if cuts.is_empty() {
        Vec::new()
    } else {
        bin_every_row(source, cuts, n, max_bins)?
    };
    columns.retain(|c| is_number(c.dtype));
    let medians = if columns.is_empty() {
        Vec::new()
    } else {
        medians(source, &columns, rows, max_bins)?
    };
    let binned: Vec<BinnedColumn> = columns
        .into_par_iter()
        .zip(medians)
        .map(|(column, median)| {
            let all = column.bins;
            let pick = |set: &[usize]| -> Vec<u8> { set.iter().map(|&r| all[r]).collect() };
            BinnedColumn {
                numeric: true,
                features: vec![FeatureBins {
                    fit: pick(rows.fit()),
                    validation: pick(&rows.validation),
                    test: pick(&rows.test),
                    thresholds: column.cuts.thresholds,
                }],
                column: InputColumn {
                    name: column.cuts.name,
                    dtype: column.dtype,
                    encoding: Encoding::Numeric { median },
                },
            }
        })
        .collect();
    let rest = inputs
        .iter()
        .filter(|name| !binned.iter().any(|c| c.column.name == **name))
        .cloned()
        .collect();
    Ok(Some((binned, rest)))
}

/// Pass 1: the columns numeric in the binning subsample, and their thresholds.
fn thresholds(
    source: &mut dyn ColumnSource,
    inputs: &[String],
    rows: &Rows,
    max_bins: u8,
) -> Result<Option<Vec<Cuts>>> {
    let mut sample: Vec<usize> = rows.picked.iter().map(|&i| rows.fit()[i]).collect();
    sample.sort_unstable();
    // Room for the whole sample at once: grown by doubling, a column would be copied whole.
    let values: Vec<Mutex<Vec<f64>>> = inputs
        .iter()
        .map(|_| Mutex::new(Vec::with_capacity(sample.len())))
        .collect();
    let Some(types) = source.stream_numbers(inputs, Some(&sample), &|c, _, chunk| {
        lock(&values[c]).extend_from_slice(chunk);
    })?
    else {
        return Ok(None);
    };
    let numeric: Vec<(String, Vec<f64>)> = inputs
        .iter()
        .zip(types)
        .zip(values)
        .filter(|((_, t), _)| is_number(*t))
        .map(|((name, _), v)| (name.clone(), v.into_inner().unwrap_or_default()))
        .collect();
    let cuts = numeric
        .into_par_iter()
        .map(|(name, v)| Cuts {
            name,
            thresholds: feature_thresholds(v, usize::from(max_bins)),
        })
        .collect();
    Ok(Some(cuts))
}

/// Pass 2: every row of the `cuts` columns binned (the missing bin is `max_bins`), with each
/// column's type over the whole table; an infinity in a numeric one is an error naming its
/// column and row.
fn bin_every_row(
    source: &mut dyn ColumnSource,
    cuts: Vec<Cuts>,
    n: usize,
    max_bins: u8,
) -> Result<Vec<AllBins>> {
    let names: Vec<String> = cuts.iter().map(|c| c.name.clone()).collect();
    let bins: Vec<Mutex<Vec<u8>>> = cuts.iter().map(|_| Mutex::new(vec![0; n])).collect();
    // Each column's first infinity (row, value).
    let infinite: Vec<Mutex<Option<(usize, f64)>>> =
        cuts.iter().map(|_| Mutex::default()).collect();
    let outside = AtomicBool::new(false);
    let types = source
        .stream_numbers(&names, None, &|c, first, chunk| {
            if let Some(i) = chunk.iter().position(|x| x.is_infinite()) {
                let mut seen = lock(&infinite[c]);
                if seen.is_none_or(|(row, _)| first + i < row) {
                    *seen = Some((first + i, chunk[i]));
                }
            }
            let binned: Vec<u8> = chunk
                .iter()
                .map(|&x| bin_value(&cuts[c].thresholds, x, max_bins))
                .collect();
            match lock(&bins[c]).get_mut(first..first + chunk.len()) {
                Some(to) => to.copy_from_slice(&binned),
                None => outside.store(true, Ordering::Relaxed),
            }
        })?
        .ok_or_else(|| Error::invalid("table", "the source stopped streaming its numbers"))?;
    if outside.load(Ordering::Relaxed) {
        return Err(Error::invalid(
            "table",
            format!("the file has more than the {n} rows it had when its target was read"),
        ));
    }
    for ((name, &dtype), seen) in names.iter().zip(&types).zip(infinite) {
        let seen = seen.into_inner().unwrap_or_default();
        if let (Some((row, value)), true) = (seen, is_number(dtype)) {
            return Err(Error::BadColumn {
                column: name.clone(),
                message: format!("row {row} is {value}; a model input must be finite or missing"),
            });
        }
    }
    Ok(cuts
        .into_iter()
        .zip(types)
        .zip(bins)
        .map(|((cuts, dtype), bins)| AllBins {
            cuts,
            dtype,
            bins: bins.into_inner().unwrap_or_default(),
        })
        .collect())
}

/// Where a column's training median lies: the bins holding its middle ranks.
struct MiddleBins {
    /// The lowest and highest bin holding a middle rank.
    low: u8,
    high: u8,
    /// Training values in bins below `low`.
    below: usize,
    /// The middle ranks among the training values: the lower one (even counts only) and the
    /// upper one.
    lower_rank: Option<usize>,
    upper_rank: usize,
}

/// Pass 3: each column's median over the training rows (numpy's, as
/// [`super::preprocess`]'s imputer fits it); a column without a value there is an error.
fn medians(
    source: &mut dyn ColumnSource,
    columns: &[AllBins],
    rows: &Rows,
    max_bins: u8,
) -> Result<Vec<f64>> {
    let names: Vec<String> = columns.iter().map(|c| c.cuts.name.clone()).collect();
    let n = columns.first().map_or(0, |c| c.bins.len());
    let mut training = vec![false; n];
    for &r in &rows.train {
        training[r] = true;
    }
    let middles: Vec<MiddleBins> = names
        .par_iter()
        .zip(columns)
        .map(|(name, c)| middle_bins(name, &c.bins, &training, max_bins))
        .collect::<Result<_>>()?;
    // The training rows some column needs again.
    let in_middle = |r: usize, c: usize| {
        let b = columns[c].bins[r];
        training[r] && (middles[c].low..=middles[c].high).contains(&b)
    };
    let again: Vec<usize> = (0..n)
        .into_par_iter()
        .filter(|&r| (0..columns.len()).any(|c| in_middle(r, c)))
        .collect();
    let values: Vec<Mutex<Vec<f64>>> = names.iter().map(|_| Mutex::default()).collect();
    source
        .stream_numbers(&names, Some(&again), &|c, first, chunk| {
            let mut kept = lock(&values[c]);
            for (i, &x) in chunk.iter().enumerate() {
                if again.get(first + i).is_some_and(|&r| in_middle(r, c)) {
                    kept.push(x);
                }
            }
        })?
        .ok_or_else(|| Error::invalid("table", "the source stopped streaming its numbers"))?;
    names
        .iter()
        .zip(values)
        .zip(&middles)
        .map(|((name, values), middle)| {
            let mut values = values.into_inner().unwrap_or_default();
            values.sort_unstable_by(f64::total_cmp);
            let at = |rank: usize| values.get(rank.wrapping_sub(middle.below)).copied();
            let upper = at(middle.upper_rank);
            let lower = middle.lower_rank.map(at);
            match (lower, upper) {
                (None, Some(upper)) => Ok(upper),
                (Some(Some(lower)), Some(upper)) => Ok((lower + upper) / 2.0),
                _ => Err(Error::invalid(
                    "table",
                    format!("column {name:?} changed between two reads of the file"),
                )),
            }
        })
        .collect()
}

/// The bins of `bins` (a column's, every row) that hold the training rows' middle ranks.
fn middle_bins(name: &str, bins: &[u8], training: &[bool], max_bins: u8) -> Result<MiddleBins> {
    let mut counts = [0usize; 256];
    for (&b, &t) in bins.iter().zip(training) {
        counts[usize::from(b)] += usize::from(t);
    }
    counts[usize::from(max_bins)] = 0;
    let present: usize = counts.iter().sum();
    if present == 0 {
        return Err(Error::BadColumn {
            column: name.into(),
            message: format!("no value in the training rows, so nothing to learn; --drop {name}"),
        });
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
    Ok(MiddleBins {
        low: u8::try_from(low).unwrap_or(u8::MAX),
        high: u8::try_from(high).unwrap_or(u8::MAX),
        below,
        lower_rank,
        upper_rank,
    })
}

/// A mutex's value, poisoned or not (a visit that panicked has already failed the pass).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
