//! The canvas every chart is drawn on: the SVG document ([`Svg`]) that shows inline in evcxr
//! and saves to a file, a chart's [`Labels`], and [`render`], which runs a chart's drawing on a
//! fresh SVG and applies its overlay.

use std::fmt;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::overlay::Overlay;
use crate::error::{Error, Result};

/// A drawing area of an SVG chart.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

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
pub(crate) fn render(
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

/// A chart's error, naming the chart.
pub(crate) fn plot_error(title: &str, e: impl fmt::Display) -> Error {
    Error::Plot {
        title: title.into(),
        message: e.to_string(),
    }
}

/// Checks that `x` and `y` pair up, are not empty and are finite.
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
