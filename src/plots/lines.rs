//! Lines over a shared x axis (metrics per setting), on a linear or a true log y axis, and
//! the training-loss chart: the whole run on a log axis beside a zoom on the slow tail, where
//! a single axis would show a vertical drop and then a flat line.

use std::ops::Range;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::axes::{framed, legend, style_mesh, tick_chars, titled, y_label_area, Area};
use super::overlay::PixelMap;
use super::style::{decade_label, font, tick_label, DEEP, LABEL_PX};
use super::{plot_error, render, Labels, Overlay, Svg};
use crate::eda::min_max;
use crate::error::Result;

/// Chart size in pixels (matplotlib's default figure at 100 dpi).
const SIZE: (u32, u32) = (640, 480);
/// The loss chart's two panels side by side.
const LOSS_SIZE: (u32, u32) = (960, 440);

/// One named line of a [`line_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// (x, y) points in order.
    pub points: Vec<(f64, f64)>,
}

/// What one panel shows.
struct Panel<'a> {
    title: &'a str,
    caption: Option<&'a str>,
    labels: &'a Labels,
    lines: &'a [Line],
    log_x: bool,
    log_y: bool,
}

/// Lines over a shared x axis (a loss curve, a metric per setting); `log_y` draws a true log10
/// y axis with ticks at powers of ten. A legend appears when there is more than one line.
pub fn line_chart(lines: &[Line], labels: &Labels, log_y: bool) -> Result<Svg> {
    let title = labels.title.as_str();
    check_lines(title, lines, log_y)?;
    render(title, SIZE, |root| {
        let area = titled(root, title)?;
        let panel = Panel {
            title,
            caption: None,
            labels,
            lines,
            log_x: false,
            log_y,
        };
        draw_panel(&area, &panel)?;
        Ok(Overlay::default())
    })
}

/// A training loss per epoch (epochs counted from 1): on the left every epoch on log–log
/// axes (the steep fall), on the right the epochs after the fall on linear axes fitted to
/// them (the slow creep). A loss that never levels off gets the left panel alone.
pub fn loss_curve(losses: &[f64], labels: &Labels) -> Result<Svg> {
    let title = labels.title.as_str();
    let all = Line {
        name: labels.y.clone(),
        points: losses
            .iter()
            .enumerate()
            .map(|(i, l)| ((i + 1) as f64, *l))
            .collect(),
    };
    check_lines(title, std::slice::from_ref(&all), true)?;
    let Some(start) = tail_start(losses) else {
        return line_chart(&[all], labels, true);
    };
    let tail = Line {
        name: labels.y.clone(),
        points: all.points[start..].to_vec(),
    };
    let left_caption = format!("All {} epochs (log–log)", losses.len());
    let right_caption = format!("From epoch {}: the slow tail (linear)", start + 1);
    render(title, LOSS_SIZE, |root| {
        let area = titled(root, title)?;
        let (w, _) = area.dim_in_pixel();
        let (left, right) = area.split_horizontally(w / 2);
        let all = [all];
        draw_panel(
            &left,
            &Panel {
                title,
                caption: Some(&left_caption),
                labels,
                lines: &all,
                log_x: true,
                log_y: true,
            },
        )?;
        draw_panel(
            &right,
            &Panel {
                title,
                caption: Some(&right_caption),
                labels,
                lines: std::slice::from_ref(&tail),
                log_x: false,
                log_y: false,
            },
        )?;
        Ok(Overlay::default())
    })
}

/// The first epoch after which the loss only creeps: where what remains to fall is at most
/// four times what the second half of the run still fell. None when the run is too short or
/// the loss does not fall that way.
fn tail_start(losses: &[f64]) -> Option<usize> {
    let n = losses.len();
    if n < 20 {
        return None;
    }
    let last = losses[n - 1];
    let creep = losses[n / 2] - last;
    if creep <= 0.0 || losses[0] - last <= 100.0 * creep {
        return None;
    }
    losses
        .iter()
        .position(|l| l - last <= 4.0 * creep)
        .filter(|&i| i > 0 && i < n / 2)
}

fn check_lines(title: &str, lines: &[Line], log_y: bool) -> Result<()> {
    let points = lines.iter().flat_map(|l| &l.points);
    let bad = points
        .clone()
        .any(|(x, y)| !x.is_finite() || !y.is_finite() || (log_y && *y <= 0.0));
    if points.count() == 0 || bad {
        return Err(plot_error(
            title,
            "needs finite points (and positive values with log_y)",
        ));
    }
    Ok(())
}

