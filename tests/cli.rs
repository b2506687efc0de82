//! The `ml-workflow` binary: exit codes, JSON on stdout, one-line errors on stderr.

mod common;

use std::process::{Command, Output};

use common::assert_close;

/// The binary under test, for a caller to add arguments to.
fn ml_workflow() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
}

fn run(args: &[&str]) -> Output {
    ml_workflow().args(args).output().expect("run ml-workflow")
}

fn stdout_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

#[test]
fn describe_json_is_pandas_to_json() {
    let v = stdout_json(&run(&["describe", "height-weight", "--json"]));
    let h = &v["Height-Inches"];
    assert_close(h["count"].as_f64().unwrap(), 25000.0, 0.0, "count");
    assert_close(h["mean"].as_f64().unwrap(), 67.9931135968, 1e-9, "mean");
    assert_close(h["std"].as_f64().unwrap(), 1.9016787712056107, 1e-9, "std");
    assert_close(h["25%"].as_f64().unwrap(), 66.7043975, 1e-9, "25%");
    assert_close(
        v["Weight-Pounds"]["max"].as_f64().unwrap(),
        170.924,
        1e-12,
        "max",
    );
}

#[test]
fn describe_table_prints_the_reference_numbers() {
    let out = run(&["describe", "height-weight"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mean = text
        .lines()
        .find(|l| l.starts_with("mean"))
        .expect("a mean row");
    assert!(
        mean.contains("67.993114") && mean.contains("127.079421"),
        "{mean}"
    );
}

#[test]
fn describe_reads_a_user_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.csv");
    std::fs::write(&path, "label,a,b\nx,1,10\ny,2,20\nz,3,30\n").unwrap();
    let v = stdout_json(&run(&["describe", path.to_str().unwrap(), "--json"]));
    assert_eq!(v["a"]["mean"].as_f64(), Some(2.0));
    assert_eq!(v["b"]["50%"].as_f64(), Some(20.0));
    assert!(v.get("label").is_none(), "text columns are not described");
}

#[test]
fn errors_are_one_line_with_nonzero_exit() {
    let out = run(&["describe", "no-such-thing"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: ") && err.contains("no-such-thing"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "a,b\n1,2\n3\n").unwrap();
    let out = run(&["describe", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3") && err.contains("column \"b\""),
        "{err}"
    );

    // A Latin-1 byte in a UTF-8 file: its line and the column whose field holds it.
    std::fs::write(&path, b"city,price\nParis,10\nMontr\xe9al,12\n").unwrap();
    let out = run(&["describe", path.to_str().unwrap()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3, column \"city\"") && err.contains("not UTF-8"),
        "{err}"
    );
}

#[test]
fn a_file_with_only_its_header_is_said_to_have_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.csv");
    std::fs::write(&path, "a,b,y\n").unwrap();
    let csv = path.to_str().unwrap();
    for model in ["linear", "hist-gbm"] {
        let out = run(&[
            "train", "--csv", csv, "--target", "y", "--model", model, "--folds", "0",
        ]);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("no data rows, only a header"),
            "{model}: {err}"
        );
        assert!(!err.contains("column \"a\""), "{model}: {err}");
    }
}

#[test]
fn datasets_lists_every_registered_one() {
    let v = stdout_json(&run(&["datasets", "--json"]));
    let names: Vec<&str> = v["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["height-weight", "boston-housing", "penguins"]);
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn train_height_weight_runs_the_notebooks_least_squares() {
    let v = stdout_json(&run(&[
        "train",
        "--dataset",
        "height-weight",
        "--json",
        "--no-save",
    ]));
    assert_eq!(v["model"], "linear");
    assert_eq!(v["target"], "Weight-Pounds");
    assert_eq!(v["features"], serde_json::json!(["Height-Inches"]));
    assert_eq!(v["rows"]["test"], 5000);
    // The notebook's held-out RMSE for the same split (seed 42, 20 %).
    let rmse = v["test"]["rmse"].as_f64().expect("test RMSE");
    assert_close(rmse, 10.1236, 1e-4, "held-out RMSE");
}

#[test]
fn train_boston_runs_the_chapters_pipeline_and_says_why_400_stages() {
    let v = stdout_json(&run(&[
        "train",
        "--dataset",
        "boston-housing",
        "--json",
        "--no-save",
    ]));
    assert_eq!(v["model"], "gbm");
    // Grid values print as the parameter's type: a count is an integer.
    assert_eq!(v["best"], serde_json::json!({ "n_estimators": 200 }));
    assert!(v["cv"][0]["params"]["n_estimators"].is_u64(), "{}", v["cv"]);
    assert_eq!(v["final"]["n_estimators"], 400);
    assert_eq!(
        v["final_override"],
        serde_json::json!({ "n_estimators": 400 })
    );
    let mse = v["test"]["mse"].as_f64().expect("test MSE");
    assert_close(mse, 26.359606584848308, 0.03, "validation MSE");

    let out = run(&["train", "--dataset", "boston-housing", "--no-save"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("n_estimators=400 as the preset sets it")
            && text.contains("not the search's best n_estimators=200"),
        "{text}"
    );
}

#[test]
fn a_grid_given_on_the_command_line_refits_the_best_setting() {
    let v = stdout_json(&run(&[
        "train",
        "--dataset",
        "boston-housing",
        "--grid",
        "n_estimators=20,40",
        "--json",
        "--no-save",
    ]));
    assert_eq!(v["final"]["n_estimators"], v["best"]["n_estimators"]);
    assert!(v["final_override"].is_null());
}

#[test]
fn every_registered_dataset_trains_with_its_preset() {
    for spec in ml_workflow::datasets::datasets() {
        let v = stdout_json(&run(&[
            "train",
            "--dataset",
            &spec.name,
            "--json",
            "--no-save",
        ]));
        let preset = ml_workflow::datasets::preset(&spec.name).unwrap();
        assert_eq!(v["target"], preset.target.as_str(), "{}", spec.name);
        let score = if v["task"] == "classification" {
            v["test"]["accuracy"].as_f64().unwrap() - 0.7
        } else {
            v["test"]["r2"].as_f64().unwrap() - 0.2
        };
        assert!(score > 0.0, "{}: {v}", spec.name);
    }
}

#[test]
fn a_classifiers_grid_is_ranked_by_its_scoring() {
    // The penguins preset: logistic regression's C on 5 stratified folds by log loss.
    let v = stdout_json(&run(&[
        "train",
        "--dataset",
        "penguins",
        "--json",
        "--no-save",
    ]));
    assert_eq!(v["task"], "classification");
    assert_eq!(v["cv"]["scoring"], "neg_log_loss");
    let grid = v["cv"]["grid"].as_array().expect("the grid's rows");
    assert_eq!(grid.len(), 5);
    let means: Vec<f64> = grid.iter().map(|r| r["mean"].as_f64().unwrap()).collect();
    let best = v["cv"]["best_index"].as_u64().unwrap() as usize;
    assert!(
        means.iter().all(|m| *m <= means[best] && *m < 0.0),
        "{means:?}"
    );
    assert_eq!(v["final"]["c"], grid[best]["params"]["C"]);
    // --scoring picks another ranking; a regressor has none to pick.
    let v = stdout_json(&run(&[
        "train",
        "--dataset",
        "penguins",
        "--scoring",
        "balanced_accuracy",
        "--grid",
        "C=0.001,1",
        "--json",
        "--no-save",
    ]));
    assert_eq!(v["cv"]["scoring"], "balanced_accuracy");
    assert_eq!(v["cv"]["best_index"], 1, "{v}");
    let out = run(&[
        "train",
        "--dataset",
        "boston-housing",
        "--scoring",
        "accuracy",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("--scoring accuracy"),
        "{}",
        stderr_of(&out)
    );
    let out = run(&[
        "train",
        "--dataset",
        "penguins",
        "--scoring",
        "auc",
        "--no-save",
    ]);
    assert!(
        stderr_of(&out).contains("neg_log_loss"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn an_unknown_dataset_is_named_with_the_known_ones() {
    let out = run(&["train", "--dataset", "boston"]);
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("unknown dataset \"boston\"") && err.contains("boston-housing"),
        "{err}"
    );
    assert!(!err.contains("preset"), "{err}");
}

#[test]
fn train_help_lists_every_model_with_its_description() {
    let out = run(&["train", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for m in ml_workflow::modeling::MODELS {
        assert!(
            help.contains(m.name) && help.contains(m.description),
            "{}: {help}",
            m.name
        );
    }
    let out = run(&["train", "--dataset", "boston-housing", "--model", "nope"]);
    assert!(!out.status.success());
    assert!(stderr_of(&out).contains("gbm"), "{}", stderr_of(&out));
}

#[test]
fn train_help_lists_each_models_parameters_with_type_and_default() {
    let out = run(&["train", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for m in ml_workflow::modeling::MODELS {
        for p in m.params.iter().filter(|p| p.name != "seed") {
            // Two models of one name may both have the parameter, with different kinds.
            let listed = help.lines().any(|l| {
                (l.trim_start().starts_with(&format!("{}:", p.name))
                    || l.trim_start().starts_with(&format!("{} (also", p.name)))
                    && l.contains(p.kind.label())
            });
            assert!(listed, "{} {} missing from:\n{help}", m.name, p.name);
        }
    }
    for line in [
        "max_iter: integer, default 100. Boosting iterations.",
        "early_stopping: true/false, default false.",
        "max_depth: integer or none, default none.",
        "k (also n_neighbors): integer, default 5.",
        "gamma: number or none, default none.",
        "max_features: number, sqrt, log2 or none, default sqrt.",
    ] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // `ml-workflow describe height-weight | head -0`: the reader is gone before the write.
    let mut child = ml_workflow()
        .args(["describe", "height-weight"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = stderr_of(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{:?} {err}", out.status);
}

#[test]
fn describe_json_keeps_the_frames_order() {
    let out = run(&["describe", "height-weight", "--json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let at = |s: &str| text.find(&format!("\"{s}\"")).unwrap_or(usize::MAX);
    assert!(at("Index") < at("Height-Inches"), "{text}");
    assert!(at("Height-Inches") < at("Weight-Pounds"), "{text}");
    let stats = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];
    for pair in stats.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?}: {text}");
    }
}

#[test]
fn artifacts_are_compact_and_byte_identical_for_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for path in [&a, &b] {
        let out = run(&[
            "train",
            "--dataset",
            "boston-housing",
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr_of(&out));
    }
    let (first, second) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(first, second, "two runs, two different artifacts");
    assert!(first.len() < 1 << 20, "{} bytes", first.len());
    assert_eq!(first.iter().filter(|&&c| c == b'\n').count(), 0, "compact");
    assert!(!String::from_utf8_lossy(&first).contains("\"created\""));

    let out = run(&[
        "train",
        "--dataset",
        "height-weight",
        "--timestamp",
        "--out",
        a.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stamped = std::fs::read_to_string(&a).unwrap();
    assert!(stamped.contains("\"created\""), "{stamped}");
}

#[test]
fn a_missing_file_is_reported_once() {
    let out = run(&["predict", "--model", "no-such-model.json"]);
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    assert!(err.contains("no-such-model.json"), "{err}");
}

/// A server of the height-weight model, trained into `dir`, started with `global` flags before
/// `serve` and listening on `addr`; its stderr lines arrive on the receiver, and the address it
/// said it listens on is returned once it said it (within 20 s).
fn served(
    dir: &std::path::Path,
    global: &[&str],
    addr: &str,
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<String>,
    Option<String>,
) {
    use std::io::{BufRead, BufReader};
    let model = dir.join("hw.json");
    let out = run(&[
        "train",
        "--dataset",
        "height-weight",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut child = ml_workflow()
        .args(global)
        .args(["serve", "--model", model.to_str().unwrap()])
        .args(["--addr", addr, "--threads", "1"])
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut listening = None;
    while listening.is_none() && std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on http://".len()..];
                listening = rest.split(['"', ' ']).next().map(str::to_string);
            }
        }
    }
    (child, rx, listening)
}

/// Sends `request` (a whole HTTP/1.1 request) to `addr` and reads the reply to its end.
fn exchange(addr: &str, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.write_all(request).expect("write");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}

#[test]
fn serve_resolves_a_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, _lines, addr) = served(dir.path(), &[], "localhost:0");
    let reply = addr.as_deref().map(|addr| {
        exchange(
            addr,
            b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
    });
    let _ = child.kill();
    let _ = child.wait();
    let (addr, reply) = addr.zip(reply).expect("the server said where it listens");
    assert!(
        addr.starts_with("127.0.0.1:") || addr.starts_with("[::1]:"),
        "{addr}"
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[test]
fn predict_refuses_a_non_finite_prediction() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("linear.json");
    let out = run(&[
        "train",
        "--dataset",
        "boston-housing",
        "--model",
        "linear",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let payload = dir.path().join("huge.json");
    let columns = ["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"]
        .iter()
        .map(|c| format!("\"{c}\":{{\"0\":1e308}}"))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(&payload, format!("{{{columns}}}")).unwrap();
    let out = run(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--input",
        payload.to_str().unwrap(),
    ]);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty(), "no answer on stdout");
    assert!(
        stderr_of(&out).contains("not a finite number"),
        "{}",
        stderr_of(&out)
    );
}

#[cfg(unix)]
#[test]
fn train_out_refuses_a_link_or_a_folder_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = dir.path().join("model.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let folder = dir.path().join("folder.json");
    std::fs::create_dir(&folder).unwrap();
    for target in [&link, &folder] {
        let out = run(&[
            "train",
            "--dataset",
            "height-weight",
            "--out",
            target.to_str().unwrap(),
        ]);
        assert!(!out.status.success(), "{target:?} accepted");
        assert!(
            stderr_of(&out).contains("not a regular file"),
            "{}",
            stderr_of(&out)
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["folder.json", "model.json", "victim.txt"]);
}

#[test]
fn predict_reads_csv_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("boston.json");
    let out = run(&[
        "train",
        "--dataset",
        "boston-housing",
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let json = dir.path().join("rows.json");
    std::fs::write(
        &json,
        r#"{"CHAS":{"0":0,"1":0},"RM":{"0":6.575,"1":6.421},"TAX":{"0":296,"1":242},"PTRATIO":{"0":15.3,"1":17.8},"B":{"0":396.9,"1":396.9},"LSTAT":{"0":4.98,"1":9.14}}"#,
    )
    .unwrap();
    let csv = dir.path().join("rows.csv");
    std::fs::write(
        &csv,
        "CHAS,RM,TAX,PTRATIO,B,LSTAT\n0,6.575,296,15.3,396.9,4.98\n0,6.421,242,17.8,396.9,9.14\n",
    )
    .unwrap();
    let model = model.to_str().unwrap();
    let from_json = stdout_json(&run(&[
        "predict",
        "--model",
        model,
        "--input",
        json.to_str().unwrap(),
    ]));
    let from_csv = stdout_json(&run(&[
        "predict",
        "--model",
        model,
        "--input",
        csv.to_str().unwrap(),
    ]));
    assert_eq!(from_json, from_csv);
    let out = run(&[
        "predict",
        "--model",
        model,
        "--input",
        csv.to_str().unwrap(),
        "--output-format",
        "csv",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "prediction");
    let first: f64 = lines[1].parse().unwrap();
    assert_eq!(first, from_json["prediction"][0].as_f64().unwrap());
    assert_eq!(lines.len(), 3);
    // One stray text in a numeric column makes the reader take it as text: the error names
    // that value and its row, not the column's first number.
    let stray = dir.path().join("stray.csv");
    std::fs::write(
        &stray,
        "CHAS,RM,TAX,PTRATIO,B,LSTAT\n0,6.575,296,15.3,396.9,4.98\n0,6.421,n/a?,17.8,396.9,9.14\n",
    )
    .unwrap();
    let out = run(&[
        "predict",
        "--model",
        model,
        "--input",
        stray.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains(r#"column "TAX" row "1""#) && err.contains(r#""n/a?""#),
        "{err}"
    );
}

#[test]
fn describe_reads_an_ordinary_csv_with_text_and_a_given_separator() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.csv");
    // The issue's file: a text cell in `grade` makes it text, as pandas reads it.
    std::fs::write(&path, "a,grade,price\n1,1,100\n2,2,210\n3,A,290\n").unwrap();
    let v = stdout_json(&run(&["describe", path.to_str().unwrap(), "--json"]));
    assert_eq!(v["a"]["mean"].as_f64(), Some(2.0));
    assert_eq!(v["price"]["max"].as_f64(), Some(290.0));
    assert!(
        v.get("grade").is_none(),
        "text columns are not described by default"
    );
    let semi = dir.path().join("semi.txt");
    std::fs::write(&semi, "x|y\n1|2\n3|4\n").unwrap();
    let v = stdout_json(&run(&[
        "describe",
        semi.to_str().unwrap(),
        "--sep",
        "|",
        "--json",
    ]));
    assert_eq!(v["y"]["mean"].as_f64(), Some(3.0));
}

#[test]
fn hist_gbm_trains_once_on_twenty_thousand_rows_with_gaps() {
    // A smoke test of the scale path (compare/scale.sh runs 1 M rows): --folds 0 fits once and
    // reports no cross-validation; gaps go to the model as missing values.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("large.csv");
    let mut text = String::from("a,b,c,d,y\n");
    for i in 0..20_000u64 {
        let (a, b, c, d) = (
            (i * 37 % 1009) as f64 / 1009.0,
            (i * 53 % 997) as f64 / 997.0,
            (i * 11 % 13) as f64,
            (i * 29 % 89) as f64 / 89.0,
        );
        let y = 10.0 * (3.0 * a * b).sin() + 20.0 * (d - 0.5).powi(2) + c;
        let a = if i % 10 == 3 {
            String::new()
        } else {
            format!("{a:.4}")
        };
        text.push_str(&format!("{a},{b:.4},{c},{d:.4},{y:.4}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let report = stdout_json(&train_hist_gbm_once(&csv, &[]));
    assert_eq!(report["cv"], serde_json::json!([]));
    assert_eq!(report["model"], "hist-gbm");
    let r2 = report["test"]["r2"].as_f64().unwrap();
    assert!(r2 > 0.9, "held-out R² {r2}");
}

#[test]
fn param_sets_a_hyperparameter_of_a_single_fit() {
    let dir = tempfile::tempdir().unwrap();
    let csv = small_csv(dir.path(), 600, |i| {
        let (a, b) = (f64::from(i % 17), f64::from(i * 7 % 23));
        (a, b, a * 2.0 - b)
    });
    let train = |extra: &[&str]| train_hist_gbm_once(&csv, extra);
    let out = train(&["--param", "max_iter=7", "--param", "early_stopping=true"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let report = stdout_json(&out);
    assert_eq!(report["final"]["max_iter"], 7);
    assert_eq!(report["final"]["early_stopping"], true);
    for (bad, says) in [
        ("max_iter", "KEY=VALUE"),
        ("max_iter=many", "\"many\" is not an integer"),
        ("depth=3", "\"depth\""),
        ("early_stopping=2", "0 or 1"),
    ] {
        let out = train(&["--param", bad]);
        assert!(!out.status.success(), "{bad} was taken");
        assert!(stderr_of(&out).contains(says), "{bad}: {}", stderr_of(&out));
    }
}

#[test]
fn debug_logging_tells_where_a_column_at_a_time_training_spent_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let csv = small_csv(dir.path(), 400, |i| {
        let (a, b) = (f64::from(i % 13), f64::from(i * 5 % 19));
        (a, b, a - b)
    });
    let out = hist_gbm_once(&csv, &[])
        .env("RUST_LOG", "ml_workflow=debug")
        .env("ML_WORKFLOW_LOG_FORMAT", "json")
        .output()
        .expect("run ml-workflow");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let phases = stderr_of(&out)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|event| event["fields"]["message"] == "column-at-a-time training phases")
        .expect("a phases event on stderr");
    for phase in ["read", "split", "bin", "fit", "evaluate"] {
        let seconds = phase_seconds(&phases, phase);
        assert!((0.0..60.0).contains(&seconds), "{phase}: {seconds}");
    }
    assert!(phase_seconds(&phases, "fit") > 0.0);
}

/// `small.csv` in `dir`: columns a, b, y, one row `row(i)` for each i below `n`.
fn small_csv(
    dir: &std::path::Path,
    n: u32,
    row: impl Fn(u32) -> (f64, f64, f64),
) -> std::path::PathBuf {
    let csv = dir.join("small.csv");
    let mut text = String::from("a,b,y\n");
    for i in 0..n {
        let (a, b, y) = row(i);
        text.push_str(&format!("{a},{b},{y}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    csv
}

/// A phase's seconds in the phases event.
fn phase_seconds(event: &serde_json::Value, phase: &str) -> f64 {
    event["fields"][format!("{phase}_seconds")]
        .as_f64()
        .unwrap_or(f64::NAN)
}

/// `train --csv CSV --target y --model hist-gbm --folds 0 --json --no-save`, then `extra`.
fn train_hist_gbm_once(csv: &std::path::Path, extra: &[&str]) -> Output {
    hist_gbm_once(csv, extra).output().expect("run ml-workflow")
}

/// The command [`train_hist_gbm_once`] runs, for a caller to add to.
fn hist_gbm_once(csv: &std::path::Path, extra: &[&str]) -> Command {
    let mut command = ml_workflow();
    command
        .args(["train", "--csv"])
        .arg(csv)
        .args(["--target", "y", "--model", "hist-gbm", "--folds", "0"])
        .args(["--json", "--no-save"])
        .args(extra);
    command
}

/// A small generated table (seeded arithmetic, no data file): price from size and city.
fn houses_csv(dir: &std::path::Path, sep: char) -> std::path::PathBuf {
    let path = dir.join(if sep == ',' {
        "houses.csv"
    } else {
        "houses.txt"
    });
    let mut text = format!("size{sep}city{sep}price\n");
    for i in 0..120 {
        let size = 40 + (i * 37) % 160;
        let city = ["north", "south", "east"][i % 3];
        let price = size * 2 + [30, 0, 10][i % 3] + (i * 7) % 5;
        text.push_str(&format!("{size}{sep}{city}{sep}{price}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// `train --csv CSV --target price` with `extra` flags, on a table from [`houses_csv`].
fn train_houses(csv: &std::path::Path, extra: &[&str]) -> Output {
    let csv = csv.to_str().expect("a UTF-8 path");
    run(&[&["train", "--csv", csv, "--target", "price"][..], extra].concat())
}

#[test]
fn param_takes_none_true_false_and_a_misspelt_name_says_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let csv = houses_csv(dir.path(), ',');
    let csv = csv.to_str().unwrap();
    let base = [
        "train",
        "--csv",
        csv,
        "--target",
        "price",
        "--no-save",
        "--json",
    ];
    let run_with = |extra: &[&str]| run(&[&base[..], extra].concat());
    let v = stdout_json(&run_with(&[
        "--model",
        "rf",
        "--param",
        "max_depth=none",
        "--param",
        "n_estimators=5",
        "--folds",
        "2",
    ]));
    assert_eq!(v["model"], "forest");
    assert!(v["final"]["max_depth"].is_null(), "{}", v["final"]);
    assert_eq!(v["final"]["n_estimators"], 5);
    let v = stdout_json(&run_with(&[
        "--param",
        "early_stopping=true",
        "--param",
        "validation_fraction=0.2",
        "--param",
        "n_iter_no_change=3",
        "--param",
        "tol=0.001",
        "--folds",
        "0",
    ]));
    assert_eq!(v["final"]["early_stopping"], true);
    assert_eq!(v["final"]["n_iter_no_change"], 3);
    let out = run_with(&["--param", "max_iters=10"]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("parameter")
            && !err.contains("grid")
            && err.contains("did you mean \"max_iter\""),
        "{err}"
    );
    let err = stderr_of(&run_with(&["--param", "max_iter=none"]));
    assert!(
        err.contains("max_iter") && err.contains("\"none\" is not an integer"),
        "{err}"
    );
}

#[test]
fn an_unknown_model_gets_the_closest_name_and_the_csv_default_is_said() {
    // CSV reading flags with a dataset are refused, not silently ignored.
    let out = run(&["train", "--dataset", "boston-housing", "--sep", ";"]);
    let err = stderr_of(&out);
    assert!(
        !out.status.success() && err.contains("--sep, --na-values and --decimal"),
        "{err}"
    );
    let out = run(&[
        "train",
        "--dataset",
        "boston-housing",
        "--model",
        "randomforest",
    ]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(err.contains("did you mean \"forest\""), "{err}");
    let help = String::from_utf8_lossy(&run(&["train", "--help"]).stdout).to_string();
    assert!(help.contains("hist-gbm with 5 folds"), "{help}");
    assert!(!help.contains("any numeric CSV"), "{help}");
    // The default a user's own CSV gets: hist-gbm, 5 folds.
    let dir = tempfile::tempdir().unwrap();
    let csv = houses_csv(dir.path(), ',');
    let v = stdout_json(&run(&[
        "train",
        "--csv",
        csv.to_str().unwrap(),
        "--target",
        "price",
        "--no-save",
        "--json",
    ]));
    assert_eq!(
        (v["model"].as_str(), v["folds"].as_u64()),
        (Some("hist-gbm"), Some(5))
    );
}

#[test]
fn predict_reads_csv_as_train_does_sniffed_or_with_sep() {
    let dir = tempfile::tempdir().unwrap();
    let csv = houses_csv(dir.path(), ',');
    let model = dir.path().join("m.json");
    let out = train_houses(
        &csv,
        &[
            "--model",
            "linear",
            "--folds",
            "0",
            "--out",
            model.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let model = model.to_str().unwrap();
    let predict = |input: &std::path::Path, extra: &[&str]| {
        stdout_json(&run(&[
            &[
                "predict",
                "--model",
                model,
                "--input",
                input.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat()))["prediction"]
            .clone()
    };
    let comma = predict(&csv, &[]);
    assert_eq!(comma.as_array().map(Vec::len), Some(120));
    // A ;-separated .txt is sniffed as train sniffs it; --sep says it outright.
    let semi = houses_csv(dir.path(), ';');
    assert_eq!(predict(&semi, &[]), comma);
    assert_eq!(predict(&semi, &["--sep", ";"]), comma);
    let tsv = dir.path().join("houses.tsv");
    std::fs::write(
        &tsv,
        std::fs::read_to_string(&csv).unwrap().replace(',', "\t"),
    )
    .unwrap();
    assert_eq!(predict(&tsv, &[]), comma);
}

#[test]
fn the_report_has_no_empty_best_line_and_says_when_nothing_is_held_out() {
    let dir = tempfile::tempdir().unwrap();
    let csv = houses_csv(dir.path(), ',');
    let out = train_houses(
        &csv,
        &[
            "--model",
            "linear",
            "--folds",
            "3",
            "--test-size",
            "0",
            "--no-save",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(!text.lines().any(|l| l.trim() == "best:"), "{text}");
    assert!(!text.contains("{}"), "{text}");
    assert!(
        text.contains("no held-out evaluation (--test-size 0)"),
        "{text}"
    );
    assert!(text.contains("predicted from 2 columns"), "{text}");
}

#[test]
fn na_values_and_decimal_commas_read_numbers_and_a_stray_value_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cars.csv");
    let mut text = String::from("displ;class;hwy\n");
    for i in 0..60 {
        let displ = if i == 7 {
            "?".to_string()
        } else {
            format!("{},{}", 1 + i % 4, i % 10)
        };
        text.push_str(&format!("{displ};{};{}\n", ["a", "b"][i % 2], 20 + i % 9));
    }
    std::fs::write(&csv, text).unwrap();
    let csv = csv.to_str().unwrap();
    // As written: displ is text (decimal commas, one "?"), and describe says so.
    let out = run(&["describe", csv, "--json"]);
    let v = stdout_json(&out);
    assert!(v.get("displ").is_none(), "{v}");
    let err = stderr_of(&out);
    assert!(
        err.contains("\"displ\" was read as text") && err.contains("\"?\" on line 9"),
        "{err}"
    );
    // With pandas' decimal and na_values: a numeric column, and nothing to say.
    let out = run(&[
        "describe",
        csv,
        "--json",
        "--decimal",
        ",",
        "--na-values",
        "?",
    ]);
    let v = stdout_json(&out);
    assert_eq!(v["displ"]["count"], 59.0);
    assert!(
        !stderr_of(&out).contains("was read as text"),
        "{}",
        stderr_of(&out)
    );
    // train says it too, in its JSON; and reads the file the same way with the flags.
    let train = |extra: &[&str]| {
        stdout_json(&run(&[
            &[
                "train", "--csv", csv, "--target", "hwy", "--model", "linear", "--folds", "0",
            ][..],
            &["--no-save", "--json"][..],
            extra,
        ]
        .concat()))
    };
    let v = train(&[]);
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap_or_default()
            .contains("\"displ\""),
        "{v}"
    );
    let v = train(&["--decimal", ",", "--na-values", "?"]);
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(
        v["features"],
        serde_json::json!(["displ", "class_a", "class_b"])
    );
}

#[test]
fn train_warns_when_the_artifact_is_over_the_serving_cap_and_names_what_shrinks_it() {
    let dir = tempfile::tempdir().unwrap();
    let csv = houses_csv(dir.path(), ',');
    let out_path = dir.path().join("forest.json");
    let train = |cap: &str| {
        ml_workflow()
            .args([
                "train",
                "--csv",
                csv.to_str().unwrap(),
                "--target",
                "price",
                "--json",
            ])
            .args([
                "--model",
                "forest",
                "--param",
                "n_estimators=20",
                "--folds",
                "0",
            ])
            .args(["--out", out_path.to_str().unwrap()])
            .env("ML_WORKFLOW_MAX_MODEL_BYTES", cap)
            .output()
            .expect("run")
    };
    let v = stdout_json(&train("1000"));
    let warning = v["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warning.contains("over the 1000 bytes")
            && warning.contains("max_depth, min_samples_leaf, n_estimators"),
        "{v}"
    );
    let v = stdout_json(&train("100000000"));
    assert_eq!(v["warnings"], serde_json::json!([]));
}

/// `serve --help`'s default for `flag`, as clap prints it (`[default: 10s]`).
fn help_default(help: &str, flag: &str) -> Option<String> {
    let at = help.find(&format!("{flag} <"))?;
    let rest = &help[at..];
    let end = rest[2..].find("\n      --").map_or(rest.len(), |e| e + 2);
    let block = &rest[..end];
    let start = block.find("[default: ")? + "[default: ".len();
    Some(block[start..].split(']').next()?.to_string())
}

#[test]
fn the_documented_server_limits_match_serve_help() {
    let help = String::from_utf8_lossy(&run(&["serve", "--help"]).stdout).to_string();
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/hostile-clients.md"
    ))
    .expect("docs/hostile-clients.md");
    let rows: Vec<(String, String)> = doc
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let flag = cells.get(1)?.strip_prefix("`--")?.strip_suffix('`')?;
            Some((format!("--{flag}"), cells.get(2)?.to_string()))
        })
        .collect();
    assert!(rows.len() >= 8, "{rows:?}");
    let bytes = |text: &str| match text.split_once(' ') {
        Some((n, "MiB")) => n.parse::<u64>().ok().map(|n| (n << 20).to_string()),
        _ => Some(text.to_string()),
    };
    for (flag, documented) in &rows {
        let shown =
            help_default(&help, flag).unwrap_or_else(|| panic!("{flag} not in serve --help"));
        assert_eq!(bytes(documented), Some(shown), "{flag}");
    }
    // Every limit serve takes is in the table.
    for line in help.lines().map(str::trim).filter(|l| l.starts_with("--")) {
        let flag = line.split(' ').next().unwrap_or_default();
        let limit =
            flag.ends_with("-timeout") || flag.starts_with("--max-") || flag == "--body-limit";
        assert!(
            !limit || rows.iter().any(|(f, _)| f == flag),
            "{flag} is not documented"
        );
    }
}

#[test]
fn a_refused_payloads_log_line_names_its_kind_and_column_never_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, rx, addr) = served(dir.path(), &["--log-format", "json"], "127.0.0.1:0");
    let body = r#"[{"Height-Inches": "tall-9876"}]"#;
    let reply = addr.as_deref().map(|addr| {
        let request = format!(
            "POST /predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        exchange(addr, request.as_bytes())
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut logged = None;
    while logged.is_none() && std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
            if line.contains("\"status\":422") {
                logged = Some(line);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let reply = reply.expect("the server said where it listens");
    assert!(reply.starts_with("HTTP/1.1 422"), "{reply}");
    let line = logged.expect("a log line for the refused request");
    assert!(
        line.contains("\"reason\":\"wrong_type\"") && line.contains("\"column\":\"Height-Inches\""),
        "{line}"
    );
    assert!(!line.contains("tall-9876"), "{line}");
}

/// `../shared/data/penguins.csv` (or under `ML_WORKFLOW_DATA`).
fn penguins_csv() -> String {
    let dir = std::env::var("ML_WORKFLOW_DATA")
        .unwrap_or_else(|_| format!("{}/../shared/data", env!("CARGO_MANIFEST_DIR")));
    format!("{dir}/penguins.csv")
}

#[test]
fn a_text_target_trains_a_classifier_whose_artifact_answers_labels_and_probabilities() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("penguins.json");
    let csv = penguins_csv();
    let json = stdout_json(&run(&[
        "train",
        "--csv",
        &csv,
        "--target",
        "species",
        "--out",
        model.to_str().expect("path"),
        "--json",
    ]));
    assert_eq!(json["task"], "classification");
    assert_eq!(json["model"], "logistic");
    assert_eq!(
        json["classes"],
        serde_json::json!(["Adelie", "Chinstrap", "Gentoo"])
    );
    // scikit-learn's held-out rows and accuracy (tests/own_data.rs has the comparison).
    assert_close(
        json["test"]["accuracy"].as_f64().expect("accuracy"),
        0.9855072463768116,
        1e-12,
        "accuracy",
    );
    assert_eq!(json["rows"]["test"], 69);

    // A row with gaps is answered too; the labels keep the target's text.
    let rows = dir.path().join("rows.csv");
    std::fs::write(
        &rows,
        "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n\
         Torgersen,39.1,18.7,181,3750,male,2007\nBiscoe,,,,,,2009\n",
    )
    .expect("rows");
    let answer = stdout_json(&run(&[
        "predict",
        "--model",
        model.to_str().expect("path"),
        "--input",
        rows.to_str().expect("path"),
    ]));
    assert_eq!(answer["prediction"][0], "Adelie");
    assert_eq!(answer["classes"].as_array().map(Vec::len), Some(3));
    for row in answer["probabilities"].as_array().expect("probabilities") {
        let sum: f64 = row
            .as_array()
            .expect("row")
            .iter()
            .filter_map(|p| p.as_f64())
            .sum();
        assert_close(sum, 1.0, 1e-12, "probabilities sum");
    }
    let out = run(&[
        "predict",
        "--model",
        model.to_str().expect("path"),
        "--input",
        rows.to_str().expect("path"),
        "--output-format",
        "csv",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "prediction,probability_Adelie,probability_Chinstrap,probability_Gentoo\nAdelie,"
        ),
        "{text}"
    );

    // `tree` for a text target is linfa-trees' classifier; a regressor-only model is refused.
    let json = stdout_json(&run(&[
        "train",
        "--csv",
        &csv,
        "--target",
        "species",
        "--model",
        "tree",
        "--param",
        "max_depth=3",
        "--no-save",
        "--json",
    ]));
    assert_eq!(
        (json["task"].as_str(), json["model"].as_str()),
        (Some("classification"), Some("tree"))
    );
    let out = run(&[
        "train",
        "--csv",
        &csv,
        "--target",
        "species",
        "--model",
        "svr",
        "--no-save",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr_of(&out).contains("not a classifier"),
        "{}",
        stderr_of(&out)
    );
    // A text target with gaps: the rows without one are counted.
    let json = stdout_json(&run(&[
        "train",
        "--csv",
        &csv,
        "--target",
        "sex",
        "--no-save",
        "--json",
    ]));
    assert_eq!(json["rows"]["without_target"], 11);
}

#[test]
fn a_whole_number_target_with_few_values_gets_a_hint_and_task_classifies_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("churn.csv");
    let mut text = String::from("tenure,plan,churned\n");
    for i in 0..120 {
        let tenure = (i * 7) % 60;
        let churned = u8::from(tenure < 20 || i % 9 == 0);
        text.push_str(&format!("{tenure},{},{churned}\n", ["basic", "pro"][i % 2]));
    }
    std::fs::write(&csv, text).expect("csv");
    let csv = csv.to_str().expect("path");
    let json = stdout_json(&run(&[
        "train",
        "--csv",
        csv,
        "--target",
        "churned",
        "--model",
        "linear",
        "--no-save",
        "--json",
    ]));
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("--task classification"), "{warnings}");
    let json = stdout_json(&run(&[
        "train",
        "--csv",
        csv,
        "--target",
        "churned",
        "--task",
        "classification",
        "--no-save",
        "--json",
    ]));
    assert_eq!(json["task"], "classification");
    // The classes keep the target's type: integers, sorted by value.
    assert_eq!(json["classes"], serde_json::json!([0, 1]));
    assert!(json["test"]["roc_auc"]
        .as_f64()
        .is_some_and(|auc| auc > 0.5));
}

#[test]
fn explain_adds_up_to_predict_and_a_model_it_cannot_explain_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("t.csv");
    let mut text = String::from("size,city,price\n");
    for i in 0..60 {
        let city = ["east", "north", "south"][i % 3];
        text.push_str(&format!("{i},{city},{}\n", 2 * i + 10 * (i % 3)));
    }
    std::fs::write(&csv, text).unwrap();
    let rows = dir.path().join("rows.json");
    std::fs::write(
        &rows,
        r#"[{"size": 3, "city": "north"}, {"size": null, "city": "west"}]"#,
    )
    .unwrap();
    for (model, explained) in [("gbm", true), ("knn", false)] {
        let saved = dir.path().join(format!("{model}.json"));
        let out = run(&[
            "train",
            "--csv",
            csv.to_str().unwrap(),
            "--target",
            "price",
            "--model",
            model,
            "--folds",
            "0",
            "--out",
            saved.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr_of(&out));
        let args = [
            "--model",
            saved.to_str().unwrap(),
            "--input",
            rows.to_str().unwrap(),
        ];
        let out = run(&[&["explain"][..], &args].concat());
        if !explained {
            assert!(!out.status.success());
            assert!(stderr_of(&out).contains("available for the regression tree"));
            continue;
        }
        let e = stdout_json(&out);
        let predicted = stdout_json(&run(&[&["predict"][..], &args].concat()));
        assert_eq!(e["columns"], serde_json::json!(["size", "city"]));
        for (i, p) in predicted["prediction"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let sum: f64 = e["values"][i]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v.as_f64())
                .sum();
            let total = e["base_value"].as_f64().unwrap() + sum;
            assert!((total - p.as_f64().unwrap()).abs() < 1e-9, "{total} vs {p}");
        }
    }
}
