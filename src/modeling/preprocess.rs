//! The preprocessing that travels inside the model, equal to scikit-learn's standard pipeline
//!
//! ```text
//! ColumnTransformer([
//!     ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
//!     ("cat", OneHotEncoder(handle_unknown="ignore"), text_and_boolean),
//! ], verbose_feature_names_out=False)
//! ```
//!
//! fitted on the training rows only and applied unchanged to held-out rows and requests:
//!
//! - numeric columns: a missing value becomes the training median, then the column is
//!   standardised (when the run scales; the height-weight preset does not);
//! - text and boolean columns: one feature per training category, in scikit-learn's sorted
//!   order; a category not seen in training encodes as all zeros; a missing value is a
//!   category of its own (`COLUMN_nan`, last) when training rows had missing values, and all
//!   zeros otherwise, as scikit-learn treats pandas' NaN;
//! - output: the numeric columns first, then each text column's block, as the transformer
//!   concatenates its parts.
//!
//! Guards scikit-learn does not have: a text column with more than `max_categories` distinct
//! values, or one value per row (an identifier), is an error that names it and suggests
//! `--drop`, since one-hot encoding it gives the model nothing to learn from but width. A
//! numeric column with no value in the training rows is an error (scikit-learn's imputer would
//! silently drop it). A constant column is kept, as scikit-learn keeps it.
//!
//! Hand-written because linfa-preprocessing has a scaler (used here) but no imputer and no
//! encoder for text, and nothing that records a per-column schema a server can check requests
//! against.

use ndarray::{Array2, ArrayView2, Axis};
use polars::prelude::DataFrame;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::column_fit::{PreprocessOptions, DEFAULT_MAX_CATEGORIES, ID_LIKE_MIN_ROWS};

use super::column_fit::{fit_column, fit_data, read_column, read_column_into, ColumnData};
use super::scaler::StandardScaler;
use crate::error::{Error, Result};
use crate::polars_ext::column_names;
use crate::table::cell::{Cell, Mismatch, Value};
use crate::table::{ColumnType, Encoding, InputColumn};

/// Rows a thread encodes at a time in [`Preprocessor::transform`].
const TRANSFORM_BLOCK: usize = 8192;

/// The fitted preprocessing: raw input columns in, model features out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessor {
    /// The input columns, in the order they were given, with their fitted encodings.
    pub columns: Vec<InputColumn>,
    /// The scaler of the numeric columns, in their order (identity when the run does not
    /// scale).
    pub scaler: StandardScaler,
    /// The model's features, in order, named as scikit-learn's `get_feature_names_out`.
    pub feature_names: Vec<String>,
    /// Columns of the training table the model does not use (the target, dropped and
    /// unselected columns): a request may carry them, and they are ignored.
    #[serde(default)]
    pub ignored_columns: Vec<String>,
    /// Whether a numeric gap becomes the median (else NaN, for a model that takes it).
    #[serde(default = "yes")]
    pub impute: bool,
}

fn yes() -> bool {
    true
}

/// A cell that does not fit its column: the column's and row's positions and what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodeError {
    /// Position of the column in [`Preprocessor::columns`].
    pub column: usize,
    /// Position of the row.
    pub row: usize,
    /// What was expected and what was sent.
    pub mismatch: Mismatch,
}

/// One value of an input column as features: a number (the numeric column's one feature), or
/// which of a one-hot block's features is 1 (none: all 0).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Encoded {
    Number(f64),
    Hot(Option<usize>),
}

/// One input column fitted by itself on the training rows, with its features over every row
/// of the frame: for a model fed a column at a time, so that a big table never becomes a
/// matrix of `f64` (histogram boosting's column road: [`crate::modeling::train`]). Without
/// scaling only (that model bins by rank); the features equal what the
/// [`Preprocessor::from_columns`] of these columns encodes.
pub struct ColumnFeatures {
    /// The fitted column: name, type and encoding.
    pub column: InputColumn,
    values: FeatureValues,
}

/// A column's features over every row.
enum FeatureValues {
    /// A numeric column's one feature.
    Number(Vec<f64>),
    /// For each row, which feature of the one-hot block is 1 (`u32::MAX`: none).
    Hot(Vec<u32>),
}

/// Working space a thread reuses from column to column in [`ColumnFeatures::fit`], so that a
/// big table's columns do not each take fresh memory from the system.
#[derive(Debug, Default)]
pub struct ColumnScratch {
    values: Vec<f64>,
    present: Vec<f64>,
}

