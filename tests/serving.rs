//! The prediction path, the model artifact and the HTTP server, end to end: a real server on
//! 127.0.0.1 (ephemeral port) talked to over plain HTTP/1.1.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use common::assert_close;
use ml_workflow::datasets::preset;
use ml_workflow::ingest::load_dataset;
use ml_workflow::modeling::train::train;
use ml_workflow::polars_ext::column_f64;
use ml_workflow::serving::http::{Server, ServerConfig};
use ml_workflow::serving::payload::Frame;
use ml_workflow::serving::{predict, Artifact, Orient};
use serde_json::{json, Value};

const FEATURES: [&str; 6] = ["CHAS", "RM", "TAX", "PTRATIO", "B", "LSTAT"];

/// The chapter's model (GBM, 400 stages), trained once per test binary.
fn artifact() -> &'static Artifact {
    static ARTIFACT: OnceLock<Artifact> = OnceLock::new();
    ARTIFACT.get_or_init(|| {
        let df = load_dataset("boston-housing").expect("boston-housing dataset");
        let report =
            train(&df, &preset("boston-housing").expect("preset"), None).expect("training");
        Artifact::from_report(&report, "boston-housing", "test")
    })
}

/// The first `n` houses of the dataset as a frame holding every column (extras included).
fn houses(n: usize) -> Frame {
    let df = load_dataset("boston-housing").expect("boston-housing dataset");
    let columns: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let values: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| column_f64(&df, c).expect("column"))
        .collect();
    let rows = (0..n)
        .map(|r| values.iter().map(|col| col[r % col.len()]).collect())
        .collect();
    Frame::from_rows(columns, vec![], rows).expect("frame")
}

/// A server on an ephemeral port, running on its own thread for the rest of the test binary.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        start(ServerConfig {
            body_limit: 1 << 20,
            ..Default::default()
        })
    })
}

fn start(config: ServerConfig) -> SocketAddr {
    start_with(artifact().clone(), config)
}

fn start_with(artifact: Artifact, config: ServerConfig) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
            let server = Server::bind(addr, artifact, config).await.expect("bind");
            tx.send(server.local_addr().expect("local addr"))
                .expect("send addr");
            server
                .run_until(std::future::pending())
                .await
                .expect("serve");
        });
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("server started")
}

/// A response: status and body.
struct Reply {
    status: u16,
    /// The status line and headers, lower-cased.
    head: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request over a fresh connection; `content_type` None sends no such header.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write head");
    // A server may answer (413) before reading a huge body; a failed write is then fine.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        head: head.to_ascii_lowercase(),
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

fn post(body: &str) -> Reply {
    request(
        server(),
        "POST",
        "/predict",
        Some("application/json"),
        body.as_bytes(),
    )
}

fn predictions(reply: &Reply) -> Vec<f64> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["prediction"]
        .as_array()
        .expect("prediction array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect()
}

#[test]
fn every_orient_gives_the_library_predictions() {
    let frame = houses(5);
    let expected = predict(artifact(), frame.to_json(Orient::Columns).as_bytes()).expect("predict");
    assert_eq!(expected.prediction.len(), 5);
    let mut bodies: Vec<(String, String)> = Orient::ALL
        .iter()
        .map(|o| (format!("{o:?}"), frame.to_json(*o)))
        .collect();
    let split: Value = serde_json::from_str(&frame.to_json(Orient::Split)).expect("split json");
    let records: Value =
        serde_json::from_str(&frame.to_json(Orient::Records)).expect("records json");
    bodies.push((
        "dataframe_split".into(),
        json!({ "dataframe_split": split }).to_string(),
    ));
    bodies.push((
        "dataframe_records".into(),
        json!({ "dataframe_records": records }).to_string(),
    ));
    bodies.push((
        "instances".into(),
        json!({ "instances": records }).to_string(),
    ));
    for (name, body) in bodies {
        let reply = post(&body);
        assert_eq!(predictions(&reply), expected.prediction, "orient {name}");
    }
}

#[test]
fn different_houses_get_different_correct_answers() {
    // Reference model's answers for dataset rows 0-2 (training scaler): 25.0021, 22.3200, 35.4499.
    let frame = houses(3);
    let columns: Value = serde_json::from_str(&frame.to_json(Orient::Records)).expect("records");
    let mut answers = Vec::new();
    for (row, expected) in columns
        .as_array()
        .expect("rows")
        .iter()
        .zip([25.0021, 22.3200, 35.4499])
    {
        let one_row = json!([row]).to_string();
        let got = predictions(&post(&one_row))[0];
        assert_close(got, expected, 0.05, "one-row prediction");
        answers.push(got);
    }
    assert!(
        answers[0] != answers[1] && answers[1] != answers[2],
        "{answers:?}"
    );
    // The chapter's bug answered 20.353731771344123 for every one-row request.
    assert!(answers.iter().all(|a| (a - 20.353731771344123).abs() > 0.5));
}

#[test]
fn a_batch_of_a_thousand_rows_comes_back_in_order() {
    let frame = houses(1000);
    let reply = post(&frame.to_json(Orient::Split));
    let got = predictions(&reply);
    assert_eq!(got.len(), 1000);
    let expected = predict(artifact(), frame.to_json(Orient::Records).as_bytes()).expect("predict");
    assert_eq!(got, expected.prediction);
    // Rows 0 and 506 are the same house (the frame cycles through the dataset).
    assert_eq!(got[0], got[506]);
    let ignored = reply.json()["ignored_columns"].clone();
    assert!(
        ignored
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c == "MEDV")),
        "{ignored}"
    );
}

