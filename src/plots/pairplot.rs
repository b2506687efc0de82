//! seaborn's `pairplot(data, hue=...)`: every pair of numeric columns as a scatter coloured
//! by class, and on the diagonal each class's density (a filled KDE scaled by the class's
//! share of the rows, seaborn's `common_norm=True`), with the class legend on the right.
//! A gap leaves the row out of the panels that need the missing value, as seaborn drops
//! missing values per pair.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::DataFrame;

use super::axes::{padded, style_mesh, subset, titled, MARGIN, MAX_POINTS};
use super::canvas::Area;
use super::style::{font, text_width, tick_label, DEEP, LABEL_PX, TICK_PX};
use super::{plot_error, render, Overlay, Svg};
use crate::eda::{linspace, Kde1};
use crate::error::{Error, Result};
use crate::polars_ext::{column_by_name, column_gaps_as_nan, numeric_columns};

/// Side of one panel in pixels, label areas aside.
const PANEL: u32 = 170;
/// Room for the left column's tick labels and names, and the bottom row's.
const LEFT: u32 = 78;
const BOTTOM: u32 = 58;
/// Width of the legend on the right.
const LEGEND: u32 = 130;
/// Points drawn along each density.
const KDE_POINTS: usize = 120;

/// A pair plot of the numeric `columns` of `df` (none given: every numeric column but the
/// hue), coloured by the classes of the column `hue` (text, booleans or integers); rows
/// without a class are left out.
///
/// ```
/// use ml_workflow::plots::pairplot;
/// use polars::prelude::*;
///
/// let df = df!(
///     "a" => [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
///     "b" => [2.0, 1.0, 4.0, 3.0, 6.0, 5.0],
///     "kind" => ["x", "y", "x", "y", "x", "y"],
/// )?;
/// let svg = pairplot(&df, &[], "kind")?;
/// assert_eq!(svg.title().as_deref(), Some("a, b by kind"));
/// # Ok::<(), ml_workflow::Error>(())
/// ```
pub fn pairplot(df: &DataFrame, columns: &[&str], hue: &str) -> Result<Svg> {
    let names: Vec<String> = if columns.is_empty() {
        numeric_columns(df)
            .into_iter()
            .filter(|n| n != hue)
            .collect()
    } else {
        columns.iter().map(|c| c.to_string()).collect()
    };
    if names.is_empty() {
        return Err(Error::invalid(
            "pairplot",
            "the table has no numeric column besides the hue",
        ));
    }
    let values = names
        .iter()
        .map(|n| column_gaps_as_nan(df, n))
        .collect::<Result<Vec<Vec<f64>>>>()?;
    let labels = hue_labels(df, hue)?;
    let title = format!("{} by {hue}", names.join(", "));
    draw(&names, &values, &labels, hue, &title)
}

/// Each row's class as text (None for a gap).
fn hue_labels(df: &DataFrame, hue: &str) -> Result<Vec<Option<String>>> {
    let column = column_by_name(df, hue)?;
    let text = column
        .cast(&polars::prelude::DataType::String)
        .map_err(|e| Error::invalid("hue", e.to_string()))?;
    let text = text
        .str()
        .map_err(|e| Error::invalid("hue", e.to_string()))?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect();
    Ok(text)
}

/// The classes in scikit-learn's order (integers by value, so 9 before 10; text by its
/// characters; `false` before `true`) and each row's class index (None without one).
fn classes(labels: &[Option<String>]) -> (Vec<String>, Vec<Option<usize>>) {
    let mut classes: Vec<String> = labels.iter().flatten().cloned().collect();
    let integers: Option<Vec<i64>> = classes.iter().map(|c| c.parse().ok()).collect();
    match integers {
        Some(_) => classes.sort_by_key(|c| c.parse::<i64>().unwrap_or_default()),
        None => classes.sort(),
    }
    classes.dedup();
    let position: std::collections::HashMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let codes = labels
        .iter()
        .map(|l| l.as_deref().and_then(|l| position.get(l).copied()))
        .collect();
    (classes, codes)
}

