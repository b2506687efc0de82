//! Scatters: plain, actual against predicted (square, with y = x), residuals, and held-out
//! points with a fitted line (the chapter's Figure 14-5).

use plotters::prelude::*;

use super::axes::{
    cartesian, draw_points, draw_straight, legend, padded, pixel_map, scatter_axes, scatter_title,
    tick_chars, titled, x_label_area, y_label_area, Axes, MARGIN, MARGIN_RIGHT, TITLE_STRIP,
};
use super::lmplot::equation;
use super::style::{DEEP, REFERENCE};
use super::{check_pairs, render, Labels, Overlay, Svg};
use crate::error::Result;

/// Chart size in pixels (matplotlib's default figure at 100 dpi).
const SIZE: (u32, u32) = (640, 480);
/// Side of the square plotting area of [`actual_vs_predicted`].
const SQUARE: u32 = 440;

/// A scatter plot.
pub fn scatter(x: &[f64], y: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let title = scatter_title(&labels.title, x.len());
    render(&labels.title, SIZE, |root| {
        let area = titled(root, &title)?;
        scatter_axes(&area, labels, &title, (padded(x), padded(y)), (x, y))?;
        Ok(Overlay::default())
    })
}

/// Actual (x) against predicted (y) values on square axes with equal ranges, with the y = x
/// line a perfect model would sit on.
pub fn actual_vs_predicted(actual: &[f64], predicted: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, actual, predicted)?;
    let title = scatter_title(&labels.title, actual.len());
    let all: Vec<f64> = actual.iter().chain(predicted).copied().collect();
    let r = padded(&all);
    // The plotting area is SQUARE × SQUARE: the chart is sized around it.
    let width = MARGIN + y_label_area(tick_chars(&r)) + SQUARE + MARGIN_RIGHT;
    let height = TITLE_STRIP + MARGIN + SQUARE + x_label_area() + MARGIN;
    render(&labels.title, (width, height), |root| {
        let area = titled(root, &title)?;
        let mut chart = scatter_axes(
            &area,
            labels,
            &title,
            (r.clone(), r.clone()),
            (actual, predicted),
        )?;
        let label = "perfect prediction (y = x)";
        draw_straight(
            &mut chart,
            &title,
            [(r.start, r.start), (r.end, r.end)],
            (REFERENCE.stroke_width(2), true),
            Some(label),
        )?;
        let map = pixel_map(&chart, &r, &r);
        let points = actual.iter().copied().zip(predicted.iter().copied());
        legend(&mut chart, &title, &map, points, &[label])?;
        Ok(Overlay::default())
    })
}

/// Residuals (actual − predicted) against predicted values, with the zero line.
pub fn residuals(actual: &[f64], predicted: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, actual, predicted)?;
    let res: Vec<f64> = actual.iter().zip(predicted).map(|(a, p)| a - p).collect();
    let title = scatter_title(&labels.title, actual.len());
    let xr = padded(predicted);
    render(&labels.title, SIZE, |root| {
        let area = titled(root, &title)?;
        let axes = Axes {
            labels,
            x: xr.clone(),
            y: padded(&res),
            grid: true,
        };
        let mut chart = cartesian(&area, &axes)?;
        draw_straight(
            &mut chart,
            &title,
            [(xr.start, 0.0), (xr.end, 0.0)],
            (REFERENCE.stroke_width(2), true),
            None,
        )?;
        draw_points(&mut chart, &title, predicted, &res, DEEP[0])?;
        Ok(Overlay::default())
    })
}

/// Points with a fitted straight line `y = slope·x + intercept` drawn across them (the
/// chapter's Figure 14-5: the held-out people and the line fitted on the training people).
pub fn fitted_line(
    x: &[f64],
    y: &[f64],
    slope: f64,
    intercept: f64,
    labels: &Labels,
) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let title = scatter_title(&labels.title, x.len());
    let (xr, yr) = (padded(x), padded(y));
    render(&labels.title, SIZE, |root| {
        let area = titled(root, &title)?;
        let mut chart = scatter_axes(&area, labels, &title, (xr.clone(), yr.clone()), (x, y))?;
        let label = format!("fitted line: {}", equation(slope, intercept));
        // Like seaborn's regplot, the line spans the data, not the padded axes.
        let at = |v: f64| (v, slope * v + intercept);
        let (lo, hi) = crate::eda::min_max(x);
        draw_straight(
            &mut chart,
            &title,
            [at(lo), at(hi)],
            (DEEP[3].stroke_width(2), false),
            Some(&label),
        )?;
        let map = pixel_map(&chart, &xr, &yr);
        let points = x.iter().copied().zip(y.iter().copied());
        legend(&mut chart, &title, &map, points, &[&label])?;
        Ok(Overlay::default())
    })
}
