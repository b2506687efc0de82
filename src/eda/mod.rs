//! Exploratory data analysis: pandas' `describe`, Pearson correlations and Gaussian KDE
//! (scipy's `gaussian_kde` with Scott's bandwidth, as seaborn uses it).

use std::fmt;

mod describe_all;

pub use describe_all::{describe_all, ColumnSummary, DescribeAll};

use polars::prelude::DataFrame;
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::display::Table;
use crate::error::{Error, Result};
use crate::numpy_sum::pairwise_sum_of;
use crate::polars_ext::{column_f64, column_f64_nullable, column_gaps_as_nan, numeric_columns};

/// The eight summary statistics pandas' `describe()` gives for a numeric column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of non-missing values.
    pub count: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (ddof = 1).
    pub std: f64,
    /// Smallest value.
    pub min: f64,
    /// First quartile (linear interpolation).
    pub q25: f64,
    /// Median.
    pub q50: f64,
    /// Third quartile.
    pub q75: f64,
    /// Largest value.
    pub max: f64,
}

/// The statistic names in pandas' order.
pub const STAT_NAMES: [&str; 8] = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];

impl Summary {
    /// Summarises values, skipping missing ones (NaN) as pandas does, and to the bit as pandas
    /// computes them: the mean and the standard deviation add the values in numpy's pairwise
    /// order with a gap counted as 0 where it stands (pandas' `nanmean`/`nanvar`), so pass a
    /// column's gaps as NaN rather than dropping them; quartiles interpolate as numpy's
    /// `percentile`. The quartiles come from selection, not a sort, so a column of millions
    /// is summarised in a few passes.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Summary {
        let mut v: Vec<f64> = values.into_iter().collect();
        let n = v.iter().filter(|x| !x.is_nan()).count();
        let present = |x: f64| if x.is_nan() { 0.0 } else { x };
        let mean = if n == 0 {
            f64::NAN
        } else {
            pairwise_sum_of(&v, present) / n as f64
        };
        let std = if n < 2 {
            f64::NAN
        } else {
            let squared = |x: f64| {
                if x.is_nan() {
                    0.0
                } else {
                    (mean - x) * (mean - x)
                }
            };
            (pairwise_sum_of(&v, squared) / (n - 1) as f64).sqrt()
        };
        v.retain(|x| !x.is_nan());
        let min = v.iter().copied().min_by(f64::total_cmp);
        let max = v.iter().copied().max_by(f64::total_cmp);
        Summary {
            count: n,
            mean,
            std,
            min: min.unwrap_or(f64::NAN),
            q25: quantile_selected(&mut v, 0.25),
            q50: quantile_selected(&mut v, 0.5),
            q75: quantile_selected(&mut v, 0.75),
            max: max.unwrap_or(f64::NAN),
        }
    }

    /// The statistics in [`STAT_NAMES`] order.
    pub fn values(&self) -> [f64; 8] {
        [
            self.count as f64,
            self.mean,
            self.std,
            self.min,
            self.q25,
            self.q50,
            self.q75,
            self.max,
        ]
    }
}

/// Quantile of sorted values with numpy's default linear interpolation.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    numpy_lerp(sorted[lo], sorted[hi], pos - lo as f64)
}

/// [`quantile_sorted`] of values in any order, by selection (linear time); reorders them.
fn quantile_selected(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let pos = q * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut below, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    // The next value in order is the smallest of those after it.
    let next = if frac > 0.0 {
        above
            .iter()
            .copied()
            .min_by(f64::total_cmp)
            .unwrap_or(below)
    } else {
        below
    };
    numpy_lerp(below, next, frac)
}

/// `a + (b - a)·t` as numpy's `percentile` computes it: from `b` when `t >= 0.5`, which is a
/// different last bit for some pairs.
fn numpy_lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The result of [`describe`]: one [`Summary`] per numeric column.
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    /// Column names, in frame order.
    pub columns: Vec<String>,
    /// One summary per column.
    pub summaries: Vec<Summary>,
}

/// pandas' `df.describe()` over the numeric columns.
///
/// ```
/// use ml_workflow::polars_ext::from_columns;
///
/// let df = from_columns(vec![("x".into(), vec![1.0, 2.0, 3.0, 4.0])])?;
/// let table = ml_workflow::eda::describe(&df)?;
/// let x = table.get("x").expect("a numeric column");
/// assert_eq!((x.count, x.mean, x.q50), (4, 2.5, 2.5));
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn describe(df: &DataFrame) -> Result<Describe> {
    let columns = numeric_columns(df);
    if columns.is_empty() {
        return Err(Error::invalid(
            "frame",
            "describe needs at least one numeric column",
        ));
    }
    // Columns in parallel: each is copied and summarised on its own.
    let summaries = columns
        .par_iter()
        .map(|c| Ok(Summary::of(column_gaps_as_nan(df, c)?)))
        .collect::<Result<_>>()?;
    Ok(Describe { columns, summaries })
}

