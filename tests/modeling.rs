//! Modeling against the Python original's figures (`../shared/reference/README.md`), on the
//! exact rows scikit-learn picked.

mod common;

use common::{assert_close, reference_rows};
use ml_workflow::datasets::{preset, BOSTON_DROPPED};
use ml_workflow::ingest::load_dataset;
use ml_workflow::modeling::gradient_descent::GdParams;
use ml_workflow::modeling::metrics::{r2, rmse};
use ml_workflow::modeling::search::{cross_val_mse, spot_check};
use ml_workflow::modeling::spot_check_models;
use ml_workflow::modeling::train::train;
use ml_workflow::modeling::xy::XySplit;
use ml_workflow::modeling::ModelSpec;
use ml_workflow::modeling::{train_test_split, KFold, StandardScaler};
use ml_workflow::polars_ext::{column_f64, to_matrix};
use ndarray::{Array1, Array2, Axis};

const BOSTON_FEATURES: [&str; 6] = ["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"];

/// Boston's scaled training rows and targets, as the chapter prepares them.
fn boston_train() -> (Array2<f64>, Array1<f64>, StandardScaler) {
    let df = load_dataset("boston-housing").expect("boston-housing dataset");
    let names: Vec<String> = BOSTON_FEATURES.iter().map(|s| s.to_string()).collect();
    let x = to_matrix(&df, &names).expect("features");
    let y = Array1::from(column_f64(&df, "MEDV").expect("MEDV"));
    let split = train_test_split(x.nrows(), 0.2, 7).expect("split");
    let x_train = x.select(Axis(0), &split.train);
    let scaler = StandardScaler::fit(x_train.view()).expect("scaler");
    let scaled = scaler.transform(x_train.view()).expect("transform");
    (scaled, y.select(Axis(0), &split.train), scaler)
}

#[test]
fn splits_pick_the_reference_rows() {
    let hw = train_test_split(25_000, 0.2, 42).expect("split");
    assert_eq!(hw.train, reference_rows("height-weight-train-rows.txt"));
    assert_eq!(hw.test, reference_rows("height-weight-test-rows.txt"));
    let boston = train_test_split(506, 0.2, 7).expect("split");
    assert_eq!(
        boston.train,
        reference_rows("boston-housing-train-rows.txt")
    );
    assert_eq!(
        boston.test,
        reference_rows("boston-housing-validation-rows.txt")
    );
}

fn height_weight_split() -> XySplit {
    let df = load_dataset("height-weight").expect("height-weight dataset");
    XySplit::new(&df, "Height-Inches", "Weight-Pounds", 0.2, 42).expect("split")
}

#[test]
fn ols_matches_scikit_learn() {
    let fit = height_weight_split().ols().expect("ols");
    assert_close(fit.model.coef[0], 3.0712450092256387, 1e-9, "coef");
    assert_close(fit.model.intercept, -81.73686228241509, 1e-9, "intercept");
    let (actual, predicted) = (&fit.evaluation.actual, &fit.evaluation.predicted);
    assert_close(
        rmse(actual, predicted),
        10.12363124762678,
        1e-9,
        "test RMSE",
    );
    assert_close(r2(actual, predicted), 0.26059113512888576, 1e-9, "test R²");
    assert_close(fit.train_rmse, 10.06799035381074, 1e-9, "train RMSE");
}

#[test]
fn gradient_descent_reproduces_the_pytorch_trajectory() {
    let fit = height_weight_split()
        .gradient_descent(&GdParams::default())
        .expect("gradient descent");
    for (epoch, expected) in [
        (0, 16284.168),
        (1, 196.4586),
        (2, 107.0648),
        (999, 106.56365),
    ] {
        assert_close(
            f64::from(fit.model.losses[epoch]),
            expected,
            1e-4,
            &format!("loss at epoch {epoch}"),
        );
    }
    assert_close(
        fit.evaluation.metrics().rmse,
        10.408913735878023,
        1e-4,
        "test RMSE",
    );
    // The chapter's mistake (predictions against x_test) gives 59.187.
    assert_close(
        fit.chapter_rmse,
        59.186981326010276,
        1e-4,
        "the chapter's RMSE",
    );
}

