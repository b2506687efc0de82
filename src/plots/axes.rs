//! The frame most charts share: a title strip, cartesian axes with readable ticks and light
//! grid lines (seaborn's `whitegrid`, despined), points drawn as seaborn draws them, and a
//! legend put in the corner that hides the fewest points.

use std::ops::Range;

use plotters::chart::SeriesLabelPosition;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub(crate) use super::canvas::Area;
use super::canvas::{plot_error, Labels};
use super::overlay::PixelMap;
use super::style::{
    centred, font, text_width, tick_label, AXIS, DEEP, GRID, LABEL_PX, TICK_PX, TITLE_PX,
};
use crate::eda::min_max;
use crate::error::Result;

/// Most points a scatter draws before it shows an evenly spaced subset.
pub const MAX_POINTS: usize = 2_000;

/// A chart with linear f64 axes.
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Height of the strip the title is drawn in.
pub(crate) const TITLE_STRIP: u32 = 38;
/// Space between the drawing's edge and the axes.
pub(crate) const MARGIN: u32 = 10;
/// Extra room on the right, where the last x tick label overhangs.
pub(crate) const MARGIN_RIGHT: u32 = 26;
/// Tick mark length.
const TICK_MARK: i32 = 5;

/// Draws the title centred in a strip at the top of `area` and returns the rest. A title too
/// long for the width is drawn smaller (down to the tick size) rather than cut off.
pub(crate) fn titled<'a>(area: &Area<'a>, title: &str) -> Result<Area<'a>> {
    let (w, _) = area.dim_in_pixel();
    let room = f64::from(w) - 2.0 * f64::from(MARGIN);
    let px = TITLE_PX.min(room / text_width(title, 1.0)).max(TICK_PX);
    let (top, rest) = area.split_vertically(TITLE_STRIP);
    top.draw_text(
        title,
        &centred(px),
        (w as i32 / 2, TITLE_STRIP as i32 / 2 + 3),
    )
    .map_err(|e| plot_error(title, e))?;
    Ok(rest)
}

/// Height of the x label area: tick marks, tick labels, the axis description.
pub(crate) fn x_label_area() -> u32 {
    (TICK_MARK as f64 + TICK_PX * 1.5 + LABEL_PX * 1.5 + 6.0).round() as u32
}

/// Width of the y label area for tick labels of up to `chars` characters.
pub(crate) fn y_label_area(chars: usize) -> u32 {
    let ticks = chars as f64 * TICK_PX * super::style::EM_PER_CHAR;
    (TICK_MARK as f64 + 6.0 + ticks + 8.0 + LABEL_PX * 1.4).round() as u32
}

/// The longest tick label an axis over `range` is likely to show: the ends and the middle,
/// written with the decimals of a step of about a tenth of the span, plus one character.
pub(crate) fn tick_chars(range: &Range<f64>) -> usize {
    let span = range.end - range.start;
    let decimals = if span > 0.0 && span.is_finite() {
        (-(span / 10.0).log10().floor()).clamp(0.0, 12.0) as usize
    } else {
        0
    };
    let probe = [range.start, range.end, range.start + span * 0.55];
    probe
        .iter()
        .map(|v| format!("{v:.decimals$}").chars().count())
        .max()
        .unwrap_or(1)
        + 1
}

/// What [`cartesian`] draws.
pub(crate) struct Axes<'l> {
    /// Title (drawn by the caller with [`titled`]) and axis descriptions.
    pub labels: &'l Labels,
    /// X data range.
    pub x: Range<f64>,
    /// Y data range.
    pub y: Range<f64>,
    /// Light grid lines behind the data.
    pub grid: bool,
}

/// A chart builder with the shared margins and label areas (`y_area` pixels for the y tick
/// labels and description), for any coordinates.
pub(crate) fn framed<'a, 'b, 'c>(
    area: &'a Area<'c>,
    y_area: u32,
) -> ChartBuilder<'a, 'b, SVGBackend<'c>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(MARGIN)
        .margin_right(MARGIN_RIGHT)
        .x_label_area_size(x_label_area())
        .y_label_area_size(y_area);
    builder
}

