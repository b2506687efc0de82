//! Charts drawn with plotters as SVG: they show inline in Jupyter (evcxr) and save to files.
//!
//! Text is written as SVG `<text>` elements with a generic `sans-serif` family, so charts
//! render on machines without fonts installed (headless CI, Binder). Large scatters show an
//! evenly spaced subset of points and say so in the title, which keeps notebooks small.

use std::fmt;
use std::path::Path;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::eda::{linspace, min_max, Correlation, Kde1, Kde2};
use crate::error::{Error, Result};

/// Most points a scatter draws before it shows an evenly spaced subset.
pub const MAX_POINTS: usize = 2_000;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;
const FONT: &str = "sans-serif";

/// An SVG document that displays inline in evcxr and can be saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg(String);

impl Svg {
    /// The SVG markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Writes the SVG to a file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, &self.0).map_err(|e| Error::io(path, e))
    }

    /// Shows the chart inline in a Jupyter notebook running the evcxr kernel, with its title
    /// as the `text/plain` fallback that text views (GitHub's, nbconvert's) show.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT\n\
             EVCXR_BEGIN_CONTENT text/plain\nchart: {}\nEVCXR_END_CONTENT",
            self.0,
            self.title().unwrap_or_else(|| "(untitled)".into())
        );
    }

    /// The chart's title: the text of its first text element (plotters draws the caption
    /// first), with XML's escapes undone.
    pub fn title(&self) -> Option<String> {
        let start = self.0.find("<text")?;
        let rest = &self.0[start..];
        let open = rest.find('>')? + 1;
        let close = rest[open..].find("</text>")?;
        let text = rest[open..open + close].trim();
        (!text.is_empty()).then(|| {
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A chart's title and axis labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Title above the chart.
    pub title: String,
    /// X-axis label (name the quantity and unit).
    pub x: String,
    /// Y-axis label.
    pub y: String,
}

impl Labels {
    /// Labels from a title, an x label and a y label.
    pub fn new(title: impl Into<String>, x: impl Into<String>, y: impl Into<String>) -> Labels {
        Labels {
            title: title.into(),
            x: x.into(),
            y: y.into(),
        }
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Renders into a fresh SVG string; the closure draws on the root area.
fn render(title: &str, size: (u32, u32), draw: impl FnOnce(&Area) -> Result<()>) -> Result<Svg> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| plot_error(title, e))?;
        draw(&root)?;
        root.present().map_err(|e| plot_error(title, e))?;
    }
    Ok(Svg(out))
}

fn plot_error(title: &str, e: impl fmt::Display) -> Error {
    Error::Plot {
        title: title.into(),
        message: e.to_string(),
    }
}

fn check_pairs(title: &str, x: &[f64], y: &[f64]) -> Result<()> {
    if x.len() != y.len() {
        return Err(plot_error(
            title,
            format!("x has {} values, y has {}", x.len(), y.len()),
        ));
    }
    if x.is_empty() {
        return Err(plot_error(title, "no data to plot"));
    }
    if x.iter().chain(y).any(|v| !v.is_finite()) {
        return Err(plot_error(title, "the data holds NaN or infinite values"));
    }
    Ok(())
}

/// Axis range covering the values with 5 % padding (never empty).
fn padded(values: &[f64]) -> std::ops::Range<f64> {
    let (lo, hi) = min_max(values);
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 1.0 };
    (lo - pad)..(hi + pad)
}

/// Indices of at most `max` evenly spaced points, and whether it is a subset.
fn subset(n: usize, max: usize) -> (Vec<usize>, bool) {
    if n <= max {
        ((0..n).collect(), false)
    } else {
        ((0..max).map(|i| i * n / max).collect(), true)
    }
}

fn scatter_title(title: &str, n: usize) -> String {
    let (_, sub) = subset(n, MAX_POINTS);
    if sub {
        format!("{title} ({MAX_POINTS} of {n} points shown)")
    } else {
        title.to_string()
    }
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A cartesian chart with a caption and labelled axes.
fn axes<'a, 'b>(
    area: &'a Area<'b>,
    title: &str,
    labels: &Labels,
    xr: std::ops::Range<f64>,
    yr: std::ops::Range<f64>,
) -> Result<Chart<'a, 'b>> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 18))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(xr, yr)
        .map_err(|e| plot_error(title, e))?;
    chart
        .configure_mesh()
        .x_desc(labels.x.as_str())
        .y_desc(labels.y.as_str())
        .label_style((FONT, 12))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| plot_error(title, e))?;
    Ok(chart)
}