#[test]
fn scaler_matches_scikit_learn() {
    let (_, _, scaler) = boston_train();
    let mean = [
        0.06930693069306931,
        6.27081683168317,
        401.94554455445547,
        18.386881188118746,
        359.0496534653459,
        12.762945544554459,
    ];
    let scale = [
        0.25397535323525977,
        0.7062061910456109,
        166.16281531383697,
        2.166966482980065,
        87.0634272881963,
        7.267899718884903,
    ];
    for i in 0..6 {
        assert_close(
            scaler.mean[i],
            mean[i],
            1e-9,
            &format!("mean of {}", BOSTON_FEATURES[i]),
        );
        assert_close(
            scaler.scale[i],
            scale[i],
            1e-9,
            &format!("scale of {}", BOSTON_FEATURES[i]),
        );
    }
}

#[test]
fn spot_check_matches_the_reference_table() {
    let (x, y, _) = boston_train();
    let kfold = KFold {
        n_splits: 10,
        shuffle: false,
        seed: 0,
    };
    // The reference ran every model with random_state=7 (the chapter's seed).
    let models = spot_check_models(7);
    let table = spot_check(&models, x.view(), y.view(), &kfold).expect("spot check");
    // (label, mean MSE, relative tolerance): exact models tight, tree ensembles within 5 %.
    let reference = [
        ("LinearRegression", 23.768361, 1e-6),
        ("Lasso", 26.625987, 1e-6),
        ("ElasticNet", 28.014355, 1e-6),
        ("KNeighbors", 16.432728, 1e-6),
        ("SVR", 26.554891, 0.05),
        ("RandomForest", 14.709268, 0.05),
        ("ExtraTrees", 12.010832, 0.05),
        ("AdaBoost", 18.065150, 0.05),
    ];
    for (label, expected, tolerance) in reference {
        let (_, result) = table
            .results
            .iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("{label} missing from the spot check"));
        assert_close(result.mean_mse, expected, tolerance, label);
    }
}

/// One fully grown tree's CV score swings with how ties between equally good splits break
/// (scikit-learn's own spread over `random_state` 0..19 is 26.7 to 32.2; the reference's 27.44
/// is `random_state=7`). Its distribution is what can be compared: the mean over the same
/// twenty seeds, which scikit-learn 1.9.1 puts at 29.477095.
#[test]
fn decision_tree_matches_scikit_learn_over_seeds() {
    let (x, y, _) = boston_train();
    let folds = KFold {
        n_splits: 10,
        shuffle: false,
        seed: 0,
    }
    .splits(x.nrows())
    .expect("folds");
    let scores: Vec<f64> = (0..20)
        .map(|seed| {
            let spec = ModelSpec::from_name("tree").expect("tree").with_seed(seed);
            cross_val_mse(&spec, x.view(), y.view(), &folds)
                .expect("cv")
                .mean_mse
        })
        .collect();
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    assert_close(
        mean,
        29.477094847560977,
        0.05,
        "mean CV MSE of CART over 20 seeds",
    );
}

#[test]
fn gbm_grid_matches_scikit_learn() {
    let df = load_dataset("boston-housing").expect("boston-housing dataset");
    let report = train(&df, &preset("boston-housing").expect("preset"), None).expect("training");
    let reference = [
        (50.0, 12.405819),
        (100.0, 12.035154),
        (150.0, 11.770532),
        (200.0, 11.754170),
        (250.0, 11.803014),
        (300.0, 11.819175),
        (350.0, 11.930937),
        (400.0, 11.977109),
    ];
    assert_eq!(report.search.results.len(), reference.len());
    for (row, (n, expected)) in report.search.results.iter().zip(reference) {
        assert_eq!(row.params["n_estimators"], n);
        assert_close(
            row.mean_mse,
            expected,
            0.03,
            &format!("CV MSE at n_estimators={n}"),
        );
    }
    assert_eq!(
        report.search.best_result().expect("searched").params["n_estimators"],
        200.0,
        "best setting"
    );
    let test = report.test.expect("held-out metrics");
    assert_close(
        test.mse,
        26.359606584848308,
        0.03,
        "validation MSE of the 400-stage model",
    );
    assert_eq!((report.rows_train, report.rows_test), (404, 102));
    assert!(report
        .features
        .iter()
        .all(|f| !BOSTON_DROPPED.contains(&f.as_str())));
}