impl Describe {
    /// The summary of one column.
    pub fn get(&self, column: &str) -> Option<&Summary> {
        self.columns
            .iter()
            .position(|c| c == column)
            .map(|i| &self.summaries[i])
    }

    /// As pandas' `df.describe().to_json()`: `{"COL":{"count":..,"mean":..,...},...}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (name, s) in self.columns.iter().zip(&self.summaries) {
            let stats: Map<String, Value> = STAT_NAMES
                .iter()
                .zip(s.values())
                .map(|(k, v)| (k.to_string(), json_number(v)))
                .collect();
            out.insert(name.clone(), Value::Object(stats));
        }
        Value::Object(out)
    }

    /// The table as rows of statistics and columns of variables (pandas' layout).
    pub fn table(&self) -> Table {
        let mut header = vec![String::new()];
        header.extend(self.columns.iter().cloned());
        let rows = STAT_NAMES
            .iter()
            .enumerate()
            .map(|(i, stat)| {
                let mut row = vec![stat.to_string()];
                row.extend(self.summaries.iter().map(|s| format_stat(s.values()[i])));
                row
            })
            .collect();
        Table::new(header, rows)
    }

    /// Shows the table inline in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

impl fmt::Display for Describe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.table().fmt(f)
    }
}

pub(crate) fn json_number(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Formats a statistic as pandas prints it: six decimals.
pub(crate) fn format_stat(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else {
        format!("{v:.6}")
    }
}

/// Pearson correlation matrix of numeric columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    /// Column names (rows and columns of the matrix).
    pub columns: Vec<String>,
    /// Row-major square matrix of coefficients.
    pub matrix: Vec<Vec<f64>>,
}

/// Pearson correlations between all numeric columns (rows with a missing value are dropped
/// pairwise, as pandas' `df.corr()` does).
pub fn correlation(df: &DataFrame) -> Result<Correlation> {
    let columns = numeric_columns(df);
    let data = columns
        .iter()
        .map(|c| column_f64_nullable(df, c))
        .collect::<Result<Vec<_>>>()?;
    let k = columns.len();
    let mut matrix = vec![vec![1.0; k]; k];
    for i in 0..k {
        for j in 0..i {
            let pairs: Vec<(f64, f64)> = data[i]
                .iter()
                .zip(&data[j])
                .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
                .collect();
            let r = pearson_pairs(&pairs);
            matrix[i][j] = r;
            matrix[j][i] = r;
        }
    }
    Ok(Correlation { columns, matrix })
}

/// Pearson's r of two equal-length samples.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let pairs: Vec<(f64, f64)> = x.iter().copied().zip(y.iter().copied()).collect();
    pearson_pairs(&pairs)
}

fn pearson_pairs(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    sxy / (sxx * syy).sqrt()
}

impl Correlation {
    /// The coefficient between two named columns.
    pub fn get(&self, a: &str, b: &str) -> Option<f64> {
        let i = self.columns.iter().position(|c| c == a)?;
        let j = self.columns.iter().position(|c| c == b)?;
        Some(self.matrix[i][j])
    }

    /// The matrix as a table with two decimals.
    pub fn table(&self) -> Table {
        let mut header = vec![String::new()];
        header.extend(self.columns.iter().cloned());
        let rows = self
            .columns
            .iter()
            .zip(&self.matrix)
            .map(|(name, row)| {
                let mut cells = vec![name.clone()];
                cells.extend(row.iter().map(|r| format!("{r:.2}")));
                cells
            })
            .collect();
        Table::new(header, rows)
    }

    /// Shows the table inline in evcxr.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

/// Scott's rule factor `n^(-1/(d+4))`, scipy's default bandwidth factor.
pub fn scott_factor(n: usize, dims: usize) -> f64 {
    (n as f64).powf(-1.0 / (dims as f64 + 4.0))
}

/// One-dimensional Gaussian KDE with Scott's bandwidth (scipy's `gaussian_kde`).
#[derive(Debug, Clone)]
pub struct Kde1 {
    data: Vec<f64>,
    bandwidth: f64,
}

impl Kde1 {
    /// Fits the estimator to finite values; needs at least two distinct values.
    pub fn new(data: &[f64]) -> Result<Kde1> {
        let data: Vec<f64> = data.iter().copied().filter(|x| x.is_finite()).collect();
        let s = Summary::of(data.iter().copied());
        if data.len() < 2 || s.std <= 0.0 {
            return Err(Error::invalid(
                "kde data",
                "needs at least two distinct finite values",
            ));
        }
        let bandwidth = s.std * scott_factor(data.len(), 1);
        Ok(Kde1 { data, bandwidth })
    }