fn draw(
    names: &[String],
    values: &[Vec<f64>],
    labels: &[Option<String>],
    hue: &str,
    title: &str,
) -> Result<Svg> {
    let (classes, codes) = classes(labels);
    if classes.is_empty() {
        return Err(plot_error(
            title,
            format!("the hue column {hue:?} has no values"),
        ));
    }
    let k = names.len() as u32;
    let (rows, subsetted) = subset(codes.len(), MAX_POINTS);
    let title = if subsetted {
        format!("{title} ({} of {} rows shown)", MAX_POINTS, codes.len())
    } else {
        title.to_string()
    };
    let ranges: Vec<std::ops::Range<f64>> = values
        .iter()
        .map(|v| {
            let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            padded(&finite)
        })
        .collect();
    let width = LEFT + k * PANEL + LEGEND + 2 * MARGIN;
    let height = super::axes::TITLE_STRIP + k * PANEL + BOTTOM + 2 * MARGIN;
    let title_ref = title.as_str();
    render(title_ref, (width, height), |root| {
        let area = titled(root, title_ref)?.margin(MARGIN, MARGIN, MARGIN, MARGIN);
        let (grid, legend_area) = area.split_horizontally(LEFT + k * PANEL);
        let xs: Vec<u32> = (1..k).map(|j| LEFT + j * PANEL).collect();
        let ys: Vec<u32> = (1..k).map(|i| i * PANEL).collect();
        let panels = grid.split_by_breakpoints(xs, ys);
        for (p, panel) in panels.iter().enumerate() {
            let (i, j) = (p / k as usize, p % k as usize);
            let edges = (j == 0, i + 1 == k as usize);
            let spec = Panel {
                title: title_ref,
                x: (&names[j], &ranges[j]),
                y: (&names[i], &ranges[i]),
                edges,
            };
            if i == j {
                diagonal(panel, &spec, &values[j], &codes, classes.len())?;
            } else {
                scatter(panel, &spec, (&values[j], &values[i]), &codes, &rows)?;
            }
        }
        hue_legend(&legend_area, title_ref, hue, &classes)?;
        Ok(Overlay::default())
    })
}

/// One panel's axes: its x and y columns and whether it is on the left or bottom edge.
struct Panel<'a> {
    title: &'a str,
    x: (&'a str, &'a std::ops::Range<f64>),
    y: (&'a str, &'a std::ops::Range<f64>),
    edges: (bool, bool),
}

/// The panel's chart on `y` (the diagonal's density scale or the row's column): tick
/// labels and names on the left and bottom edges only.
fn panel_chart<'a, 'b>(
    area: &'a Area<'b>,
    p: &Panel,
    y: std::ops::Range<f64>,
    y_labels: bool,
) -> Result<super::axes::Chart<'a, 'b>> {
    let (left, bottom) = p.edges;
    let mut chart = ChartBuilder::on(area)
        .margin(4)
        .x_label_area_size(if bottom { BOTTOM } else { 0 })
        .y_label_area_size(if left { LEFT } else { 0 })
        .build_cartesian_2d(p.x.1.clone(), y.clone())
        .map_err(|e| plot_error(p.title, e))?;
    let (xspan, yspan) = (p.x.1.end - p.x.1.start, y.end - y.start);
    let fx = |v: &f64| tick_label(*v, xspan);
    let fy = |v: &f64| tick_label(*v, yspan);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(4)
        .y_labels(if y_labels { 4 } else { 0 })
        .x_label_formatter(&fx)
        .y_label_formatter(&fy);
    if bottom {
        mesh.x_desc(p.x.0);
    }
    if left {
        mesh.y_desc(p.y.0);
    }
    style_mesh(&mut mesh, true);
    mesh.draw().map_err(|e| plot_error(p.title, e))?;
    Ok(chart)
}

/// An off-diagonal panel: the pair's points coloured by class.
fn scatter(
    area: &Area,
    p: &Panel,
    (x, y): (&[f64], &[f64]),
    codes: &[Option<usize>],
    rows: &[usize],
) -> Result<()> {
    let mut chart = panel_chart(area, p, p.y.1.clone(), true)?;
    let points = rows.iter().filter_map(|&r| {
        let c = codes[r]?;
        (x[r].is_finite() && y[r].is_finite()).then_some((x[r], y[r], c))
    });
    chart
        .draw_series(
            points.map(|(a, b, c)| Circle::new((a, b), 2, DEEP[c % DEEP.len()].mix(0.75).filled())),
        )
        .map_err(|e| plot_error(p.title, e))?;
    Ok(())
}

