//! Annotated matrices as seaborn's `heatmap(annot=True)` draws them: each cell filled from a
//! palette, its value written in the colour that reads on it, names centred on their rows and
//! columns, and a colour bar. Two charts use it: a correlation matrix (a diverging palette
//! centred on zero, matplotlib's `RdBu_r`) and a classifier's confusion matrix (matplotlib's
//! `Blues`, as scikit-learn's `ConfusionMatrixDisplay` is usually drawn, counts or each row's
//! shares).
//!
//! Laid out in pixels rather than on plotters' axes: every position is a cell's centre or
//! edge, which plotters' tick placement does not give.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::axes::{titled, Area, MARGIN, TITLE_STRIP};
use super::style::{
    blend, centred, font, hex, luminance, text_width, tick_label, ANNOT_PX, AXIS, LABEL_PX, TEXT,
    TICK_PX,
};
use super::{plot_error, render, Overlay, Svg};
use crate::eda::Correlation;
use crate::error::Result;

/// Side of a correlation cell in pixels.
const CELL: i32 = 46;
/// Side of a confusion-matrix cell (counts need room), and the most it grows to fit names.
const CONFUSION_CELL: i32 = 72;
const MAX_CONFUSION_CELL: i32 = 120;
/// Colour bar: gap from the matrix, width.
const BAR_GAP: i32 = 22;
const BAR_WIDTH: i32 = 18;
/// Tick marks.
const TICK: i32 = 4;

/// matplotlib's `RdBu` reversed: −1 dark blue, 0 near white, +1 dark red.
const RDBU_R: [RGBColor; 11] = [
    RGBColor(0x05, 0x30, 0x61),
    RGBColor(0x21, 0x66, 0xAC),
    RGBColor(0x43, 0x93, 0xC3),
    RGBColor(0x92, 0xC5, 0xDE),
    RGBColor(0xD1, 0xE5, 0xF0),
    RGBColor(0xF7, 0xF7, 0xF7),
    RGBColor(0xFD, 0xDB, 0xC7),
    RGBColor(0xF4, 0xA5, 0x82),
    RGBColor(0xD6, 0x60, 0x4D),
    RGBColor(0xB2, 0x18, 0x2B),
    RGBColor(0x67, 0x00, 0x1F),
];

/// matplotlib's `Blues`: near white to dark blue.
const BLUES: [RGBColor; 9] = [
    RGBColor(0xF7, 0xFB, 0xFF),
    RGBColor(0xDE, 0xEB, 0xF7),
    RGBColor(0xC6, 0xDB, 0xEF),
    RGBColor(0x9E, 0xCA, 0xE1),
    RGBColor(0x6B, 0xAE, 0xD6),
    RGBColor(0x42, 0x92, 0xC6),
    RGBColor(0x21, 0x71, 0xB5),
    RGBColor(0x08, 0x51, 0x9C),
    RGBColor(0x08, 0x30, 0x6B),
];

/// A palette's colour at `t` in [0, 1].
fn palette_at(palette: &[RGBColor], t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (palette.len() - 1) as f64;
    let i = (t.floor() as usize).min(palette.len() - 2);
    blend(palette[i], palette[i + 1], t - i as f64)
}

/// The colour a value is written in on a cell of colour `fill`.
fn ink(fill: RGBColor) -> RGBColor {
    if luminance(fill) < 0.35 {
        WHITE
    } else {
        TEXT
    }
}

/// What an annotated matrix shows.
struct Matrix<'a> {
    title: &'a str,
    /// Row names (left) and column names (below).
    rows: &'a [String],
    cols: &'a [String],
    /// `values[row][column]`; NaN cells are written as a dash.
    values: &'a [Vec<f64>],
    /// A cell's text from its value.
    text: &'a dyn Fn(f64) -> String,
    palette: &'a [RGBColor],
    /// The values the palette's ends stand for.
    range: (f64, f64),
    /// The colour bar's gradient id: inline SVGs share one id space in a notebook page, so
    /// every chart with this palette defines the same gradient under the same id.
    gradient_id: &'a str,
    /// What the rows and the columns are (`True label`, `Predicted label`), if said.
    axis_names: Option<(&'a str, &'a str)>,
    cell: i32,
}

/// A correlation matrix as an annotated heatmap with a colour bar (seaborn's
/// `heatmap(annot=True, fmt=".2f", cmap="RdBu_r", vmin=-1, vmax=1)`).
pub fn heatmap(corr: &Correlation, title: &str) -> Result<Svg> {
    let text = |r: f64| format!("{r:.2}").replace('-', "\u{2212}");
    annotated(&Matrix {
        title,
        rows: &corr.columns,
        cols: &corr.columns,
        values: &corr.matrix,
        text: &text,
        palette: &RDBU_R,
        range: (-1.0, 1.0),
        gradient_id: "ml-workflow-rdbu-r",
        axis_names: None,
        cell: CELL,
    })
}

