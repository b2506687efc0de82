//! Every chart is well-formed SVG whose text carries its title and axis labels, whose text
//! boxes do not overlap when laid out with the fonts a reader's machine renders them with
//! (resvg's layout and the system's fonts), and whose ticks read as a person writes numbers.

use ml_workflow::eda::correlation;
use ml_workflow::plots::*;
use ml_workflow::polars_ext::from_columns;

/// Parses the SVG as XML and returns the content of every `<text>` element.
fn texts(svg: &Svg) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg.as_str()).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.children().filter_map(|d| d.text()).collect::<String>())
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
    assert_labelled(&svg, &["2,000 of 25,000 points shown"]);
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
    let curve = |k: f64| -> Vec<(f64, f64)> {
        (0..100)
            .map(|i| (i as f64, k * 16000.0 / (1.0 + i as f64) + 100.0))
            .collect()
    };
    let l = Labels::new("Training loss", "Epoch", "MSE loss");
    let svg = line_chart(
        &[
            Line {
                name: "train".into(),
                points: curve(1.0),
            },
            Line {
                name: "validation".into(),
                points: curve(1.3),
            },
        ],
        &l,
        true,
    )
    .unwrap();
    assert_labelled(
        &svg,
        &[
            "Training loss",
            "Epoch",
            "MSE loss",
            "train",
            "validation",
            "10³",
        ],
    );
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

/// Every text element's ink box in canvas pixels, laid out by usvg with the system's fonts.
fn text_boxes(svg: &Svg) -> Vec<(String, resvg::tiny_skia::Rect)> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    assert!(
        !options.fontdb.is_empty(),
        "no system fonts to lay text out with (Debian: apt-get install fonts-dejavu-core)"
    );
    let tree = resvg::usvg::Tree::from_str(svg.as_str(), &options).expect("usvg parses the chart");
    let mut out = Vec::new();
    collect_text(tree.root(), &mut out);
    assert!(!out.is_empty(), "the chart has text");
    out
}

fn collect_text(group: &resvg::usvg::Group, out: &mut Vec<(String, resvg::tiny_skia::Rect)>) {
    for node in group.children() {
        match node {
            resvg::usvg::Node::Group(g) => collect_text(g, out),
            resvg::usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text()).collect();
                let b = t.flattened().abs_bounding_box();
                out.push((text.trim().to_string(), b));
            }
            _ => {}
        }
    }
}

/// No two text boxes overlap by more than a pixel each way, and every box is inside the
/// drawing.
fn assert_no_text_overlaps(name: &str, svg: &Svg) {
    let boxes = text_boxes(svg);
    let doc = roxmltree::Document::parse(svg.as_str()).unwrap();
    let attr = |a: &str| -> f32 { doc.root_element().attribute(a).unwrap().parse().unwrap() };
    let (w, h) = (attr("width"), attr("height"));
    for (text, b) in &boxes {
        assert!(
            b.left() >= -0.5 && b.top() >= -0.5 && b.right() <= w + 0.5 && b.bottom() <= h + 0.5,
            "{name}: {text:?} at {b:?} leaves the {w}x{h} drawing"
        );
    }
    for (i, (ta, a)) in boxes.iter().enumerate() {
        for (tb, b) in &boxes[i + 1..] {
            let dx = a.right().min(b.right()) - a.left().max(b.left());
            let dy = a.bottom().min(b.bottom()) - a.top().max(b.top());
            assert!(
                dx <= 1.0 || dy <= 1.0,
                "{name}: {ta:?} {a:?} overlaps {tb:?} {b:?}"
            );
        }
    }
}

/// The tick labels among a chart's texts: the short numeric ones.
fn numeric_labels(svg: &Svg) -> Vec<String> {
    texts(svg)
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_digit() || ".−⁰¹²³⁴⁵⁶⁷⁸⁹".contains(c))
        })
        .collect()
}

/// A gradient-descent loss: a fall over three epochs, then a creep of a millionth per epoch.
fn losses() -> Vec<f64> {
    (0..1000)
        .map(|i| {
            if i < 3 {
                16000.0 / 10f64.powi(i) + 106.0
            } else {
                106.6 - i as f64 * 1e-6
            }
        })
        .collect()
}