#[test]
fn routes_answer_as_documented() {
    let addr = server();
    let health = request(addr, "GET", "/health", None, b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    let card = request(addr, "GET", "/model", None, b"").json();
    assert_eq!(card["features"], json!(FEATURES));
    assert_eq!(card["target"], "MEDV");
    assert_eq!(card["model"]["kind"], "gbm");
    let home = request(addr, "GET", "/", None, b"");
    assert!(home.status == 200 && home.body.contains("/predict") && home.body.contains("LSTAT"));
    post(&houses(2).to_json(Orient::Columns));
    let metrics = request(addr, "GET", "/metrics", None, b"");
    assert!(
        metrics
            .body
            .contains("ml_workflow_requests_total{route=\"/predict\",status=\"200\"}"),
        "{}",
        metrics.body
    );
    assert!(metrics
        .body
        .contains("ml_workflow_request_duration_seconds_bucket"));
    let predicted: f64 = metrics
        .body
        .lines()
        .find_map(|l| l.strip_prefix("ml_workflow_predictions_total "))
        .and_then(|v| v.parse().ok())
        .expect("predictions counter");
    assert!(predicted >= 2.0);
    let missing = request(addr, "GET", "/nope", None, b"");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].as_str().is_some());
    let wrong_method = request(addr, "GET", "/predict", None, b"");
    assert_eq!(wrong_method.status, 405);
    assert!(
        wrong_method.json()["error"].as_str().is_some(),
        "405 without a JSON error"
    );
    for (path, status) in [("/health/live", "alive"), ("/health/ready", "ok")] {
        let reply = request(addr, "GET", path, None, b"");
        assert_eq!(
            (reply.status, reply.json()["status"].clone()),
            (200, json!(status))
        );
    }
}

/// One bad request: name, content type, body, expected status, words the error must contain.
type BadInput = (
    &'static str,
    Option<&'static str>,
    String,
    u16,
    Vec<&'static str>,
);

