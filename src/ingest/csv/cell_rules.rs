//! What a user says about a file's cells beyond pandas' defaults: more missing-value markers
//! (pandas' `na_values`) and the decimal comma (pandas' `decimal=","`). Applied to each field
//! before it is typed, on every reading road (one thread, parallel blocks, the number stream),
//! so that a file reads the same whichever road it takes.

use std::borrow::Cow;

/// Extra missing-value markers and the decimal mark; the default adds nothing, as pandas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellRules {
    na_values: Vec<String>,
    decimal_comma: bool,
}

/// No rules: pandas' defaults, for readers that take none.
#[cfg(test)]
pub(crate) static PLAIN: CellRules = CellRules {
    na_values: Vec::new(),
    decimal_comma: false,
};

impl CellRules {
    /// Rules with `na_values` (compared with a cell's trimmed text) and, when `decimal` is
    /// `b','`, numbers written with a decimal comma.
    pub fn new(na_values: &[String], decimal: u8) -> CellRules {
        CellRules {
            na_values: na_values.iter().map(|v| v.trim().to_string()).collect(),
            decimal_comma: decimal == b',',
        }
    }

    /// The extra missing-value markers.
    pub fn na_values(&self) -> &[String] {
        &self.na_values
    }

    /// Whether numbers are written with a decimal comma.
    pub fn decimal_comma(&self) -> bool {
        self.decimal_comma
    }

    /// Whether the rules change nothing (the common case, checked once per row).
    pub fn is_plain(&self) -> bool {
        self.na_values.is_empty() && !self.decimal_comma
    }

    /// Whether `cell` is one of the user's missing-value markers.
    pub fn is_na(&self, cell: &str) -> bool {
        !self.na_values.is_empty() && self.na_values.iter().any(|v| v == cell.trim())
    }

    /// The cell as the typing sees it: empty (a gap) for a marker, `1.5` for `1,5` with a
    /// decimal comma; otherwise as written.
    pub fn rewrite<'a>(&self, cell: &'a str) -> Cow<'a, str> {
        if self.is_na(cell) {
            return Cow::Borrowed("");
        }
        if self.decimal_comma && cell.contains(',') && !cell.contains('.') {
            let swapped = cell.replacen(',', ".", 1);
            if swapped.trim().parse::<f64>().is_ok() {
                return Cow::Owned(swapped);
            }
        }
        Cow::Borrowed(cell)
    }

    /// A text column's cell: a marker becomes a gap, anything else stays as written (a text
    /// column keeps its text, decimal commas included, as pandas keeps it).
    pub fn text<'a>(&self, cell: &'a str) -> &'a str {
        if self.is_na(cell) {
            ""
        } else {
            cell
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_gaps_and_decimal_commas_numbers() {
        let rules = CellRules::new(&["?".into(), " -999 ".into()], b',');
        assert_eq!(rules.rewrite("?"), "");
        assert_eq!(rules.rewrite(" -999"), "");
        assert_eq!(rules.rewrite("1,5"), "1.5");
        assert_eq!(rules.rewrite("-0,25"), "-0.25");
        // Not numbers with a comma: as written.
        assert_eq!(rules.rewrite("north, east"), "north, east");
        assert_eq!(rules.rewrite("1,000.5"), "1,000.5");
        assert_eq!(rules.text("?"), "");
        assert_eq!(rules.text("1,5"), "1,5");
        let plain = CellRules::default();
        assert!(plain.is_plain());
        assert_eq!(plain.rewrite("?"), "?");
        assert_eq!(CellRules::new(&[], b'.').rewrite("1,5"), "1,5");
    }
}
