//! Tables that show as HTML inline in Jupyter (evcxr kernel) and as aligned text elsewhere.

use std::fmt;

use polars::prelude::{AnyValue, DataFrame};

/// A rectangular table of strings with a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column headers.
    pub header: Vec<String>,
    /// Body rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    /// A line under the table (for example "25,000 rows × 3 columns").
    pub caption: Option<String>,
}

impl Table {
    /// A table from a header and rows.
    pub fn new(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        Table {
            header,
            rows,
            caption: None,
        }
    }

    /// Adds a caption line.
    pub fn with_caption(mut self, caption: impl Into<String>) -> Table {
        self.caption = Some(caption.into());
        self
    }

    /// The table as an HTML fragment, styled like pandas' notebook tables.
    pub fn to_html(&self) -> String {
        let mut html = String::from("<table class=\"dataframe\" border=\"1\">\n<thead><tr>");
        for h in &self.header {
            html.push_str(&format!("<th>{}</th>", escape(h)));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            html.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let tag = if i == 0 { "th" } else { "td" };
                html.push_str(&format!("<{tag}>{}</{tag}>", escape(cell)));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>");
        if let Some(c) = &self.caption {
            html.push_str(&format!("\n<p>{}</p>", escape(c)));
        }
        html
    }

    /// Shows the table inline in a Jupyter notebook running the evcxr kernel: HTML, with the
    /// aligned text as the `text/plain` fallback that GitHub's and nbconvert's text views show.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT",
            self.to_html(),
            self
        );
    }
}

impl fmt::Display for Table {
    /// Right-aligned columns separated by two spaces, as pandas prints frames.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = |j: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .filter_map(|r| r.get(j))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.header.len()).map(width).collect();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(j, (c, w))| {
                    if j == 0 {
                        format!("{c:<w$}")
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect();
            writeln!(f, "{}", line.join("  ").trim_end())?;
        }
        if let Some(c) = &self.caption {
            writeln!(f, "\n{c}")?;
        }
        Ok(())
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The first `n` rows of a frame as a table with a row-number column, like `df.head(n)`.
pub fn head(df: &DataFrame, n: usize) -> Table {
    let mut header = vec![String::new()];
    header.extend(df.get_column_names().iter().map(|s| s.to_string()));
    let shown = n.min(df.height());
    let rows = (0..shown)
        .map(|i| {
            let mut row = vec![i.to_string()];
            row.extend(df.columns().iter().map(|c| match c.get(i) {
                Ok(v) => format_value(&v),
                Err(_) => String::new(),
            }));
            row
        })
        .collect();
    Table::new(header, rows).with_caption(format!(
        "{} rows × {} columns",
        thousands(df.height()),
        df.width()
    ))
}

fn format_value(v: &AnyValue) -> String {
    match v {
        AnyValue::Null => "NaN".into(),
        AnyValue::Float64(x) => format_float(*x),
        AnyValue::Float32(x) => format_float(*x as f64),
        AnyValue::String(s) => s.to_string(),
        AnyValue::Boolean(b) => if *b { "True" } else { "False" }.into(),
        other => other.to_string(),
    }
}

/// Formats a float compactly: up to six significant decimals, no trailing zeros.
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0');
    s.strip_suffix('.')
        .map_or_else(|| s.to_string(), |t| format!("{t}.0"))
}

/// `25000` as `25,000`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_and_text_aligns() {
        let t = Table::new(
            vec!["".into(), "a<b".into()],
            vec![
                vec!["0".into(), "1.5".into()],
                vec!["1".into(), "10".into()],
            ],
        );
        assert!(t.to_html().contains("<th>a&lt;b</th>"));
        let text = t.to_string();
        assert_eq!(text.lines().nth(1), Some("0  1.5"));
        assert_eq!(text.lines().nth(2), Some("1   10"));
    }

    #[test]
    fn number_formats() {
        assert_eq!(thousands(25000), "25,000");
        assert_eq!(thousands(506), "506");
        assert_eq!(format_float(65.783560), "65.78356");
        assert_eq!(format_float(2.0), "2.0");
    }
}
