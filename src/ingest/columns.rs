//! Column accumulators for the CSV reader: each column is typed as pandas types it while the
//! rows stream past, holding only its typed values (8 bytes a number, 1 a boolean), never the
//! text of numeric columns. A column that turns out to be text is marked, and its text is
//! collected in a second pass over the file ([`TextColumn`]), so memory follows the typed
//! frame, not the file.

use polars::prelude::{
    Column, Float64Chunked, Int64Chunked, IntoColumn, IntoSeries, NamedFrom, NewChunkedArray,
    Series, StringChunkedBuilder,
};

use crate::pandas_text::{boolean, is_missing};

/// What a column has held so far.
enum Values {
    /// Only missing cells.
    Empty,
    /// Whole numbers that fit `i64`.
    Ints(Vec<i64>),
    /// Numbers.
    Floats(Vec<f64>),
    /// `True`/`False`.
    Bools(Vec<bool>),
    /// Anything else: collected in the second pass.
    Text,
}

/// One column during the first pass.
pub struct TypedColumn {
    values: Values,
    /// Which rows are missing; `None` until the first gap.
    missing: Option<Vec<bool>>,
    rows: usize,
}

impl Default for TypedColumn {
    fn default() -> Self {
        TypedColumn {
            values: Values::Empty,
            missing: None,
            rows: 0,
        }
    }
}

impl TypedColumn {
    /// Adds the next row's cell.
    pub fn push(&mut self, cell: &str) {
        let row = self.rows;
        self.rows += 1;
        let trimmed = cell.trim();
        if is_missing(cell) || nan_spelling(trimmed) {
            self.missing
                .get_or_insert_with(|| vec![false; row])
                .push(true);
            self.values.then_gaps(1);
            return;
        }
        if let Some(missing) = &mut self.missing {
            missing.push(false);
        }
        self.values = match std::mem::replace(&mut self.values, Values::Text) {
            Values::Empty => first_value(trimmed, row),
            Values::Ints(mut v) => match trimmed.parse::<i64>() {
                Ok(i) => {
                    v.push(i);
                    Values::Ints(v)
                }
                Err(_) => match trimmed.parse::<f64>() {
                    Ok(x) => {
                        let mut floats: Vec<f64> = v.into_iter().map(|i| i as f64).collect();
                        floats.push(x);
                        Values::Floats(floats)
                    }
                    Err(_) => Values::Text,
                },
            },
            Values::Floats(mut v) => match trimmed.parse::<f64>() {
                Ok(x) => {
                    v.push(x);
                    Values::Floats(v)
                }
                Err(_) => Values::Text,
            },
            Values::Bools(mut v) => match boolean(trimmed) {
                Some(b) => {
                    v.push(b);
                    Values::Bools(v)
                }
                None => Values::Text,
            },
            Values::Text => Values::Text,
        };
    }

    /// Makes room for `more` rows (typed values, and gap flags once there are gaps).
    pub fn reserve(&mut self, more: usize) {
        match &mut self.values {
            Values::Ints(v) => v.reserve_exact(more),
            Values::Floats(v) => v.reserve_exact(more),
            Values::Bools(v) => v.reserve_exact(more),
            Values::Empty | Values::Text => {}
        }
        if let Some(missing) = &mut self.missing {
            missing.reserve_exact(more);
        }
    }

    /// Appends `other`, the same column's next rows (a later block of the file), typed as if
    /// its cells had been pushed here: text wins; a column of gaps only takes the other's
    /// type; integers beside floats become floats; booleans beside numbers become text.
    pub fn append(&mut self, other: TypedColumn) {
        let (rows, more) = (self.rows, other.rows);
        self.missing = match (self.missing.take(), other.missing) {
            (None, None) => None,
            (Some(mut m), None) => {
                m.resize(rows + more, false);
                Some(m)
            }
            (mine, Some(theirs)) => {
                let mut m = mine.unwrap_or_else(|| vec![false; rows]);
                m.extend(theirs);
                Some(m)
            }
        };
        let values = std::mem::replace(&mut self.values, Values::Text);
        self.values = match (values, other.values) {
            (Values::Text, _) | (_, Values::Text) => Values::Text,
            (Values::Empty, Values::Empty) => Values::Empty,
            (Values::Empty, theirs) => theirs.after_gaps(rows),
            (mut mine, Values::Empty) => {
                mine.then_gaps(more);
                mine
            }
            (Values::Ints(mut a), Values::Ints(b)) => {
                a.extend(b);
                Values::Ints(a)
            }
            (Values::Floats(mut a), Values::Floats(b)) => {
                a.extend(b);
                Values::Floats(a)
            }
            (Values::Ints(a), Values::Floats(b)) => {
                let mut floats: Vec<f64> = a.into_iter().map(|i| i as f64).collect();
                floats.extend(b);
                Values::Floats(floats)
            }
            (Values::Floats(mut a), Values::Ints(b)) => {
                a.extend(b.into_iter().map(|i| i as f64));
                Values::Floats(a)
            }
            (Values::Bools(mut a), Values::Bools(b)) => {
                a.extend(b);
                Values::Bools(a)
            }
            _ => Values::Text,
        };
        self.rows += more;
    }