    /// The kernel's standard deviation.
    pub fn bandwidth(&self) -> f64 {
        self.bandwidth
    }

    /// Density at each point.
    pub fn evaluate(&self, points: &[f64]) -> Vec<f64> {
        let h = self.bandwidth;
        let norm = 1.0 / (self.data.len() as f64 * h * (2.0 * std::f64::consts::PI).sqrt());
        points
            .par_iter()
            .map(|p| {
                self.data
                    .iter()
                    .map(|x| (-0.5 * ((p - x) / h).powi(2)).exp())
                    .sum::<f64>()
                    * norm
            })
            .collect()
    }

    /// `n` evenly spaced points covering the data plus three bandwidths each side (seaborn's cut).
    pub fn grid(&self, n: usize) -> Vec<f64> {
        let (lo, hi) = min_max(&self.data);
        linspace(lo - 3.0 * self.bandwidth, hi + 3.0 * self.bandwidth, n)
    }
}

/// Two-dimensional Gaussian KDE with Scott's bandwidth and the data's full covariance.
#[derive(Debug, Clone)]
pub struct Kde2 {
    x: Vec<f64>,
    y: Vec<f64>,
    /// Kernel covariance [[sxx, sxy], [sxy, syy]].
    cov: [f64; 3],
}

impl Kde2 {
    /// Fits the estimator to paired finite values.
    pub fn new(x: &[f64], y: &[f64]) -> Result<Kde2> {
        if x.len() != y.len() {
            return Err(Error::invalid(
                "kde data",
                format!("x has {} values, y {}", x.len(), y.len()),
            ));
        }
        let (x, y): (Vec<f64>, Vec<f64>) = x
            .iter()
            .zip(y)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(a, b)| (*a, *b))
            .unzip();
        let n = x.len();
        if n < 3 {
            return Err(Error::invalid(
                "kde data",
                "needs at least three finite pairs",
            ));
        }
        let mx = x.iter().sum::<f64>() / n as f64;
        let my = y.iter().sum::<f64>() / n as f64;
        let d = (n - 1) as f64;
        let sxx = x.iter().map(|a| (a - mx).powi(2)).sum::<f64>() / d;
        let syy = y.iter().map(|b| (b - my).powi(2)).sum::<f64>() / d;
        let sxy = x
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - mx) * (b - my))
            .sum::<f64>()
            / d;
        let f2 = scott_factor(n, 2).powi(2);
        let cov = [sxx * f2, sxy * f2, syy * f2];
        if cov[0] * cov[2] - cov[1] * cov[1] <= 0.0 {
            return Err(Error::invalid(
                "kde data",
                "the points are collinear; the density is degenerate",
            ));
        }
        Ok(Kde2 { x, y, cov })
    }

    /// Density on a `nx` × `ny` grid spanning the data ± three kernel standard deviations;
    /// returns the x grid, the y grid and densities indexed `[iy][ix]`.
    pub fn grid(&self, nx: usize, ny: usize) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        let (sx, sy) = (self.cov[0].sqrt(), self.cov[2].sqrt());
        let (x0, x1) = min_max(&self.x);
        let (y0, y1) = min_max(&self.y);
        let gx = linspace(x0 - 3.0 * sx, x1 + 3.0 * sx, nx);
        let gy = linspace(y0 - 3.0 * sy, y1 + 3.0 * sy, ny);
        let z = gy
            .par_iter()
            .map(|&py| gx.iter().map(|&px| self.density(px, py)).collect())
            .collect();
        (gx, gy, z)
    }

    /// Density at one point.
    pub fn density(&self, px: f64, py: f64) -> f64 {
        let [a, b, c] = self.cov;
        let det = a * c - b * b;
        let (ia, ib, ic) = (c / det, -b / det, a / det);
        let norm = 1.0 / (self.x.len() as f64 * 2.0 * std::f64::consts::PI * det.sqrt());
        // Beyond six standard deviations a kernel contributes less than 1e-8 of its peak.
        let cutoff = 36.0;
        self.x
            .iter()
            .zip(&self.y)
            .map(|(x, y)| {
                let (dx, dy) = (px - x, py - y);
                let q = ia * dx * dx + 2.0 * ib * dx * dy + ic * dy * dy;
                if q > cutoff {
                    0.0
                } else {
                    (-0.5 * q).exp()
                }
            })
            .sum::<f64>()
            * norm
    }
}

/// Smallest and largest of finite values.
pub fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

