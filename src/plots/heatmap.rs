//! A correlation matrix as seaborn's `heatmap(annot=True)`: a diverging palette centred on
//! zero (matplotlib's `RdBu_r`), each value written in the colour that reads on its cell,
//! names centred on their rows and columns, and a colour bar.
//!
//! Laid out in pixels rather than on plotters' axes: every position is a cell's centre or
//! edge, which plotters' tick placement does not give.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::axes::{titled, MARGIN, TITLE_STRIP};
use super::style::{
    blend, centred, font, hex, luminance, text_width, tick_label, ANNOT_PX, AXIS, TEXT, TICK_PX,
};
use super::{plot_error, render, Overlay, Svg};
use crate::eda::Correlation;
use crate::error::Result;

/// Side of a cell in pixels.
const CELL: i32 = 46;
/// Colour bar: gap from the matrix, width.
const BAR_GAP: i32 = 22;
const BAR_WIDTH: i32 = 18;
/// The colour bar's gradient. Inline SVGs share one id space in a notebook page; every
/// heatmap defines the same gradient under this id, so whichever definition wins is right.
const GRADIENT_ID: &str = "ml-workflow-rdbu-r";
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

/// The palette's colour for a correlation in [−1, 1].
pub fn diverging(r: f64) -> RGBColor {
    let t = (r.clamp(-1.0, 1.0) + 1.0) / 2.0 * (RDBU_R.len() - 1) as f64;
    let i = (t.floor() as usize).min(RDBU_R.len() - 2);
    blend(RDBU_R[i], RDBU_R[i + 1], t - i as f64)
}

/// The colour a value is written in on a cell of colour `fill`.
fn ink(fill: RGBColor) -> RGBColor {
    if luminance(fill) < 0.35 {
        WHITE
    } else {
        TEXT
    }
}

/// A correlation matrix as an annotated heatmap with a colour bar (seaborn's
/// `heatmap(annot=True, fmt=".2f", cmap="RdBu_r", vmin=-1, vmax=1)`).
pub fn heatmap(corr: &Correlation, title: &str) -> Result<Svg> {
    let k = corr.columns.len();
    if k == 0 || corr.matrix.len() != k || corr.matrix.iter().any(|row| row.len() != k) {
        return Err(plot_error(title, "the matrix is empty or not square"));
    }
    let names = &corr.columns;
    let name_width = names
        .iter()
        .map(|s| text_width(s, TICK_PX))
        .fold(0.0, f64::max)
        .ceil() as i32;
    let side = CELL * k as i32;
    let (ox, oy) = (
        MARGIN as i32 + name_width + TICK + 8,
        TITLE_STRIP as i32 + MARGIN as i32,
    );
    let bar_x = ox + side + BAR_GAP;
    let label_room = text_width("−0.5", TICK_PX).ceil() as i32 + TICK + 10;
    let width = bar_x + BAR_WIDTH + label_room + MARGIN as i32;
    let height = oy + side + TICK + 8 + name_width + MARGIN as i32;
    let width = width.max(text_width(title, 16.0) as i32 + 2 * MARGIN as i32);
    render(title, (width as u32, height as u32), |root| {
        titled(root, title)?;
        let draw_err = |e| plot_error(title, e);
        for (i, row) in corr.matrix.iter().enumerate() {
            for (j, &r) in row.iter().enumerate() {
                let (x, y) = (ox + CELL * j as i32, oy + CELL * i as i32);
                let fill = diverging(r);
                root.draw(&Rectangle::new(
                    [(x, y), (x + CELL, y + CELL)],
                    fill.filled(),
                ))
                .map_err(draw_err)?;
                let text = if r.is_finite() {
                    format!("{r:.2}")
                } else {
                    "–".into()
                };
                let text = text.replace('-', "\u{2212}");
                root.draw(&Text::new(
                    text,
                    (x + CELL / 2, y + CELL / 2),
                    centred(ANNOT_PX).color(&ink(fill)),
                ))
                .map_err(draw_err)?;
            }
        }
        let tick = AXIS.stroke_width(1);
        let right = font(TICK_PX).pos(Pos::new(HPos::Right, VPos::Center));
        // Turned a quarter left, as matplotlib turns long tick labels: read bottom to top,
        // ending just below the matrix.
        let down = font(TICK_PX)
            .pos(Pos::new(HPos::Right, VPos::Center))
            .transform(FontTransform::Rotate270);
        for (i, name) in names.iter().enumerate() {
            let c = CELL * i as i32 + CELL / 2;
            // Row names left of the matrix, column names below it, turned to read downwards.
            root.draw(&PathElement::new(
                vec![(ox - TICK, oy + c), (ox, oy + c)],
                tick,
            ))
            .map_err(draw_err)?;
            root.draw(&Text::new(
                name.clone(),
                (ox - TICK - 4, oy + c),
                right.clone(),
            ))
            .map_err(draw_err)?;
            let bottom = oy + side;
            root.draw(&PathElement::new(
                vec![(ox + c, bottom), (ox + c, bottom + TICK)],
                tick,
            ))
            .map_err(draw_err)?;
            root.draw(&Text::new(
                name.clone(),
                (ox + c, bottom + TICK + 4),
                down.clone(),
            ))
            .map_err(draw_err)?;
        }
        colour_bar_labels(root, (bar_x, oy), side, title)?;
        let mut overlay = Overlay::default();
        overlay.raw(&colour_bar((bar_x, oy), side));
        Ok(overlay)
    })
}