impl ColumnFeatures {
    /// Reads column `name` of `df`, fits it on rows `rows` as [`Preprocessor::fit`] would
    /// (the same errors), and encodes every row. `options.scale` must be off. `scratch` lends
    /// its buffers; [`ColumnFeatures::recycle`] gives them back.
    pub fn fit(
        df: &DataFrame,
        name: &str,
        rows: &[usize],
        options: PreprocessOptions,
        scratch: &mut ColumnScratch,
    ) -> Result<ColumnFeatures> {
        if options.scale {
            return Err(Error::invalid(
                "preprocessing",
                "columns fitted one at a time cannot be scaled",
            ));
        }
        check_rows(rows, df.height())?;
        let (dtype, data) = read_column_into(df, name, std::mem::take(&mut scratch.values))?;
        let (column, _) = fit_data(name, dtype, &data, rows, options, &mut scratch.present)?;
        // The one-column preprocessing encodes, so the values are the full one's to the bit.
        let one = Preprocessor::from_columns(vec![column], Vec::new(), options.impute);
        let height = df.height();
        let values = match data {
            ColumnData::Numbers(mut v) => {
                for x in &mut v {
                    let value = if x.is_nan() {
                        Value::Missing
                    } else {
                        Value::Number(*x)
                    };
                    if let Encoded::Number(f) = one.encoded(0, 0, value) {
                        *x = f;
                    }
                }
                FeatureValues::Number(v)
            }
            ColumnData::Categories(_) => FeatureValues::Hot(
                (0..height)
                    .map(|r| match one.encoded(0, 0, data.value(r)) {
                        Encoded::Hot(Some(k)) => u32::try_from(k).unwrap_or(u32::MAX),
                        _ => u32::MAX,
                    })
                    .collect(),
            ),
        };
        let column =
            one.columns.into_iter().next().ok_or_else(|| {
                Error::invalid("preprocessing", format!("column {name:?} was lost"))
            })?;
        Ok(ColumnFeatures { column, values })
    }

    /// Gives the values' buffer back to `scratch` for the next column.
    pub fn recycle(self, scratch: &mut ColumnScratch) {
        if let FeatureValues::Number(values) = self.values {
            scratch.values = values;
        }
    }

    /// Number of features (1 for a number, the block's width for categories).
    pub fn width(&self) -> usize {
        self.column.width()
    }

    /// Feature `k`'s value at row `r`.
    #[inline]
    pub fn value(&self, k: usize, r: usize) -> f64 {
        match &self.values {
            FeatureValues::Number(v) => v[r],
            FeatureValues::Hot(hot) => f64::from(u8::from(hot[r] as usize == k)),
        }
    }

    /// Whether the column is numeric (its feature comes before every one-hot block).
    pub fn is_numeric(&self) -> bool {
        matches!(self.values, FeatureValues::Number(_))
    }
}

impl Preprocessor {
    /// Fits on rows `rows` of `df`'s columns `inputs`; the frame's other columns are recorded
    /// as ignored.
    ///
    /// ```
    /// use ml_workflow::modeling::preprocess::{Preprocessor, PreprocessOptions};
    /// use polars::prelude::*;
    ///
    /// let df = df!("size" => [1.0, 3.0, 5.0], "city" => ["north", "east", "north"])?;
    /// let options = PreprocessOptions { scale: true, max_categories: 100, impute: true };
    /// let pre = Preprocessor::fit(&df, &["size".into(), "city".into()], &[0, 1, 2], options)?;
    /// assert_eq!(pre.feature_names, ["size", "city_east", "city_north"]);
    /// let x = pre.transform(&df, &[1])?;
    /// assert_eq!(x.row(0).to_vec(), [0.0, 1.0, 0.0]);
    /// # Ok::<(), ml_workflow::Error>(())
    /// ```
    pub fn fit(
        df: &DataFrame,
        inputs: &[String],
        rows: &[usize],
        options: PreprocessOptions,
    ) -> Result<Preprocessor> {
        check_rows(rows, df.height())?;
        // Columns are fitted in parallel; the first failing column (in input order) is reported.
        let fitted: Vec<Result<(InputColumn, Option<Vec<f64>>)>> = inputs
            .par_iter()
            .map(|name| fit_column(df, name, rows, options))
            .collect();
        let mut columns = Vec::with_capacity(inputs.len());
        let mut numeric = Vec::new();
        for result in fitted {
            let (column, imputed) = result?;
            numeric.extend(imputed);
            columns.push(column);
        }
        let scaler = if options.scale {
            fit_scaler(&numeric, rows.len())?
        } else {
            StandardScaler::identity(numeric.len())
        };
        drop(numeric);
        let feature_names = encoded_names(&columns);
        let ignored_columns = column_names(df)
            .into_iter()
            .filter(|c| !inputs.contains(c))
            .collect();
        Ok(Preprocessor {
            columns,
            scaler,
            feature_names,
            ignored_columns,
            impute: options.impute,
        })
    }

