//! What a reader says about columns that were read as text but may not be meant as text: a
//! numeric column turned to text by a stray value (one `?` in `displ` made it 35 one-hot
//! features), and a column of dates (each date its own category). pandas reads both the same
//! way, but a pandas user sees the dtype; here `describe` and `train` say it.

use polars::prelude::{DataFrame, DataType};

use crate::table::{Encoding, InputColumn};

/// At most this many stray values are named in a warning.
const EXAMPLES: usize = 3;

/// One warning per text column of `df` whose values are mostly numbers (naming the first
/// values that are not, with their file lines: the header is line 1) or mostly dates.
pub fn text_column_warnings(df: &DataFrame) -> Vec<String> {
    df.columns()
        .iter()
        .filter(|c| matches!(c.dtype(), DataType::String))
        .filter_map(|c| {
            let values = c.str().ok()?;
            let cells = values
                .iter()
                .enumerate()
                .filter_map(|(row, v)| v.map(|v| (Some(row + 2), v)));
            warning(c.name().as_str(), cells, "values")
        })
        .collect()
}

/// The same warnings from a fitted preprocessing's columns and their categories (no lines:
/// the model keeps only the distinct values), for `train`, which reads large files a few
/// columns at a time.
pub fn category_warnings(columns: &[InputColumn]) -> Vec<String> {
    columns
        .iter()
        .filter_map(|c| match &c.encoding {
            Encoding::OneHot { categories, .. } => warning(
                &c.name,
                categories.iter().map(|v| (None, v.as_str())),
                "distinct values",
            ),
            Encoding::Numeric { .. } => None,
        })
        .collect()
}

/// The warning for one text column's values (each with its line when known), if any.
/// `counted` says what the cells are ("values", or "distinct values" for a model's categories).
fn warning<'a>(
    column: &str,
    cells: impl Iterator<Item = (Option<usize>, &'a str)>,
    counted: &str,
) -> Option<String> {
    let (mut total, mut numbers, mut commas, mut dates) = (0usize, 0usize, 0usize, 0usize);
    let mut strays: Vec<(Option<usize>, &str)> = Vec::new();
    let mut first_date = None;
    for (line, value) in cells {
        total += 1;
        if value.trim().parse::<f64>().is_ok() {
            numbers += 1;
        } else if decimal_comma_number(value) {
            commas += 1;
        } else if looks_like_date(value) {
            dates += 1;
            first_date.get_or_insert(value);
        } else if strays.len() < EXAMPLES && !strays.iter().any(|(_, v)| *v == value) {
            strays.push((line, value));
        }
    }
    let numeric = numbers + commas;
    if total >= 2 && numeric * 2 >= total && (commas > 0 || !strays.is_empty()) {
        return Some(number_warning(
            column,
            (numeric, total, commas),
            counted,
            &strays,
        ));
    }
    if total >= 2 && dates * 2 >= total {
        return Some(format!(
            "column {column:?} holds dates ({:?}, ...): read as text, each date becomes a \
             category of its own; --drop it, or give the model numbers made from it (year, \
             month, days since a start)",
            first_date.unwrap_or_default()
        ));
    }
    None
}

/// "column X was read as text although N of its T values are numbers", with what stopped it
/// (decimal commas, stray values with their lines) and the flag for each.
fn number_warning(
    column: &str,
    (numeric, total, commas): (usize, usize, usize),
    counted: &str,
    strays: &[(Option<usize>, &str)],
) -> String {
    let mut text = format!(
        "column {column:?} was read as text although {numeric} of its {total} {counted} are \
         numbers"
    );
    if commas > 0 {
        text.push_str(&format!(
            " ({commas} written with a decimal comma: --decimal , reads them)"
        ));
    }
    if !strays.is_empty() {
        let named: Vec<String> = strays
            .iter()
            .map(|(line, v)| match line {
                Some(line) => format!("{v:?} on line {line}"),
                None => format!("{v:?}"),
            })
            .collect();
        let markers: Vec<&str> = strays.iter().map(|(_, v)| v.trim()).collect();
        text.push_str(&format!(
            "; not numbers: {}. If those mean a gap, --na-values '{}' reads them as gaps \
             (CsvReader::na_values in a notebook)",
            named.join(", "),
            markers.join(",").replace('\'', "'\\''")
        ));
    }
    text
}

