//! How one input column's encoding is learned from the training rows, as scikit-learn's
//! `SimpleImputer(strategy="median")` and `OneHotEncoder` learn it: a numeric column's median
//! (numpy's, by selection), a text or boolean column's sorted categories behind the guards
//! against identifiers and too many values. [`super::preprocess`] puts the columns together.

use std::collections::BTreeSet;

use polars::prelude::DataFrame;

use crate::error::{Error, Result};
use crate::polars_ext::{column_by_name, column_gaps_as_nan_into};
use crate::table::cell::{bool_category, Value};
use crate::table::names::shell_quote;
use crate::table::{ColumnType, Encoding, InputColumn};

/// The most distinct values a text column may have by default (`--max-categories`).
pub const DEFAULT_MAX_CATEGORIES: usize = 100;
/// A text column with one distinct value per row counts as an identifier from this many rows.
pub const ID_LIKE_MIN_ROWS: usize = 20;

/// What a fit may do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreprocessOptions {
    /// Standardise numeric columns.
    pub scale: bool,
    /// The most distinct values a text column may have.
    pub max_categories: usize,
    /// Fill a numeric gap with the training median; off for a model that takes missing
    /// values itself (histogram gradient boosting), which then sees NaN.
    pub impute: bool,
}

/// One input column of a polars frame, read once.
pub(crate) enum ColumnData<'a> {
    /// Numbers, NaN for a gap (8 bytes a row rather than an `Option`'s 16).
    Numbers(Vec<f64>),
    Categories(Vec<Option<&'a str>>),
}

impl ColumnData<'_> {
    /// Row `r`'s cell.
    pub(crate) fn value(&self, r: usize) -> Value<'_> {
        match self {
            ColumnData::Numbers(v) if v[r].is_nan() => Value::Missing,
            ColumnData::Numbers(v) => Value::Number(v[r]),
            ColumnData::Categories(v) => v[r].map_or(Value::Missing, Value::Category),
        }
    }
}

/// A frame's column as the preprocessing reads it, with its type.
pub(crate) fn read_column<'a>(
    df: &'a DataFrame,
    name: &str,
) -> Result<(ColumnType, ColumnData<'a>)> {
    read_column_into(df, name, Vec::new())
}

/// [`read_column`], a numeric column's values in `buffer` (reused).
pub(crate) fn read_column_into<'a>(
    df: &'a DataFrame,
    name: &str,
    buffer: Vec<f64>,
) -> Result<(ColumnType, ColumnData<'a>)> {
    let column = column_by_name(df, name)?;
    let dtype = ColumnType::of(column.dtype()).ok_or_else(|| Error::BadColumn {
        column: name.into(),
        message: format!(
            "its type {} cannot be a model input (numbers, booleans and text can); --drop {}",
            column.dtype(),
            shell_quote(name)
        ),
    })?;
    let data = match dtype {
        ColumnType::Integer | ColumnType::Float => ColumnData::Numbers(finite_or_missing(
            name,
            column_gaps_as_nan_into(df, name, buffer)?,
        )?),
        ColumnType::Boolean => ColumnData::Categories(
            column
                .bool()?
                .iter()
                .map(|b| b.map(bool_category))
                .collect(),
        ),
        ColumnType::Text => ColumnData::Categories(column.str()?.iter().collect()),
    };
    Ok((dtype, data))
}

/// A numeric column with NaN as a gap (as scikit-learn's imputer reads NaN); an infinity is an
/// error naming its row.
fn finite_or_missing(name: &str, values: Vec<f64>) -> Result<Vec<f64>> {
    match values.iter().position(|x| x.is_infinite()) {
        Some(row) => Err(Error::BadColumn {
            column: name.into(),
            message: format!(
                "row {row} is {}; a model input must be finite or missing",
                values[row]
            ),
        }),
        None => Ok(values),
    }
}

/// One input column fitted: its encoding, and for a numeric column the training rows with
/// gaps filled (what the scaler is fitted on).
pub(crate) fn fit_column(
    df: &DataFrame,
    name: &str,
    rows: &[usize],
    options: PreprocessOptions,
) -> Result<(InputColumn, Option<Vec<f64>>)> {
    let (dtype, data) = read_column(df, name)?;
    fit_data(name, dtype, &data, rows, options, &mut Vec::new())
}

