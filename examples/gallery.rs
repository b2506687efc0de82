//! Renders every chart the crate draws, from the notebooks' own data and calls, to SVG and PNG
//! (resvg, no browser needed), and writes each chart's data as a JSON spec that
//! `compare/python/gallery.py` draws again with seaborn for a side-by-side review page.
//!
//!     cargo run --release --example gallery -- gallery/out
//!
//! Writes OUT/rust/NAME.{svg,png} and OUT/data/NAME.json. `make gallery` runs it, then the
//! Python side. The datasets come from ML_WORKFLOW_DATA or the crate's cache.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ml_workflow::plots::{self, Labels, Line, Svg};
use ml_workflow::polars_ext::column_gaps_as_nan;
use ml_workflow::prelude::*;
use serde_json::{json, Value};

/// One chart: its SVG and the data a seaborn twin needs to draw the same thing.
struct Entry {
    name: &'static str,
    kind: &'static str,
    notebook: &'static str,
    svg: Svg,
    labels: Labels,
    data: Value,
}

fn main() -> Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "gallery/out".into()),
    );
    let mut entries = height_weight()?;
    entries.extend(boston()?);
    entries.extend(penguins()?);
    for dir in ["rust", "data"] {
        std::fs::create_dir_all(out.join(dir)).with_context(|| format!("creating {dir}"))?;
    }
    for e in &entries {
        write_entry(&out, e)?;
        println!("{}: {} bytes of SVG", e.name, e.svg.as_str().len());
    }
    println!("{} charts in {}", entries.len(), out.display());
    Ok(())
}

/// Notebook 01's charts, with its calls.
fn height_weight() -> Result<Vec<Entry>> {
    let df = load_dataset("height-weight")?;
    let (height, weight) = ml_workflow::eda::xy(&df, "Height-Inches", "Weight-Pounds")?;
    let hw = Labels::new(
        "Weight against height",
        "Height (inches)",
        "Weight (pounds)",
    );
    let data = XySplit::new(&df, "Height-Inches", "Weight-Pounds", 0.2, 42)?;
    let ols = data.ols()?;
    let gd = data.gradient_descent(&GdParams::default())?;
    let losses: Vec<f64> = gd.model.losses.iter().map(|l| f64::from(*l)).collect();
    let epochs: Vec<f64> = (0..losses.len()).map(|i| i as f64).collect();
    let test_x = data.test_x();
    let e = &ols.evaluation;
    let kde = Labels::new(
        "Joint density of height and weight",
        "Height (inches)",
        "Weight (pounds)",
    );
    let avp = Labels::new(
        "Predicted against actual Weight-Pounds",
        "Actual Weight-Pounds",
        "Predicted Weight-Pounds",
    );
    let fit = Labels::new(
        "Held-out people and the least-squares line",
        "Height-Inches",
        "Weight-Pounds",
    );
    let loss = Labels::new(
        "Gradient descent: training loss",
        "Epoch",
        "Mean squared error",
    );
    Ok(vec![
        Entry {
            name: "lmplot",
            kind: "lmplot",
            notebook: "01-height-weight",
            svg: lmplot(&height, &weight, &hw)?,
            labels: hw,
            data: json!({"x": height, "y": weight}),
        },
        Entry {
            name: "kde_jointplot",
            kind: "kde_jointplot",
            notebook: "01-height-weight",
            svg: kde_jointplot(&height, &weight, &kde)?,
            labels: kde,
            data: json!({"x": height, "y": weight}),
        },
        Entry {
            name: "actual_vs_predicted",
            kind: "actual_vs_predicted",
            notebook: "01-height-weight",
            svg: e.actual_vs_predicted()?,
            labels: avp,
            data: json!({"actual": e.actual, "predicted": e.predicted}),
        },
        Entry {
            name: "fitted_line",
            kind: "fitted_line",
            notebook: "01-height-weight",
            svg: ols.fitted_line_chart(&data)?,
            labels: fit,
            data: json!({"x": test_x, "y": e.actual, "slope": ols.model.coef[0],
                         "intercept": ols.model.intercept}),
        },
        Entry {
            name: "loss_curve",
            kind: "line_chart",
            notebook: "01-height-weight",
            svg: gd.loss_chart()?,
            labels: loss,
            data: json!({"lines": [{"name": "training MSE", "x": epochs, "y": losses}], "log_y": true}),
        },
    ])
}

