//! seaborn's `jointplot(kind="kde")`: the joint density as filled contour bands at seaborn's
//! levels, with each variable's density in a margin aligned to the main panel's axis.

use plotters::prelude::*;

use super::axes::{cartesian, titled, Axes, MARGIN_RIGHT};
use super::contour::{mass_levels, rings, Grid};
use super::overlay::{AreaStyle, AxisMap, Overlay, PixelMap};
use super::style::{blend, DEEP};
use super::{check_pairs, render, Labels, Svg};
use crate::eda::{linspace, Kde1, Kde2};
use crate::error::Result;

/// Chart width and height (seaborn's `jointplot` is square).
const SIZE: u32 = 640;
/// Height of the top margin strip and width of the right one.
const STRIP: u32 = 90;
/// Grid nodes per axis for the joint density.
const GRID_NODES: usize = 100;
/// seaborn's `levels=10, thresh=0.05`: ten contour levels, the lowest enclosing 95 % of
/// the mass.
const LEVELS: usize = 10;
const THRESH: f64 = 0.05;
/// Lightest and darkest band.
const LIGHT: RGBColor = RGBColor(0xE4, 0xEB, 0xF5);
const DARK: RGBColor = RGBColor(0x1D, 0x38, 0x6B);

/// seaborn's `jointplot(kind="kde", fill=True)`: filled density contours with each variable's
/// density in the margins. The axes frame the lowest contour, so no panel is mostly empty.
pub fn kde_jointplot(x: &[f64], y: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let kde = Kde2::new(x, y)?;
    let (gx, gy, z) = kde.grid(GRID_NODES, GRID_NODES);
    let grid = Grid {
        xs: &gx,
        ys: &gy,
        z: &z,
    };
    let levels = mass_levels(&z, LEVELS, THRESH);
    // The last level is the peak: it encloses nothing.
    let bands: Vec<Vec<Vec<(f64, f64)>>> = levels
        .iter()
        .take(levels.len().saturating_sub(1))
        .map(|l| rings(&grid, *l))
        .collect();
    let (xr, yr) = frame(bands.first().map(Vec::as_slice).unwrap_or(&[]), &gx, &gy);
    let (mx, my) = (Kde1::new(x)?, Kde1::new(y)?);
    let (sx, sy) = (
        linspace(xr.start, xr.end, 200),
        linspace(yr.start, yr.end, 200),
    );
    let (dx, dy) = (mx.evaluate(&sx), my.evaluate(&sy));
    let title = labels.title.as_str();
    render(title, (SIZE, SIZE), |root| {
        let area = titled(root, title)?;
        let (w, _) = area.dim_in_pixel();
        let (_, below) = area.split_vertically(STRIP);
        let (main, _) = below.split_horizontally(w - STRIP);
        let axes = Axes {
            labels,
            x: xr.clone(),
            y: yr.clone(),
            grid: false,
        };
        let chart = cartesian(&main, &axes)?;
        let pixels = chart.plotting_area().get_pixel_range();
        let map = PixelMap::new(pixels.clone(), xr.clone(), yr.clone(), false);
        let mut overlay = Overlay::default();
        let steps = bands.len().saturating_sub(1).max(1) as f64;
        for (i, band) in bands.iter().enumerate() {
            overlay.fill_rings(&map, band, blend(LIGHT, DARK, i as f64 / steps));
        }
        let (px, py) = pixels;
        let margin = AreaStyle {
            fill: DEEP[0],
            fill_opacity: 0.3,
            stroke: DEEP[0],
            stroke_width: 1.5,
        };
        // Top strip: the x density rising from just above the main panel.
        let top = PixelMap {
            x: map.x,
            y: AxisMap::new(
                0.0..peak(&dx),
                py.start - 4,
                py.start - STRIP as i32 + 6,
                false,
            ),
        };
        overlay.area(&top, &closed(&sx, &dx, false), margin);
        // Right strip: the y density growing rightwards from just beside the main panel.
        let right = PixelMap {
            x: AxisMap::new(
                0.0..peak(&dy),
                px.end + 8,
                px.end + (MARGIN_RIGHT + STRIP) as i32 - 10,
                false,
            ),
            y: map.y,
        };
        overlay.area(&right, &closed(&sy, &dy, true), margin);
        Ok(overlay)
    })
}

/// Axis ranges framing the outermost contour with 8 % room (the whole grid if none).
fn frame(
    outer: &[Vec<(f64, f64)>],
    gx: &[f64],
    gy: &[f64],
) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let points = outer.iter().flatten();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in points {
        (x0, x1, y0, y1) = (x0.min(*x), x1.max(*x), y0.min(*y), y1.max(*y));
    }
    if x0 >= x1 || y0 >= y1 {
        return (gx[0]..gx[gx.len() - 1], gy[0]..gy[gy.len() - 1]);
    }
    let (px, py) = ((x1 - x0) * 0.08, (y1 - y0) * 0.08);
    ((x0 - px)..(x1 + px), (y0 - py)..(y1 + py))
}

/// The top of a margin's scale: 5 % above the density's peak.
fn peak(density: &[f64]) -> f64 {
    density
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE)
        * 1.05
}

/// A density curve closed down to zero at both ends, as (value, density) or, `swap`,
/// (density, value) points.
fn closed(grid: &[f64], density: &[f64], swap: bool) -> Vec<(f64, f64)> {
    let first = grid.first().copied().unwrap_or(0.0);
    let last = grid.last().copied().unwrap_or(0.0);
    std::iter::once((first, 0.0))
        .chain(grid.iter().copied().zip(density.iter().copied()))
        .chain(std::iter::once((last, 0.0)))
        .map(|(g, d)| if swap { (d, g) } else { (g, d) })
        .collect()
}