    /// Fitted on the training rows of a split, with both parts as model features.
    pub fn fit_split(
        df: &DataFrame,
        inputs: &[String],
        (train, test): (&[usize], &[usize]),
        options: PreprocessOptions,
    ) -> Result<(Preprocessor, Array2<f64>, Array2<f64>)> {
        let preprocessor = Preprocessor::fit(df, inputs, train, options)?;
        let mut x = preprocessor.transform_each(df, &[train, test])?.into_iter();
        let (Some(x_train), Some(x_test)) = (x.next(), x.next()) else {
            return Err(Error::invalid(
                "split",
                "the preprocessing lost a part of the split",
            ));
        };
        Ok((preprocessor, x_train, x_test))
    }

    /// Rows `rows` of `df` as model features (rows × [`Preprocessor::width`]).
    pub fn transform(&self, df: &DataFrame, rows: &[usize]) -> Result<Array2<f64>> {
        let mut out = self.transform_each(df, &[rows])?;
        Ok(out
            .pop()
            .unwrap_or_else(|| Array2::zeros((0, self.width()))))
    }

    /// [`Preprocessor::transform`] of several row sets (a split's training and held-out rows),
    /// each input column read from the frame once for all of them.
    pub fn transform_each(
        &self,
        df: &DataFrame,
        row_sets: &[&[usize]],
    ) -> Result<Vec<Array2<f64>>> {
        for rows in row_sets {
            check_rows(rows, df.height())?;
        }
        let mut outs: Vec<Array2<f64>> = row_sets
            .iter()
            .map(|rows| Array2::zeros((rows.len(), self.width())))
            .collect();
        // Column by column, so that only one input column is held besides the outputs.
        for (j, (spec, first)) in self.columns.iter().zip(self.first_features()).enumerate() {
            let (_, data) = read_column(df, &spec.name)?;
            for (out, rows) in outs.iter_mut().zip(row_sets) {
                // Blocks of rows in parallel: each thread writes its own rows.
                out.axis_chunks_iter_mut(Axis(0), TRANSFORM_BLOCK)
                    .into_par_iter()
                    .zip(rows.par_chunks(TRANSFORM_BLOCK))
                    .for_each(|(mut block, block_rows)| {
                        for (i, &r) in block_rows.iter().enumerate() {
                            if let Some(row) = block.row_mut(i).into_slice() {
                                self.encode_one(j, first, data.value(r), row);
                            }
                        }
                    });
            }
        }
        Ok(outs)
    }

    /// Where each input column's features start in a row: numeric columns first, then each
    /// one-hot block.
    fn first_features(&self) -> Vec<usize> {
        let (mut numeric, mut offset) = (0, self.scaler.mean.len());
        self.columns
            .iter()
            .map(|spec| match spec.encoding {
                Encoding::Numeric { .. } => {
                    numeric += 1;
                    numeric - 1
                }
                Encoding::OneHot { .. } => {
                    offset += spec.width();
                    offset - spec.width()
                }
            })
            .collect()
    }

    /// Raw cells as model features, row-major (`n_rows` × [`Preprocessor::width`]).
    /// `columns[j]` holds column `j`'s cells, top to bottom, in [`Preprocessor::columns`]'
    /// order; a cell that does not fit its column's type is an error naming both.
    pub fn encode(&self, columns: &[&[Cell]], n_rows: usize) -> Result<Vec<f64>, EncodeError> {
        if columns.len() != self.columns.len() {
            return Err(EncodeError {
                column: columns.len().min(self.columns.len()),
                row: 0,
                mismatch: Mismatch {
                    expected: self
                        .columns
                        .get(columns.len())
                        .map_or(ColumnType::Float, |c| c.dtype),
                    found: format!(
                        "{} columns for a model of {} inputs",
                        columns.len(),
                        self.columns.len()
                    ),
                },
            });
        }
        let width = self.width();
        let firsts = self.first_features();
        let mut out = vec![0.0; n_rows * width];
        let mut values = Vec::with_capacity(columns.len());
        for (row, slot) in out.chunks_mut(width.max(1)).enumerate().take(n_rows) {
            values.clear();
            for (j, (cells, spec)) in columns.iter().zip(&self.columns).enumerate() {
                let cell = cells.get(row).unwrap_or(&Cell::Missing);
                let value = cell.read(spec.dtype).map_err(|mismatch| EncodeError {
                    column: j,
                    row,
                    mismatch,
                })?;
                values.push(value);
            }
            self.encode_values(values.iter().copied(), &firsts, slot);
        }
        Ok(out)
    }