/// A classifier's confusion matrix (`confusion[actual][predicted]` row counts, classes in
/// order) as scikit-learn's `ConfusionMatrixDisplay` shows it, on matplotlib's `Blues`:
/// counts, or with `normalize` each actual class's shares (`normalize="true"`, two decimals).
pub fn confusion_matrix(
    confusion: &[Vec<usize>],
    classes: &[String],
    normalize: bool,
    title: &str,
) -> Result<Svg> {
    let values: Vec<Vec<f64>> = confusion
        .iter()
        .map(|row| {
            let total: usize = row.iter().sum();
            row.iter()
                .map(|&n| match (normalize, total) {
                    (false, _) => n as f64,
                    (true, 0) => f64::NAN,
                    (true, t) => n as f64 / t as f64,
                })
                .collect()
        })
        .collect();
    let top = if normalize {
        1.0
    } else {
        values.iter().flatten().copied().fold(1.0, f64::max)
    };
    let text = |v: f64| {
        if normalize {
            format!("{v:.2}")
        } else {
            format!("{v:.0}")
        }
    };
    annotated(&Matrix {
        title,
        rows: classes,
        cols: classes,
        values: &values,
        text: &text,
        palette: &BLUES,
        range: (0.0, top),
        gradient_id: "ml-workflow-blues",
        axis_names: Some(("True label", "Predicted label")),
        // Wide enough for the class names to read across, as scikit-learn writes them.
        cell: (widest(classes) + 8).clamp(CONFUSION_CELL, MAX_CONFUSION_CELL),
    })
}

/// The widest of `names` in pixels, with room either side.
fn widest(names: &[String]) -> i32 {
    names
        .iter()
        .map(|s| text_width(s, TICK_PX))
        .fold(0.0, f64::max)
        .ceil() as i32
}

/// Draws an annotated matrix with its names and colour bar.
fn annotated(m: &Matrix) -> Result<Svg> {
    let (title, cell) = (m.title, m.cell);
    let (k_rows, k_cols) = (m.rows.len(), m.cols.len());
    if k_rows == 0 || m.values.len() != k_rows || m.values.iter().any(|r| r.len() != k_cols) {
        return Err(plot_error(
            title,
            "the matrix is empty or its names do not match it",
        ));
    }
    let (row_width, col_width) = (widest(m.rows), widest(m.cols));
    // Column names turn a quarter when one is wider than its cell.
    let turned = col_width > cell - 6;
    let col_height = if turned {
        col_width
    } else {
        TICK_PX as i32 + 2
    };
    let name_room = if m.axis_names.is_some() {
        (LABEL_PX * 1.6) as i32
    } else {
        0
    };
    let (ox, oy) = (
        MARGIN as i32 + name_room + row_width + TICK + 8,
        TITLE_STRIP as i32 + MARGIN as i32,
    );
    let (width_px, height_px) = (cell * k_cols as i32, cell * k_rows as i32);
    let bar_x = ox + width_px + BAR_GAP;
    let label_room = text_width("−0.5", TICK_PX).ceil() as i32 + TICK + 10;
    let width = (bar_x + BAR_WIDTH + label_room + MARGIN as i32)
        .max(text_width(title, 16.0) as i32 + 2 * MARGIN as i32);
    let height = oy + height_px + TICK + 8 + col_height + name_room + MARGIN as i32;
    render(title, (width as u32, height as u32), |root| {
        titled(root, title)?;
        let draw_err = |e| plot_error(title, e);
        let (lo, hi) = m.range;
        for (i, row) in m.values.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let (x, y) = (ox + cell * j as i32, oy + cell * i as i32);
                let fill = if v.is_finite() {
                    palette_at(m.palette, (v - lo) / (hi - lo))
                } else {
                    WHITE
                };
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    fill.filled(),
                ))
                .map_err(draw_err)?;
                let text = if v.is_finite() {
                    (m.text)(v)
                } else {
                    "–".into()
                };
                root.draw(&Text::new(
                    text,
                    (x + cell / 2, y + cell / 2),
                    centred(ANNOT_PX).color(&ink(fill)),
                ))
                .map_err(draw_err)?;
            }
        }
        draw_names(root, m, (ox, oy), turned)?;
        if let Some((rows_name, cols_name)) = m.axis_names {
            let mid_y = oy + height_px / 2;
            let left = font(LABEL_PX)
                .pos(Pos::new(HPos::Center, VPos::Center))
                .transform(FontTransform::Rotate270);
            root.draw(&Text::new(
                rows_name,
                (MARGIN as i32 + name_room / 2, mid_y),
                left,
            ))
            .map_err(draw_err)?;
            let below = oy + height_px + TICK + 8 + col_height + name_room / 2;
            root.draw(&Text::new(
                cols_name,
                (ox + width_px / 2, below),
                centred(LABEL_PX),
            ))
            .map_err(draw_err)?;
        }
        colour_bar_labels(root, (bar_x, oy), height_px, m)?;
        let mut overlay = Overlay::default();
        overlay.raw(&colour_bar((bar_x, oy), height_px, m));
        Ok(overlay)
    })
}

