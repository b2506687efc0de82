//! A user's own CSV end to end: text columns and gaps through the preprocessing (equal to
//! scikit-learn's pipeline: literals from compare/python/preprocess_expectations.py on the
//! mixed table of compare/python/mixed_table.py), training, the artifact and serving.

mod common;

use common::{assert_close, mixed_csv};
use ml_workflow::ingest::csv::CsvReader;
use ml_workflow::modeling::train::{train, train_owned, train_whole, Prepared, TrainConfig};
use ml_workflow::modeling::{ColumnType, Encoding, ModelSpec};
use ml_workflow::serving::{predict, predict_csv, Artifact, PredictError};
use polars::prelude::DataFrame;

fn mixed(n: usize) -> DataFrame {
    CsvReader::new()
        .parse(mixed_csv(n).as_bytes(), "mixed.csv")
        .expect("mixed table")
}

/// Least squares on every row (no held-out rows), 2 folds: for the small edge-case tables.
fn all_rows_linear(target: &str) -> TrainConfig {
    TrainConfig {
        model: ModelSpec::Linear,
        test_size: 0.0,
        folds: 2,
        ..TrainConfig::for_target(target)
    }
}

fn linear_config() -> TrainConfig {
    TrainConfig {
        model: ModelSpec::Linear,
        folds: 5,
        ..TrainConfig::for_target("price")
    }
}

#[test]
fn fitted_medians_categories_and_names_equal_scikit_learns() {
    let data = Prepared::new(&mixed(200), &linear_config()).expect("prepared");
    let pre = &data.preprocessor;
    let types: Vec<ColumnType> = pre.columns.iter().map(|c| c.dtype).collect();
    use ColumnType::*;
    // pandas reads an integer column with gaps as float64, and so does the reader.
    assert_eq!(types, [Float, Float, Text, Boolean]);
    let medians: Vec<f64> = pre
        .columns
        .iter()
        .filter_map(|c| match c.encoding {
            Encoding::Numeric { median } => Some(median),
            _ => None,
        })
        .collect();
    assert_eq!(medians, [61.2, 3.0]);
    for (got, want) in pre.scaler.mean.iter().zip([60.71999999999999, 3.05625]) {
        assert_close(*got, want, 1e-12, "scaler mean");
    }
    for (got, want) in pre
        .scaler
        .scale
        .iter()
        .zip([22.60105307281057, 1.35206728290422])
    {
        assert_close(*got, want, 1e-12, "scaler scale");
    }
    assert_eq!(
        pre.feature_names,
        [
            "size",
            "rooms",
            "city_centre",
            "city_east",
            "city_north",
            "city_south",
            "city_west",
            "city_nan",
            "garden_False",
            "garden_True"
        ]
    );
    // The first held-out rows (18, 170, 107), as scikit-learn's ColumnTransformer gives them.
    let expected = [
        [
            0.3221088847739562,
            0.6980052042771417,
            0.,
            0.,
            0.,
            0.,
            0.,
            1.,
            0.,
            1.,
        ],
        [
            -0.8105816990465479,
            -1.5208192861402623,
            0.,
            0.,
            1.,
            0.,
            0.,
            0.,
            1.,
            0.,
        ],
        [
            -1.0937543450016738,
            -0.041602959195326264,
            1.,
            0.,
            0.,
            0.,
            0.,
            0.,
            1.,
            0.,
        ],
    ];
    for (row, want) in data.x_test.rows().into_iter().zip(expected) {
        for (got, want) in row.iter().zip(want) {
            assert_close(*got, want, 1e-12, "held-out features");
        }
    }
}