    /// One row's values, in column order, into its features: numbers imputed then scaled in
    /// the first block, one-hot blocks after it.
    fn encode_values<'a>(
        &self,
        values: impl Iterator<Item = Value<'a>>,
        firsts: &[usize],
        out: &mut [f64],
    ) {
        for ((j, value), &first) in values.enumerate().zip(firsts) {
            self.encode_one(j, first, value, out);
        }
    }

    /// Input column `j`'s value into its features, the first at `first`: a number imputed (or
    /// NaN) then scaled; a category's indicator set, a missing or unseen one as the encoding says.
    fn encode_one(&self, j: usize, first: usize, value: Value<'_>, out: &mut [f64]) {
        match self.encoded(j, first, value) {
            Encoded::Number(x) => out[first] = x,
            Encoded::Hot(Some(k)) => out[first + k] = 1.0,
            Encoded::Hot(None) => {}
        }
    }

    /// Input column `j`'s value as its features say it (see [`Preprocessor::encode_one`]).
    fn encoded(&self, j: usize, first: usize, value: Value<'_>) -> Encoded {
        match &self.columns[j].encoding {
            Encoding::Numeric { median } => {
                let x = match value {
                    Value::Number(x) => x,
                    _ if self.impute => *median,
                    _ => f64::NAN,
                };
                let (mean, scale) = (self.scaler.mean[first], self.scaler.scale[first]);
                Encoded::Number((x - mean) / scale)
            }
            Encoding::OneHot {
                categories,
                missing_category,
            } => Encoded::Hot(match value {
                Value::Category(c) => categories.binary_search_by(|k| k.as_str().cmp(c)).ok(),
                _ => missing_category.then_some(categories.len()),
            }),
        }
    }

    /// The preprocessing of columns fitted one at a time ([`ColumnFeatures::fit`], without
    /// scaling): what [`Preprocessor::fit`] gives for the same columns and options.
    pub fn from_columns(
        columns: Vec<InputColumn>,
        ignored_columns: Vec<String>,
        impute: bool,
    ) -> Preprocessor {
        let numeric = columns
            .iter()
            .filter(|c| matches!(c.encoding, Encoding::Numeric { .. }))
            .count();
        Preprocessor {
            feature_names: encoded_names(&columns),
            columns,
            scaler: StandardScaler::identity(numeric),
            ignored_columns,
            impute,
        }
    }

    /// Number of model features.
    pub fn width(&self) -> usize {
        self.columns.iter().map(InputColumn::width).sum()
    }

    /// The input columns' names, in order: what a request must carry.
    pub fn input_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Checks that the parts agree (a hand-edited artifact may not): one scaler entry per
    /// numeric column, one feature name per feature, sorted unique categories.
    pub fn check(&self) -> std::result::Result<(), String> {
        let numeric = self.columns.iter().filter(|c| c.dtype.is_numeric()).count();
        let scaler = &self.scaler;
        if scaler.mean.len() != numeric || scaler.scale.len() != numeric {
            return Err(format!(
                "{numeric} numeric columns but a scaler for {} (mean) and {} (scale)",
                scaler.mean.len(),
                scaler.scale.len()
            ));
        }
        if self.feature_names != encoded_names(&self.columns) {
            return Err(format!(
                "its feature names {:?} are not the encoded columns' names",
                self.feature_names
            ));
        }
        if self.width() == 0 {
            return Err("its inputs encode to no feature".into());
        }
        let bad_scale = |s: &f64| !s.is_finite() || *s == 0.0;
        if self.scaler.scale.iter().any(bad_scale)
            || self.scaler.mean.iter().any(|m| !m.is_finite())
        {
            return Err("its scaler has a zero or non-finite entry".into());
        }
        for column in &self.columns {
            let consistent = match &column.encoding {
                Encoding::Numeric { .. } => column.dtype.is_numeric(),
                Encoding::OneHot { categories, .. } => {
                    !column.dtype.is_numeric() && categories.windows(2).all(|w| w[0] < w[1])
                }
            };
            if !consistent {
                return Err(format!(
                    "column {:?}: its encoding does not fit its type, or its categories are \
                     not sorted and unique",
                    column.name
                ));
            }
        }
        Ok(())
    }
}

