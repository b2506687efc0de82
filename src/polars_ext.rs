//! polars helpers: bridges between polars frames and the `Vec`/ndarray world the models work in.

use ndarray::{Array1, Array2};
use polars::prelude::{Column, DataFrame, DataType, NamedFrom, Series};

use crate::error::{Error, Result};

/// The frame's column names, in order.
pub fn column_names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Whether a column holds numbers.
pub fn is_numeric(column: &Column) -> bool {
    column.dtype().is_primitive_numeric()
}

/// The names of the frame's numeric columns, in order.
pub fn numeric_columns(df: &DataFrame) -> Vec<String> {
    df.columns()
        .iter()
        .filter(|c| is_numeric(c))
        .map(|c| c.name().to_string())
        .collect()
}

/// Finds a column by comparing names, not through polars' hashed schema cache: a frame made
/// in one evcxr cell is used by code compiled in another, whose copy of polars hashes names
/// with a different global seed, so cached lookups miss (seen on frames of 10+ columns).
pub fn column_by_name<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.columns()
        .iter()
        .find(|c| c.name().as_str() == name)
        .ok_or_else(|| Error::MissingColumn {
            name: name.into(),
            available: column_names(df).join(", "),
        })
}

/// A numeric column as `f64` values with missing values kept as `None`.
pub fn column_f64_nullable(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    Ok(float_column(df, name)?.f64()?.iter().collect())
}

/// A numeric column as `f64`, a missing value as NaN where it stands (for summaries: pandas
/// adds a column with its gaps in place, and this is half the memory of the `Option`s).
pub fn column_gaps_as_nan(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    column_gaps_as_nan_into(df, name, Vec::new())
}

/// [`column_gaps_as_nan`] into `out` (emptied first), so that a caller reading many columns
/// one after another reuses one buffer.
pub fn column_gaps_as_nan_into(df: &DataFrame, name: &str, mut out: Vec<f64>) -> Result<Vec<f64>> {
    let column = float_column(df, name)?;
    let values = column.f64()?;
    out.clear();
    out.reserve(values.len());
    // Chunk by chunk: a chunk without gaps is copied whole.
    for chunk in values.downcast_iter() {
        if chunk.validity().is_none_or(|valid| valid.unset_bits() == 0) {
            out.extend_from_slice(chunk.values());
        } else {
            out.extend(chunk.iter().map(|v| v.copied().unwrap_or(f64::NAN)));
        }
    }
    Ok(out)
}

/// A numeric column cast to `Float64`; any other type is an error naming the column.
fn float_column(df: &DataFrame, name: &str) -> Result<Column> {
    let col = column_by_name(df, name)?;
    if !is_numeric(col) {
        return Err(Error::BadColumn {
            column: name.into(),
            message: format!("expected numbers, found {}", col.dtype()),
        });
    }
    Ok(col.cast(&DataType::Float64)?)
}

/// A numeric column as `f64` values; a missing value is an error naming its row.
pub fn column_f64(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    column_f64_nullable(df, name)?
        .into_iter()
        .enumerate()
        .map(|(row, v)| {
            v.ok_or_else(|| Error::BadColumn {
                column: name.into(),
                message: format!("row {row} is missing a value"),
            })
        })
        .collect()
}

/// Selected numeric columns as a row-major matrix (rows × columns).
pub fn to_matrix(df: &DataFrame, names: &[String]) -> Result<Array2<f64>> {
    let mut m = Array2::zeros((df.height(), names.len()));
    for (j, name) in names.iter().enumerate() {
        let values = column_f64(df, name)?;
        m.column_mut(j).assign(&Array1::from(values));
    }
    Ok(m)
}

/// Builds a frame of `f64` columns from names and equal-length value vectors.
pub fn from_columns(columns: Vec<(String, Vec<f64>)>) -> Result<DataFrame> {
    let height = columns.first().map_or(0, |(_, v)| v.len());
    let cols = columns
        .into_iter()
        .map(|(name, values)| Column::from(Series::new(name.as_str().into(), values)))
        .collect();
    Ok(DataFrame::new(height, cols)?)
}

/// The frame without the named columns (each must exist).
pub fn drop_columns(df: &DataFrame, names: &[&str]) -> Result<DataFrame> {
    for name in names {
        column_by_name(df, name)?;
    }
    let kept = df
        .columns()
        .iter()
        .filter(|c| !names.contains(&c.name().as_str()))
        .cloned()
        .collect();
    Ok(DataFrame::new(df.height(), kept)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_and_errors() {
        let df = from_columns(vec![
            ("a".into(), vec![1.0, 2.0]),
            ("b".into(), vec![3.0, 4.0]),
        ])
        .unwrap();
        let m = to_matrix(&df, &["b".into(), "a".into()]).unwrap();
        assert_eq!(m, ndarray::array![[3.0, 1.0], [4.0, 2.0]]);
        let err = to_matrix(&df, &["c".into()]).unwrap_err().to_string();
        assert!(err.contains("\"c\"") && err.contains("a, b"), "{err}");
        assert_eq!(column_names(&drop_columns(&df, &["a"]).unwrap()), ["b"]);
    }
}
