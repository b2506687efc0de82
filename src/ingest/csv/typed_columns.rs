//! Column accumulators for the CSV reader: each column is typed as pandas types it while the
//! rows stream past, holding only its typed values (8 bytes a number, 1 a boolean), never the
//! text of numeric columns. A column that turns out to be text is marked, and its text is
//! collected in a second pass over the file ([`TextColumn`]), so memory follows the typed
//! frame, not the file.

use polars::prelude::{
    Column, Float64Chunked, Int64Chunked, IntoColumn, IntoSeries, NamedFrom, NewChunkedArray,
    Series, StringChunkedBuilder,
};

use crate::table::pandas_text::{boolean, is_missing};
use crate::table::ColumnType;

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
    /// A column the caller did not ask for: its cells are counted, not parsed.
    Skipped,
}

/// One column during the first pass.
pub struct TypedColumn {
    values: Values,
    /// Which rows are missing; `None` until the first gap.
    missing: Option<Vec<bool>>,
    rows: usize,
    /// The same column's later rows, read apart (see [`TypedColumn::append`]).
    later: Vec<TypedColumn>,
    /// The rows of `Ints` written `-0`: an integer 0, but `-0.0` once the column is floats
    /// (pandas' float parser keeps the sign), whenever the promotion comes.
    negative_zeros: Vec<usize>,
}

impl Default for TypedColumn {
    fn default() -> Self {
        TypedColumn {
            values: Values::Empty,
            missing: None,
            rows: 0,
            later: Vec::new(),
            negative_zeros: Vec::new(),
        }
    }
}

impl TypedColumn {
    /// A column whose cells are only counted (one the caller did not ask for).
    pub fn skipped() -> Self {
        TypedColumn {
            values: Values::Skipped,
            ..TypedColumn::default()
        }
    }

    /// Whether the column is only counted ([`TypedColumn::skipped`]).
    pub fn is_skipped(&self) -> bool {
        matches!(self.values, Values::Skipped)
    }

    /// Adds the next row's cell.
    pub fn push(&mut self, cell: &str) {
        if !self.push_plain_value(cell) {
            self.push_any(cell);
        }
    }

    /// The common case in one parse: a column of numbers (or booleans) meets a number (or a
    /// boolean) written plainly (no spaces). Such a cell is never a missing marker and parses as the general path would
    /// parse it; a NaN spelling is left to that path, which counts it a gap. Floats go through
    /// `fast_float2` (correctly rounded like `str::parse`, and faster on bytes); anything it
    /// refuses still gets `str::parse` on the general path.
    #[inline]
    fn push_plain_value(&mut self, cell: &str) -> bool {
        let pushed = match &mut self.values {
            Values::Floats(v) => match fast_float2::parse::<f64, _>(cell) {
                Ok(x) if !x.is_nan() => {
                    v.push(x);
                    true
                }
                _ => false,
            },
            Values::Ints(v) => match cell.parse::<i64>() {
                Ok(i) => {
                    if i == 0 && cell.starts_with('-') {
                        self.negative_zeros.push(v.len());
                    }
                    v.push(i);
                    true
                }
                Err(_) => false,
            },
            Values::Bools(v) => match boolean(cell) {
                Some(b) => {
                    v.push(b);
                    true
                }
                None => false,
            },
            Values::Skipped => true,
            _ => false,
        };
        if pushed {
            self.rows += 1;
            if let Some(missing) = &mut self.missing {
                missing.push(false);
            }
        }
        pushed
    }