/// `n` evenly spaced values from `lo` to `hi` inclusive.
pub fn linspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    match n {
        0 => vec![],
        1 => vec![lo],
        _ => (0..n)
            .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
            .collect(),
    }
}

/// Two numeric columns as paired values, for plots and KDEs.
pub fn xy(df: &DataFrame, x: &str, y: &str) -> Result<(Vec<f64>, Vec<f64>)> {
    Ok((column_f64(df, x)?, column_f64(df, y)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_matches_pandas_to_the_bit() {
        // Literals from compare/python/describe_parity.py (pandas' describe of the same column).
        let values: Vec<Option<f64>> = (0..1000i64)
            .map(|i| {
                let sign = if i % 3 == 0 { -1 } else { 1 };
                let x = (sign * (i * i % 1013)) as f64 / 3.0 * 10f64.powi((i % 11) as i32);
                (i % 13 != 0).then_some(x)
            })
            .collect();
        let df = polars::df!("x" => values).expect("frame");
        let table = describe(&df).expect("describe");
        let s = table.get("x").expect("x");
        assert_eq!(
            s.values(),
            [
                923.0,
                53366637109.178406,
                579937655567.452,
                -3043333333333.333,
                -25533.333333333332,
                24500.0,
                266166666.66666666,
                3206666666666.667,
            ]
        );
        // Added in sorted order (as before), the mean and std differ from pandas' in the last
        // bits: the script prints those too.
        assert_ne!(s.mean, 53366637109.17851);
        assert_ne!(s.std, 579937655567.4519);
    }

    #[test]
    fn quartiles_interpolate_as_numpy_percentile() {
        // np.percentile([0.2, 0.9], [10, 75, 90]): from the upper value when t >= 0.5.
        let pair = [0.2, 0.9];
        assert_eq!(quantile_sorted(&pair, 0.1), 0.27);
        assert_eq!(quantile_sorted(&pair, 0.75), 0.7250000000000001);
        assert_eq!(quantile_sorted(&pair, 0.9), 0.8300000000000001);
        let mut shuffled = [0.9, 0.2];
        assert_eq!(quantile_selected(&mut shuffled, 0.75), 0.7250000000000001);
    }

    #[test]
    fn selected_quartiles_equal_sorted_ones() {
        let values: Vec<f64> = (0..1001)
            .map(|i| f64::from((i * 7919) % 1009) - 500.0)
            .chain([0.0, -0.0, 0.0])
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.999, 1.0] {
            let mut any_order = values.clone();
            let selected = quantile_selected(&mut any_order, q);
            assert_eq!(
                selected.to_bits(),
                quantile_sorted(&sorted, q).to_bits(),
                "q = {q}"
            );
        }
    }

    #[test]
    fn summary_matches_pandas_on_small_input() {
        // pandas: pd.Series([1, 2, 3, 4, 10]).describe()
        let s = Summary::of([1.0, 2.0, 3.0, 4.0, 10.0]);
        assert_eq!(s.count, 5);
        assert_eq!(s.mean, 4.0);
        assert!((s.std - 3.5355339059327378).abs() < 1e-15);
        assert_eq!((s.q25, s.q50, s.q75), (2.0, 3.0, 4.0));
        let s = Summary::of([1.0, 2.0]);
        assert_eq!((s.q25, s.q75), (1.25, 1.75));
    }

    #[test]
    fn kde_integrates_to_one() {
        let data: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64 / 10.0).collect();
        let kde = Kde1::new(&data).unwrap();
        let grid = kde.grid(2000);
        let step = grid[1] - grid[0];
        let mass: f64 = kde.evaluate(&grid).iter().sum::<f64>() * step;
        assert!((mass - 1.0).abs() < 1e-3, "{mass}");
        assert!(Kde1::new(&[1.0, 1.0]).is_err());
    }

    #[test]
    fn kde2_integrates_to_one() {
        let x: Vec<f64> = (0..300).map(|i| ((i * 37) % 101) as f64 / 10.0).collect();
        let y: Vec<f64> = x
            .iter()
            .enumerate()
            .map(|(i, v)| v * 0.5 + ((i * 13) % 7) as f64)
            .collect();
        let kde = Kde2::new(&x, &y).unwrap();
        let (gx, gy, z) = kde.grid(120, 120);
        let cell = (gx[1] - gx[0]) * (gy[1] - gy[0]);
        let mass: f64 = z.iter().flatten().sum::<f64>() * cell;
        assert!((mass - 1.0).abs() < 1e-2, "{mass}");
    }

    #[test]
    fn pearson_of_linear_data_is_one() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]) - 0.9986).abs() < 1e-3);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    }
}