/// [`fit_column`] on the column already read.
pub(crate) fn fit_data(
    name: &str,
    dtype: ColumnType,
    data: &ColumnData<'_>,
    rows: &[usize],
    options: PreprocessOptions,
    present: &mut Vec<f64>,
) -> Result<(InputColumn, Option<Vec<f64>>)> {
    let (encoding, imputed) = match data {
        ColumnData::Numbers(values) => {
            let (median, imputed) = fit_median(name, values, rows, options.scale, present)?;
            (Encoding::Numeric { median }, Some(imputed))
        }
        ColumnData::Categories(values) => (fit_categories(name, values, rows, options)?, None),
    };
    let column = InputColumn {
        name: name.to_string(),
        dtype,
        encoding,
    };
    Ok((column, imputed))
}

/// The training rows' median (numpy's: the mean of the middle two for an even count), and, when
/// the scaler needs them (`keep`), the training rows with missing values filled by it.
/// The present values are gathered in `present` (a reused buffer).
pub(crate) fn fit_median(
    name: &str,
    values: &[f64],
    rows: &[usize],
    keep: bool,
    present: &mut Vec<f64>,
) -> Result<(f64, Vec<f64>)> {
    present.clear();
    // Room for every row at once: grown by doubling it would be copied (and paged in) anew.
    present.reserve(rows.len());
    present.extend(rows.iter().map(|&r| values[r]).filter(|x| !x.is_nan()));
    if present.is_empty() {
        return Err(Error::BadColumn {
            column: name.into(),
            message: format!(
                "no value in the training rows, so nothing to learn; --drop {}",
                shell_quote(name)
            ),
        });
    }
    // A selection, not a sort: linear time, and the same values a sort would put there.
    let n = present.len();
    let (below, &mut upper, _) = present.select_nth_unstable_by(n / 2, f64::total_cmp);
    let median = match below.iter().copied().max_by(f64::total_cmp) {
        Some(lower) if n.is_multiple_of(2) => (lower + upper) / 2.0,
        _ => upper,
    };
    let imputed = if keep {
        rows.iter()
            .map(|&r| {
                if values[r].is_nan() {
                    median
                } else {
                    values[r]
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((median, imputed))
}

/// The training rows' sorted categories, behind the high-cardinality guard.
pub(crate) fn fit_categories(
    name: &str,
    values: &[Option<&str>],
    rows: &[usize],
    options: PreprocessOptions,
) -> Result<Encoding> {
    let mut categories = BTreeSet::new();
    let (mut present, mut missing) = (0, false);
    for &r in rows {
        match values[r] {
            Some(v) => {
                categories.insert(v);
                present += 1;
            }
            None => missing = true,
        }
    }
    let distinct = categories.len();
    if distinct == present && present >= ID_LIKE_MIN_ROWS {
        return Err(Error::BadColumn {
            column: name.into(),
            message: format!(
                "a different value in each of the {present} training rows, like an identifier, \
                 which a model cannot learn from; --drop {}",
                shell_quote(name)
            ),
        });
    }
    if distinct > options.max_categories {
        return Err(Error::BadColumn {
            column: name.into(),
            message: format!(
                "{distinct} distinct values in the training rows, more than {} for one-hot \
                 encoding; --drop {} (or raise --max-categories)",
                options.max_categories,
                shell_quote(name)
            ),
        });
    }
    Ok(Encoding::OneHot {
        categories: categories.into_iter().map(str::to_owned).collect(),
        missing_category: missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// numpy's median by sorting, what the selection must equal.
    fn sorted_median(values: &[f64]) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    #[test]
    fn median_by_selection_equals_the_sorted_median_for_odd_and_even_counts() {
        let mut state = 7u64;
        for n in [1usize, 2, 3, 4, 9, 10, 101, 1000] {
            let values: Vec<Option<f64>> = (0..n)
                .map(|i| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    // Duplicates, signed zeros and gaps, which an order-sensitive bug would show.
                    match i % 7 {
                        0 => None,
                        1 => Some(-0.0),
                        2 => Some(0.0),
                        _ => Some((state >> 40) as f64 % 13.0 - 6.0),
                    }
                })
                .collect();
            let rows: Vec<usize> = (0..n).collect();
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            if present.is_empty() {
                continue;
            }
            let gaps_as_nan: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
            let (median, imputed) =
                fit_median("x", &gaps_as_nan, &rows, true, &mut Vec::new()).expect("median");
            assert_eq!(
                median.to_bits(),
                sorted_median(&present).to_bits(),
                "n = {n}"
            );
            assert!(imputed.iter().all(|v| !v.is_nan()));
        }
    }
}
