//! SVG drawn directly, on top of what plotters drew, for what plotters cannot draw well:
//! plotters' backend snaps every coordinate to a whole pixel (curves look stepped) and its
//! polygons have no holes. Overlays keep sub-pixel coordinates and can use
//! `fill-rule="evenodd"`, which filled contour bands need. A [`PixelMap`] turns data values into
//! the same pixels plotters uses for the chart's plotting area.

use std::fmt::Write;
use std::ops::Range;

use plotters::prelude::RGBColor;

use super::style::hex;

/// One axis: data range `lo..hi` onto pixels `p0..p1`, optionally on a log10 scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisMap {
    lo: f64,
    hi: f64,
    p0: f64,
    p1: f64,
    log: bool,
}

impl AxisMap {
    /// Data `lo..hi` onto pixels `p0..p1` (`p1 < p0` for a y axis, whose pixels grow
    /// downwards); `log` maps log10 of the values (the range must then be positive).
    pub fn new(data: Range<f64>, p0: i32, p1: i32, log: bool) -> AxisMap {
        let t = |v: f64| if log { v.log10() } else { v };
        AxisMap {
            lo: t(data.start),
            hi: t(data.end),
            p0: f64::from(p0),
            p1: f64::from(p1),
            log,
        }
    }

    /// The pixel of a data value.
    pub fn px(&self, v: f64) -> f64 {
        let v = if self.log { v.log10() } else { v };
        self.p0 + (v - self.lo) / (self.hi - self.lo) * (self.p1 - self.p0)
    }
}

/// Data → pixel mapping of a plotting area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelMap {
    /// Horizontal axis.
    pub x: AxisMap,
    /// Vertical axis (larger values higher up).
    pub y: AxisMap,
}

impl PixelMap {
    /// The mapping plotters uses for a plotting area whose pixels are `pixels` (from
    /// `plotting_area().get_pixel_range()`): x from the left edge to the last column, y from
    /// the last row up to the top edge.
    pub fn new(
        pixels: (Range<i32>, Range<i32>),
        x: Range<f64>,
        y: Range<f64>,
        log_y: bool,
    ) -> PixelMap {
        let (px, py) = pixels;
        PixelMap {
            x: AxisMap::new(x, px.start, px.end - 1, false),
            y: AxisMap::new(y, py.end - 1, py.start, log_y),
        }
    }

    /// The pixel of a data point.
    pub fn px(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.x.px(x), self.y.px(y))
    }
}

/// SVG elements to add after plotters' drawing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay(String);

impl Overlay {
    /// Fills the rings (each a closed polygon in data coordinates) as one path with the
    /// even-odd rule, so a ring inside another is a hole.
    pub fn fill_rings(&mut self, map: &PixelMap, rings: &[Vec<(f64, f64)>], fill: RGBColor) {
        let mut d = String::new();
        for ring in rings.iter().filter(|r| r.len() >= 3) {
            path_points(&mut d, map, ring);
            d.push('Z');
        }
        if !d.is_empty() {
            let _ = write!(
                self.0,
                r#"<path d="{d}" fill="{}" fill-rule="evenodd" stroke="none"/>"#,
                hex(fill)
            );
            self.0.push('\n');
        }
    }

    /// A filled area from a polyline down (or, `vertical`, left) to a baseline.
    pub fn area(&mut self, map: &PixelMap, points: &[(f64, f64)], style: AreaStyle) {
        let mut d = String::new();
        path_points(&mut d, map, points);
        let _ = write!(
            self.0,
            r#"<path d="{d}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="{}"/>"#,
            hex(style.fill),
            style.fill_opacity,
            hex(style.stroke),
            style.stroke_width
        );
        self.0.push('\n');
    }

    /// Adds SVG markup as it is (a colour bar's gradient, say).
    pub fn raw(&mut self, markup: &str) {
        self.0.push_str(markup);
        self.0.push('\n');
    }

    /// Inserts the overlay at the end of an SVG document (above everything plotters drew).
    pub fn apply(&self, svg: &mut String) {
        if self.0.is_empty() {
            return;
        }
        match svg.rfind("</svg>") {
            Some(end) => svg.insert_str(end, &self.0),
            None => svg.push_str(&self.0),
        }
    }
}

/// How [`Overlay::area`] paints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaStyle {
    /// Fill colour.
    pub fill: RGBColor,
    /// Fill opacity, 0 to 1.
    pub fill_opacity: f64,
    /// Outline colour.
    pub stroke: RGBColor,
    /// Outline width in pixels.
    pub stroke_width: f64,
}

/// Appends `M x y L x y …` with one decimal (a tenth of a pixel is finer than any screen).
fn path_points(d: &mut String, map: &PixelMap, points: &[(f64, f64)]) {
    for (i, p) in points.iter().enumerate() {
        let (x, y) = map.px(*p);
        let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { 'M' } else { 'L' });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_map_ends_to_ends() {
        let map = PixelMap::new((50..551, 20..321), 0.0..10.0, 1.0..1000.0, true);
        assert_eq!(map.px((0.0, 1.0)), (50.0, 320.0));
        assert_eq!(map.px((10.0, 1000.0)), (550.0, 20.0));
        assert!((map.px((5.0, 10.0)).1 - 220.0).abs() < 1e-9);
    }

    #[test]
    fn holes_use_even_odd() {
        let map = PixelMap::new((0..101, 0..101), 0.0..1.0, 0.0..1.0, false);
        let mut o = Overlay::default();
        let square = |a: f64, b: f64| vec![(a, a), (b, a), (b, b), (a, b)];
        o.fill_rings(
            &map,
            &[square(0.1, 0.9), square(0.4, 0.6)],
            RGBColor(0, 0, 255),
        );
        let mut svg = "<svg></svg>".to_string();
        o.apply(&mut svg);
        assert!(svg.contains(r#"fill-rule="evenodd""#));
        assert_eq!(svg.matches('Z').count(), 2);
        assert!(svg.ends_with("</svg>"));
    }
}