#[test]
fn a_linear_model_equals_scikit_learns_pipeline_and_serves_gaps_and_unseen_categories() {
    let report = train(&mixed(200), &linear_config(), None).expect("training");
    let evaluation = report.evaluation().expect("evaluation");
    let sklearn = [247.7647142032039, 163.3589187758466, 179.09279214318838];
    for (got, want) in evaluation.predicted.iter().zip(sklearn) {
        assert_close(*got, want, 1e-6, "held-out prediction");
    }
    assert_close(
        report.test.expect("test").rmse,
        11.621124692205253,
        1e-6,
        "RMSE",
    );

    let artifact = Artifact::from_report(&report, "mixed", "test");
    // A gap (size: the training median) and a city never seen in training (all zeros).
    let body = br#"[{"size":null,"rooms":3,"city":"harbour","garden":true}]"#;
    let answer = predict(&artifact, body).expect("prediction");
    assert_close(answer.prediction[0], 226.76346420507502, 1e-6, "unseen row");
    // The unseen city is counted in the answer; a seen one is not.
    assert_eq!(
        answer.unseen_categories,
        std::collections::BTreeMap::from([("city".to_string(), 1)])
    );
    let seen = br#"[{"size":50,"rooms":3,"city":"east","garden":true}]"#;
    assert!(predict(&artifact, seen)
        .expect("seen")
        .unseen_categories
        .is_empty());
    // The same row as CSV, where the field types come from the model's columns.
    let csv = predict_csv(&artifact, b"size,rooms,city,garden\n,3,harbour,True\n").expect("csv");
    assert_eq!(csv.prediction, answer.prediction);
    // The target may ride along (ignored, no warning); a column the training table never had
    // (an ID, a misspelt input) is ignored too, with a warning that names it and the close input.
    let with_target = br#"[{"size":50,"rooms":3,"city":"east","garden":false,"price":1}]"#;
    let answer = predict(&artifact, with_target).expect("target");
    assert_eq!(answer.ignored_columns, ["price"]);
    assert!(answer.warnings.is_empty(), "{:?}", answer.warnings);
    let answer = predict(
        &artifact,
        br#"[{"id":7,"size":50,"rooms":3,"city":"east","garden":false,"City":1}]"#,
    )
    .expect("extra columns are ignored");
    assert_eq!(answer.ignored_columns, ["id", "City"]);
    let [warning] = answer.warnings.as_slice() else {
        panic!("one warning: {:?}", answer.warnings)
    };
    assert!(
        warning.contains("\"id\"") && warning.contains("\"City\" (did you mean \"city\"?)"),
        "{warning}"
    );
    let plain = predict(
        &artifact,
        br#"[{"size":50,"rooms":3,"city":"east","garden":false}]"#,
    )
    .expect("inputs only");
    assert_eq!(answer.prediction, plain.prediction);
}

#[test]
fn the_column_road_gives_the_whole_roads_report() {
    let df = mixed(150);
    let config = TrainConfig {
        model: ml_workflow::modeling::ModelSpec::from_name("hist-gbm").expect("a model"),
        folds: 0,
        ..TrainConfig::for_target("price")
    };
    // train_owned takes the column road for this configuration; train_whole the matrices.
    let borrowed = train_whole(df.clone(), &config, None).expect("whole");
    let owned = train_owned(df, &config, None).expect("by column");
    assert_eq!(owned.features, borrowed.features);
    assert_eq!(owned.test, borrowed.test);
    let (a, b) = (
        owned.evaluation().expect("a"),
        borrowed.evaluation().expect("b"),
    );
    assert_eq!(a.predicted, b.predicted);
}