    /// Any cell: a gap, a value of the column's type, or one that changes it.
    fn push_any(&mut self, cell: &str) {
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
            Values::Empty => {
                if trimmed.starts_with('-') && trimmed.parse::<i64>() == Ok(0) {
                    self.negative_zeros.push(row);
                }
                first_value(trimmed, row)
            }
            Values::Ints(mut v) => match trimmed.parse::<i64>() {
                Ok(i) => {
                    if i == 0 && trimmed.starts_with('-') {
                        self.negative_zeros.push(v.len());
                    }
                    v.push(i);
                    Values::Ints(v)
                }
                Err(_) => match trimmed.parse::<f64>() {
                    Ok(x) => {
                        let mut floats = ints_as_floats(v, &self.negative_zeros);
                        self.negative_zeros.clear();
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
            other @ (Values::Text | Values::Skipped) => other,
        };
    }

    /// Makes room for `more` rows (typed values, and gap flags once there are gaps).
    pub fn reserve(&mut self, more: usize) {
        match &mut self.values {
            Values::Ints(v) => v.reserve_exact(more),
            Values::Floats(v) => v.reserve_exact(more),
            Values::Bools(v) => v.reserve_exact(more),
            Values::Empty | Values::Text | Values::Skipped => {}
        }
        if let Some(missing) = &mut self.missing {
            missing.reserve_exact(more);
        }
    }

    /// Appends `other`, the same column's next rows (a later block of the file), typed as if
    /// its cells had been pushed here (see [`Kind::joined`]). The parts are kept apart and
    /// become chunks of one column when it is finished, so no value is copied; nothing is
    /// pushed after an append.
    pub fn append(&mut self, mut other: TypedColumn) {
        let later = std::mem::take(&mut other.later);
        self.later.push(other);
        self.later.extend(later);
    }

    /// This part and the later ones, in file order.
    fn parts(&self) -> impl Iterator<Item = &TypedColumn> {
        std::iter::once(self).chain(&self.later)
    }

    /// Rows pushed so far.
    pub fn len(&self) -> usize {
        self.parts().map(|p| p.rows).sum()
    }

    /// The type of the whole column; `None` for text.
    fn kind(&self) -> Option<Kind> {
        self.parts()
            .try_fold(Kind::Empty, |kind, part| kind.joined(part.values.kind()?))
    }

    /// The values pushed since the last take as numbers (a gap as NaN, an integer as `f64`)
    /// appended to `out`, and their type; nothing is appended for booleans or text. The column
    /// then starts over empty, keeping its buffers: a big file's numbers are binned a chunk of
    /// rows at a time and never held whole. A `-0` among integers comes as `-0.0`, what it is
    /// once the column turns out to be floats; a caller that finds the column integers takes
    /// the sign off. Not for an appended column.
    pub fn take_numbers(&mut self, out: &mut Vec<f64>) -> PartType {
        debug_assert!(
            self.later.is_empty(),
            "numbers taken from an appended column"
        );
        let gaps = self.missing.as_ref().is_some_and(|m| m.contains(&true));
        let is_gap = |i: usize| self.missing.as_ref().is_some_and(|m| m[i]);
        match &mut self.values {
            Values::Empty => out.extend(std::iter::repeat_n(f64::NAN, self.rows)),
            // A `-0` cell as `-0.0`: the column may turn out to be floats; a caller that finds
            // it integers takes the sign off.
            Values::Ints(v) => {
                let start = out.len();
                out.extend(v.iter().enumerate().map(
                    |(i, &x)| {
                        if is_gap(i) {
                            f64::NAN
                        } else {
                            x as f64
                        }
                    },
                ));
                for &i in &self.negative_zeros {
                    out[start + i] = -0.0;
                }
                v.clear();
            }
            // A gap's placeholder may be an integer's 0 turned float: the mask says.
            Values::Floats(v) => {
                match &self.missing {
                    None => out.extend_from_slice(v),
                    Some(_) => {
                        out.extend(v.iter().enumerate().map(
                            |(i, &x)| {
                                if is_gap(i) {
                                    f64::NAN
                                } else {
                                    x
                                }
                            },
                        ))
                    }
                }
                v.clear();
            }
            Values::Bools(v) => v.clear(),
            Values::Text | Values::Skipped => {}
        }
        let part = PartType {
            kind: self.values.kind(),
            gaps,
        };
        self.rows = 0;
        self.missing = None;
        self.negative_zeros.clear();
        part
    }

    /// Whether the column needs the second pass.
    pub fn is_text(&self) -> bool {
        self.kind().is_none()
    }

    /// The column as pandas would type it: `Int64` without gaps, `Float64` (integers with
    /// gaps too; a column of gaps only), `Boolean`; `None` for text. Appended parts are
    /// brought to the whole column's type, then joined as chunks.
    pub fn finish(mut self, name: &str) -> Option<Column> {
        if self.later.is_empty() {
            return self.finish_part(name);
        }
        let mut kind = self.kind()?;
        if kind == Kind::Ints && self.parts().any(|p| p.missing.is_some()) {
            kind = Kind::Floats;
        }
        let later = std::mem::take(&mut self.later);
        let parts = std::iter::once(self).chain(later).map(|mut part| {
            let values = std::mem::replace(&mut part.values, Values::Empty);
            part.values = values.into_kind(kind, part.rows, &part.negative_zeros);
            part.finish_part(name)
        });
        join_chunks(parts.collect::<Option<Vec<_>>>()?)
    }

    /// One part as pandas would type it alone.
    fn finish_part(self, name: &str) -> Option<Column> {
        let missing = self.missing;
        let is_missing = |i: usize| missing.as_ref().is_some_and(|m| m[i]);
        let series = match self.values {
            Values::Text | Values::Skipped => return None,
            Values::Empty => Series::new(name.into(), vec![None::<f64>; self.rows]),
            // Zero-copy (`from_vec`; `Series::new` would copy the slice): the frame takes the
            // vector as it is. Its spare capacity (the reservation's margin) was never written,
            // so it takes no memory; shrinking it would copy the column.
            Values::Ints(v) if missing.is_none() => {
                Int64Chunked::from_vec(name.into(), v).into_series()
            }
            Values::Floats(v) if missing.is_none() => {
                Float64Chunked::from_vec(name.into(), v).into_series()
            }
            Values::Ints(v) => Float64Chunked::from_iter_options(
                name.into(),
                ints_as_floats(v, &self.negative_zeros)
                    .into_iter()
                    .enumerate()
                    .map(|(i, x)| (!is_missing(i)).then_some(x)),
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

/// One column from parts of the same type read apart (blocks of a file), in order: each part
/// becomes a chunk, nothing is copied. `None` for no parts or parts of different types.
pub fn join_chunks(parts: Vec<Column>) -> Option<Column> {
    let mut parts = parts.into_iter();
    let mut joined = parts.next()?;
    for part in parts {
        joined.append_owned(part).ok()?;
    }
    Some(joined)
}

/// The type of some rows of a column (a chunk, or the whole column once joined): what their
/// values are, and whether any was missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartType {
    /// `None` for text.
    kind: Option<Kind>,
    gaps: bool,
}

impl PartType {
    /// No rows yet.
    pub const EMPTY: PartType = PartType {
        kind: Some(Kind::Empty),
        gaps: false,
    };

    /// These rows followed by `next` (see [`Kind::joined`]).
    pub fn joined(self, next: PartType) -> PartType {
        PartType {
            kind: self.kind.zip(next.kind).and_then(|(a, b)| a.joined(b)),
            gaps: self.gaps || next.gaps,
        }
    }

    /// The column type pandas gives such a column (as [`TypedColumn::finish`] types it):
    /// integers without gaps `Integer`, other numbers and gaps only `Float`.
    pub fn column_type(self) -> ColumnType {
        match self.kind {
            Some(Kind::Ints) if !self.gaps => ColumnType::Integer,
            Some(Kind::Ints | Kind::Floats | Kind::Empty) => ColumnType::Float,
            Some(Kind::Bools) => ColumnType::Boolean,
            None => ColumnType::Text,
        }
    }
}

/// A column's type, as the parts read apart join into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Ints,
    Floats,
    Bools,
}

impl Kind {
    /// The type of a column whose rows so far are typed `self` and whose next ones `next`:
    /// a column of gaps only takes the other's type, integers beside floats become floats,
    /// booleans beside numbers become text (`None`).
    fn joined(self, next: Kind) -> Option<Kind> {
        match (self, next) {
            (Kind::Empty, kind) | (kind, Kind::Empty) => Some(kind),
            (a, b) if a == b => Some(a),
            (Kind::Ints, Kind::Floats) | (Kind::Floats, Kind::Ints) => Some(Kind::Floats),
            _ => None,
        }
    }
}

/// A missing row's value is a placeholder (0, NaN, false), masked when the column is finished;
/// these two functions are the only places that write one.
impl Values {
    /// The values' type; `None` for text.
    fn kind(&self) -> Option<Kind> {
        match self {
            Values::Empty | Values::Skipped => Some(Kind::Empty),
            Values::Ints(_) => Some(Kind::Ints),
            Values::Floats(_) => Some(Kind::Floats),
            Values::Bools(_) => Some(Kind::Bools),
            Values::Text => None,
        }
    }

    /// These `rows` values as part of a column of type `kind` (which they join into): gaps
    /// only become placeholders of that type, integers become floats.
    fn into_kind(self, kind: Kind, rows: usize, negative_zeros: &[usize]) -> Values {
        match (self, kind) {
            (Values::Empty, Kind::Ints) => Values::Ints(Vec::new()).after_gaps(rows),
            (Values::Empty, Kind::Floats) => Values::Floats(Vec::new()).after_gaps(rows),
            (Values::Empty, Kind::Bools) => Values::Bools(Vec::new()).after_gaps(rows),
            (Values::Ints(v), Kind::Floats) => Values::Floats(ints_as_floats(v, negative_zeros)),
            (values, _) => values,
        }
    }

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
            Values::Empty | Values::Text | Values::Skipped => {}
        }
    }
}

/// Integers as floats, the rows written `-0` as `-0.0`.
fn ints_as_floats(v: Vec<i64>, negative_zeros: &[usize]) -> Vec<f64> {
    let mut floats: Vec<f64> = v.into_iter().map(|i| i as f64).collect();
    for &i in negative_zeros {
        floats[i] = -0.0;
    }
    floats
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The column `first` then `cells` make, through `push` (with its one-parse path) and
    /// through the general path alone.
    fn both_paths(first: &str, cells: &[&str]) -> (Option<Column>, Option<Column>) {
        let (mut fast, mut general) = (TypedColumn::default(), TypedColumn::default());
        for cell in std::iter::once(&first).chain(cells) {
            fast.push(cell);
            general.push_any(cell);
        }
        (fast.finish("x"), general.finish("x"))
    }

    #[test]
    fn the_one_parse_path_reads_every_spelling_as_the_general_path() {
        let odd = [
            "1e5",
            "+1.5",
            ".5",
            "5.",
            "-0",
            "00012",
            "1E-3",
            "inf",
            "-inf",
            "Infinity",
            "nan",
            "NaN",
            "-nan",
            "+nan",
            "NA",
            "",
            " 1.5",
            "1.5 ",
            "1e",
            "e5",
            "+",
            "-",
            "1e400",
            "4.9e-324",
            "1.7976931348623157e308",
            "9223372036854775807",
            "9223372036854775808",
        ];
        let booleans = [
            "True", "false", "TRUE", " True", "FALSE ", "yes", "1", "NA", "",
        ];
        let cases = odd
            .iter()
            .flat_map(|cell| [("0.25", *cell, "2"), ("3", *cell, "2")])
            .chain(booleans.iter().map(|cell| ("True", *cell, "False")));
        for (first, cell, then) in cases {
            let (fast, general) = both_paths(first, &[cell, then]);
            let same = match (&fast, &general) {
                (Some(a), Some(b)) => a
                    .as_materialized_series()
                    .equals_missing(b.as_materialized_series()),
                (None, None) => true,
                _ => false,
            };
            assert!(
                same,
                "{first:?} then {cell:?}: {fast:?} against {general:?}"
            );
        }
    }

    /// The sign bits of a finished float column (`None` for a gap).
    fn signs(column: Column) -> Vec<Option<bool>> {
        column
            .f64()
            .expect("floats")
            .iter()
            .map(|x| x.map(f64::is_sign_negative))
            .collect()
    }

    #[test]
    fn a_minus_zero_is_a_signed_zero_once_the_column_is_floats_whatever_came_first() {
        // pandas reads `-0` as the integer 0 in an integer column, as -0.0 in a float one; the
        // column's type may be settled only after the cell was read.
        let promoted = ["0", "-0", "3", "-0", "2.5", "-0"];
        let with_gap = ["-0", "", "4"];
        for (cells, expected) in [
            (&promoted[..], vec![false, true, false, true, false, true]),
            (&with_gap[..], vec![true, false, false]),
        ] {
            let mut column = TypedColumn::default();
            for cell in cells {
                column.push(cell);
            }
            let got = signs(column.finish("x").expect("numbers"));
            let expected: Vec<Option<bool>> = cells
                .iter()
                .zip(expected)
                .map(|(c, e)| (!c.is_empty()).then_some(e))
                .collect();
            assert_eq!(got, expected, "{cells:?}");
        }
        // Appended parts, and numbers taken a chunk at a time, agree.
        let (mut first, mut second) = (TypedColumn::default(), TypedColumn::default());
        for cell in &promoted[..3] {
            first.push(cell);
        }
        let mut taken = Vec::new();
        first.take_numbers(&mut taken);
        assert_eq!(taken[1].to_bits(), (-0.0f64).to_bits());
        for cell in &promoted[..3] {
            first.push(cell);
        }
        for cell in &promoted[3..] {
            second.push(cell);
        }
        first.append(second);
        let got = signs(first.finish("x").expect("numbers"));
        assert_eq!(got[1], Some(true));
        assert_eq!(got[3], Some(true));
        // An integer column stays integers: -0 is 0.
        let mut ints = TypedColumn::default();
        for cell in ["1", "-0", "2"] {
            ints.push(cell);
        }
        let column = ints.finish("x").expect("numbers");
        assert_eq!(column.i64().expect("integers").get(1), Some(0));
    }

    #[test]
    fn parts_appended_finish_as_one_column_pushed_whole() {
        let cases: [&[&[&str]]; 5] = [
            &[&["1", "2"], &["", "3"]],
            &[&["", ""], &["1", "2"], &["2.5"]],
            &[&["True", ""], &["False"]],
            &[&["True"], &["1"]],
            &[&["", ""], &[""]],
        ];
        for parts in cases {
            let mut whole = TypedColumn::default();
            let mut joined: Option<TypedColumn> = None;
            for part in parts {
                let mut column = TypedColumn::default();
                for cell in *part {
                    whole.push(cell);
                    column.push(cell);
                }
                match &mut joined {
                    None => joined = Some(column),
                    Some(j) => j.append(column),
                }
            }
            let joined = joined.expect("parts");
            assert_eq!(joined.len(), whole.len());
            assert_eq!(joined.is_text(), whole.is_text(), "{parts:?}");
            match (joined.finish("x"), whole.finish("x")) {
                (Some(a), Some(b)) => {
                    assert_eq!(a.dtype(), b.dtype(), "{parts:?}");
                    assert!(
                        a.as_materialized_series()
                            .equals_missing(b.as_materialized_series()),
                        "{parts:?}"
                    );
                }
                (None, None) => {}
                (a, b) => panic!("{parts:?}: {a:?} against {b:?}"),
            }
        }
    }
}