fn draw_points(
    chart: &mut Chart,
    title: &str,
    x: &[f64],
    y: &[f64],
    color: RGBColor,
) -> Result<()> {
    let (idx, _) = subset(x.len(), MAX_POINTS);
    chart
        .draw_series(
            idx.iter()
                .map(|&i| Circle::new((x[i], y[i]), 2, color.mix(0.35).filled())),
        )
        .map_err(|e| plot_error(title, e))?;
    Ok(())
}

/// A scatter plot.
pub fn scatter(x: &[f64], y: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let title = scatter_title(&labels.title, x.len());
    render(&labels.title, (WIDTH, HEIGHT), |root| {
        let mut chart = axes(root, &title, labels, padded(x), padded(y))?;
        draw_points(&mut chart, &title, x, y, BLUE)
    })
}

/// Ordinary least squares fit of y on x with its 95 % confidence band for the mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFit {
    /// Slope.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// Residual standard error.
    pub sigma: f64,
    /// Number of points.
    pub n: usize,
    /// Mean of x.
    pub mean_x: f64,
    /// Sum of squared deviations of x.
    pub sxx: f64,
}

impl LineFit {
    /// Fits y = slope·x + intercept by least squares.
    pub fn fit(x: &[f64], y: &[f64]) -> Result<LineFit> {
        let n = x.len();
        if n < 3 || n != y.len() {
            return Err(Error::invalid(
                "line fit",
                "needs at least three (x, y) pairs",
            ));
        }
        let mean_x = x.iter().sum::<f64>() / n as f64;
        let mean_y = y.iter().sum::<f64>() / n as f64;
        let sxx: f64 = x.iter().map(|v| (v - mean_x).powi(2)).sum();
        if sxx <= 0.0 {
            return Err(Error::invalid("line fit", "x is constant"));
        }
        let sxy: f64 = x
            .iter()
            .zip(y)
            .map(|(a, b)| (a - mean_x) * (b - mean_y))
            .sum();
        let slope = sxy / sxx;
        let intercept = mean_y - slope * mean_x;
        let sse: f64 = x
            .iter()
            .zip(y)
            .map(|(a, b)| (b - intercept - slope * a).powi(2))
            .sum();
        let sigma = (sse / (n - 2) as f64).sqrt();
        Ok(LineFit {
            slope,
            intercept,
            sigma,
            n,
            mean_x,
            sxx,
        })
    }

    /// The fitted value and the half-width of the 95 % confidence band at x.
    pub fn at(&self, x: f64) -> (f64, f64) {
        let t = t_quantile_975(self.n - 2);
        let se = self.sigma * (1.0 / self.n as f64 + (x - self.mean_x).powi(2) / self.sxx).sqrt();
        (self.intercept + self.slope * x, t * se)
    }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (Cornish–Fisher
/// expansion; within 1e-3 of the exact value for df ≥ 3).
pub fn t_quantile_975(df: usize) -> f64 {
    let z: f64 = 1.959963984540054;
    let v = df.max(1) as f64;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    z + g1 / v + g2 / v.powi(2) + g3 / v.powi(3)
}

/// seaborn's `lmplot`: a scatter, the least-squares line and its 95 % confidence band.
pub fn lmplot(x: &[f64], y: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let fit = LineFit::fit(x, y)?;
    let title = scatter_title(&labels.title, x.len());
    let xr = padded(x);
    render(&labels.title, (WIDTH, HEIGHT), |root| {
        let mut chart = axes(root, &title, labels, xr.clone(), padded(y))?;
        draw_points(&mut chart, &title, x, y, BLUE)?;
        let grid = linspace(xr.start, xr.end, 100);
        let band: Vec<(f64, f64)> = grid
            .iter()
            .map(|&g| fit.at(g))
            .zip(&grid)
            .map(|((m, h), &g)| (g, m + h))
            .chain(grid.iter().rev().map(|&g| {
                let (m, h) = fit.at(g);
                (g, m - h)
            }))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, RED.mix(0.25).filled())))
            .map_err(|e| plot_error(&title, e))?;
        chart
            .draw_series(LineSeries::new(
                grid.iter().map(|&g| (g, fit.at(g).0)),
                RED.stroke_width(2),
            ))
            .map_err(|e| plot_error(&title, e))?
            .label(format!("y = {:.3}·x {:+.3}", fit.slope, fit.intercept))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED.stroke_width(2)));
        legend(&mut chart, &title)
    })
}

fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, title: &str) -> Result<()> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .label_font((FONT, 12))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(|e| plot_error(title, e))
}

/// Sequential colour for a level in [0, 1] (white to dark blue).
fn density_color(level: f64) -> RGBColor {
    let t = level.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(mix(235.0, 8.0), mix(242.0, 48.0), mix(250.0, 107.0))
}

/// seaborn's `jointplot(kind="kde")`: the 2-D density (filled at ten levels) with each
/// variable's 1-D density in the margins.
pub fn kde_jointplot(x: &[f64], y: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let kde = Kde2::new(x, y)?;
    let (gx, gy, z) = kde.grid(70, 70);
    let (mx, my) = (Kde1::new(x)?, Kde1::new(y)?);
    let (dx, dy) = (mx.evaluate(&gx), my.evaluate(&gy));
    let zmax = z.iter().flatten().cloned().fold(0.0, f64::max);
    let title = labels.title.as_str();
    render(title, (WIDTH, WIDTH), |root| {
        let root = root
            .titled(title, (FONT, 18))
            .map_err(|e| plot_error(title, e))?;
        let (top, bottom) = root.split_vertically(110);
        let (main, right) = bottom.split_horizontally(WIDTH - 110);
        let (top_main, _) = top.split_horizontally(WIDTH - 110);
        let xr = gx[0]..gx[gx.len() - 1];
        let yr = gy[0]..gy[gy.len() - 1];
        let mut chart = ChartBuilder::on(&main)
            .margin(8)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(xr.clone(), yr.clone())
            .map_err(|e| plot_error(title, e))?;
        chart
            .configure_mesh()
            .x_desc(labels.x.as_str())
            .y_desc(labels.y.as_str())
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 14))
            .disable_mesh()
            .draw()
            .map_err(|e| plot_error(title, e))?;
        let (hx, hy) = ((gx[1] - gx[0]) / 2.0, (gy[1] - gy[0]) / 2.0);
        let z = &z;
        let cells = gy.iter().enumerate().flat_map(|(iy, &cy)| {
            gx.iter().enumerate().filter_map(move |(ix, &cx)| {
                // Ten filled levels, like seaborn's `fill=True`; the lowest is left blank.
                let level = (z[iy][ix] / zmax * 10.0).floor() / 10.0;
                (level >= 0.1).then(|| {
                    Rectangle::new(
                        [(cx - hx, cy - hy), (cx + hx, cy + hy)],
                        density_color(level).filled(),
                    )
                })
            })
        });
        chart.draw_series(cells).map_err(|e| plot_error(title, e))?;
        marginal(&top_main, xr, &gx, &dx, false, 60, title)?;
        marginal(&right, yr, &gy, &dy, true, 45, title)
    })
}

/// A marginal density strip along the top (or, `vertical`, the right) of a joint plot.
fn marginal(
    area: &Area,
    range: std::ops::Range<f64>,
    grid: &[f64],
    density: &[f64],
    vertical: bool,
    offset: u32,
    title: &str,
) -> Result<()> {
    let dmax = density.iter().cloned().fold(0.0, f64::max) * 1.05;
    let color = RGBColor(8, 48, 107);
    let mut builder = ChartBuilder::on(area);
    builder.margin(8);
    // Along the right the density runs left to right and the values go up the page.
    let (x_range, y_range) = if vertical {
        builder.x_label_area_size(0).margin_bottom(offset + 8);
        (0.0..dmax, range)
    } else {
        builder.y_label_area_size(0).margin_left(offset + 8);
        (range, 0.0..dmax)
    };
    let points = grid
        .iter()
        .zip(density)
        .map(|(g, d)| if vertical { (*d, *g) } else { (*g, *d) });
    let mut chart = builder
        .build_cartesian_2d(x_range, y_range)
        .map_err(|e| plot_error(title, e))?;
    chart
        .draw_series(AreaSeries::new(points, 0.0, color.mix(0.3)))
        .map_err(|e| plot_error(title, e))?;
    Ok(())
}

