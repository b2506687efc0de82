//! Horizontal bars: models' cross-validated scores with ±1 std whiskers, and a model's
//! feature importances, largest first. Names sit at the bars' centres, written by the chart
//! rather than by plotters' tick labels, which land on bar edges.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{framed, style_mesh, titled, x_label_area, MARGIN, TITLE_STRIP};
use super::style::{font, text_width, tick_label, DEEP, LABEL_PX, TEXT, TICK_PX};
use super::{plot_error, render, Labels, Overlay, Svg};
use crate::error::Result;

/// Chart width; the height grows with the number of bars.
const WIDTH: u32 = 640;
/// Pixels per bar row.
const ROW: u32 = 34;
/// Whiskers and their caps.
const WHISKER: RGBColor = RGBColor(0x42, 0x42, 0x42);

/// What [`draw_bars`] draws.
struct Bars<'a> {
    names: &'a [String],
    values: &'a [f64],
    errors: Option<&'a [f64]>,
    labels: &'a Labels,
    /// Write each value at the end of its bar.
    annotate: bool,
}

/// Horizontal bars with ±error whiskers, for comparing models' cross-validated scores; the
/// first name is the top bar.
pub fn bar_chart(names: &[String], values: &[f64], errors: &[f64], labels: &Labels) -> Result<Svg> {
    let title = labels.title.as_str();
    if names.len() != values.len() || names.len() != errors.len() || names.is_empty() {
        return Err(plot_error(title, "needs one value and one error per name"));
    }
    draw_bars(&Bars {
        names,
        values,
        errors: Some(errors),
        labels,
        annotate: false,
    })
}

/// A model's feature importances as bars, largest on top, each with its value.
pub fn feature_importances(names: &[String], values: &[f64], labels: &Labels) -> Result<Svg> {
    let title = labels.title.as_str();
    if names.len() != values.len() || names.is_empty() {
        return Err(plot_error(title, "needs one importance per feature"));
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let names: Vec<String> = order.iter().map(|&i| names[i].clone()).collect();
    let values: Vec<f64> = order.iter().map(|&i| values[i]).collect();
    draw_bars(&Bars {
        names: &names,
        values: &values,
        errors: None,
        labels,
        annotate: true,
    })
}

fn draw_bars(bars: &Bars) -> Result<Svg> {
    let title = bars.labels.title.as_str();
    if bars
        .values
        .iter()
        .chain(bars.errors.unwrap_or(&[]))
        .any(|v| !v.is_finite())
    {
        return Err(plot_error(title, "the values hold NaN or infinite numbers"));
    }
    let n = bars.names.len();
    let reach = |i: usize| bars.values[i] + bars.errors.map_or(0.0, |e| e[i].abs());
    let hi = (0..n).map(reach).fold(0.0, f64::max);
    let hi = if hi > 0.0 {
        hi * if bars.annotate { 1.15 } else { 1.05 }
    } else {
        1.0
    };
    let lo = bars.values.iter().copied().fold(0.0, f64::min);
    let name_width = bars
        .names
        .iter()
        .map(|s| text_width(s, TICK_PX))
        .fold(0.0, f64::max);
    let desc = if bars.labels.y.is_empty() {
        0.0
    } else {
        LABEL_PX * 1.6
    };
    let y_area = (name_width + 14.0 + desc).round() as u32;
    let height = TITLE_STRIP + 2 * MARGIN + ROW * n as u32 + x_label_area();
    render(title, (WIDTH, height), |root| {
        let area = titled(root, title)?;
        let mut chart = framed(&area, y_area)
            .build_cartesian_2d(lo..hi, 0.0..n as f64)
            .map_err(|e| plot_error(title, e))?;
        let span = hi - lo;
        let fx = |v: &f64| tick_label(*v, span);
        let no_label = |_: &f64| String::new();
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(bars.labels.x.as_str())
            .y_desc(bars.labels.y.as_str())
            .x_labels(7)
            .y_labels(0)
            .x_label_formatter(&fx)
            .y_label_formatter(&no_label)
            .disable_y_mesh();
        style_mesh(&mut mesh, true);
        mesh.draw().map_err(|e| plot_error(title, e))?;
        // Row i (the i-th name) is drawn at the top: y from n − i − 1 to n − i.
        let centre = |i: usize| (n - 1 - i) as f64 + 0.5;
        let fill = DEEP[0].mix(0.85).filled();
        chart
            .draw_series((0..n).map(|i| {
                let y = centre(i);
                Rectangle::new([(0.0, y - 0.35), (bars.values[i], y + 0.35)], fill)
            }))
            .map_err(|e| plot_error(title, e))?;
        let name_style = font(TICK_PX).pos(Pos::new(HPos::Right, VPos::Center));
        chart
            .draw_series((0..n).map(|i| {
                EmptyElement::at((lo, centre(i)))
                    + Text::new(bars.names[i].clone(), (-8, 0), name_style.clone())
            }))
            .map_err(|e| plot_error(title, e))?;
        if let Some(errors) = bars.errors {
            let stroke = WHISKER.stroke_width(2);
            // Whisker ends, each with a cap; a whisker reaching below the axis stops at it.
            let ends = |i: usize| {
                let (v, e) = (bars.values[i], errors[i].abs());
                ((v - e).max(lo), v + e)
            };
            chart
                .draw_series((0..n).map(|i| {
                    let (a, b) = ends(i);
                    PathElement::new(vec![(a, centre(i)), (b, centre(i))], stroke)
                }))
                .map_err(|e| plot_error(title, e))?;
            let caps = (0..n).flat_map(|i| {
                let (a, b) = ends(i);
                [a, b].map(|x| {
                    EmptyElement::at((x, centre(i)))
                        + PathElement::new(vec![(0, -6), (0, 6)], stroke)
                })
            });
            chart.draw_series(caps).map_err(|e| plot_error(title, e))?;
        }
        if bars.annotate {
            let value_style = font(TICK_PX)
                .color(&TEXT)
                .pos(Pos::new(HPos::Left, VPos::Center));
            chart
                .draw_series((0..n).map(|i| {
                    EmptyElement::at((bars.values[i].max(0.0), centre(i)))
                        + Text::new(
                            format!("{:.3}", bars.values[i]),
                            (6, 0),
                            value_style.clone(),
                        )
                }))
                .map_err(|e| plot_error(title, e))?;
        }
        Ok(Overlay::default())
    })
}