/// Linear axes with labelled, readable ticks on `area` (below the title strip).
pub(crate) fn cartesian<'a, 'b>(area: &'a Area<'b>, axes: &Axes) -> Result<Chart<'a, 'b>> {
    let title = axes.labels.title.as_str();
    let mut chart = framed(area, y_label_area(tick_chars(&axes.y)))
        .build_cartesian_2d(axes.x.clone(), axes.y.clone())
        .map_err(|e| plot_error(title, e))?;
    let (xspan, yspan) = (axes.x.end - axes.x.start, axes.y.end - axes.y.start);
    let fx = |v: &f64| tick_label(*v, xspan);
    let fy = |v: &f64| tick_label(*v, yspan);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(axes.labels.x.as_str())
        .y_desc(axes.labels.y.as_str())
        .x_labels(8)
        .y_labels(7)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy);
    style_mesh(&mut mesh, axes.grid);
    mesh.draw().map_err(|e| plot_error(title, e))?;
    Ok(chart)
}

/// Grid-lined axes over `ranges` with the points `(x, y)` drawn on them: how every
/// scatter-based chart starts.
pub(crate) fn scatter_axes<'a, 'b>(
    area: &'a Area<'b>,
    labels: &Labels,
    title: &str,
    (xr, yr): (Range<f64>, Range<f64>),
    (x, y): (&[f64], &[f64]),
) -> Result<Chart<'a, 'b>> {
    let axes = Axes {
        labels,
        x: xr,
        y: yr,
        grid: true,
    };
    let mut chart = cartesian(area, &axes)?;
    draw_points(&mut chart, title, x, y, DEEP[0])?;
    Ok(chart)
}

/// The shared look of a mesh: fonts, axis and grid colours, tick marks, no minor lines.
pub(crate) fn style_mesh<X: Ranged, Y: Ranged>(
    mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, SVGBackend<'_>>,
    grid: bool,
) {
    mesh.label_style(font(TICK_PX))
        .axis_desc_style(font(LABEL_PX))
        .axis_style(AXIS.stroke_width(1))
        .bold_line_style(if grid {
            GRID.stroke_width(1)
        } else {
            TRANSPARENT.stroke_width(0)
        })
        .light_line_style(TRANSPARENT.stroke_width(0))
        .max_light_lines(0)
        .set_all_tick_mark_size(TICK_MARK);
}

/// The pixel mapping of a chart's plotting area (for overlays and legend placement).
pub(crate) fn pixel_map(chart: &Chart, x: &Range<f64>, y: &Range<f64>) -> PixelMap {
    PixelMap::new(
        chart.plotting_area().get_pixel_range(),
        x.clone(),
        y.clone(),
        false,
    )
}

/// Axis range covering the values with 5 % padding (never empty).
pub(crate) fn padded(values: &[f64]) -> Range<f64> {
    let (lo, hi) = min_max(values);
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 1.0 };
    (lo - pad)..(hi + pad)
}

/// Indices of at most `max` evenly spaced points, and whether it is a subset.
pub(crate) fn subset(n: usize, max: usize) -> (Vec<usize>, bool) {
    if n <= max {
        ((0..n).collect(), false)
    } else {
        ((0..max).map(|i| i * n / max).collect(), true)
    }
}

/// The title, saying when a scatter shows a subset of its points.
pub(crate) fn scatter_title(title: &str, n: usize) -> String {
    let (_, sub) = subset(n, MAX_POINTS);
    if sub {
        format!(
            "{title} ({} of {} points shown)",
            crate::display::thousands(MAX_POINTS),
            crate::display::thousands(n)
        )
    } else {
        title.to_string()
    }
}

/// Points as seaborn's scatter draws them: filled in `color`, half transparent when there are
/// enough to overlap.
pub(crate) fn draw_points(
    chart: &mut Chart,
    title: &str,
    x: &[f64],
    y: &[f64],
    color: RGBColor,
) -> Result<()> {
    let (idx, _) = subset(x.len(), MAX_POINTS);
    let alpha = if idx.len() > 500 { 0.5 } else { 0.8 };
    chart
        .draw_series(
            idx.iter()
                .map(|&i| Circle::new((x[i], y[i]), 3, color.mix(alpha).filled())),
        )
        .map_err(|e| plot_error(title, e))?;
    Ok(())
}