/// Actual against predicted values, with the y = x line a perfect model would sit on.
pub fn actual_vs_predicted(actual: &[f64], predicted: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, actual, predicted)?;
    let title = scatter_title(&labels.title, actual.len());
    let all: Vec<f64> = actual.iter().chain(predicted).copied().collect();
    let r = padded(&all);
    render(&labels.title, (WIDTH, HEIGHT), |root| {
        let mut chart = axes(root, &title, labels, r.clone(), r.clone())?;
        draw_points(&mut chart, &title, actual, predicted, BLUE)?;
        chart
            .draw_series(LineSeries::new(
                [(r.start, r.start), (r.end, r.end)],
                BLACK.mix(0.6).stroke_width(1),
            ))
            .map_err(|e| plot_error(&title, e))?
            .label("perfect prediction (y = x)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.mix(0.6)));
        legend(&mut chart, &title)
    })
}

/// Residuals (actual − predicted) against predicted values, with the zero line.
pub fn residuals(actual: &[f64], predicted: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, actual, predicted)?;
    let res: Vec<f64> = actual.iter().zip(predicted).map(|(a, p)| a - p).collect();
    let title = scatter_title(&labels.title, actual.len());
    let xr = padded(predicted);
    render(&labels.title, (WIDTH, HEIGHT), |root| {
        let mut chart = axes(root, &title, labels, xr.clone(), padded(&res))?;
        draw_points(&mut chart, &title, predicted, &res, BLUE)?;
        chart
            .draw_series(LineSeries::new(
                [(xr.start, 0.0), (xr.end, 0.0)],
                BLACK.mix(0.6),
            ))
            .map_err(|e| plot_error(&title, e))?;
        Ok(())
    })
}

/// One named line of a [`line_chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// (x, y) points in order.
    pub points: Vec<(f64, f64)>,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Lines over a shared x axis (a loss curve, a metric per setting); `log_y` draws the
/// y axis on a log10 scale, labelled with the real values.
pub fn line_chart(lines: &[Line], labels: &Labels, log_y: bool) -> Result<Svg> {
    let title = labels.title.as_str();
    let tf = |v: f64| if log_y { v.log10() } else { v };
    let xs: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .collect();
    let ys: Vec<f64> = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| tf(p.1)))
        .collect();
    if xs.is_empty() || xs.iter().chain(&ys).any(|v| !v.is_finite()) {
        return Err(plot_error(
            title,
            "needs finite points (and positive values with log_y)",
        ));
    }
    render(title, (WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(padded(&xs), padded(&ys))
            .map_err(|e| plot_error(title, e))?;
        let fmt_y = |v: &f64| {
            if log_y {
                crate::display::format_float(10f64.powf(*v))
            } else {
                crate::display::format_float(*v)
            }
        };
        chart
            .configure_mesh()
            .x_desc(labels.x.as_str())
            .y_desc(labels.y.as_str())
            .y_label_formatter(&fmt_y)
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 14))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| plot_error(title, e))?;
        for (i, line) in lines.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    line.points.iter().map(|(x, y)| (*x, tf(*y))),
                    color.stroke_width(2),
                ))
                .map_err(|e| plot_error(title, e))?
                .label(line.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        }
        legend(&mut chart, title)
    })
}

/// Horizontal bars with error whiskers, for comparing models' cross-validated scores.
pub fn bar_chart(names: &[String], values: &[f64], errors: &[f64], labels: &Labels) -> Result<Svg> {
    let title = labels.title.as_str();
    if names.len() != values.len() || names.len() != errors.len() || names.is_empty() {
        return Err(plot_error(title, "needs one value and one error per name"));
    }
    let hi = values
        .iter()
        .zip(errors)
        .map(|(v, e)| v + e)
        .fold(0.0, f64::max)
        * 1.1;
    let n = names.len();
    render(title, (WIDTH, 90 + 34 * n as u32), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(140)
            .build_cartesian_2d(0.0..hi.max(1e-12), 0.0..n as f64)
            .map_err(|e| plot_error(title, e))?;
        let label = |v: &f64| {
            let i = v.floor() as usize;
            if (v - i as f64 - 0.5).abs() < 1e-9 {
                names.get(n - 1 - i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(labels.x.as_str())
            .y_desc(labels.y.as_str())
            .y_labels(2 * n + 1)
            .y_label_formatter(&label)
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 14))
            .disable_y_mesh()
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| plot_error(title, e))?;
        let bars = values.iter().enumerate().map(|(i, v)| {
            let y = (n - 1 - i) as f64;
            Rectangle::new(
                [(0.0, y + 0.15), (*v, y + 0.85)],
                PALETTE[0].mix(0.7).filled(),
            )
        });
        chart.draw_series(bars).map_err(|e| plot_error(title, e))?;
        let whiskers = values.iter().zip(errors).enumerate().map(|(i, (v, e))| {
            let y = (n - 1 - i) as f64 + 0.5;
            PathElement::new(
                vec![((v - e).max(0.0), y), (v + e, y)],
                BLACK.stroke_width(1),
            )
        });
        chart
            .draw_series(whiskers)
            .map_err(|e| plot_error(title, e))?;
        Ok(())
    })
}