/// Notebook 02's charts, with its calls, plus the two kinds no notebook draws.
fn boston() -> Result<Vec<Entry>> {
    let full = load_dataset("boston-housing")?;
    let corr = correlation(&full)?;
    let heat_title = "Pearson correlation of the Boston housing columns";
    let (rm, medv) = ml_workflow::eda::xy(&full, "RM", "MEDV")?;
    let df = drop_columns(&full, &BOSTON_DROPPED)?;
    let config = preset("boston-housing")?;
    let prepared = Prepared::new(&df, &config)?;
    let spot = prepared.spot_check(&config)?;
    let report = train(&df, &config, None)?;
    let evaluation = report.evaluation()?.clone();
    let names: Vec<String> = spot.results.iter().map(|(n, _)| n.clone()).collect();
    let means: Vec<f64> = spot.results.iter().map(|(_, r)| r.mean_mse).collect();
    let stds: Vec<f64> = spot.results.iter().map(|(_, r)| r.std_mse).collect();
    let importances = report
        .model
        .feature_importances()
        .context("the Boston model has importances")?
        .to_vec();
    let stages: Vec<f64> = report
        .search
        .results
        .iter()
        .map(|r| r.params.values().next().copied().unwrap_or(0.0))
        .collect();
    let cv: Vec<f64> = report.search.results.iter().map(|r| r.mean_mse).collect();
    let grid = Labels::new(
        "Gradient boosting: cross-validated MSE by number of stages",
        "n_estimators",
        "Mean squared error",
    );
    let rm_labels = Labels::new("Median value against rooms", "RM (rooms)", "MEDV ($1000s)");
    let res = Labels::new(
        "Residuals on held-out rows",
        "Predicted MEDV",
        "Actual − predicted",
    );
    let spot_labels = Labels::new(
        format!(
            "Spot check: {}-fold cross-validated MSE (± 1 std)",
            spot.folds
        ),
        "Mean squared error",
        "",
    );
    let imp = Labels::new(
        "What the gbm model splits on",
        "Impurity-based importance (sums to 1)",
        "",
    );
    let grid_line = Line {
        name: "mean MSE".into(),
        points: stages.iter().copied().zip(cv.iter().copied()).collect(),
    };
    Ok(vec![
        Entry {
            name: "heatmap",
            kind: "heatmap",
            notebook: "02-boston-housing",
            svg: heatmap(&corr, heat_title)?,
            labels: Labels::new(heat_title, "", ""),
            data: json!({"columns": corr.columns, "matrix": corr.matrix}),
        },
        Entry {
            name: "spot_check",
            kind: "bar_chart",
            notebook: "02-boston-housing",
            svg: spot.chart()?,
            labels: spot_labels,
            data: json!({"names": names, "values": means, "errors": stds}),
        },
        Entry {
            name: "residuals",
            kind: "residuals",
            notebook: "02-boston-housing",
            svg: evaluation.residuals()?,
            labels: res,
            data: json!({"actual": evaluation.actual, "predicted": evaluation.predicted}),
        },
        Entry {
            name: "feature_importances",
            kind: "feature_importances",
            notebook: "02-boston-housing",
            svg: report.importance_chart()?,
            labels: imp,
            data: json!({"names": report.features, "values": importances}),
        },
        Entry {
            name: "scatter",
            kind: "scatter",
            notebook: "(none)",
            svg: scatter(&rm, &medv, &rm_labels)?,
            labels: rm_labels,
            data: json!({"x": rm, "y": medv}),
        },
        Entry {
            name: "grid_search",
            kind: "line_chart",
            notebook: "(none)",
            svg: plots::line_chart(std::slice::from_ref(&grid_line), &grid, false)?,
            labels: grid,
            data: json!({"lines": [{"name": "mean MSE", "x": stages, "y": cv}], "log_y": false}),
        },
    ])
}