/// A diagonal panel: each class's density of the column, filled, scaled by its share.
fn diagonal(
    area: &Area,
    p: &Panel,
    x: &[f64],
    codes: &[Option<usize>],
    n_classes: usize,
) -> Result<()> {
    let grid = linspace(p.x.1.start, p.x.1.end, KDE_POINTS);
    let kept: Vec<(f64, usize)> = x
        .iter()
        .zip(codes)
        .filter_map(|(&v, &c)| Some((v, c?)).filter(|(v, _)| v.is_finite()))
        .collect();
    let total = kept.len().max(1) as f64;
    let curves: Vec<(usize, Vec<f64>)> = (0..n_classes)
        .filter_map(|c| {
            let own: Vec<f64> = kept.iter().filter(|k| k.1 == c).map(|k| k.0).collect();
            // One value, or all equal, has no density: that class is left out of the panel.
            let kde = Kde1::new(&own).ok()?;
            let share = own.len() as f64 / total;
            Some((c, kde.evaluate(&grid).iter().map(|d| d * share).collect()))
        })
        .collect();
    let top = curves
        .iter()
        .flat_map(|(_, d)| d.iter().copied())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE)
        * 1.05;
    let mut chart = panel_chart(area, p, 0.0..top, false)?;
    for (c, density) in &curves {
        let color = DEEP[c % DEEP.len()];
        let points: Vec<(f64, f64)> = grid.iter().copied().zip(density.iter().copied()).collect();
        chart
            .draw_series(AreaSeries::new(points.clone(), 0.0, color.mix(0.25)))
            .map_err(|e| plot_error(p.title, e))?;
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(|e| plot_error(p.title, e))?;
    }
    Ok(())
}

/// The hue's name and a dot and name per class, centred vertically on the right.
fn hue_legend(area: &Area, title: &str, hue: &str, classes: &[String]) -> Result<()> {
    let (_, h) = area.dim_in_pixel();
    let top = h as i32 / 2 - (classes.len() as i32 + 1) * 11;
    let left = font(TICK_PX).pos(Pos::new(HPos::Left, VPos::Center));
    let x = 18;
    area.draw(&Text::new(
        hue.to_string(),
        (x, top),
        font(LABEL_PX).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(|e| plot_error(title, e))?;
    for (i, class) in classes.iter().enumerate() {
        let y = top + 24 + 22 * i as i32;
        area.draw(&Circle::new((x + 5, y), 5, DEEP[i % DEEP.len()].filled()))
            .map_err(|e| plot_error(title, e))?;
        let shown = if text_width(class, TICK_PX) > f64::from(LEGEND) - 40.0 {
            format!("{}…", class.chars().take(12).collect::<String>())
        } else {
            class.clone()
        };
        area.draw(&Text::new(shown, (x + 16, y), left.clone()))
            .map_err(|e| plot_error(title, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn integer_classes_go_by_value_and_text_by_its_characters() {
        let labels = |v: &[&str]| -> Vec<Option<String>> {
            v.iter()
                .map(|s| Some(s.to_string()))
                .chain([None])
                .collect()
        };
        let (classes, codes) = super::classes(&labels(&["10", "9", "-1", "9"]));
        assert_eq!(classes, ["-1", "9", "10"]);
        assert_eq!(codes, [Some(2), Some(1), Some(0), Some(1), None]);
        let (classes, _) = super::classes(&labels(&["b", "10", "a", "9"]));
        assert_eq!(classes, ["10", "9", "a", "b"]);
    }

    use super::*;

    #[test]
    fn classes_are_sorted_and_gaps_have_none() {
        let labels = vec![Some("b".to_string()), None, Some("a".to_string())];
        let (classes, codes) = classes(&labels);
        assert_eq!(classes, ["a", "b"]);
        assert_eq!(codes, [Some(1), None, Some(0)]);
    }
}