    /// Rows pushed so far.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether the column needs the second pass.
    pub fn is_text(&self) -> bool {
        matches!(self.values, Values::Text)
    }

    /// The column as pandas would type it: `Int64` without gaps, `Float64` (integers with
    /// gaps too; a column of gaps only), `Boolean`; `None` for text.
    pub fn finish(self, name: &str) -> Option<Column> {
        let missing = self.missing;
        let is_missing = |i: usize| missing.as_ref().is_some_and(|m| m[i]);
        let series = match self.values {
            Values::Text => return None,
            Values::Empty => Series::new(name.into(), vec![None::<f64>; self.rows]),
            // Zero-copy (`from_vec`; `Series::new` would copy the slice): the frame takes the
            // vector, so it first gives back what it has spare.
            Values::Ints(mut v) if missing.is_none() => {
                v.shrink_to_fit();
                Int64Chunked::from_vec(name.into(), v).into_series()
            }
            Values::Floats(mut v) if missing.is_none() => {
                v.shrink_to_fit();
                Float64Chunked::from_vec(name.into(), v).into_series()
            }
            Values::Ints(v) => Float64Chunked::from_iter_options(
                name.into(),
                v.iter()
                    .enumerate()
                    .map(|(i, x)| (!is_missing(i)).then_some(*x as f64)),
            )
            .into_series(),
            Values::Floats(v) => Float64Chunked::from_iter_options(
                name.into(),
                v.iter()
                    .enumerate()
                    .map(|(i, x)| (!is_missing(i)).then_some(*x)),
            )
            .into_series(),
            Values::Bools(v) => {
                let values: Vec<Option<bool>> = v
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (!is_missing(i)).then_some(*b))
                    .collect();
                Series::new(name.into(), values)
            }
        };
        Some(series.into_column())
    }
}

/// A missing row's value is a placeholder (0, NaN, false), masked when the column is finished;
/// these two functions are the only places that write one.
impl Values {
    /// These values after `gaps` missing rows.
    fn after_gaps(self, gaps: usize) -> Values {
        match self {
            Values::Ints(v) => Values::Ints([vec![0; gaps], v].concat()),
            Values::Floats(v) => Values::Floats([vec![f64::NAN; gaps], v].concat()),
            Values::Bools(v) => Values::Bools([vec![false; gaps], v].concat()),
            other => other,
        }
    }

    /// Adds `gaps` missing rows at the end.
    fn then_gaps(&mut self, gaps: usize) {
        match self {
            Values::Ints(v) => v.resize(v.len() + gaps, 0),
            Values::Floats(v) => v.resize(v.len() + gaps, f64::NAN),
            Values::Bools(v) => v.resize(v.len() + gaps, false),
            Values::Empty | Values::Text => {}
        }
    }
}

/// A spelling Rust reads as NaN that is not among pandas' markers (`NAN`, `+nan`): a gap too,
/// never a NaN value in a numeric column.
fn nan_spelling(trimmed: &str) -> bool {
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    unsigned.eq_ignore_ascii_case("nan")
}

/// The typed values of a column's first present cell, after `row` missing ones.
fn first_value(trimmed: &str, row: usize) -> Values {
    let value = if let Ok(i) = trimmed.parse::<i64>() {
        Values::Ints(vec![i])
    } else if let Ok(x) = trimmed.parse::<f64>() {
        Values::Floats(vec![x])
    } else if let Some(b) = boolean(trimmed) {
        Values::Bools(vec![b])
    } else {
        Values::Text
    };
    value.after_gaps(row)
}

/// A text column during the second pass: cells as written, gaps as nulls.
pub struct TextColumn {
    builder: StringChunkedBuilder,
    rows: usize,
}

impl TextColumn {
    /// An empty column called `name`, with room for `rows` cells.
    pub fn new(name: &str, rows: usize) -> Self {
        TextColumn {
            builder: StringChunkedBuilder::new(name.into(), rows),
            rows: 0,
        }
    }

    /// Adds the next row's cell.
    pub fn push(&mut self, cell: &str) {
        self.rows += 1;
        if is_missing(cell) {
            self.builder.append_null();
        } else {
            self.builder.append_value(cell);
        }
    }

    /// Rows pushed so far.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// The finished column.
    pub fn finish(self) -> Column {
        self.builder.finish().into_series().into_column()
    }
}
