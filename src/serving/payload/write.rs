//! The pandas writers: a [`Frame`] as `DataFrame.to_json(orient=...)` writes it.

use super::frame::{Frame, Orient, MAX_NUMERIC_LABEL_DIGITS};
use crate::table::Cell;

impl Frame {
    /// The frame as pandas' `to_json(orient=...)` writes it: numbers as shortest round-trip
    /// JSON, text (and CSV fields) as strings, booleans, missing values as `null`.
    pub fn to_json(&self, orient: Orient) -> String {
        let mut out = String::with_capacity(24 * (self.values.len() + self.columns.len() + 1));
        match orient {
            Orient::Columns => {
                write_nested(&mut out, &self.columns, &self.index, |j, i| {
                    self.value(i, j)
                });
            }
            Orient::Index => {
                write_nested(&mut out, &self.index, &self.columns, |i, j| {
                    self.value(i, j)
                });
            }
            Orient::Records => self.write_records(&mut out),
            Orient::Split => self.write_split(&mut out),
        }
        out
    }

    fn write_records(&self, out: &mut String) {
        out.push('[');
        for i in 0..self.n_rows() {
            if i > 0 {
                out.push(',');
            }
            write_object(out, &self.columns, |j| self.value(i, j));
        }
        out.push(']');
    }

    fn write_split(&self, out: &mut String) {
        out.push_str("{\"columns\":[");
        for (j, name) in self.columns.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_json_string(out, name);
        }
        out.push_str("],\"index\":[");
        for (i, label) in self.index.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_label(out, label);
        }
        out.push_str("],\"data\":[");
        for i in 0..self.n_rows() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for j in 0..self.columns.len() {
                if j > 0 {
                    out.push(',');
                }
                push_cell(out, self.value(i, j));
            }
            out.push(']');
        }
        out.push_str("]}");
    }
}

/// `{"outer":{"inner":value,...},...}`, `value(outer position, inner position)`.
pub(super) fn write_nested<'a>(
    out: &mut String,
    outer: &[String],
    inner: &[String],
    value: impl Fn(usize, usize) -> Option<&'a Cell>,
) {
    out.push('{');
    for (a, label) in outer.iter().enumerate() {
        if a > 0 {
            out.push(',');
        }
        push_json_string(out, label);
        out.push(':');
        write_object(out, inner, |b| value(a, b));
    }
    out.push('}');
}

/// `{"label":value,...}`, `value(label position)`.
pub(super) fn write_object<'a>(
    out: &mut String,
    labels: &[String],
    value: impl Fn(usize) -> Option<&'a Cell>,
) {
    out.push('{');
    for (b, label) in labels.iter().enumerate() {
        if b > 0 {
            out.push(',');
        }
        push_json_string(out, label);
        out.push(':');
        push_cell(out, value(b));
    }
    out.push('}');
}

pub(super) fn push_json_string(out: &mut String, s: &str) {
    // A string Value's Display is infallible and escapes exactly as JSON requires.
    out.push_str(&serde_json::Value::String(s.to_owned()).to_string());
}

/// A cell as JSON: a number as the shortest text that parses back to the same bits (ryu),
/// text as a string, a missing value as `null` (as pandas writes NaN).
pub(super) fn push_cell(out: &mut String, cell: Option<&Cell>) {
    match cell {
        Some(Cell::Number(x)) => match serde_json::Number::from_f64(*x) {
            Some(number) => out.push_str(&number.to_string()),
            None => out.push_str("null"),
        },
        Some(Cell::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        Some(Cell::Text(t) | Cell::Field(t)) => push_json_string(out, t),
        Some(Cell::Missing) | None => out.push_str("null"),
    }
}

/// A split index label: a number when it is a plain integer (as pandas writes a RangeIndex).
pub(super) fn push_label(out: &mut String, label: &str) {
    let integer = !label.is_empty()
        && label.len() <= MAX_NUMERIC_LABEL_DIGITS
        && label.bytes().all(|b| b.is_ascii_digit())
        && (label == "0" || !label.starts_with('0'));
    if integer {
        out.push_str(label);
    } else {
        push_json_string(out, label);
    }
}
