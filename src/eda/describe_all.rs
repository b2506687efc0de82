//! pandas' `df.describe(include="all")`: every column, numeric ones with their statistics and
//! text and boolean ones with `count`, `unique`, `top` and `freq` (the most frequent value;
//! on a tie, the one seen first, as pandas' stable `value_counts` gives it).

use std::collections::HashMap;
use std::fmt;

use polars::prelude::{DataFrame, DataType};
use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{format_stat, json_number, Summary, STAT_NAMES};
use crate::display::Table;
use crate::error::Result;
use crate::polars_ext::{column_gaps_as_nan, column_names, is_numeric};

/// The statistics of one column of [`describe_all`].
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnSummary {
    /// A numeric column: `count` to `max`.
    Numeric(Summary),
    /// A text or boolean column.
    Categorical {
        /// Non-missing cells.
        count: usize,
        /// Distinct non-missing values.
        unique: usize,
        /// The most frequent value (the first seen on a tie); None when all are missing.
        top: Option<String>,
        /// How often it appears.
        freq: usize,
        /// Whether the column is boolean (its `top` is `true`/`false` in JSON).
        boolean: bool,
    },
}

/// The result of [`describe_all`]: one summary per column, in frame order.
#[derive(Debug, Clone, PartialEq)]
pub struct DescribeAll {
    /// Column names, in frame order.
    pub columns: Vec<String>,
    /// One summary per column.
    pub summaries: Vec<ColumnSummary>,
}

/// pandas' `df.describe(include="all")`.
///
/// ```
/// use ml_workflow::eda::{describe_all, ColumnSummary};
/// use polars::prelude::*;
///
/// let df = df!("city" => ["north", "south", "north"], "size" => [1.0, 2.0, 4.0])?;
/// let table = describe_all(&df)?;
/// assert!(matches!(&table.summaries[0],
///     ColumnSummary::Categorical { top: Some(t), freq: 2, unique: 2, .. } if t == "north"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn describe_all(df: &DataFrame) -> Result<DescribeAll> {
    let columns = column_names(df);
    // Columns in parallel, as `describe`: each thread holds one column's copy at a time.
    let summaries = df
        .columns()
        .par_iter()
        .map(|column| {
            if is_numeric(column) {
                let values = column_gaps_as_nan(df, column.name().as_str())?;
                return Ok(ColumnSummary::Numeric(Summary::of(values)));
            }
            let boolean = column.dtype() == &DataType::Boolean;
            let text = column.cast(&DataType::String)?;
            let cells = text.str()?;
            let values: Vec<&str> = (0..cells.len()).filter_map(|i| cells.get(i)).collect();
            Ok(categorical(&values, boolean))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DescribeAll { columns, summaries })
}

fn categorical(values: &[&str], boolean: bool) -> ColumnSummary {
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (i, v) in values.iter().enumerate() {
        counts.entry(v).or_insert((0, i)).0 += 1;
    }
    // Most frequent; on a tie the one seen first.
    let top = counts
        .iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(v, (n, _))| (v.to_string(), *n));
    ColumnSummary::Categorical {
        count: values.len(),
        unique: counts.len(),
        freq: top.as_ref().map_or(0, |t| t.1),
        top: top.map(|t| t.0),
        boolean,
    }
}

/// The row names pandas prints for `include="all"`: the categorical ones if any column is
/// categorical, the numeric ones if any is numeric.
fn rows(summaries: &[ColumnSummary]) -> Vec<&'static str> {
    let any_categorical = summaries
        .iter()
        .any(|s| matches!(s, ColumnSummary::Categorical { .. }));
    let any_numeric = summaries
        .iter()
        .any(|s| matches!(s, ColumnSummary::Numeric(_)));
    let mut rows = vec!["count"];
    if any_categorical {
        rows.extend(["unique", "top", "freq"]);
    }
    if any_numeric {
        rows.extend(&STAT_NAMES[1..]);
    }
    rows
}

/// One statistic of one column, as JSON (null where pandas has NaN).
fn stat(summary: &ColumnSummary, row: &str) -> Value {
    match summary {
        ColumnSummary::Numeric(s) => match STAT_NAMES.iter().position(|n| *n == row) {
            Some(i) => json_number(s.values()[i]),
            None => Value::Null,
        },
        ColumnSummary::Categorical {
            count,
            unique,
            top,
            freq,
            boolean,
        } => match row {
            "count" => Value::from(*count),
            "unique" => Value::from(*unique),
            "freq" => Value::from(*freq),
            "top" => match (top, boolean) {
                (Some(t), true) => Value::Bool(t == "true"),
                (Some(t), false) => Value::from(t.as_str()),
                (None, _) => Value::Null,
            },
            _ => Value::Null,
        },
    }
}

