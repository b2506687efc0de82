//! Charts drawn with plotters as SVG: they show inline in Jupyter (evcxr) and save to files.
//!
//! Text is written as SVG `<text>` elements naming DejaVu Sans first and a generic
//! `sans-serif` last, so charts render on machines without fonts installed (headless CI,
//! Binder). Large scatters show an evenly spaced subset of points and say so in the title,
//! which keeps notebooks small. The look (sizes, palette, ticks) lives in [`style`]; what
//! plotters cannot draw smoothly (contours, curves at sub-pixel precision) is added as an
//! [`overlay`].
//!
//! ```
//! use ml_workflow::plots::{lmplot, Labels};
//! let x: Vec<f64> = (0..50).map(|i| 60.0 + i as f64 * 0.2).collect();
//! let y: Vec<f64> = x.iter().enumerate().map(|(i, h)| 3.0 * h - 80.0 + (i % 7) as f64).collect();
//! let svg = lmplot(&x, &y, &Labels::new("Weight against height", "Height (in)", "Weight (lb)"))?;
//! assert_eq!(svg.title().as_deref(), Some("Weight against height"));
//! # Ok::<(), ml_workflow::Error>(())
//! ```

use std::fmt;
use std::path::Path;

use plotters::prelude::*;

use crate::error::{Error, Result};

mod axes;
mod bars;
pub mod contour;
mod heatmap;
mod kde;
mod lines;
mod lmplot;
pub mod overlay;
mod scatter;
pub mod style;

pub use axes::MAX_POINTS;
pub use bars::{bar_chart, feature_importances};
pub use heatmap::heatmap;
pub use kde::kde_jointplot;
pub use lines::{line_chart, loss_curve, Line};
pub use lmplot::{lmplot, t_quantile_975, LineFit};
pub use scatter::{actual_vs_predicted, fitted_line, residuals, scatter};

use axes::Area;
use overlay::Overlay;

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

/// Renders into a fresh SVG string; the closure draws on the root area and returns what to
/// draw over plotters' output.
fn render(
    title: &str,
    size: (u32, u32),
    draw: impl FnOnce(&Area) -> Result<Overlay>,
) -> Result<Svg> {
    let mut out = String::new();
    let overlay = {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| plot_error(title, e))?;
        let overlay = draw(&root)?;
        root.present().map_err(|e| plot_error(title, e))?;
        overlay
    };
    overlay.apply(&mut out);
    Ok(Svg(out))
}

pub(crate) fn plot_error(title: &str, e: impl fmt::Display) -> Error {
    Error::Plot {
        title: title.into(),
        message: e.to_string(),
    }
}

pub(crate) fn check_pairs(title: &str, x: &[f64], y: &[f64]) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
