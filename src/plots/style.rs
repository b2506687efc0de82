//! The look every chart shares: fonts and their sizes, seaborn's `deep` palette, grid and
//! text colours, and tick labels as a reader writes them (`64`, not `64.0`; `−2`, not `-2`).
//!
//! Sizes are the pixel sizes the reader sees. plotters' SVG backend writes `font-size` as the
//! requested size divided by 1.24, so [`font`] asks for 1.24 times the wanted size.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Font families, first match wins: matplotlib's DejaVu Sans, then the usual system sans.
pub const FAMILY: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";
/// Chart titles, in pixels.
pub const TITLE_PX: f64 = 16.0;
/// Axis descriptions.
pub const LABEL_PX: f64 = 14.5;
/// Tick labels and legends (seaborn's notebook context draws them at about 13 px).
pub const TICK_PX: f64 = 13.0;
/// Numbers written inside cells (heatmap annotations).
pub const ANNOT_PX: f64 = 12.0;

/// Average advance of a DejaVu Sans character, in ems (digits are 0.636); used to size label
/// areas before plotters draws them.
pub const EM_PER_CHAR: f64 = 0.64;

/// plotters' SVG backend divides requested font sizes by this.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

/// seaborn's `deep` palette.
pub const DEEP: [RGBColor; 10] = [
    RGBColor(0x4C, 0x72, 0xB0),
    RGBColor(0xDD, 0x84, 0x52),
    RGBColor(0x55, 0xA8, 0x68),
    RGBColor(0xC4, 0x4E, 0x52),
    RGBColor(0x81, 0x72, 0xB3),
    RGBColor(0x93, 0x78, 0x60),
    RGBColor(0xDA, 0x8B, 0xC3),
    RGBColor(0x8C, 0x8C, 0x8C),
    RGBColor(0xCC, 0xB9, 0x74),
    RGBColor(0x64, 0xB5, 0xCD),
];
/// Text (matplotlib's near-black).
pub const TEXT: RGBColor = RGBColor(0x26, 0x26, 0x26);
/// Axis lines and tick marks.
pub const AXIS: RGBColor = RGBColor(0x59, 0x59, 0x59);
/// Grid lines behind the data.
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE8);
/// Reference lines (y = x, zero residual), dashed so they do not read as axes.
pub const REFERENCE: RGBColor = RGBColor(0xDD, 0x84, 0x52);

/// A text style whose rendered size is `px` pixels.
pub fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, px * PLOTTERS_FONT_SCALE).into_font()).color(&TEXT)
}

/// [`font`] anchored at its centre, for labels placed on a point.
pub fn centred(px: f64) -> TextStyle<'static> {
    font(px).pos(Pos::new(HPos::Center, VPos::Center))
}

/// Estimated width in pixels of `text` at `px` (for sizing label areas and legends).
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * EM_PER_CHAR
}

/// A tick label for `v` on an axis spanning `span`: as many decimals as the axis' steps can
/// need (plotters' steps are 1, 2 or 5 times a power of ten, at least span/100), trailing
/// zeros trimmed, and a true minus sign.
pub fn tick_label(v: f64, span: f64) -> String {
    let magnitude = if span > 0.0 && span.is_finite() {
        span.log10().floor()
    } else {
        0.0
    };
    let decimals = (3.0 - magnitude).clamp(0.0, 12.0) as usize;
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".into();
    }
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

/// A log axis' decade label, as matplotlib writes it: `10²`, `10³`; other values as
/// [`tick_label`] would write them.
pub fn decade_label(v: f64) -> String {
    let e = v.log10();
    if (e - e.round()).abs() > 1e-9 {
        return tick_label(v, v);
    }
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let e = e.round() as i64;
    let digits: String = e
        .unsigned_abs()
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).map(|d| SUPERSCRIPT[d as usize]))
        .collect();
    format!("10{}{digits}", if e < 0 { "⁻" } else { "" })
}

/// Linear blend of two colours, `t` in [0, 1].
pub fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Relative luminance (0 black … 1 white), to pick a readable text colour on a fill.
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// `#rrggbb` for SVG attributes written directly.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_read_as_written() {
        assert_eq!(tick_label(64.0, 30.0), "64");
        assert_eq!(tick_label(0.30000000000000004, 1.0), "0.3");
        assert_eq!(tick_label(-2.0, 10.0), "−2");
        assert_eq!(tick_label(-0.0, 10.0), "0");
        assert_eq!(tick_label(106.6, 0.5), "106.6");
        assert_eq!(tick_label(0.05, 0.4), "0.05");
        assert_eq!(tick_label(250000.0, 1e6), "250000");
    }

    #[test]
    fn decades_are_powers_of_ten() {
        assert_eq!(decade_label(100.0), "10²");
        assert_eq!(decade_label(10000.0), "10⁴");
        assert_eq!(decade_label(0.01), "10⁻²");
        assert_eq!(decade_label(300.0), "300");
    }

    #[test]
    fn text_on_dark_fills_is_light() {
        assert!(luminance(RGBColor(5, 48, 97)) < 0.1);
        assert!(luminance(RGBColor(247, 247, 247)) > 0.9);
    }
}