impl DescribeAll {
    /// As pandas' `df.describe(include="all").to_json()`.
    pub fn to_json(&self) -> Value {
        let rows = rows(&self.summaries);
        let out: Map<String, Value> = self
            .columns
            .iter()
            .zip(&self.summaries)
            .map(|(name, s)| {
                let stats: Map<String, Value> =
                    rows.iter().map(|r| (r.to_string(), stat(s, r))).collect();
                (name.clone(), Value::Object(stats))
            })
            .collect();
        Value::Object(out)
    }

    /// The table in pandas' layout: statistics down, columns across, NaN where none applies.
    pub fn table(&self) -> Table {
        let mut header = vec![String::new()];
        header.extend(self.columns.iter().cloned());
        let rows = rows(&self.summaries)
            .into_iter()
            .map(|row| {
                let mut cells = vec![row.to_string()];
                cells.extend(self.summaries.iter().map(|s| cell(s, row)));
                cells
            })
            .collect();
        Table::new(header, rows)
    }

    /// Shows the table inline in a Jupyter notebook running the evcxr kernel.
    pub fn evcxr_display(&self) {
        self.table().evcxr_display();
    }
}

/// A statistic as pandas prints it: numbers with six decimals, counts of text as integers.
fn cell(summary: &ColumnSummary, row: &str) -> String {
    match (summary, stat(summary, row)) {
        (ColumnSummary::Numeric(_), Value::Number(n)) => {
            format_stat(n.as_f64().unwrap_or(f64::NAN))
        }
        (_, Value::Null) => "NaN".into(),
        (_, Value::Bool(b)) => if b { "True" } else { "False" }.into(),
        (_, Value::String(s)) => s,
        (_, other) => other.to_string(),
    }
}

impl fmt::Display for DescribeAll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.table().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::CsvReader;

    fn parse_csv(bytes: &[u8], source: &str) -> crate::Result<polars::prelude::DataFrame> {
        CsvReader::new().parse(bytes, source)
    }

    /// pandas 3.1's `describe(include="all").to_json()` of the same bytes.
    #[test]
    fn equals_pandas_on_a_mixed_frame() {
        let text = b"city,size,price,flag\nnorth,1,100,True\nsouth,2,210,False\nnorth,,290,True\neast,4,,False\nsouth,5,120,True\n";
        let df = parse_csv(text, "mixed.csv").unwrap();
        let got = describe_all(&df).unwrap().to_json();
        let expected: Value = serde_json::from_str(r#"{"city":{"count":5,"unique":3,"top":"north","freq":2,"mean":null,"std":null,"min":null,"25%":null,"50%":null,"75%":null,"max":null},"size":{"count":4.0,"unique":null,"top":null,"freq":null,"mean":3.0,"std":1.8257418584,"min":1.0,"25%":1.75,"50%":3.0,"75%":4.25,"max":5.0},"price":{"count":4.0,"unique":null,"top":null,"freq":null,"mean":180.0,"std":87.5595035771,"min":100.0,"25%":115.0,"50%":165.0,"75%":230.0,"max":290.0},"flag":{"count":5,"unique":2,"top":true,"freq":3,"mean":null,"std":null,"min":null,"25%":null,"50%":null,"75%":null,"max":null}}"#).unwrap();
        for (column, stats) in expected.as_object().unwrap() {
            for (row, want) in stats.as_object().unwrap() {
                let have = &got[column][row];
                match (want.as_f64(), have.as_f64()) {
                    (Some(w), Some(h)) => assert!(
                        (w - h).abs() <= 1e-9 * w.abs().max(1.0),
                        "{column} {row}: {h} != {w}"
                    ),
                    _ => assert_eq!(have, want, "{column} {row}"),
                }
            }
        }
        let table = describe_all(&df).unwrap().to_string();
        assert!(table.contains("north") && table.contains("NaN"), "{table}");
    }

    #[test]
    fn ties_go_to_the_value_seen_first() {
        let df = parse_csv(b"c\nb\na\nb\na\nc\n", "ties.csv").unwrap();
        let got = describe_all(&df).unwrap().to_json();
        assert_eq!(got["c"]["top"], "b");
        assert_eq!(got["c"]["freq"], 2);
        assert!(got["c"].get("mean").is_none(), "text only: no numeric rows");
    }
}
