//! Every chart is well-formed SVG whose text carries its title and axis labels.

use ml_workflow::eda::correlation;
use ml_workflow::plots::*;
use ml_workflow::polars_ext::from_columns;

/// Parses the SVG as XML and returns the content of every `<text>` element.
fn texts(svg: &Svg) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg.as_str()).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
        .collect()
}

fn assert_labelled(svg: &Svg, wanted: &[&str]) {
    let texts = texts(svg);
    for w in wanted {
        assert!(
            texts.iter().any(|t| t.contains(w)),
            "{w:?} not among {texts:?}"
        );
    }
}

fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..n)
        .map(|i| 60.0 + ((i * 7919) % 1000) as f64 / 66.0)
        .collect();
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, v)| 3.0 * v - 80.0 + ((i * 104729) % 23) as f64)
        .collect();
    (x, y)
}

fn labels() -> Labels {
    Labels::new(
        "Weight against height",
        "Height (inches)",
        "Weight (pounds)",
    )
}

#[test]
fn scatter_and_lmplot() {
    let (x, y) = data(500);
    assert_labelled(
        &scatter(&x, &y, &labels()).unwrap(),
        &[
            "Weight against height",
            "Height (inches)",
            "Weight (pounds)",
        ],
    );
    let svg = lmplot(&x, &y, &labels()).unwrap();
    assert_labelled(
        &svg,
        &[
            "Weight against height",
            "Height (inches)",
            "Weight (pounds)",
            "y = ",
        ],
    );
}

#[test]
fn large_scatters_are_subsampled_and_say_so() {
    let (x, y) = data(25_000);
    let svg = lmplot(&x, &y, &labels()).unwrap();
    assert_labelled(&svg, &["2000 of 25000 points shown"]);
    let circles = roxmltree::Document::parse(svg.as_str())
        .unwrap()
        .descendants()
        .filter(|n| n.tag_name().name() == "circle")
        .count();
    assert_eq!(circles, MAX_POINTS);
    assert!(svg.as_str().len() < 400_000, "{} bytes", svg.as_str().len());
}

#[test]
fn kde_jointplot_has_labels() {
    let (x, y) = data(800);
    let svg = kde_jointplot(&x, &y, &labels()).unwrap();
    assert_labelled(
        &svg,
        &[
            "Weight against height",
            "Height (inches)",
            "Weight (pounds)",
        ],
    );
}

#[test]
fn evaluation_charts() {
    let (x, y) = data(300);
    let l = Labels::new(
        "Actual vs predicted",
        "Actual MEDV ($1000s)",
        "Predicted MEDV ($1000s)",
    );
    assert_labelled(
        &actual_vs_predicted(&x, &y, &l).unwrap(),
        &[
            "Actual vs predicted",
            "Actual MEDV ($1000s)",
            "Predicted MEDV ($1000s)",
        ],
    );
    let l = Labels::new("Residuals", "Predicted MEDV", "Actual − predicted");
    assert_labelled(
        &residuals(&x, &y, &l).unwrap(),
        &["Residuals", "Predicted MEDV", "Actual − predicted"],
    );
}

#[test]
fn line_chart_log_scale_labels_real_values() {
    let loss: Vec<(f64, f64)> = (0..100)
        .map(|i| (i as f64, 16000.0 / (1.0 + i as f64) + 100.0))
        .collect();
    let l = Labels::new("Training loss", "Epoch", "MSE loss");
    let svg = line_chart(
        &[Line {
            name: "train".into(),
            points: loss,
        }],
        &l,
        true,
    )
    .unwrap();
    assert_labelled(&svg, &["Training loss", "Epoch", "MSE loss", "train"]);
}

#[test]
fn bar_chart_and_heatmap() {
    let names = vec!["LR".to_string(), "GBM".to_string()];
    let l = Labels::new("Spot check", "Mean squared error", "Model");
    assert_labelled(
        &bar_chart(&names, &[23.7, 11.8], &[8.6, 6.5], &l).unwrap(),
        &["Spot check", "LR", "GBM", "Mean squared error"],
    );
    let (x, y) = data(50);
    let df = from_columns(vec![("RM".into(), x), ("MEDV".into(), y)]).unwrap();
    let svg = heatmap(&correlation(&df).unwrap(), "Correlations").unwrap();
    assert_labelled(&svg, &["Correlations", "RM", "MEDV", "1.00"]);
}
