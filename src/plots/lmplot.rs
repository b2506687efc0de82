//! seaborn's `lmplot`: a scatter with the least-squares line and its 95 % confidence band.

use plotters::prelude::*;

use super::axes::{legend, padded, pixel_map, scatter_axes, scatter_title, titled};
use super::style::DEEP;
use super::{check_pairs, plot_error, render, Labels, Overlay, Svg};
use crate::eda::linspace;
use crate::error::{Error, Result};

/// Chart size in pixels (matplotlib's default figure at 100 dpi).
const SIZE: (u32, u32) = (640, 480);

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

    /// The line as a reader writes it: `y = 3.071·x − 81.737`.
    pub fn equation(&self) -> String {
        equation(self.slope, self.intercept)
    }
}

/// `y = slope·x ± intercept` with three decimals and a true minus.
pub(crate) fn equation(slope: f64, intercept: f64) -> String {
    let sign = if intercept < 0.0 { '−' } else { '+' };
    format!("y = {slope:.3}·x {sign} {:.3}", intercept.abs())
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
/// The line is fitted on every point; a large scatter shows an evenly spaced subset.
pub fn lmplot(x: &[f64], y: &[f64], labels: &Labels) -> Result<Svg> {
    check_pairs(&labels.title, x, y)?;
    let fit = LineFit::fit(x, y)?;
    let title = scatter_title(&labels.title, x.len());
    let (xr, yr) = (padded(x), padded(y));
    render(&labels.title, SIZE, |root| {
        let area = titled(root, &title)?;
        let mut chart = scatter_axes(&area, labels, &title, (xr.clone(), yr.clone()), (x, y))?;
        let map = pixel_map(&chart, &xr, &yr);
        // Like seaborn's regplot (truncate=True), line and band span the data.
        let (lo, hi) = crate::eda::min_max(x);
        let grid = linspace(lo, hi, 120);
        let band: Vec<(f64, f64)> = grid
            .iter()
            .map(|&g| {
                let (m, h) = fit.at(g);
                (g, (m + h).clamp(yr.start, yr.end))
            })
            .chain(grid.iter().rev().map(|&g| {
                let (m, h) = fit.at(g);
                (g, (m - h).clamp(yr.start, yr.end))
            }))
            .collect();
        // A filled band hides plotters' whole-pixel snapping; the line itself is drawn from
        // its two ends so it stays straight.
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                DEEP[3].mix(0.25).filled(),
            )))
            .map_err(|e| plot_error(&title, e))?;
        let equation = fit.equation();
        let ends = [(lo, fit.at(lo).0), (hi, fit.at(hi).0)];
        super::axes::draw_straight(
            &mut chart,
            &title,
            ends,
            (DEEP[3].stroke_width(2), false),
            Some(&equation),
        )?;
        let points = x.iter().copied().zip(y.iter().copied());
        legend(&mut chart, &title, &map, points, &[&equation])?;
        Ok(Overlay::default())
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
    fn the_equation_reads_with_a_true_minus() {
        let fit = LineFit::fit(&[0.0, 1.0, 2.0], &[-1.0, 1.0, 3.0]).unwrap();
        assert_eq!(fit.equation(), "y = 2.000·x − 1.000");
    }
}