/// `1,5` or `-0,25`: a number once its one comma is a decimal point.
fn decimal_comma_number(value: &str) -> bool {
    let value = value.trim();
    value.matches(',').count() == 1
        && !value.contains('.')
        && value.replacen(',', ".", 1).parse::<f64>().is_ok()
}

/// `2013-01-31`, `2013/01/31`, `31/01/2013`, `01-31-2013`, with an optional time after it.
fn looks_like_date(value: &str) -> bool {
    let date = value.trim().split([' ', 'T']).next().unwrap_or_default();
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    let digits =
        |s: &str, lens: &[usize]| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let year_first = digits(a, &[4]) && digits(b, &[1, 2]) && digits(c, &[1, 2]);
    let year_last = digits(a, &[1, 2]) && digits(b, &[1, 2]) && digits(c, &[4]);
    year_first || year_last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::csv::CsvReader;

    #[test]
    fn a_stray_value_in_a_numeric_column_is_named_with_its_line() {
        let text = "displ,class,when\n1.8,a,2013-01-01\n?,b,2013-01-02\n2.0,a,2013-01-03\n2.8,c,2013-01-04\n";
        let df = CsvReader::new().parse(text.as_bytes(), "mpg.csv").unwrap();
        let warnings = text_column_warnings(&df);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains("\"displ\"")
                && warnings[0].contains("3 of its 4 values")
                && warnings[0].contains("\"?\" on line 3")
                && warnings[0].contains("--na-values '?'"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[1].contains("\"when\" holds dates"),
            "{}",
            warnings[1]
        );
        // The marker given, the column reads as numbers and nothing is said.
        let df = CsvReader::new()
            .na_values(&["?".into()])
            .parse(text.as_bytes(), "mpg.csv")
            .unwrap();
        assert_eq!(text_column_warnings(&df).len(), 1);
        assert_eq!(df.column("displ").unwrap().dtype(), &DataType::Float64);
    }

    #[test]
    fn a_model_s_categories_are_counted_as_distinct_values() {
        let column = InputColumn {
            name: "hd".into(),
            dtype: crate::table::ColumnType::Text,
            encoding: Encoding::OneHot {
                categories: vec!["120".into(), "240".into(), "unknown".into()],
                missing_category: false,
            },
        };
        let [warning] = category_warnings(&[column]).try_into().unwrap();
        assert!(
            warning.contains("2 of its 3 distinct values are numbers")
                && warning.contains("\"unknown\""),
            "{warning}"
        );
    }

    #[test]
    fn decimal_commas_are_named_with_the_flag_that_reads_them() {
        let text = "displ;hwy\n1,8;20\n2,5;21\n3;22\n";
        let df = CsvReader::new().parse(text.as_bytes(), "cars.csv").unwrap();
        let [warning] = text_column_warnings(&df).try_into().unwrap();
        assert!(
            warning.contains("3 of its 3 values")
                && warning.contains("2 written with a decimal comma: --decimal ,"),
            "{warning}"
        );
        assert!(!warning.contains("not numbers"), "{warning}");
        let df = CsvReader::new()
            .decimal(b',')
            .parse(text.as_bytes(), "cars.csv")
            .unwrap();
        assert!(text_column_warnings(&df).is_empty());
        assert_eq!(df.column("displ").unwrap().dtype(), &DataType::Float64);
    }

    #[test]
    fn dates_in_the_usual_spellings_are_told_from_text() {
        for d in [
            "2013-01-31",
            "2013/1/5",
            "31/01/2013",
            "01-31-2013",
            "2013-01-31 10:00:00",
            "2013-01-31T10:00",
        ] {
            assert!(looks_like_date(d), "{d}");
        }
        for t in ["north", "1.5", "12-34", "2013-01", "a/b/c", "1/2/3"] {
            assert!(!looks_like_date(t), "{t}");
        }
    }
}