/// Diverging colour for a correlation in [-1, 1] (blue, white, red).
fn correlation_color(r: f64) -> RGBColor {
    let t = r.clamp(-1.0, 1.0);
    let (end, a) = if t < 0.0 {
        ((59.0, 76.0, 192.0), -t)
    } else {
        ((180.0, 4.0, 38.0), t)
    };
    let mix = |e: f64| (247.0 + (e - 247.0) * a).round() as u8;
    RGBColor(mix(end.0), mix(end.1), mix(end.2))
}

/// A correlation matrix as an annotated heatmap (seaborn's `heatmap(annot=True)`).
pub fn heatmap(corr: &Correlation, title: &str) -> Result<Svg> {
    let k = corr.columns.len();
    if k == 0 {
        return Err(plot_error(title, "the matrix is empty"));
    }
    let size = 120 + 48 * k as u32;
    render(title, (size + 40, size), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..k as f64, 0.0..k as f64)
            .map_err(|e| plot_error(title, e))?;
        let name = |v: &f64, flip: bool| {
            let i = v.floor() as usize;
            if (v - i as f64 - 0.5).abs() > 1e-9 {
                return String::new();
            }
            let idx = if flip { k.wrapping_sub(1 + i) } else { i };
            corr.columns.get(idx).cloned().unwrap_or_default()
        };
        let (fx, fy) = (|v: &f64| name(v, false), |v: &f64| name(v, true));
        chart
            .configure_mesh()
            .x_labels(2 * k + 1)
            .y_labels(2 * k + 1)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style((FONT, 11))
            .disable_mesh()
            .draw()
            .map_err(|e| plot_error(title, e))?;
        let cells = (0..k).flat_map(|i| (0..k).map(move |j| (i, j)));
        chart
            .draw_series(cells.clone().map(|(i, j)| {
                let y = (k - 1 - i) as f64;
                Rectangle::new(
                    [(j as f64, y), (j as f64 + 1.0, y + 1.0)],
                    correlation_color(corr.matrix[i][j]).filled(),
                )
            }))
            .map_err(|e| plot_error(title, e))?;
        chart
            .draw_series(cells.map(|(i, j)| {
                let y = (k - 1 - i) as f64;
                Text::new(
                    format!("{:.2}", corr.matrix[i][j]),
                    (j as f64 + 0.3, y + 0.6),
                    (FONT, 11),
                )
            }))
            .map_err(|e| plot_error(title, e))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantile_is_close_to_tables() {
        // Student t 0.975 quantiles: df 5 → 2.5706, df 30 → 2.0423, df 1000 → 1.9623.
        assert!((t_quantile_975(5) - 2.5706).abs() < 5e-3);
        assert!((t_quantile_975(30) - 2.0423).abs() < 1e-3);
        assert!((t_quantile_975(1000) - 1.9623).abs() < 1e-3);
    }

    #[test]
    fn subset_is_even_and_bounded() {
        let (idx, sub) = subset(25_000, 2_000);
        assert!(sub);
        assert_eq!(idx.len(), 2_000);
        assert_eq!(idx[1], 12);
        assert_eq!(subset(10, 2_000).0.len(), 10);
    }

    #[test]
    fn a_chart_names_itself_for_text_views() {
        let names = vec!["a".to_string(), "b".to_string()];
        let l = Labels::new("Spot check: MSE & <std>", "MSE", "");
        let svg = bar_chart(&names, &[1.0, 2.0], &[0.1, 0.2], &l).unwrap();
        assert_eq!(svg.title().as_deref(), Some("Spot check: MSE & <std>"));
    }

    #[test]
    fn bad_data_is_an_error_not_a_panic() {
        let l = Labels::new("t", "x", "y");
        assert!(scatter(&[1.0], &[1.0, 2.0], &l).is_err());
        assert!(scatter(&[], &[], &l).is_err());
        assert!(lmplot(&[1.0, f64::NAN, 3.0], &[1.0, 2.0, 3.0], &l).is_err());
        assert!(line_chart(
            &[Line {
                name: "a".into(),
                points: vec![(0.0, -1.0)]
            }],
            &l,
            true
        )
        .is_err());
    }
}