/// Notebook 04's charts, with its calls: the pair plot, the classifiers' spot check, the
/// confusion matrix (counts and shares), the ROC and precision–recall curves.
fn penguins() -> Result<Vec<Entry>> {
    let df = load_dataset("penguins")?;
    let config = preset("penguins")?;
    let prepared = ClassPrepared::new(&df, &config)?;
    let spot = prepared.spot_check(&config)?;
    let report = train_classifier(&df, &config)?;
    let test = report.test.as_ref().context("held-out rows")?;
    let classes = report.classes.names();
    let numeric = [
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
    ];
    let columns: serde_json::Map<String, Value> = numeric
        .iter()
        .map(|c| Ok((c.to_string(), json!(column_gaps_as_nan(&df, c)?))))
        .collect::<Result<_>>()?;
    let species: Vec<Option<String>> = df
        .column("species")?
        .str()?
        .iter()
        .map(|s| s.map(String::from))
        .collect();
    let pair = pairplot(&df, &numeric, "species")?;
    let pair_title = pair.title().unwrap_or_default();
    let curves = |positive_share: bool| -> Value {
        let ks: Vec<usize> = (0..classes.len()).collect();
        json!(ks
            .iter()
            .map(|&c| {
                let proba = report.test_proba.column(c).to_vec();
                let actual: Vec<bool> = report.test_actual.iter().map(|&a| a == c).collect();
                json!({"name": classes[c], "score": proba, "positive": actual,
                       "share": positive_share})
            })
            .collect::<Vec<_>>())
    };
    // The scores as the chart shows them (a log loss as itself, whatever the preset ranks by).
    let shown = spot.shown_rows();
    let names: Vec<&str> = shown.iter().map(|r| r.0).collect();
    let means: Vec<f64> = shown.iter().map(|r| r.1).collect();
    let stds: Vec<f64> = shown.iter().map(|r| r.2).collect();
    let spot_axis = spot.axis_label();
    let spot_svg = spot.chart()?;
    let entry = |name, kind, svg: Svg, x: &str, y: &str, data| {
        let title = svg.title().unwrap_or_default();
        Entry {
            name,
            kind,
            notebook: "04-classification",
            labels: Labels::new(title, x, y),
            svg,
            data,
        }
    };
    Ok(vec![
        entry(
            "pairplot",
            "pairplot",
            pair,
            "",
            "",
            json!({"columns": columns, "hue": species, "hue_name": "species", "title": pair_title}),
        ),
        entry(
            "class_spot_check",
            "bar_chart",
            spot_svg,
            &spot_axis,
            "",
            json!({"names": names, "values": means, "errors": stds}),
        ),
        entry(
            "confusion_matrix",
            "confusion_matrix",
            report.confusion_chart(false)?,
            "Predicted label",
            "True label",
            json!({"matrix": test.confusion, "classes": classes, "normalize": false}),
        ),
        entry(
            "confusion_matrix_normalized",
            "confusion_matrix",
            report.confusion_chart(true)?,
            "Predicted label",
            "True label",
            json!({"matrix": test.confusion, "classes": classes, "normalize": true}),
        ),
        entry(
            "roc_curves",
            "roc",
            report.roc_chart()?,
            "False positive rate",
            "True positive rate",
            json!({"curves": curves(false)}),
        ),
        entry(
            "precision_recall",
            "precision_recall",
            report.precision_recall_chart()?,
            "Recall",
            "Precision",
            json!({"curves": curves(true)}),
        ),
    ])
}

/// Writes the SVG, its PNG and the JSON spec of one chart.
fn write_entry(out: &Path, e: &Entry) -> Result<()> {
    let svg_path = out.join("rust").join(format!("{}.svg", e.name));
    e.svg.save(&svg_path)?;
    let (w, h) = rasterise(
        e.svg.as_str(),
        &out.join("rust").join(format!("{}.png", e.name)),
    )?;
    let spec = json!({
        "name": e.name, "kind": e.kind, "title": e.labels.title, "x_label": e.labels.x,
        "y_label": e.labels.y, "size": [w, h], "notebook": e.notebook, "data": e.data,
    });
    let json_path = out.join("data").join(format!("{}.json", e.name));
    std::fs::write(&json_path, serde_json::to_string(&spec)?)
        .with_context(|| format!("writing {}", json_path.display()))?;
    Ok(())
}

/// Renders SVG markup to a PNG with resvg and the system's fonts; returns its size.
fn rasterise(svg: &str, png: &Path) -> Result<(u32, u32)> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    let tree = resvg::usvg::Tree::from_str(svg, &options).context("parsing the SVG")?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).context("an empty chart")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .save_png(png)
        .with_context(|| format!("writing {}", png.display()))?;
    Ok((size.width(), size.height()))
}