/// The features' names in the order `encode_values` writes them: the numeric columns first,
/// then each one-hot block, as the transformer concatenates its parts.
fn encoded_names(columns: &[InputColumn]) -> Vec<String> {
    let numeric = columns.iter().filter(|c| c.dtype.is_numeric());
    let one_hot = columns.iter().filter(|c| !c.dtype.is_numeric());
    numeric
        .chain(one_hot)
        .flat_map(InputColumn::feature_names)
        .collect()
}

/// The first row index at or past `height`, as an error.
fn check_rows(rows: &[usize], height: usize) -> Result<()> {
    match rows.iter().find(|&&r| r >= height) {
        Some(r) => Err(Error::invalid(
            "rows",
            format!(
                "row {r} is past the frame's last row ({})",
                height.saturating_sub(1)
            ),
        )),
        None => Ok(()),
    }
}

/// The scaler of the imputed numeric columns (identity when there are none).
fn fit_scaler(numeric: &[Vec<f64>], n_rows: usize) -> Result<StandardScaler> {
    if numeric.is_empty() {
        return Ok(StandardScaler::identity(0));
    }
    let mut matrix = Vec::with_capacity(n_rows * numeric.len());
    for i in 0..n_rows {
        matrix.extend(numeric.iter().map(|column| column[i]));
    }
    let x = ArrayView2::from_shape((n_rows, numeric.len()), &matrix)
        .map_err(|e| Error::model("standard scaler", e))?;
    StandardScaler::fit(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_read_for_several_row_sets_gives_each_set_as_its_own_transform() {
        let df = polars::df!(
            "size" => [Some(1.0), None, Some(3.0), Some(f64::NAN), Some(5.0), Some(2.0)],
            "city" => [Some("north"), Some("east"), None, Some("north"), Some("west"), Some("east")],
            "flag" => [true, false, true, true, false, false],
        )
        .expect("frame");
        let inputs: Vec<String> = ["size", "city", "flag"].map(String::from).to_vec();
        for impute in [true, false] {
            let options = PreprocessOptions {
                scale: impute,
                max_categories: 10,
                impute,
            };
            let pre = Preprocessor::fit(&df, &inputs, &[0, 1, 2, 3], options).expect("fit");
            let (train, test): (&[usize], &[usize]) = (&[3, 0, 2, 1], &[5, 4, 1]);
            let both = pre.transform_each(&df, &[train, test]).expect("both");
            let apart = [
                pre.transform(&df, train).expect("train"),
                pre.transform(&df, test).expect("test"),
            ];
            assert_eq!(both.len(), 2);
            for (b, a) in both.iter().zip(&apart) {
                let bits = |x: &Array2<f64>| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(b), bits(a));
            }
            // Without imputation the gaps (a null and a NaN) stay NaN for the model.
            assert_eq!(apart[0][[0, 0]].is_nan(), !impute);
            assert_eq!(apart[0][[3, 0]].is_nan(), !impute);
        }
        let infinite = polars::df!("size" => [1.0, f64::INFINITY]).expect("frame");
        let options = PreprocessOptions {
            scale: false,
            max_categories: 10,
            impute: false,
        };
        let err = Preprocessor::fit(&infinite, &["size".into()], &[0, 1], options)
            .expect_err("an infinity");
        assert!(err.to_string().contains("row 1 is inf"), "{err}");
    }

    #[test]
    fn the_first_bad_column_in_input_order_is_reported_from_the_parallel_fit() {
        let df = polars::df!(
            "a" => [1.0, 2.0, 3.0],
            "empty" => [None::<f64>, None, None],
            "id" => ["p", "q", "r"],
        )
        .expect("frame");
        let options = PreprocessOptions {
            scale: true,
            max_categories: 1,
            impute: true,
        };
        let inputs = ["a", "empty", "id"].map(String::from);
        for _ in 0..20 {
            let err = Preprocessor::fit(&df, &inputs, &[0, 1, 2], options).expect_err("bad");
            assert!(err.to_string().contains("empty"), "{err}");
        }
    }
}