fn bad_inputs() -> Vec<BadInput> {
    let row = r#"{"CHAS":0,"RM":6.5,"TAX":296,"PTRATIO":15.3,"B":396.9,"LSTAT":4.98}"#;
    let with = |key: &str, value: &str| {
        row.replace(
            &format!("\"{key}\":"),
            &format!("\"{key}\":{value},\"_{key}\":"),
        )
    };
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let wide: String = {
        let cols: Vec<String> = (0..10_000)
            .map(|i| format!("\"c{i}\":{{\"0\":1}}"))
            .collect();
        format!("{{{}}}", cols.join(","))
    };
    let huge = format!("[{}]", vec![row; 20_000].join(","));
    vec![
        ("malformed JSON", Some("application/json"), "{\"RM\": ".into(), 400, vec!["JSON"]),
        ("trailing garbage", Some("application/json"), format!("[{row}] x"), 400, vec!["JSON"]),
        ("empty body", Some("application/json"), "".into(), 400, vec!["empty"]),
        ("whitespace body", Some("application/json"), "  \n".into(), 400, vec!["empty"]),
        ("text content type", Some("text/plain"), format!("[{row}]"), 415, vec!["Content-Type"]),
        ("form content type", Some("application/x-www-form-urlencoded"), "a=1".into(), 415, vec!["JSON"]),
        ("no content type", None, format!("[{row}]"), 415, vec!["Content-Type"]),
        ("bare number", Some("application/json"), "42".into(), 400, vec!["number"]),
        ("bare string", Some("application/json"), "\"RM\"".into(), 400, vec!["string"]),
        ("null body", Some("application/json"), "null".into(), 400, vec!["null"]),
        ("unknown shape", Some("application/json"), r#"{"data": 1}"#.into(), 400, vec!["shape"]),
        ("missing feature", Some("application/json"), format!("[{}]", row.replace(r#","LSTAT":4.98"#, "")), 422, vec!["LSTAT"]),
        ("misspelled feature", Some("application/json"), format!("[{}]", row.replace("LSTAT", "LSTATT")), 422, vec!["LSTAT"]),
        ("string value", Some("application/json"), format!("[{}]", row.replace("6.5", "\"six\"")), 422, vec!["RM"]),
        ("numeric string", Some("application/json"), format!("[{}]", row.replace("6.5", "\"6.5\"")), 422, vec!["RM"]),
        ("bool value", Some("application/json"), format!("[{}]", row.replace("6.5", "true")), 422, vec!["RM"]),
        ("-Infinity literal", Some("application/json"), format!("[{}]", row.replace("6.5", "-Infinity")), 422, vec!["RM", "finite"]),
        ("Infinity literal", Some("application/json"), format!("[{}]", row.replace("6.5", "Infinity")), 422, vec!["RM", "finite"]),
        ("overflowing number", Some("application/json"), format!("[{}]", row.replace("6.5", "1e999")), 422, vec!["RM", "overflows"]),
        ("nested object value", Some("application/json"), format!("[{}]", row.replace("6.5", "{\"a\":1}")), 422, vec!["RM"]),
        ("array value", Some("application/json"), format!("[{}]", row.replace("6.5", "[6.5]")), 422, vec!["RM"]),
        ("unequal rows (split)", Some("application/json"),
            r#"{"columns":["CHAS","RM","TAX","PTRATIO","B","LSTAT"],"index":[0,1],"data":[[0,6.5,296,15.3,396.9,4.98],[0,6.4,242]]}"#.into(), 422, vec!["row"]),
        ("index labels differ between columns", Some("application/json"),
            r#"{"CHAS":{"0":0},"RM":{"1":6.5},"TAX":{"0":296},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}"#.into(), 422, vec!["RM"]),
        ("duplicate keys", Some("application/json"), format!("[{}]", row.replace("\"RM\":6.5", "\"RM\":6.5,\"RM\":7.1")), 422, vec!["RM"]),
        ("zero rows (records)", Some("application/json"), "[]".into(), 422, vec!["no rows"]),
        ("zero rows (split)", Some("application/json"),
            r#"{"columns":["CHAS","RM","TAX","PTRATIO","B","LSTAT"],"index":[],"data":[]}"#.into(), 422, vec!["no rows"]),
        ("ten thousand columns", Some("application/json"), wide, 422, vec!["columns"]),
        ("body over the limit", Some("application/json"), huge, 413, vec!["limit"]),
        ("deeply nested arrays", Some("application/json"), deep, 400, vec!["JSON"]),
        ("records of scalars", Some("application/json"), "[1, 2, 3]".into(), 400, vec!["shape"]),
        ("split without data", Some("application/json"), r#"{"columns":["RM"],"index":[0]}"#.into(), 400, vec!["shape"]),
        ("extra value in a split row", Some("application/json"),
            r#"{"columns":["CHAS","RM","TAX","PTRATIO","B","LSTAT"],"index":[0],"data":[[0,6.5,296,15.3,396.9,4.98,1]]}"#.into(), 422, vec!["row"]),
        ("control character in a key", Some("application/json"), "[{\"R\u{1}M\": 1}]".replace("\\u{1}", "\u{1}"), 400, vec!["JSON"]),
        ("hex number", Some("application/json"), format!("[{}]", row.replace("296", "0x128")), 400, vec!["JSON"]),
        ("duplicate column in split", Some("application/json"),
            r#"{"columns":["RM","RM","CHAS","TAX","PTRATIO","B","LSTAT"],"index":[0],"data":[[6.5,6.5,0,296,15.3,396.9,4.98]]}"#.into(), 422, vec!["RM"]),
        ("value via key shadow", Some("application/json"), format!("[{}]", with("RM", "\"x\"")), 422, vec!["RM"]),
    ]
}

#[test]
fn bad_inputs_get_a_4xx_that_names_the_problem_and_the_server_keeps_serving() {
    let cases = bad_inputs();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let good = houses(1).to_json(Orient::Columns);
    let expected = predictions(&post(&good));
    let mut failures = Vec::new();
    for (name, content_type, body, status, words) in cases {
        let reply = request(server(), "POST", "/predict", content_type, body.as_bytes());
        let message = serde_json::from_str::<Value>(&reply.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_string))
            .unwrap_or_default();
        let named = words
            .iter()
            .all(|w| message.to_lowercase().contains(&w.to_lowercase()));
        if reply.status != status || !named {
            failures.push(format!(
                "{name}: {} {:?} (wanted {status} naming {words:?})",
                reply.status, reply.body
            ));
        }
        // The server still answers a good request after each bad one.
        assert_eq!(predictions(&post(&good)), expected, "after {name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_extra_column_is_ignored_with_a_warning_not_refused() {
    let row = r#"{"CHAS":0,"RM":6.5,"TAX":296,"PTRATIO":15.3,"B":396.9,"LSTAT":4.98}"#;
    let plain = post(&format!("[{row}]"));
    let extra = post(&format!("[{}]", row.replace("{", r#"{"house_id":17,"#)));
    assert_eq!(extra.status, 200, "{}", extra.body);
    assert_eq!(predictions(&extra), predictions(&plain));
    let answer = extra.json();
    assert_eq!(answer["ignored_columns"], json!(["house_id"]));
    let warning = answer["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warning.contains("\"house_id\"") && warning.contains("ignored"),
        "{warning}"
    );
    assert!(plain.json()["warnings"].is_null());
}

#[test]
fn a_smaller_body_limit_is_enforced() {
    let addr = start(ServerConfig {
        body_limit: 2_000,
        ..Default::default()
    });
    let frame = houses(100);
    let reply = request(
        addr,
        "POST",
        "/predict",
        Some("application/json"),
        frame.to_json(Orient::Split).as_bytes(),
    );
    assert_eq!(reply.status, 413, "{}", reply.body);
    let small = houses(1).to_json(Orient::Records);
    assert_eq!(
        request(
            addr,
            "POST",
            "/predict",
            Some("application/json"),
            small.as_bytes()
        )
        .status,
        200
    );
}

#[test]
fn shutdown_finishes_the_request_in_flight_then_stops_listening() {
    let artifact = artifact().clone();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
            let server = Server::bind(addr, artifact, ServerConfig::default())
                .await
                .expect("bind");
            addr_tx
                .send(server.local_addr().expect("local addr"))
                .expect("send addr");
            server
                .run_until(async {
                    let _ = stop_rx.await;
                })
                .await
        })
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("server started");
    let body = houses(1).to_json(Orient::Records);
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    // The head now, the body after the shutdown has begun: the request is in flight.
    let head = format!(
        "POST /predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    std::thread::sleep(Duration::from_millis(500));
    stop_tx.send(()).expect("stop");
    std::thread::sleep(Duration::from_millis(500));
    stream.write_all(body.as_bytes()).expect("write body");
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(raw.contains("\"prediction\":["), "{raw}");
    server
        .join()
        .expect("server thread")
        .expect("clean shutdown");
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after shutdown"
    );
}

#[test]
fn artifact_round_trip_is_bit_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("models/model.json");
    artifact().save(&path).expect("save");
    let loaded = Artifact::load(&path).expect("load");
    let body = houses(506).to_json(Orient::Split);
    let before = predict(artifact(), body.as_bytes()).expect("predict");
    let after = predict(&loaded, body.as_bytes()).expect("predict");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&before.prediction), bits(&after.prediction));
    // Saving the loaded artifact writes the same bytes.
    let again = dir.path().join("again.json");
    loaded.save(&again).expect("save again");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        std::fs::read(&again).expect("read")
    );
}

#[test]
fn a_one_byte_change_is_detected() {
    let text = artifact().to_json().expect("json");
    // Change one character of the first tree's compact nodes (a bit of a leaf or a split).
    let at = text.find("\"data\":\"").expect("compact nodes") + "\"data\":\"".len() + 12;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let err = Artifact::from_json(&bytes)
        .expect_err("tampered artifact accepted")
        .to_string();
    assert!(err.contains("checksum mismatch"), "{err}");
}

#[test]
fn truncated_foreign_and_newer_artifacts_are_refused_with_reasons() {
    let text = artifact().to_json().expect("json");
    let truncated = Artifact::from_json(&text.as_bytes()[..text.len() / 2])
        .expect_err("truncated")
        .to_string();
    assert!(truncated.contains("truncated"), "{truncated}");
    let foreign = Artifact::from_json(br#"{"model": "pickle"}"#)
        .expect_err("foreign")
        .to_string();
    assert!(
        foreign.contains("not an ml-workflow model artifact"),
        "{foreign}"
    );
    let version = ml_workflow::serving::artifact::FORMAT_VERSION;
    let newer = text.replacen(
        &format!("\"format_version\":{version}"),
        &format!("\"format_version\":{}", version + 1),
        1,
    );
    assert_ne!(newer, text);
    let err = Artifact::from_json(newer.as_bytes())
        .expect_err("newer")
        .to_string();
    assert!(err.contains("newer") && err.contains("upgrade"), "{err}");
    // Sealed but inconsistent: one feature fewer than the scaler and the model take.
    let mut short = artifact().clone();
    short.features.pop();
    let text = short.to_json().expect("json");
    let err = Artifact::from_json(text.as_bytes())
        .expect_err("inconsistent")
        .to_string();
    assert!(
        err.contains("not the preprocessing's input columns"),
        "{err}"
    );
    let mut none = artifact().clone();
    none.features.clear();
    let err = Artifact::from_json(none.to_json().expect("json").as_bytes())
        .expect_err("no features")
        .to_string();
    assert!(err.contains("no features"), "{err}");
}

#[test]
fn non_finite_predictions_are_refused_for_each_linear_model() {
    let df = load_dataset("boston-housing").expect("boston-housing dataset");
    // Every feature near f64::MAX: finite input, but the linear sum overflows.
    let huge = format!(
        "{{{}}}",
        FEATURES
            .iter()
            .map(|f| format!("\"{f}\":{{\"tract-7\":1e308}}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    for name in ["linear", "lasso", "elastic-net"] {
        let mut config = preset("boston-housing").expect("preset");
        config.model = ml_workflow::modeling::ModelSpec::from_name(name).expect("model");
        config.grid = Default::default();
        config.final_params = None;
        let report = train(&df, &config, None).expect("training");
        let artifact = Artifact::from_report(&report, "boston-housing", "test");

        let err = predict(&artifact, huge.as_bytes()).expect_err(name);
        assert!(
            matches!(&err, ml_workflow::serving::PredictError::NotFinite { row, .. } if row == "tract-7"),
            "{name}: {err}"
        );

        let addr = start_with(
            artifact,
            ServerConfig {
                body_limit: 1 << 20,
                ..Default::default()
            },
        );
        let reply = request(
            addr,
            "POST",
            "/predict",
            Some("application/json"),
            huge.as_bytes(),
        );
        assert_eq!(reply.status, 422, "{name}: {}", reply.body);
        let message = reply.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            message.contains("tract-7") && message.contains("not a finite number"),
            "{name}: {message}"
        );
    }
}

#[test]
fn oversized_and_non_regular_artifact_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A 1 GiB sparse file: refused from its size alone, nothing read into memory.
    let sparse = dir.path().join("huge.json");
    std::fs::File::create(&sparse)
        .and_then(|f| f.set_len(1 << 30))
        .expect("sparse file");
    let err = Artifact::load(&sparse).expect_err("1 GiB").to_string();
    assert!(err.contains("over the limit"), "{err}");

    let real = dir.path().join("model.json");
    artifact().save(&real).expect("save");
    let size = std::fs::metadata(&real).expect("metadata").len();
    assert!(Artifact::load_limited(&real, size).is_ok());
    let err = Artifact::load_limited(&real, size - 1)
        .expect_err("one byte over")
        .to_string();
    assert!(err.contains("over the limit"), "{err}");

    let err = Artifact::load(dir.path())
        .expect_err("a folder")
        .to_string();
    assert!(err.contains("not a regular file"), "{err}");
}

fn predictions_of(value: &Value, key: &str) -> Vec<f64> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key:?} in {value}"))
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

#[test]
fn mlflow_routes_answer_as_mlflow_serve_does() {
    let addr = server();
    let frame = houses(4);
    let expected = predictions(&post(&frame.to_json(Orient::Columns)));
    let ping = request(addr, "GET", "/ping", None, b"");
    assert_eq!(ping.status, 200);
    let version = request(addr, "GET", "/version", None, b"");
    assert_eq!(version.body.trim(), env!("CARGO_PKG_VERSION"));

    let split = frame.to_json(Orient::Split);
    let records = frame.to_json(Orient::Records);
    let bodies = [
        format!(r#"{{"dataframe_split":{split},"params":{{"temperature":1}}}}"#),
        format!(r#"{{"params":{{}},"dataframe_records":{records}}}"#),
        format!(r#"{{"instances":{records}}}"#),
        format!(r#"{{"inputs":{records}}}"#),
    ];
    for body in &bodies {
        let reply = request(
            addr,
            "POST",
            "/invocations",
            Some("application/json"),
            body.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{body}: {}", reply.body);
        assert_eq!(
            predictions_of(&reply.json(), "predictions"),
            expected,
            "{body}"
        );
    }
    // Columnar inputs, and CSV with quoted names and an extra column.
    let columns: Vec<String> = frame
        .columns
        .iter()
        .map(|c| {
            let values: Vec<String> = frame
                .numbers(c)
                .unwrap()
                .iter()
                .map(|v| v.to_string())
                .collect();
            format!("\"{c}\":[{}]", values.join(","))
        })
        .collect();
    let lists = format!(r#"{{"inputs":{{{}}}}}"#, columns.join(","));
    let reply = request(
        addr,
        "POST",
        "/invocations",
        Some("application/json"),
        lists.as_bytes(),
    );
    assert_eq!(
        predictions_of(&reply.json(), "predictions"),
        expected,
        "{}",
        reply.body
    );
    let mut csv = frame
        .columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(",");
    for r in 0..frame.n_rows() {
        let row: Vec<String> = frame
            .columns
            .iter()
            .map(|c| frame.numbers(c).unwrap()[r].to_string())
            .collect();
        csv.push_str(&format!("\n{}", row.join(",")));
    }
    let reply = request(
        addr,
        "POST",
        "/invocations",
        Some("text/csv"),
        csv.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(predictions_of(&reply.json(), "predictions"), expected);
    let bad = request(
        addr,
        "POST",
        "/invocations",
        Some("text/csv"),
        b"RM,LSTAT\n6.5,\n",
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("LSTAT"), "{}", bad.body);

    // Every answer says which model gave it.
    let answered = post(&frame.to_json(Orient::Records));
    assert!(
        answered.head.contains("x-model-name: boston-housing"),
        "{}",
        answered.head
    );
    let version = &artifact().version;
    assert!(
        answered
            .head
            .contains(&format!("x-model-version: {version}")),
        "{}",
        answered.head
    );
    assert_eq!(version.len(), 12, "a short content hash");
}

#[test]
fn v2_routes_speak_the_open_inference_protocol() {
    let addr = server();
    let frame = houses(3);
    let expected = predictions(&post(&frame.to_json(Orient::Columns)));
    let name = &artifact().name;
    let version = &artifact().version;
    assert_eq!(
        request(addr, "GET", "/v2", None, b"").json()["name"],
        "ml-workflow"
    );
    for path in ["/v2/health/live", "/v2/health/ready"] {
        assert_eq!(request(addr, "GET", path, None, b"").status, 200, "{path}");
    }
    let metadata = request(addr, "GET", &format!("/v2/models/{name}"), None, b"").json();
    let inputs: Vec<&str> = metadata["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(inputs, FEATURES);
    assert_eq!(metadata["versions"], json!([version]));
    let ready = request(addr, "GET", &format!("/v2/models/{name}/ready"), None, b"");
    assert_eq!(ready.status, 200);

    let rows: Vec<Vec<f64>> = (0..3)
        .map(|r| {
            FEATURES
                .iter()
                .map(|f| frame.numbers(f).unwrap()[r])
                .collect()
        })
        .collect();
    let matrix = json!({"id": "q-1", "inputs": [
        {"name": "x", "shape": [3, 6], "datatype": "FP64", "data": rows}
    ]});
    let reply = request(
        addr,
        "POST",
        &format!("/v2/models/{name}/versions/{version}/infer"),
        Some("application/json"),
        matrix.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = reply.json();
    assert_eq!(answer["id"], "q-1");
    assert_eq!(answer["model_version"], json!(version));
    assert_eq!(answer["outputs"][0]["shape"], json!([3]));
    assert_eq!(predictions_of(&answer["outputs"][0], "data"), expected);

    let per_feature: Vec<Value> = FEATURES
        .iter()
        .map(|f| json!({"name": f, "shape": [3], "datatype": "FP64", "data": frame.numbers(f).unwrap()}))
        .collect();
    let body = json!({ "inputs": per_feature }).to_string();
    let reply = request(
        addr,
        "POST",
        &format!("/v2/models/{name}/infer"),
        Some("application/json"),
        body.as_bytes(),
    );
    assert_eq!(
        predictions_of(&reply.json()["outputs"][0], "data"),
        expected
    );

    let missing = request(
        addr,
        "POST",
        "/v2/models/nope/infer",
        Some("application/json"),
        body.as_bytes(),
    );
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].as_str().unwrap().contains("nope"));
    let wrong =
        json!({"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [1.0, 2.0]}]});
    let reply = request(
        addr,
        "POST",
        &format!("/v2/models/{name}/infer"),
        Some("application/json"),
        wrong.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.json()["error"].as_str().unwrap().contains("\"x\""),
        "{}",
        reply.body
    );
    let bytes =
        json!({"inputs": [{"name": "RM", "shape": [1], "datatype": "BYTES", "data": ["a"]}]});
    let reply = request(
        addr,
        "POST",
        &format!("/v2/models/{name}/infer"),
        Some("application/json"),
        bytes.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[test]
fn request_ids_are_echoed_or_made() {
    let addr = server();
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: t\r\nX-Request-Id: trace-42\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    assert!(
        raw.to_ascii_lowercase().contains("x-request-id: trace-42"),
        "{raw}"
    );
    let made: Vec<String> = (0..2)
        .map(|_| {
            let reply = request(addr, "GET", "/health/live", None, b"");
            reply
                .head
                .lines()
                .find_map(|l| l.strip_prefix("x-request-id: "))
                .expect("an x-request-id")
                .to_string()
        })
        .collect();
    assert_ne!(made[0], made[1], "two requests, one id");
}

#[test]
fn openapi_lists_every_route_and_the_models_features() {
    let addr = server();
    let doc = request(addr, "GET", "/openapi.json", None, b"").json();
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for route in [
        "/",
        "/predict",
        "/health/live",
        "/health/ready",
        "/model",
        "/metrics",
        "/openapi.json",
        "/ping",
        "/version",
        "/invocations",
        "/v2",
        "/v2/health/live",
        "/v2/health/ready",
        "/v2/models/{name}",
        "/v2/models/{name}/versions/{version}",
        "/v2/models/{name}/ready",
        "/v2/models/{name}/infer",
        "/v2/models/{name}/versions/{version}/infer",
    ] {
        assert!(paths.contains(&route), "{route} missing from {paths:?}");
    }
    let features = &doc["components"]["schemas"]["Features"];
    let properties: Vec<&str> = features["properties"]
        .as_object()
        .expect("the model's features")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = FEATURES.to_vec();
    expected.sort_unstable();
    let mut got = properties.clone();
    got.sort_unstable();
    assert_eq!(got, expected);
    assert_eq!(
        features["required"].as_array().map(Vec::len),
        Some(FEATURES.len())
    );
}

#[test]
fn metrics_are_per_route_and_name_the_model_the_build_and_the_process() {
    let addr = server();
    post(&houses(1).to_json(Orient::Records));
    request(addr, "GET", "/health/live", None, b"");
    request(addr, "GET", "/openapi.json", None, b"");
    let text = request(addr, "GET", "/metrics", None, b"").body;
    for needle in [
        "ml_workflow_request_duration_seconds_count{route=\"/predict\"}",
        "ml_workflow_request_duration_seconds_count{route=\"/health/live\"}",
        "ml_workflow_request_duration_seconds_count{route=\"/openapi.json\"}",
        &format!(
            "ml_workflow_model_info{{name=\"boston-housing\",version=\"{}\",kind=\"gbm\"}} 1",
            artifact().version
        ),
        &format!(
            "ml_workflow_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        ),
        "process_resident_memory_bytes ",
        "process_open_fds ",
        "process_cpu_seconds_total ",
        "# EOF",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn the_home_pages_example_uses_the_address_the_client_reached() {
    let addr = server();
    let page = request(addr, "GET", "/", None, b"").body;
    assert!(page.contains(&format!("http://{addr}/predict")), "{page}");
    // A Host that is not a plain address (it comes from the client) is never echoed.
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: <script>x</script>\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("<script>x"), "{text}");
}

/// A classifier on penguins (logistic, no folds), served.
fn classifier_server() -> SocketAddr {
    let dir = std::env::var("ML_WORKFLOW_DATA")
        .unwrap_or_else(|_| format!("{}/../shared/data", env!("CARGO_MANIFEST_DIR")));
    let df = ml_workflow::ingest::csv::CsvReader::new()
        .read(format!("{dir}/penguins.csv"))
        .expect("penguins.csv");
    let config = ml_workflow::modeling::train::TrainConfig::for_target("species")
        .model("logistic")
        .expect("logistic")
        .folds(0);
    let report = ml_workflow::modeling::train::train_classifier(&df, &config).expect("classifier");
    start_with(
        Artifact::from_classifier_report(&report, "penguins", "test"),
        ServerConfig::default(),
    )
}

#[test]
fn a_served_classifier_answers_labels_and_probabilities_on_every_protocol() {
    let addr = classifier_server();
    let row = r#"{"island":"Dream","bill_length_mm":50,"bill_depth_mm":19,"flipper_length_mm":200,"body_mass_g":3800,"sex":"female","year":2008}"#;
    let post = |path: &str, body: &str| {
        request(
            addr,
            "POST",
            path,
            Some("application/json"),
            body.as_bytes(),
        )
    };
    let own = post("/predict", &format!("[{row}]")).json();
    assert_eq!(own["prediction"], json!(["Chinstrap"]));
    let probabilities = &own["probabilities"][0];
    assert_eq!(probabilities.as_array().map(Vec::len), Some(3));
    // MLflow: labels, or the probabilities when params ask for predict_proba.
    let labels = post(
        "/invocations",
        &format!(r#"{{"dataframe_records":[{row}]}}"#),
    )
    .json();
    assert_eq!(labels["predictions"], json!(["Chinstrap"]));
    let proba = post(
        "/invocations",
        &format!(
            r#"{{"dataframe_records":[{row}],"params":{{"predict_method":"predict_proba"}}}}"#
        ),
    )
    .json();
    assert_eq!(&proba["predictions"][0], probabilities);
    let refused = post(
        "/invocations",
        &format!(r#"{{"dataframe_records":[{row}],"params":{{"predict_method":"predict_log"}}}}"#),
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    // v2: both outputs, listed in the metadata.
    let metadata = request(addr, "GET", "/v2/models/penguins", None, b"").json();
    assert_eq!(metadata["outputs"][1]["name"], "predict_proba");
    let card = request(addr, "GET", "/model", None, b"").json();
    assert_eq!(card["task"], "classification");
    // OpenAPI describes the labels (one of the classes) and the probabilities.
    let doc = request(addr, "GET", "/openapi.json", None, b"").json();
    let answer = &doc["components"]["schemas"]["PredictionBody"]["properties"];
    assert_eq!(
        answer["prediction"]["items"]["enum"],
        json!(["Adelie", "Chinstrap", "Gentoo"])
    );
    assert_eq!(answer["probabilities"]["items"]["maxItems"], 3);
    // v2 `outputs` picks among them, in the order asked; an unknown name is a 400 naming it.
    let tensors = r#""inputs":[
        {"name":"island","shape":[1],"datatype":"BYTES","data":["Dream"]},
        {"name":"bill_length_mm","shape":[1],"datatype":"FP64","data":[50]},
        {"name":"bill_depth_mm","shape":[1],"datatype":"FP64","data":[19]},
        {"name":"flipper_length_mm","shape":[1],"datatype":"FP64","data":[200]},
        {"name":"body_mass_g","shape":[1],"datatype":"FP64","data":[3800]},
        {"name":"sex","shape":[1],"datatype":"BYTES","data":["female"]},
        {"name":"year","shape":[1],"datatype":"INT64","data":[2008]}]"#;
    let infer = |outputs: &str| {
        post(
            "/v2/models/penguins/infer",
            &format!("{{{tensors}{outputs}}}"),
        )
    };
    let both = infer("").json();
    let names = |v: &Value| -> Vec<String> {
        v["outputs"]
            .as_array()
            .map(|o| {
                o.iter()
                    .map(|t| t["name"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(names(&both), ["predict", "predict_proba"]);
    let proba_only = infer(r#","outputs":[{"name":"predict_proba"}]"#).json();
    assert_eq!(names(&proba_only), ["predict_proba"]);
    assert_eq!(proba_only["outputs"][0]["data"], *probabilities);
    let reversed = infer(r#","outputs":[{"name":"predict_proba"},{"name":"predict"}]"#).json();
    assert_eq!(names(&reversed), ["predict_proba", "predict"]);
    let unknown = infer(r#","outputs":[{"name":"probabilities"}]"#);
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let error = unknown.json()["error"].as_str().unwrap_or("").to_string();
    assert!(
        error.contains("\"probabilities\"") && error.contains("predict_proba"),
        "{error}"
    );
}

#[test]
fn predict_proba_is_refused_for_a_regressor() {
    let addr = server();
    let records = houses(1).to_json(Orient::Records);
    let body = format!(
        r#"{{"dataframe_records":{records},"params":{{"predict_method":"predict_proba"}}}}"#
    );
    let reply = request(
        addr,
        "POST",
        "/invocations",
        Some("application/json"),
        body.as_bytes(),
    );
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("regressor"), "{}", reply.body);
}

/// `tests/fixtures/format-2/`: a regression artifact written by the last release that wrote
/// format 2 (its README says how), the rows it was asked and what it answered then.
fn format_2_fixture() -> (Artifact, Vec<u8>, Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/format-2");
    let artifact = Artifact::load(dir.join("houses-gbm.json")).expect("a format-2 artifact loads");
    let rows = std::fs::read(dir.join("rows.json")).expect("rows.json");
    let answer = std::fs::read_to_string(dir.join("answer.json")).expect("answer.json");
    let answer: Value = serde_json::from_str(&answer).expect("answer.json is JSON");
    (artifact, rows, answer)
}

#[test]
fn a_format_2_artifact_still_loads_and_serves_what_it_answered_when_written() {
    let (artifact, rows, then) = format_2_fixture();
    assert_eq!(artifact.format_version, 2);
    assert!(artifact.classes.is_none(), "a regressor");
    let now = serde_json::to_value(predict(&artifact, &rows).expect("predict")).expect("json");
    let (then, now_values) = (&then["prediction"], &now["prediction"]);
    assert_eq!(then.as_array().map(Vec::len), Some(4));
    // The same numbers, to the last bit of their JSON form.
    assert_eq!(now_values, then);
    // Today's answer adds what that build did not say: the city it never saw.
    assert_eq!(now["unseen_categories"], json!({"city": 1}));
    let addr = start_with(artifact, ServerConfig::default());
    let served = request(addr, "POST", "/predict", Some("application/json"), &rows).json();
    assert_eq!(&served["prediction"], then);
}

#[test]
fn explain_answers_shap_values_that_add_up_to_the_predictions() {
    let rows = r#"[{"CHAS":0,"RM":6.5,"TAX":296,"PTRATIO":15.3,"B":396.9,"LSTAT":4.98},
                  {"CHAS":1,"RM":5.9,"TAX":400,"PTRATIO":20.2,"B":380.0,"LSTAT":17.1}]"#;
    let predicted = predictions(&post(rows));
    let reply = request(
        server(),
        "POST",
        "/explain",
        Some("application/json"),
        rows.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let e = reply.json();
    assert_eq!(e["columns"], json!(FEATURES));
    for (i, p) in predicted.iter().enumerate() {
        let sum: f64 = e["values"][i]
            .as_array()
            .expect("a row of values")
            .iter()
            .filter_map(Value::as_f64)
            .sum();
        let total = e["base_value"].as_f64().expect("base value") + sum;
        assert!(
            (total - p).abs() < 1e-9 * p.abs().max(1.0),
            "{total} vs {p}"
        );
    }
    let csv = "CHAS,RM,TAX,PTRATIO,B,LSTAT\n0,6.5,296,15.3,396.9,4.98\n";
    let reply = request(
        server(),
        "POST",
        "/explain",
        Some("text/csv"),
        csv.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["values"][0], e["values"][0]);
    // A model Tree SHAP does not cover yet: 501, saying which models it covers.
    let df = load_dataset("height-weight").expect("height-weight dataset");
    let report = train(&df, &preset("height-weight").expect("preset"), None).expect("training");
    let linear = start_with(
        Artifact::from_report(&report, "height-weight", "test"),
        ServerConfig::default(),
    );
    let reply = request(
        linear,
        "POST",
        "/explain",
        Some("application/json"),
        br#"[{"Height": 70}]"#,
    );
    assert_eq!(reply.status, 501, "{}", reply.body);
    assert!(reply.body.contains("gradient boosting"), "{}", reply.body);
}