/// Draws one panel: its caption, axes and lines.
fn draw_panel(area: &Area, panel: &Panel) -> Result<()> {
    let area = match panel.caption {
        Some(caption) => {
            let (w, _) = area.dim_in_pixel();
            let (top, rest) = area.split_vertically(24);
            top.draw_text(
                caption,
                &font(LABEL_PX).pos(plotters::style::text_anchor::Pos::new(
                    plotters::style::text_anchor::HPos::Center,
                    plotters::style::text_anchor::VPos::Center,
                )),
                (w as i32 / 2, 12),
            )
            .map_err(|e| plot_error(panel.title, e))?;
            rest
        }
        None => area.clone(),
    };
    let xs: Vec<f64> = panel
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .collect();
    let ys: Vec<f64> = panel
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .collect();
    let (x0, x1) = min_max(&xs);
    let (y0, y1) = min_max(&ys);
    let xr = if x1 > x0 {
        x0..x1
    } else {
        (x0 - 1.0)..(x1 + 1.0)
    };
    let x_span = xr.end - xr.start;
    let x_linear = move |v: &f64| tick_label(*v, x_span);
    // Log x axes count things (epochs): 1, 10, 100 read better than powers.
    let x_log = |v: &f64| tick_label(*v, *v);
    let y_log = |v: &f64| decade_label(*v);
    let pad = if y1 > y0 { (y1 - y0) * 0.06 } else { 1.0 };
    let yr_linear = (y0 - pad)..(y1 + pad);
    let y_span = yr_linear.end - yr_linear.start;
    let y_linear = move |v: &f64| tick_label(*v, y_span);
    let yr_log = (y0 / 1.25)..(y1 * 1.25);
    let ticks_linear = tick_chars(&yr_linear);
    let (lx, ly) = (xr.clone().log_scale(), yr_log.clone().log_scale());
    match (panel.log_x, panel.log_y) {
        (false, false) => draw_lines(
            &area,
            panel,
            (xr.clone(), xr, &x_linear),
            (yr_linear.clone(), yr_linear, &y_linear),
            ticks_linear,
        ),
        (false, true) => draw_lines(
            &area,
            panel,
            (xr.clone(), xr, &x_linear),
            (ly, yr_log, &y_log),
            3,
        ),
        (true, false) => draw_lines(
            &area,
            panel,
            (lx, xr, &x_log),
            (yr_linear.clone(), yr_linear, &y_linear),
            ticks_linear,
        ),
        (true, true) => draw_lines(&area, panel, (lx, xr, &x_log), (ly, yr_log, &y_log), 3),
    }
}

/// An axis for [`draw_lines`]: plotters' coordinate, the data range, the tick label.
type AxisSpec<'f, C> = (C, Range<f64>, &'f dyn Fn(&f64) -> String);

/// The axes and lines of a panel on the coordinates `x` and `y` (each linear or log).
fn draw_lines<X, Y>(
    area: &Area,
    panel: &Panel,
    (x, xr, x_tick): AxisSpec<X>,
    (y, yr, y_tick): AxisSpec<Y>,
    y_chars: usize,
) -> Result<()>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let title = panel.title;
    let mut chart = framed(area, y_label_area(y_chars))
        .build_cartesian_2d(x, y)
        .map_err(|e| plot_error(title, e))?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(panel.labels.x.as_str())
        .y_desc(panel.labels.y.as_str())
        .x_labels(if panel.log_x { 4 } else { 7 })
        .y_labels(if panel.log_y { 4 } else { 10 })
        .x_label_formatter(x_tick)
        .y_label_formatter(y_tick);
    style_mesh(&mut mesh, true);
    mesh.draw().map_err(|e| plot_error(title, e))?;
    draw_named(&mut chart, title, panel.lines)?;
    if panel.lines.len() > 1 {
        let map = PixelMap::new(chart.plotting_area().get_pixel_range(), xr, yr, panel.log_y);
        let names: Vec<&str> = panel.lines.iter().map(|l| l.name.as_str()).collect();
        let points = panel.lines.iter().flat_map(|l| l.points.iter().copied());
        legend(&mut chart, title, &map, points, &names)?;
    }
    Ok(())
}

/// Each line in the palette's next colour, with its legend entry.
pub(super) fn draw_named<'a, 'b, CT>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, CT>,
    title: &str,
    lines: &[Line],
) -> Result<()>
where
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    for (i, line) in lines.iter().enumerate() {
        let color = DEEP[i % DEEP.len()];
        chart
            .draw_series(LineSeries::new(
                line.points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|e| plot_error(title, e))?
            .label(line.name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(2))
            });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_starts_after_the_fall() {
        // 16284 → 196 → 107.06, then a creep of half a unit over 1,000 epochs.
        let mut losses = vec![16284.0, 196.5, 107.06];
        losses.extend((3..1000).map(|i| 107.06 - 0.5 * (i as f64 / 1000.0)));
        assert_eq!(tail_start(&losses), Some(2));
        let straight: Vec<f64> = (0..100).map(|i| 100.0 - i as f64).collect();
        assert_eq!(tail_start(&straight), None, "a loss that never levels off");
    }
}