/// The colour bar's ticks and labels at −1, −0.5, 0, 0.5 and 1.
fn colour_bar_labels(
    root: &super::axes::Area,
    (x, y): (i32, i32),
    height: i32,
    title: &str,
) -> Result<()> {
    let style = font(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center));
    for step in 0..=4 {
        let v = -1.0 + 0.5 * f64::from(step);
        let py = y + height - (f64::from(height) * (v + 1.0) / 2.0).round() as i32;
        let x1 = x + BAR_WIDTH;
        root.draw(&PathElement::new(
            vec![(x1, py), (x1 + TICK, py)],
            AXIS.stroke_width(1),
        ))
        .map_err(|e| plot_error(title, e))?;
        root.draw(&Text::new(
            tick_label(v, 2.0),
            (x1 + TICK + 4, py),
            style.clone(),
        ))
        .map_err(|e| plot_error(title, e))?;
    }
    Ok(())
}

/// The colour bar as SVG: the palette as a vertical gradient from −1 (bottom) to 1 (top), in
/// a group a reader's tools (and the tests) can find by its class.
fn colour_bar((x, y): (i32, i32), height: i32) -> String {
    let mut out = format!(
        r#"<g class="colorbar"><defs><linearGradient id="{GRADIENT_ID}" x1="0" y1="1" x2="0" y2="0">"#
    );
    for (i, c) in RDBU_R.iter().enumerate() {
        let offset = i as f64 / (RDBU_R.len() - 1) as f64;
        out.push_str(&format!(
            r#"<stop offset="{offset}" stop-color="{}"/>"#,
            hex(*c)
        ));
    }
    out.push_str("</linearGradient></defs>");
    out.push_str(&format!(
        r#"<rect x="{x}" y="{y}" width="{BAR_WIDTH}" height="{height}" fill="url(#{GRADIENT_ID})" stroke="{}" stroke-width="1"/></g>"#,
        hex(AXIS)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_is_centred_on_zero() {
        assert_eq!(diverging(0.0), RGBColor(0xF7, 0xF7, 0xF7));
        assert_eq!(diverging(-1.0), RDBU_R[0]);
        assert_eq!(diverging(1.0), RDBU_R[10]);
        assert_eq!(ink(diverging(1.0)), WHITE);
        assert_eq!(ink(diverging(0.1)), TEXT);
    }
}