/// A straight line between two points (two points, so it is not stepped), cut where it
/// leaves the axes (plotters does not clip), dashed for reference lines, with a legend entry
/// when `label` is given.
pub(crate) fn draw_straight(
    chart: &mut Chart,
    title: &str,
    ends: [(f64, f64); 2],
    (style, dashed): (ShapeStyle, bool),
    label: Option<&str>,
) -> Result<()> {
    let Some(ends) = clip_segment(ends, &chart.x_range(), &chart.y_range()) else {
        return Ok(());
    };
    let series = if dashed {
        chart.draw_series(DashedLineSeries::new(ends, 7, 5, style))
    } else {
        chart.draw_series(LineSeries::new(ends, style))
    }
    .map_err(|e| plot_error(title, e))?;
    if let Some(label) = label {
        series
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], style));
    }
    Ok(())
}

/// The part of the segment inside the box `xr` × `yr` (Liang–Barsky), if any.
pub(crate) fn clip_segment(
    [(x0, y0), (x1, y1)]: [(f64, f64); 2],
    xr: &Range<f64>,
    yr: &Range<f64>,
) -> Option<[(f64, f64); 2]> {
    let (dx, dy) = (x1 - x0, y1 - y0);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, x0 - xr.start),
        (dx, xr.end - x0),
        (-dy, y0 - yr.start),
        (dy, yr.end - y0),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some([(x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy)])
}

/// Draws the legend in the plotting area's corner that hides the fewest of `points`.
pub(crate) fn legend<'a, 'b: 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, CT>,
    title: &str,
    map: &PixelMap,
    points: impl Iterator<Item = (f64, f64)>,
    entries: &[&str],
) -> Result<()> {
    let width = 48.0
        + entries
            .iter()
            .map(|e| text_width(e, TICK_PX))
            .fold(0.0, f64::max);
    let height = 10.0 + 22.0 * entries.len() as f64;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let corners = [
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::LowerLeft,
        SeriesLabelPosition::LowerRight,
    ];
    let boxes = [
        (f64::from(px.start), f64::from(py.start)),
        (f64::from(px.end) - width, f64::from(py.start)),
        (f64::from(px.start), f64::from(py.end) - height),
        (f64::from(px.end) - width, f64::from(py.end) - height),
    ];
    let mut hidden = [0usize; 4];
    for p in points {
        let (x, y) = map.px(p);
        for (count, (bx, by)) in hidden.iter_mut().zip(&boxes) {
            // A margin around the box: points just outside it still crowd it.
            if x >= bx - 8.0 && x <= bx + width + 8.0 && y >= by - 8.0 && y <= by + height + 8.0 {
                *count += 1;
            }
        }
    }
    let best = (0..4).min_by_key(|&i| hidden[i]).unwrap_or(0);
    chart
        .configure_series_labels()
        .position(corners[best].clone())
        .margin(8)
        .legend_area_size(30)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID.stroke_width(1))
        .label_font(font(TICK_PX))
        .draw()
        .map_err(|e| plot_error(title, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_is_even_and_bounded() {
        let (idx, sub) = subset(25_000, 2_000);
        assert!(sub);
        assert_eq!(idx.len(), 2_000);
        assert_eq!(idx[1], 12);
        assert_eq!(subset(10, 2_000).0.len(), 10);
    }

    #[test]
    fn subset_titles_have_thousands_separators() {
        assert_eq!(scatter_title("t", 5_000), "t (2,000 of 5,000 points shown)");
        assert_eq!(
            scatter_title("t", 2_000_000),
            "t (2,000 of 2,000,000 points shown)"
        );
    }

    #[test]
    fn segments_are_cut_at_the_axes() {
        let clip = |a, b| clip_segment([a, b], &(0.0..10.0), &(0.0..5.0));
        assert_eq!(
            clip((0.0, 0.0), (10.0, 10.0)),
            Some([(0.0, 0.0), (5.0, 5.0)])
        );
        assert_eq!(
            clip((-5.0, 1.0), (15.0, 1.0)),
            Some([(0.0, 1.0), (10.0, 1.0)])
        );
        assert_eq!(clip((0.0, 6.0), (10.0, 7.0)), None);
    }

    #[test]
    fn y_label_area_grows_with_the_labels() {
        assert_eq!(tick_chars(&(0.0..100000.0)), 7);
        assert!(y_label_area(7) > y_label_area(4));
        assert_eq!(tick_chars(&(50.0..80.0)), 3);
        assert_eq!(tick_chars(&(11.72..12.41)), 6, "11.72 and one more");
    }
}