#[test]
fn staged_grid_equals_refitting_each_setting() {
    let (x, y, _) = boston_train();
    let folds = KFold {
        n_splits: 5,
        shuffle: true,
        seed: 3,
    }
    .splits(x.nrows())
    .expect("folds");
    let base = ModelSpec::from_name("gbm").expect("gbm").with_seed(7);
    let grid = ml_workflow::modeling::Grid::one("n_estimators", [10.0, 30.0]);
    let search = ml_workflow::modeling::grid_search(&base, &grid, x.view(), y.view(), &folds, None)
        .expect("grid");
    for (row, n) in search.results.iter().zip([10.0, 30.0]) {
        let mut spec = base.clone();
        spec.set("n_estimators", n).expect("set");
        let refit = cross_val_mse(&spec, x.view(), y.view(), &folds).expect("cv");
        assert_eq!(row.fold_mse, refit.fold_mse, "n_estimators={n}");
    }
}

/// AdaBoost.R2 draws its bootstrap rows and tree seeds from the same numpy stream as
/// scikit-learn, so its first stages are scikit-learn's: `AdaBoostRegressor(random_state=7)` on
/// the scaled training rows gives these estimator weights (scikit-learn 1.9.1). Later stages
/// drift with tree tie-breaking, as forests do; the spot check compares the CV score at 5 %.
#[test]
fn adaboost_first_stages_match_scikit_learn() {
    use linfa::prelude::*;
    let (x, y, _) = boston_train();
    let model = ml_workflow::modeling::trees::AdaBoostRegressor::params()
        .seed(7)
        .fit(&linfa::Dataset::new(x, y))
        .expect("fit");
    assert_eq!(model.trees().len(), 50);
    let expected = [2.124164, 1.700569, 1.753928, 1.331678, 1.485972, 1.159297];
    for (stage, (got, want)) in model.weights().iter().zip(expected).enumerate() {
        assert_close(*got, want, 1e-6, &format!("stage {stage} weight"));
    }
}

/// Penguins' four measurements, standardised over the rows that have them all (population
/// standard deviation, as `StandardScaler`), and each row's species.
fn penguins_standardised() -> (ndarray::Array2<f64>, Vec<String>) {
    let dir = std::env::var("ML_WORKFLOW_DATA")
        .unwrap_or_else(|_| format!("{}/../shared/data", env!("CARGO_MANIFEST_DIR")));
    let text = std::fs::read_to_string(format!("{dir}/penguins.csv")).expect("penguins.csv");
    let mut rows = Vec::new();
    let mut species = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let values: Option<Vec<f64>> = f[2..6].iter().map(|v| v.parse().ok()).collect();
        if let Some(values) = values {
            rows.extend(values);
            species.push(f[0].to_string());
        }
    }
    let mut x = ndarray::Array2::from_shape_vec((species.len(), 4), rows).expect("shape");
    for mut column in x.columns_mut() {
        let mean = column.mean().expect("rows");
        let std = column
            .mapv(|v| (v - mean).powi(2))
            .mean()
            .expect("rows")
            .sqrt();
        column.mapv_inplace(|v| (v - mean) / std);
    }
    (x, species)
}

