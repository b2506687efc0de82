//! A classifier's threshold curves on the unit square, as scikit-learn's `RocCurveDisplay`
//! and `PrecisionRecallDisplay` draw them: ROC curves with the chance diagonal, and
//! precision–recall curves as steps (`drawstyle="steps-post"`) with each class's share as
//! its chance line. One line per class (one-vs-rest) or one for a binary target; the legend
//! names each with its area.

use plotters::prelude::*;

use super::axes::{cartesian, draw_straight, legend, pixel_map, titled, Axes};
use super::lines::{draw_named, Line};
use super::style::AXIS;
use super::{plot_error, render, Labels, Overlay, Svg};
use crate::error::Result;

/// Chart size: square axes, as scikit-learn's displays set `aspect="equal"`.
const SIZE: (u32, u32) = (600, 600);
/// The unit square with a hair of room, as scikit-learn's `(-0.01, 1.01)` limits.
const UNIT: std::ops::Range<f64> = -0.01..1.01;

/// A dashed reference segment; an empty name has no legend entry.
struct Reference<'a> {
    ends: [(f64, f64); 2],
    name: &'a str,
}

/// ROC curves, (false positive rate, true positive rate) each, with the chance diagonal.
pub fn roc_curves(curves: &[Line], title: &str) -> Result<Svg> {
    let labels = Labels::new(title, "False positive rate", "True positive rate");
    let chance = Reference {
        ends: [(0.0, 0.0), (1.0, 1.0)],
        name: "Chance (AUC = 0.5)",
    };
    unit_square(curves, &labels, &[chance])
}

/// Precision–recall curves, (recall, precision) points from recall 1 to recall 0 each,
/// drawn as steps; `chance` gives each curve's positive share, drawn as a dashed level.
pub fn precision_recall_curves(curves: &[Line], chance: &[f64], title: &str) -> Result<Svg> {
    let labels = Labels::new(title, "Recall", "Precision");
    let stepped: Vec<Line> = curves
        .iter()
        .map(|c| Line {
            name: c.name.clone(),
            points: steps_post(&c.points),
        })
        .collect();
    // One level names its share; several (one per class) share one legend entry.
    let one = chance
        .first()
        .map(|share| format!("Chance (AP = {share:.2})"))
        .unwrap_or_default();
    let name = if chance.len() > 1 {
        "Chance (each class's share)"
    } else {
        one.as_str()
    };
    let levels: Vec<Reference> = chance
        .iter()
        .enumerate()
        .map(|(i, &share)| Reference {
            ends: [(0.0, share), (1.0, share)],
            name: if i == 0 { name } else { "" },
        })
        .collect();
    unit_square(&stepped, &labels, &levels)
}

/// matplotlib's `steps-post` of a polyline: level at each point's y until the next x.
fn steps_post(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(x, y)) in points.iter().enumerate() {
        out.push((x, y));
        if let Some(&(next_x, _)) = points.get(i + 1) {
            out.push((next_x, y));
        }
    }
    out
}

/// Lines on the unit square with dashed reference segments.
fn unit_square(curves: &[Line], labels: &Labels, references: &[Reference]) -> Result<Svg> {
    let title = labels.title.as_str();
    let outside = |(x, y): &(f64, f64)| !(0.0..=1.0).contains(x) || !(0.0..=1.0).contains(y);
    if curves.is_empty()
        || curves
            .iter()
            .any(|c| c.points.is_empty() || c.points.iter().any(outside))
    {
        return Err(plot_error(
            title,
            "needs curves of points in the unit square",
        ));
    }
    render(title, SIZE, |root| {
        let area = titled(root, title)?;
        let axes = Axes {
            labels,
            x: UNIT,
            y: UNIT,
            grid: true,
        };
        let mut chart = cartesian(&area, &axes)?;
        for r in references {
            let label = (!r.name.is_empty()).then_some(r.name);
            draw_straight(
                &mut chart,
                title,
                r.ends,
                (AXIS.stroke_width(1), true),
                label,
            )?;
        }
        draw_named(&mut chart, title, curves)?;
        let map = pixel_map(&chart, &UNIT, &UNIT);
        let mut entries: Vec<&str> = curves.iter().map(|c| c.name.as_str()).collect();
        entries.extend(references.iter().map(|r| r.name).filter(|n| !n.is_empty()));
        let points = curves.iter().flat_map(|c| c.points.iter().copied());
        legend(&mut chart, title, &map, points, &entries)?;
        Ok(Overlay::default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_hold_each_level_until_the_next_point() {
        let s = steps_post(&[(1.0, 0.5), (0.5, 0.8), (0.0, 1.0)]);
        assert_eq!(
            s,
            [(1.0, 0.5), (0.5, 0.5), (0.5, 0.8), (0.0, 0.8), (0.0, 1.0)]
        );
    }
}