fn all_charts() -> Vec<(&'static str, Svg)> {
    let (x, y) = data(3_000);
    let l = labels();
    let names: Vec<String> = [
        "LinearRegression",
        "Lasso",
        "GradientBoosting",
        "KNeighbors",
    ]
    .map(String::from)
    .to_vec();
    let losses = losses();
    let df = from_columns(vec![
        ("RM".into(), x.clone()),
        ("PTRATIO".into(), y.iter().map(|v| -v).collect()),
        ("MEDV".into(), y.clone()),
    ])
    .unwrap();
    let grid = Line {
        name: "mean MSE".into(),
        points: (1..=8)
            .map(|i| (50.0 * i as f64, 12.0 - i as f64 * 0.1))
            .collect(),
    };
    vec![
        ("scatter", scatter(&x, &y, &l).unwrap()),
        ("lmplot", lmplot(&x, &y, &l).unwrap()),
        ("kde_jointplot", kde_jointplot(&x, &y, &l).unwrap()),
        (
            "actual_vs_predicted",
            actual_vs_predicted(
                &y[..],
                &x.iter().map(|v| v * 3.0 - 80.0).collect::<Vec<_>>(),
                &Labels::new(
                    "Predicted against actual Weight-Pounds, a long title",
                    "Actual Weight-Pounds",
                    "Predicted Weight-Pounds",
                ),
            )
            .unwrap(),
        ),
        (
            "residuals",
            residuals(
                &y,
                &x.iter().map(|v| v * 3.0 - 80.0).collect::<Vec<_>>(),
                &l,
            )
            .unwrap(),
        ),
        ("fitted_line", fitted_line(&x, &y, 3.0, -80.0, &l).unwrap()),
        (
            "line_chart",
            line_chart(&[grid], &Labels::new("Grid", "n_estimators", "MSE"), false).unwrap(),
        ),
        (
            "loss_curve",
            loss_curve(&losses, &Labels::new("Loss", "Epoch", "Mean squared error")).unwrap(),
        ),
        (
            "bar_chart",
            bar_chart(
                &names,
                &[23.7, 26.1, 11.8, 16.4],
                &[8.6, 9.0, 6.5, 8.9],
                &Labels::new("Spot check", "Mean squared error", ""),
            )
            .unwrap(),
        ),
        (
            "feature_importances",
            feature_importances(
                &names,
                &[0.1, 0.2, 0.6, 0.1],
                &Labels::new("Importances", "Importance", ""),
            )
            .unwrap(),
        ),
        (
            "heatmap",
            heatmap(&correlation(&df).unwrap(), "Correlations").unwrap(),
        ),
        (
            "confusion_matrix",
            confusion_matrix(&confusion(), &species(), false, "Confusion matrix").unwrap(),
        ),
        (
            "confusion_matrix_normalized",
            confusion_matrix(&confusion(), &species(), true, "Confusion matrix (shares)").unwrap(),
        ),
        ("roc_curves", roc_curves(&curves(), "ROC").unwrap()),
        (
            "precision_recall",
            precision_recall_curves(&curves(), &[0.4, 0.35, 0.25], "Precision–recall").unwrap(),
        ),
        ("pairplot", pairplot(&by_kind(), &[], "kind").unwrap()),
    ]
}

fn confusion() -> Vec<Vec<usize>> {
    vec![vec![29, 1, 0], vec![0, 14, 0], vec![1, 0, 24]]
}

fn species() -> Vec<String> {
    ["Adelie", "Chinstrap", "Gentoo"].map(String::from).to_vec()
}

/// Three made-up curves on the unit square.
fn curves() -> Vec<Line> {
    (0..3)
        .map(|c| Line {
            name: format!("{} (AUC = 0.9{c})", species()[c]),
            points: (0..=20)
                .map(|i| {
                    let x = f64::from(i) / 20.0;
                    (x, x.powf(0.2 + 0.1 * c as f64))
                })
                .collect(),
        })
        .collect()
}

/// Two numeric columns, one with a gap, and a text class with a gap.
fn by_kind() -> polars::prelude::DataFrame {
    let (x, y) = data(300);
    let mut x: Vec<Option<f64>> = x.into_iter().map(Some).collect();
    x[5] = None;
    let kind: Vec<Option<&str>> = (0..300)
        .map(|i| match i % 7 {
            0 => None,
            1 | 2 => Some("small"),
            _ => Some("large"),
        })
        .collect();
    polars::df!("width" => x, "height" => y, "kind" => kind).unwrap()
}