// Expected probabilities from scikit-learn 1.9.1 on the same standardised rows (342 penguins
// with all four measurements): `LogisticRegression(C=1.0)` on the three species;
// `LogisticRegression(C=0.5, tol=1e-12, max_iter=100000)` on "is it a Chinstrap" (with its
// default stopping rule scikit-learn stops after 10 iterations, 1.6e-4 short of the optimum on
// row 250, where this fit lands within 1e-9); and `DecisionTreeClassifier(max_depth=3,
// criterion=..., random_state=0)`, each fitted on every row.
#[test]
fn logistic_probabilities_equal_scikit_learns() {
    use ml_workflow::modeling::classify::{Classes, LogisticSettings};
    use ml_workflow::modeling::ModelSpec;
    let (x, species) = penguins_standardised();
    assert_eq!(species.len(), 342);
    let (classes, codes) = Classes::encode(&species);
    assert_eq!(classes.0, ["Adelie", "Chinstrap", "Gentoo"]);
    let y = ndarray::Array1::from(codes.clone());
    let model = ModelSpec::Logistic(LogisticSettings::default())
        .fit_classifier(x.view(), y.view(), 3)
        .expect("multinomial");
    let proba = model.predict_proba(x.view()).expect("proba");
    let expected = [
        (
            0,
            [
                0.9921845840943812,
                0.007706847656454566,
                0.00010856824916409332,
            ],
        ),
        (
            100,
            [
                0.9973392509998513,
                0.0013375193569597843,
                0.0013232296431888561,
            ],
        ),
        (
            200,
            [
                0.008250766206378702,
                0.001868901467831828,
                0.9898803323257895,
            ],
        ),
        (
            300,
            [
                0.001484216688786527,
                0.9973368558658346,
                0.0011789274453788995,
            ],
        ),
    ];
    for (r, want) in expected {
        for (k, w) in want.iter().enumerate() {
            assert!(
                (proba[[r, k]] - w).abs() < 1e-4,
                "row {r} class {k}: {} vs {w}",
                proba[[r, k]]
            );
        }
    }
    let chinstrap = ndarray::Array1::from(
        codes
            .iter()
            .map(|&c| usize::from(c == 1))
            .collect::<Vec<_>>(),
    );
    let model = ModelSpec::Logistic(LogisticSettings {
        c: 0.5,
        ..LogisticSettings::default()
    })
    .fit_classifier(x.view(), chinstrap.view(), 2)
    .expect("binary");
    let proba = model.predict_proba(x.view()).expect("proba");
    for (r, p1) in [
        (0, 0.0558868190826737),
        (150, 0.03620931055093209),
        (250, 0.0551637580790456),
    ] {
        assert!(
            (proba[[r, 1]] - p1).abs() < 1e-6,
            "row {r}: {} vs {p1}",
            proba[[r, 1]]
        );
        assert!((proba[[r, 0]] + proba[[r, 1]] - 1.0).abs() < 1e-12);
    }
}

#[test]
fn linfa_trees_grow_scikit_learns_shallow_tree_with_its_leaf_shares() {
    use ml_workflow::modeling::classify::{ClassTreeSettings, Classes};
    use ml_workflow::modeling::ModelSpec;
    let (x, species) = penguins_standardised();
    let (_, codes) = Classes::encode(&species);
    let y = ndarray::Array1::from(codes.clone());
    for entropy in [false, true] {
        let criterion = if entropy { "entropy" } else { "gini" };
        let spec = ModelSpec::TreeClassifier(ClassTreeSettings {
            entropy,
            max_depth: Some(3),
            ..ClassTreeSettings::default()
        });
        let model = spec.fit_classifier(x.view(), y.view(), 3).expect("tree");
        let predicted = model.predict(x.view()).expect("predict");
        let right = predicted
            .iter()
            .zip(&codes)
            .filter(|(p, c)| **p == **c as f64)
            .count();
        // scikit-learn: 0.9708 with either criterion; within a percentage point.
        let accuracy = right as f64 / 342.0;
        assert!(
            (accuracy - 0.9707602339181286).abs() < 0.01,
            "{criterion:?}: {accuracy}"
        );
        // The same accuracy as scikit-learn's tree; its leaves can differ (linfa sums the
        // impurities in f32 and counts values within 1e-5 as one, so a near tie can go to
        // another split: here its Gentoo leaf keeps one Adelie of 123 rows, scikit-learn's
        // 122 Gentoo alone).
        let proba = model.predict_proba(x.view()).expect("proba");
        assert!(
            proba[[250, 2]] > 0.99,
            "{criterion:?}: {:?}",
            proba.row(250)
        );
        // Every leaf's probabilities are its training rows' class shares.
        for row in proba.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-12);
        }
    }
}