/// Row names left of the matrix, column names below it (turned to read upwards when wide).
fn draw_names(root: &Area, m: &Matrix, (ox, oy): (i32, i32), turned: bool) -> Result<()> {
    let draw_err = |e| plot_error(m.title, e);
    let tick = AXIS.stroke_width(1);
    let right = font(TICK_PX).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, name) in m.rows.iter().enumerate() {
        let c = oy + m.cell * i as i32 + m.cell / 2;
        root.draw(&PathElement::new(vec![(ox - TICK, c), (ox, c)], tick))
            .map_err(draw_err)?;
        root.draw(&Text::new(name.clone(), (ox - TICK - 4, c), right.clone()))
            .map_err(draw_err)?;
    }
    // Turned a quarter left, as matplotlib turns long tick labels: read bottom to top,
    // ending just below the matrix.
    let below = if turned {
        font(TICK_PX)
            .pos(Pos::new(HPos::Right, VPos::Center))
            .transform(FontTransform::Rotate270)
    } else {
        font(TICK_PX).pos(Pos::new(HPos::Center, VPos::Top))
    };
    let bottom = oy + m.cell * m.rows.len() as i32;
    for (j, name) in m.cols.iter().enumerate() {
        let c = ox + m.cell * j as i32 + m.cell / 2;
        root.draw(&PathElement::new(
            vec![(c, bottom), (c, bottom + TICK)],
            tick,
        ))
        .map_err(draw_err)?;
        root.draw(&Text::new(
            name.clone(),
            (c, bottom + TICK + 4),
            below.clone(),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// Up to six round values from `lo` to `hi` (steps of 1, 2 or 5 times a power of ten).
fn bar_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() {
        return vec![lo];
    }
    let magnitude = 10f64.powf((span / 5.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= 5.0 + 1e-9)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// The colour bar's ticks and labels at round values of the range.
fn colour_bar_labels(root: &Area, (x, y): (i32, i32), height: i32, m: &Matrix) -> Result<()> {
    let style = font(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center));
    let (lo, hi) = m.range;
    for v in bar_ticks(lo, hi) {
        let py = y + height - (f64::from(height) * (v - lo) / (hi - lo)).round() as i32;
        let x1 = x + BAR_WIDTH;
        root.draw(&PathElement::new(
            vec![(x1, py), (x1 + TICK, py)],
            AXIS.stroke_width(1),
        ))
        .map_err(|e| plot_error(m.title, e))?;
        root.draw(&Text::new(
            tick_label(v, hi - lo),
            (x1 + TICK + 4, py),
            style.clone(),
        ))
        .map_err(|e| plot_error(m.title, e))?;
    }
    Ok(())
}

/// The colour bar as SVG: the palette as a vertical gradient from the range's low end
/// (bottom) to its high end (top), in a group a reader's tools (and the tests) can find by
/// its class.
fn colour_bar((x, y): (i32, i32), height: i32, m: &Matrix) -> String {
    let id = m.gradient_id;
    let mut out = format!(
        r#"<g class="colorbar"><defs><linearGradient id="{id}" x1="0" y1="1" x2="0" y2="0">"#
    );
    for (i, c) in m.palette.iter().enumerate() {
        let offset = i as f64 / (m.palette.len() - 1) as f64;
        out.push_str(&format!(
            r#"<stop offset="{offset}" stop-color="{}"/>"#,
            hex(*c)
        ));
    }
    out.push_str("</linearGradient></defs>");
    out.push_str(&format!(
        r#"<rect x="{x}" y="{y}" width="{BAR_WIDTH}" height="{height}" fill="url(#{id})" stroke="{}" stroke-width="1"/></g>"#,
        hex(AXIS)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The correlation palette's colour for `r` in [−1, 1].
    fn diverging(r: f64) -> RGBColor {
        palette_at(&RDBU_R, (r + 1.0) / 2.0)
    }

    #[test]
    fn the_palette_is_centred_on_zero() {
        assert_eq!(diverging(0.0), RGBColor(0xF7, 0xF7, 0xF7));
        assert_eq!(diverging(-1.0), RDBU_R[0]);
        assert_eq!(diverging(1.0), RDBU_R[10]);
        assert_eq!(ink(diverging(1.0)), WHITE);
        assert_eq!(ink(diverging(0.1)), TEXT);
    }

    #[test]
    fn colour_bar_ticks_are_round() {
        assert_eq!(bar_ticks(-1.0, 1.0), [-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(bar_ticks(0.0, 33.0), [0.0, 10.0, 20.0, 30.0]);
        assert_eq!(
            bar_ticks(0.0, 1.0),
            [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
    }
}