#[test]
fn a_wrong_type_names_the_column_and_the_row() {
    let report = train(&mixed(120), &linear_config(), None).expect("training");
    let artifact = Artifact::from_report(&report, "mixed", "test");
    let cases: [(&[u8], &str, &str, &str); 4] = [
        (br#"[{"size":1,"rooms":3,"city":"east","garden":true},{"size":1,"rooms":3,"city":7,"garden":true}]"#, "city", "1", "the number 7"),
        (br#"{"size":{"a":"big"},"rooms":{"a":3},"city":{"a":"east"},"garden":{"a":true}}"#, "size", "a", "the text \"big\""),
        (br#"[{"size":1,"rooms":"3","city":"east","garden":true}]"#, "rooms", "0", "send numbers without quotes"),
        (br#"[{"size":1,"rooms":3,"city":"east","garden":"yes"}]"#, "garden", "0", "the text \"yes\""),
    ];
    for (body, column, row, found) in cases {
        let err = predict(&artifact, body).expect_err(column);
        let PredictError::Payload(payload) = &err else {
            panic!("{column}: {err}");
        };
        assert_eq!(payload.kind().status(), 422, "{err}");
        let message = err.to_string();
        for needle in [
            format!("column {column:?}"),
            format!("row {row:?}"),
            found.to_string(),
        ] {
            assert!(message.contains(&needle), "{needle}: {message}");
        }
    }
}

#[test]
fn every_model_in_the_registry_trains_on_the_mixed_table() {
    let df = mixed(150);
    let regressors = ml_workflow::modeling::MODELS
        .iter()
        .filter(|m| m.task == ml_workflow::modeling::Task::Regression);
    for info in regressors {
        let config = TrainConfig {
            model: (info.defaults)(),
            folds: 3,
            ..TrainConfig::for_target("price")
        };
        let report = train(&df, &config, None).unwrap_or_else(|e| panic!("{}: {e}", info.name));
        let r2 = report.test.expect("test").r2;
        assert!(r2.is_finite(), "{}: r2 {r2}", info.name);
        let artifact = Artifact::from_report(&report, "mixed", "test");
        let text = artifact.to_json().expect("json");
        let loaded = Artifact::from_json(text.as_bytes()).expect("round trip");
        let body = br#"[{"size":null,"rooms":null,"city":null,"garden":false}]"#;
        let a = predict(&artifact, body).expect("predict");
        assert_eq!(
            predict(&loaded, body).expect("reloaded"),
            a,
            "{}",
            info.name
        );
    }
}

/// The error of a run that must fail (without printing a whole report when it does not).
fn refused<T>(result: ml_workflow::Result<T>) -> String {
    match result {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn high_cardinality_and_identifier_columns_are_refused_with_a_way_out() {
    let mut csv = String::from("Individual ID,zone,y\n");
    for i in 0..300 {
        csv.push_str(&format!("id-{i},z{},{}\n", i % 130, i % 7));
    }
    let df = CsvReader::new()
        .parse(csv.as_bytes(), "wide.csv")
        .expect("frame");
    let config = TrainConfig {
        model: ModelSpec::Linear,
        ..TrainConfig::for_target("y")
    };
    let err = refused(train(&df, &config, None));
    assert!(
        // The suggested command is shell-quoted: the name has a space.
        err.contains("\"Individual ID\"")
            && err.contains("identifier")
            && err.contains("--drop 'Individual ID'"),
        "{err}"
    );
    let dropped = TrainConfig {
        drop: vec!["Individual ID".into()],
        ..config.clone()
    };
    let err = refused(train(&df, &dropped, None));
    assert!(
        err.contains("\"zone\"") && err.contains("more than 100") && err.contains("--drop zone"),
        "{err}"
    );
    let raised = TrainConfig {
        max_categories: 200,
        ..dropped
    };
    assert!(train(&df, &raised, None).is_ok());
}

#[test]
fn a_text_or_gappy_target_names_the_rows() {
    let text = b"a,grade,price\n1,1,100\n2,2,210\n3,A,290\n";
    let df = CsvReader::new().parse(text, "m.csv").expect("frame");
    let err = train(&df, &TrainConfig::for_target("grade"), None)
        .map(|_| ())
        .expect_err("text target")
        .to_string();
    assert!(
        err.contains("\"grade\"") && err.contains("row 2 (\"A\")"),
        "{err}"
    );
}

#[test]
fn rows_without_a_target_are_left_out_and_counted_on_every_road() {
    // Every seventh row has no price (empty or NA): the same as those rows dropped first.
    let row = |i: usize| {
        let size = 40 + (i * 37) % 90;
        let city = ["north", "south", "east"][i % 3];
        (size, city, 3 * size + 10 * (i % 3) + (i * 13) % 7)
    };
    let mut gappy = String::from("size,city,price\n");
    let mut clean = gappy.clone();
    for i in 0..120 {
        let (size, city, price) = row(i);
        let price = match i % 7 {
            0 => String::new(),
            3 if i % 2 == 0 => "NA".into(),
            3 => "nan".into(),
            _ => price.to_string(),
        };
        gappy.push_str(&format!("{size},{city},{price}\n"));
        if !matches!(i % 7, 0 | 3) {
            clean.push_str(&format!("{size},{city},{price}\n"));
        }
    }
    let read = |t: &str| {
        CsvReader::new()
            .parse(t.as_bytes(), "g.csv")
            .expect("frame")
    };
    let (gappy, clean) = (read(&gappy), read(&clean));
    for (model, folds) in [("linear", 3), ("hist-gbm", 0)] {
        let config = TrainConfig::for_target("price")
            .model(model)
            .expect("model")
            .folds(folds);
        let with_gaps = train(&gappy, &config, None).expect("gaps left out");
        let without = train(&clean, &config, None).expect("clean");
        assert_eq!(with_gaps.rows_without_target, 35, "{model}");
        assert_eq!(without.rows_without_target, 0);
        assert_eq!(
            (with_gaps.rows_train, with_gaps.rows_test),
            (without.rows_train, without.rows_test)
        );
        assert_eq!(with_gaps.test, without.test, "{model}");
    }
    let nothing = read("a,price\n1,\n2,NA\n");
    let err = train(&nothing, &TrainConfig::for_target("price"), None)
        .map(|_| ())
        .expect_err("no target at all")
        .to_string();
    assert!(err.contains("every row's value is missing"), "{err}");
}

#[test]
fn features_and_drop_select_the_inputs() {
    let df = mixed(100);
    let config = TrainConfig {
        features: vec!["size".into(), "city".into()],
        ..linear_config()
    };
    let report = train(&df, &config, None).expect("features");
    assert_eq!(report.preprocessor.input_names(), ["size", "city"]);
    assert_eq!(
        report.preprocessor.ignored_columns,
        ["rooms", "garden", "price"]
    );
    let config = TrainConfig {
        drop: vec!["city".into()],
        ..linear_config()
    };
    let report = train(&df, &config, None).expect("drop");
    assert_eq!(
        report.preprocessor.input_names(),
        ["size", "rooms", "garden"]
    );
    let config = TrainConfig {
        drop: vec!["nope".into()],
        ..linear_config()
    };
    let err = refused(train(&df, &config, None));
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn the_cli_trains_on_a_csv_and_predicts_what_the_crate_predicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("houses.csv");
    std::fs::write(&csv, mixed_csv(300)).expect("csv");
    let model = dir.path().join("houses.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        .args(["train", "--csv", csv.to_str().unwrap(), "--target", "price"])
        .args([
            "--model",
            "forest",
            "--folds",
            "3",
            "--out",
            model.to_str().unwrap(),
        ])
        .output()
        .expect("train");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("encoded as 10 features"), "{text}");

    let rows = br#"[{"size":null,"rooms":2,"city":"harbour","garden":false,"price":null},{"size":55.5,"rooms":null,"city":null,"garden":true,"price":null},{"size":70,"rooms":4,"city":"east","garden":false,"price":0}]"#;
    let input = dir.path().join("rows.json");
    std::fs::write(&input, rows).expect("rows");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        .args(["predict", "--model", model.to_str().unwrap()])
        .args(["--input", input.to_str().unwrap()])
        .output()
        .expect("predict");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let artifact = Artifact::load(&model).expect("load");
    let crate_answer = predict(&artifact, rows).expect("crate");
    let cli_values: Vec<f64> = cli["prediction"]
        .as_array()
        .expect("predictions")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    assert_eq!(cli_values, crate_answer.prediction);
    assert_eq!(crate_answer.ignored_columns, ["price"]);
}

#[test]
fn feature_names_follow_the_encoded_order_when_text_comes_first() {
    let csv = b"city,size,y\nb,1,10\na,2,20\nb,3,30\na,4,40\nb,5,50\n";
    let df = CsvReader::new().parse(csv, "t.csv").expect("frame");
    let config = all_rows_linear("y");
    let data = Prepared::new(&df, &config).expect("prepared");
    // Numbers first, then the one-hot block, as scikit-learn's ColumnTransformer names them.
    assert_eq!(
        data.preprocessor.feature_names,
        ["size", "city_a", "city_b"]
    );
    let first = data.x_train.row(0).to_vec();
    assert_eq!(&first[1..], [0.0, 1.0], "row 0 is city b");
}

#[test]
fn nan_is_a_gap_and_an_infinity_is_named() {
    let csv = b"x,y\n1,1\nNAN,2\n3,3\nnan,4\n5,5\n";
    let df = CsvReader::new().parse(csv, "n.csv").expect("frame");
    assert_eq!(df.column("x").expect("x").null_count(), 2);
    let inf = b"x,y\n1,1\ninf,2\n3,3\n";
    let df = CsvReader::new().parse(inf, "i.csv").expect("frame");
    let config = all_rows_linear("y");
    let err = refused(train(&df, &config, None));
    assert!(
        err.contains("\"x\"") && err.contains("row 1 is inf"),
        "{err}"
    );
}

#[test]
fn a_model_of_constant_inputs_predicts_the_mean() {
    let csv = b"c,y\nk,1\nk,2\nk,3\nk,6\n";
    let df = CsvReader::new().parse(csv, "c.csv").expect("frame");
    let config = all_rows_linear("y");
    let report = train(&df, &config, None).expect("training");
    let artifact = Artifact::from_report(&report, "c", "test");
    let answer = predict(&artifact, br#"[{"c":"k"}]"#).expect("predict");
    assert_close(answer.prediction[0], 3.0, 1e-12, "mean");
}

/// Palmer penguins (`../shared/data`, or `ML_WORKFLOW_DATA`): 344 rows, text columns and gaps.
fn penguins() -> DataFrame {
    let dir = std::env::var("ML_WORKFLOW_DATA")
        .unwrap_or_else(|_| format!("{}/../shared/data", env!("CARGO_MANIFEST_DIR")));
    CsvReader::new()
        .read(format!("{dir}/penguins.csv"))
        .expect("penguins.csv")
}

// scikit-learn 1.9.1 on the same table: `train_test_split(range(344), test_size=0.2,
// random_state=0, stratify=species)`, then the ColumnTransformer of
// compare/python/preprocess_expectations.py and `LogisticRegression(C=1.0)` (run to
// convergence): held-out rows start 99, 103, 289, 79; accuracy 0.98551, log loss 0.0512635.
#[test]
fn a_text_target_is_classified_as_scikit_learns_pipeline_does() {
    use ml_workflow::modeling::train::train_classifier;
    let df = penguins();
    let config = TrainConfig::for_target("species")
        .model("logistic")
        .expect("a classifier");
    let report = train_classifier(&df, &config).expect("classifier");
    assert_eq!(report.classes.0, ["Adelie", "Chinstrap", "Gentoo"]);
    assert_eq!(report.test_rows[..4], [99, 103, 289, 79]);
    assert_eq!((report.rows_train, report.rows_test), (275, 69));
    let test = report.test.expect("held-out metrics");
    assert_close(test.accuracy, 0.9855072463768116, 1e-12, "accuracy");
    assert_close(test.log_loss, 0.051263501110221245, 1e-3, "log loss");
    assert_eq!(report.search.results[0].folds.len(), 5);
    // A numeric target is a regressor's.
    let numeric = TrainConfig {
        target: "bill_length_mm".into(),
        ..config.clone()
    };
    let err = train_classifier(&df, &numeric)
        .map(|_| ())
        .expect_err("numeric target")
        .to_string();
    assert!(err.contains("regressor"), "{err}");
}

#[test]
fn a_classifier_artifact_round_trips_and_answers_every_protocol_with_probabilities() {
    use ml_workflow::modeling::train::train_classifier;
    use ml_workflow::serving::v2;
    let config = TrainConfig::for_target("species")
        .model("tree")
        .expect("tree")
        .param("max_depth", "4")
        .expect("max_depth")
        .folds(0);
    let report = train_classifier(&penguins(), &config).expect("classifier");
    let artifact = Artifact::from_classifier_report(&report, "penguins", "test");
    let loaded = Artifact::from_json(artifact.to_json().expect("json").as_bytes()).expect("load");
    let body = br#"[{"island":"Biscoe","bill_length_mm":47.5,"bill_depth_mm":15.0,"flipper_length_mm":218,"body_mass_g":4950,"sex":"female","year":2008},
                    {"island":"Dream","bill_length_mm":null,"bill_depth_mm":null,"flipper_length_mm":null,"body_mass_g":null,"sex":null,"year":2009}]"#;
    let answer = predict(&loaded, body).expect("predict");
    assert_eq!(answer, predict(&artifact, body).expect("original"));
    let json = serde_json::to_value(&answer).expect("json");
    assert_eq!(json["prediction"][0], "Gentoo");
    assert_eq!(
        json["classes"],
        serde_json::json!(["Adelie", "Chinstrap", "Gentoo"])
    );
    assert_eq!(json["probabilities"].as_array().map(Vec::len), Some(2));
    // Open Inference Protocol v2: the labels as BYTES and the probabilities as FP64 [N, K].
    let v2 = v2::infer_response(&loaded, None, &answer, None);
    assert_eq!(v2["outputs"][0]["datatype"], "BYTES");
    assert_eq!(v2["outputs"][0]["data"][0], "Gentoo");
    assert_eq!(v2["outputs"][1]["name"], "predict_proba");
    assert_eq!(v2["outputs"][1]["shape"], serde_json::json!([2, 3]));
    let metadata = v2::model_metadata(&loaded);
    assert_eq!(metadata["outputs"][1]["shape"], serde_json::json!([-1, 3]));
    let card = ml_workflow::serving::http::model_card(&loaded);
    assert_eq!(card["task"], "classification");
    assert_eq!(card["classes"][2], "Gentoo");
    // A regressor's answer has no probabilities.
    let regressor = Artifact::from_report(
        &train(&mixed(60), &linear_config(), None).expect("regressor"),
        "mixed",
        "test",
    );
    let plain = predict(
        &regressor,
        br#"[{"size":50,"rooms":2,"city":"north","garden":true}]"#,
    )
    .expect("regression");
    let json = serde_json::to_value(&plain).expect("json");
    assert!(json.get("probabilities").is_none() && json["prediction"][0].is_f64());
}

#[test]
fn the_artifact_keeps_a_whole_number_setting_whole() {
    let config = TrainConfig::for_target("price")
        .model("gbm")
        .expect("gbm")
        .grid("n_estimators", [5.0, 10.0])
        .grid("learning_rate", [0.1])
        .folds(2);
    let report = train(&mixed(120), &config, None).expect("grid");
    let artifact = Artifact::from_report(&report, "mixed", "test");
    let json: serde_json::Value =
        serde_json::from_str(&artifact.to_json().expect("json")).expect("parse");
    let best = &json["metrics"]["best_params"];
    assert!(best["n_estimators"].is_u64(), "{best}");
    assert!(best["learning_rate"].is_f64(), "{best}");
}