#[test]
fn classifier_charts_say_what_they_show() {
    let svg = confusion_matrix(&confusion(), &species(), false, "Confusion matrix").unwrap();
    assert_labelled(
        &svg,
        &["True label", "Predicted label", "Chinstrap", "29", "24"],
    );
    let shares = confusion_matrix(&confusion(), &species(), true, "Shares").unwrap();
    // Adelie's row: 29 of 30 and 1 of 30, two decimals; the colour bar runs 0 to 1.
    assert_labelled(&shares, &["0.97", "0.03", "1.00"]);
    assert!(numeric_labels(&shares).iter().any(|t| t == "0.2"));
    let roc = roc_curves(&curves(), "ROC").unwrap();
    assert_labelled(
        &roc,
        &[
            "False positive rate",
            "True positive rate",
            "Gentoo (AUC = 0.92)",
            "Chance",
        ],
    );
    let bad = Line {
        name: "x".into(),
        points: vec![(0.0, 1.5)],
    };
    assert!(
        roc_curves(&[bad], "ROC").is_err(),
        "a point off the unit square"
    );
    let pair = pairplot(&by_kind(), &[], "kind").unwrap();
    // Both classes in the legend, sorted; every numeric column named on its axis.
    let t = texts(&pair);
    let (large, small) = (
        t.iter().position(|x| x.trim() == "large").expect("large"),
        t.iter().position(|x| x.trim() == "small").expect("small"),
    );
    assert!(large < small, "{t:?}");
    assert_labelled(&pair, &["width", "height", "kind"]);
    assert!(
        pairplot(&by_kind(), &["kind"], "kind").is_err(),
        "text is not a pair plot's column"
    );
}

#[test]
fn no_chart_has_overlapping_or_clipped_text() {
    for (name, svg) in all_charts() {
        assert_no_text_overlaps(name, &svg);
    }
}

#[test]
fn ticks_read_as_written_numbers() {
    for (name, svg) in all_charts() {
        for label in numeric_labels(&svg) {
            assert!(!label.ends_with(".0"), "{name}: tick {label:?} ends in .0");
            assert!(
                !label.contains("000000"),
                "{name}: tick {label:?} is not rounded"
            );
        }
    }
    let (x, y) = data(500);
    let ticks = numeric_labels(&scatter(&x, &y, &labels()).unwrap());
    for want in ["62", "64", "66", "68", "70", "72", "74"] {
        assert!(
            ticks.iter().any(|t| t == want),
            "x tick {want} among {ticks:?}"
        );
    }
}

#[test]
fn a_log_axis_is_labelled_in_powers_of_ten() {
    let losses = losses();
    let svg = loss_curve(&losses, &Labels::new("Loss", "Epoch", "Mean squared error")).unwrap();
    let ticks = numeric_labels(&svg);
    for want in ["10²", "10³", "10⁴", "1", "10", "100"] {
        assert!(ticks.iter().any(|t| t == want), "{want} among {ticks:?}");
    }
    assert!(
        texts(&svg).iter().any(|t| t.contains("slow tail")),
        "the zoomed panel"
    );
}

#[test]
fn the_heatmap_has_a_colour_bar_and_readable_numbers() {
    let (x, y) = data(50);
    let df = from_columns(vec![
        ("RM".into(), x),
        ("LSTAT".into(), y.iter().map(|v| -v).collect()),
        ("MEDV".into(), y),
    ])
    .unwrap();
    let svg = heatmap(&correlation(&df).unwrap(), "Correlations").unwrap();
    let doc = roxmltree::Document::parse(svg.as_str()).unwrap();
    let bar = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("colorbar"))
        .expect("a colour bar");
    let gradient = bar
        .descendants()
        .find(|n| n.has_tag_name("linearGradient"))
        .expect("the colour bar's gradient");
    assert_eq!(
        gradient
            .children()
            .filter(|c| c.has_tag_name("stop"))
            .count(),
        11
    );
    let id = gradient.attribute("id").unwrap();
    assert!(
        bar.descendants()
            .any(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(&format!("url(#{id})"))),
        "a bar painted with the gradient"
    );
    let ticks = numeric_labels(&svg);
    for want in ["−1", "−0.5", "0", "0.5", "1"] {
        assert!(
            ticks.iter().any(|t| t == want),
            "colour bar tick {want} among {ticks:?}"
        );
    }
    // Text on the darkest cells (the diagonal's 1.00) is white; on pale cells it is dark.
    let fill_of = |text: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some(text))
            .and_then(|n| n.attribute("fill"))
            .map(str::to_lowercase)
    };
    assert_eq!(fill_of("1.00").as_deref(), Some("#ffffff"));
    assert!(
        fill_of("−1.00").is_some(),
        "negative correlations use a true minus"
    );
}

