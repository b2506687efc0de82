//! The `ml-workflow` binary: exit codes, JSON on stdout, one-line errors on stderr.

mod common;

use std::process::{Command, Output};

use common::assert_close;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        .args(args)
        .output()
        .expect("run ml-workflow")
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
}

#[test]
fn datasets_lists_both_with_cache_state() {
    let v = stdout_json(&run(&["datasets", "--json"]));
    let names: Vec<&str> = v["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["height-weight", "boston-housing"]);
}
