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

mod axes;
mod bars;
mod canvas;
pub mod contour;
mod curves;
mod heatmap;
mod kde;
mod lines;
mod lmplot;
pub mod overlay;
mod pairplot;
mod scatter;
pub mod style;

pub use axes::MAX_POINTS;
pub use bars::{bar_chart, feature_importances};
pub(crate) use canvas::{check_pairs, plot_error, render};
pub use canvas::{Labels, Svg};
pub use curves::{precision_recall_curves, roc_curves};
pub use heatmap::{confusion_matrix, heatmap};
pub use kde::kde_jointplot;
pub use lines::{line_chart, loss_curve, Line};
pub use lmplot::{lmplot, t_quantile_975, LineFit};
pub use pairplot::pairplot;
pub use scatter::{actual_vs_predicted, fitted_line, residuals, scatter};

use overlay::Overlay;

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