#[test]
fn actual_vs_predicted_is_square() {
    let (x, y) = data(400);
    let l = labels();
    let svg = actual_vs_predicted(
        &x,
        &x.iter()
            .zip(&y)
            .map(|(a, b)| a + b / 100.0)
            .collect::<Vec<_>>(),
        &l,
    )
    .unwrap();
    // Equal ranges on a square plotting area: a unit is as many pixels across as up. Read the
    // pixels per unit from the tick labels' positions.
    let doc = roxmltree::Document::parse(svg.as_str()).unwrap();
    let ticks: Vec<(f64, f64, f64, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let v: f64 = n.text()?.trim().replace('−', "-").parse().ok()?;
            let x: f64 = n.attribute("x")?.parse().ok()?;
            let y: f64 = n.attribute("y")?.parse().ok()?;
            Some((v, x, y, n.attribute("text-anchor")?))
        })
        .collect();
    let scale = |anchor: &str, pos: fn(&(f64, f64, f64, &str)) -> f64| {
        let axis: Vec<_> = ticks.iter().filter(|t| t.3 == anchor).collect();
        assert!(axis.len() >= 3, "ticks with anchor {anchor}: {ticks:?}");
        let (a, b) = (axis[0], axis[axis.len() - 1]);
        ((pos(b) - pos(a)) / (b.0 - a.0)).abs()
    };
    let across = scale("middle", |t| t.1);
    let up = scale("end", |t| t.2);
    assert!(
        (across / up - 1.0).abs() < 0.02,
        "{across} px per unit across, {up} up"
    );
}

#[test]
fn kde_contours_fill_with_holes_and_margins_align() {
    let (x, y) = data(2_000);
    let svg = kde_jointplot(&x, &y, &labels()).unwrap();
    let doc = roxmltree::Document::parse(svg.as_str()).unwrap();
    let bands = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("fill-rule") == Some("evenodd"))
        .count();
    assert!(bands >= 8, "nine filled density bands, found {bands}");
    assert!(
        !doc.descendants()
            .any(|n| n.has_tag_name("rect") && n.attribute("width") == Some("6")),
        "no grid of small squares"
    );
    // The top margin spans exactly the main panel's x axis.
    let xs = |d: &str| -> Vec<f64> {
        d.split(['M', 'L', 'Z'])
            .filter_map(|p| p.split_whitespace().next()?.parse().ok())
            .collect()
    };
    let margin = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("fill-opacity").is_some())
        .map(|n| xs(n.attribute("d").unwrap()))
        .next()
        .expect("a top margin");
    let axis = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| {
            let pts: Vec<(f64, f64)> = n
                .attribute("points")?
                .split_whitespace()
                .filter_map(|p| {
                    let (a, b) = p.split_once(',')?;
                    Some((a.parse().ok()?, b.parse().ok()?))
                })
                .collect();
            (pts.len() == 2 && pts[0].1 == pts[1].1 && (pts[1].0 - pts[0].0).abs() > 100.0)
                .then(|| (pts[0].0.min(pts[1].0), pts[0].0.max(pts[1].0)))
        })
        .next()
        .expect("the x axis line");
    let (lo, hi) = margin
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    assert!(
        (lo - axis.0).abs() <= 1.5 && (hi - axis.1).abs() <= 1.5,
        "margin {lo}..{hi}, axis {axis:?}"
    );
}

#[test]
fn legends_avoid_the_data() {
    // Points fill the upper left; the legend goes elsewhere.
    let x: Vec<f64> = (0..300).map(|i| (i % 30) as f64 / 10.0).collect();
    let y: Vec<f64> = (0..300)
        .map(|i| 10.0 - (i / 30) as f64 / 10.0 - x[i] * 0.0)
        .collect();
    let mut xs = x.clone();
    let mut ys = y.clone();
    xs.extend([10.0, 0.0]);
    ys.extend([0.0, 0.0]);
    let svg = fitted_line(&xs, &ys, 0.0, 5.0, &labels()).unwrap();
    let doc = roxmltree::Document::parse(svg.as_str()).unwrap();
    let legend = doc
        .descendants()
        .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains("fitted line")))
        .expect("a legend entry");
    let lx: f64 = legend.attribute("x").unwrap().parse().unwrap();
    assert!(
        lx > 300.0,
        "legend at x = {lx}, over the points in the upper left"
    );
}
