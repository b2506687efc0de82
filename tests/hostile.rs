//! The server against hostile clients, as a separate process (so that signals, its resident
//! memory and `--threads 1` are real): slow and stalled clients, connection and concurrency
//! caps, large bodies, SIGTERM mid-request, and big batches beside health checks. Every loop
//! here is bounded in count and time, and every connection goes to 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use ml_workflow::datasets::preset;
use ml_workflow::ingest::load_dataset;
use ml_workflow::modeling::train::train;
use ml_workflow::serving::Artifact;

/// The chapter's model, saved once per test binary.
fn model_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let df = load_dataset("boston-housing").expect("boston-housing dataset");
        let report = train(&df, &preset("boston-housing").expect("preset"), None).expect("train");
        let path = std::env::temp_dir().join(format!("hostile-{}.json", std::process::id()));
        Artifact::from_report(&report, "boston-housing", "test")
            .save(&path)
            .expect("save");
        path.to_string_lossy().into_owned()
    })
}

/// A server process and the address it listens on; killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(flags: &[&str]) -> Served {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ml-workflow"));
    command.args(["serve", "--model", model_path(), "--addr", "127.0.0.1:0"]);
    serve_command(command, flags)
}

/// Starts `command` (a `serve` command line) with `flags`; waits for its address.
fn serve_command(mut command: Command, flags: &[&str]) -> Served {
    let mut child = command
        .args(flags)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the server");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    // Keeps reading to the end, so the server never blocks on a full pipe.
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on http://".len()..];
                let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server said where it listens")
        .parse()
        .expect("an address");
    Served { child, addr }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .expect("write timeout");
    stream
}

/// Reads until the server closes the connection (or 10 s pass); returns what came and when.
fn read_to_close(stream: &mut TcpStream, started: Instant) -> (String, Duration) {
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&reply).into_owned(),
        started.elapsed(),
    )
}

/// One request on a fresh connection with `Connection: close`; status, headers and body.
fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut stream = connect(addr);
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let (reply, _) = read_to_close(&mut stream, Instant::now());
    (status_of(&reply), reply)
}

/// GET `path` on an open keep-alive connection; the whole answer (read by its length).
fn get_on(stream: &mut TcpStream, path: &str) -> String {
    let _ = stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes());
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&reply);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_string())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if reply.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&reply).into_owned()
}

fn status_of(reply: &str) -> u16 {
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn metric(addr: SocketAddr, name: &str) -> f64 {
    let (_, text) = request(addr, "GET", "/metrics", b"");
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// A pandas `records` body of `rows` copies of the chapter's row.
fn batch(rows: usize) -> Vec<u8> {
    let row = r#"{"CHAS":0,"RM":6.575,"TAX":296,"PTRATIO":15.3,"B":396.9,"LSTAT":4.98}"#;
    format!("[{}]", vec![row; rows].join(",")).into_bytes()
}

#[test]
fn slow_stalled_and_idle_clients_are_cut_off() {
    let server = serve(&["--header-timeout", "1s", "--body-timeout", "1s"]);
    let addr = server.addr;

    // A partial header, then silence.
    let started = Instant::now();
    let mut partial = connect(addr);
    partial.write_all(b"GET /health HTTP/1.1\r\nHost:").unwrap();
    let (_, partial_after) = read_to_close(&mut partial, started);

    // A header sent one byte every 100 ms: it never completes within the timeout.
    let started = Instant::now();
    let mut slow = connect(addr);
    let mut writer = slow.try_clone().unwrap();
    let trickle = thread::spawn(move || {
        let header = b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        for byte in header {
            if writer.write_all(&[*byte]).is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let (slow_reply, slow_after) = read_to_close(&mut slow, started);
    let _ = trickle.join();

    // A body that stalls after 10 of its 1,000 bytes.
    let started = Instant::now();
    let mut stalled = connect(addr);
    stalled
        .write_all(b"POST /predict HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"RM\":{\"0\"")
        .unwrap();
    let (stalled_reply, stalled_after) = read_to_close(&mut stalled, started);

    // An idle keep-alive connection after one answered request.
    let mut idle = connect(addr);
    idle.write_all(b"GET /health/live HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let (idle_reply, idle_after) = read_to_close(&mut idle, started);

    let within = |d: Duration| d >= Duration::from_millis(700) && d <= Duration::from_secs(4);
    assert!(
        within(partial_after),
        "partial header held {partial_after:?}"
    );
    assert!(within(slow_after), "slow header held {slow_after:?}");
    assert!(!slow_reply.contains("200 OK"), "{slow_reply}");
    assert!(within(stalled_after), "stalled body held {stalled_after:?}");
    assert_eq!(status_of(&stalled_reply), 408, "{stalled_reply}");
    assert!(stalled_reply.contains("\"error\""), "{stalled_reply}");
    assert_eq!(status_of(&idle_reply), 200, "{idle_reply}");
    assert!(within(idle_after), "idle keep-alive held {idle_after:?}");

    assert!(metric(addr, "ml_workflow_cutoffs_total{reason=\"header_timeout\"}") >= 2.0);
    assert!(metric(addr, "ml_workflow_cutoffs_total{reason=\"body_timeout\"}") >= 1.0);
}

#[test]
fn over_the_caps_requests_are_shed_connections_refused_and_health_stays_fast() {
    let server = serve(&[
        "--max-connections",
        "6",
        "--max-inflight",
        "2",
        "--header-timeout",
        "20s",
        "--body-timeout",
        "20s",
    ]);
    let addr = server.addr;
    // A keep-alive connection for the probes, opened first.
    let mut probe = connect(addr);
    // Two requests whose bodies never finish hold both places in flight.
    let held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = connect(addr);
            s.write_all(b"POST /predict HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
                .unwrap();
            s
        })
        .collect();
    thread::sleep(Duration::from_millis(300));
    let (status, reply) = request(addr, "POST", "/predict", &batch(1));
    assert_eq!(status, 503, "{reply}");
    assert!(
        reply.to_ascii_lowercase().contains("retry-after: 1"),
        "{reply}"
    );
    assert!(reply.contains("limit of 2 requests"), "{reply}");

    let mut probe_ms = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        probe
            .write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = probe.read(&mut buf).unwrap();
        probe_ms.push(started.elapsed().as_secs_f64() * 1e3);
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    }

    // Fill the connection cap (probe + 2 held + 3 idle = 6), then one more is closed at once.
    // The shed request's connection must be gone first: on a loaded machine it can still hold
    // its place when the idle ones arrive, and the last idle one is then refused instead.
    wait_for_open_connections(&mut probe, 3);
    let idle: Vec<TcpStream> = (0..3).map(|_| connect(addr)).collect();
    wait_for_open_connections(&mut probe, 6);
    // A connection that was closing a moment ago may still free a place: try a few times.
    let mut refused = None;
    for _ in 0..10 {
        let started = Instant::now();
        let mut extra = connect(addr);
        let _ = extra.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        let (reply, after) = read_to_close(&mut extra, started);
        if reply.is_empty() {
            refused = Some(after);
            break;
        }
        thread::sleep(Duration::from_millis(200));
    }
    let refused_after = refused.expect("a connection over the cap was served");
    assert!(refused_after < Duration::from_secs(2), "{refused_after:?}");

    // The probe connection still answers within 100 ms.
    let started = Instant::now();
    probe
        .write_all(b"GET /health/ready HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = probe.read(&mut buf).unwrap();
    probe_ms.push(started.elapsed().as_secs_f64() * 1e3);
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        probe_ms.iter().all(|ms| *ms < 100.0),
        "health took {probe_ms:?} ms"
    );
    drop((held, idle, probe));
    thread::sleep(Duration::from_millis(300));
    assert!(metric(addr, "ml_workflow_cutoffs_total{reason=\"shed\"}") >= 1.0);
    assert!(
        metric(
            addr,
            "ml_workflow_cutoffs_total{reason=\"connection_refused\"}"
        ) >= 1.0
    );
}

/// Waits (at most 5 s) until the server reports `n` open connections; fails naming the count
/// it saw last.
fn wait_for_open_connections(probe: &mut TcpStream, n: usize) {
    let want = format!("ml_workflow_open_connections {n}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = String::new();
    while Instant::now() < deadline {
        let metrics = get_on(probe, "/metrics");
        if metrics.lines().any(|l| l == want) {
            return;
        }
        seen = metrics
            .lines()
            .find(|l| l.starts_with("ml_workflow_open_connections"))
            .unwrap_or("no open-connections gauge")
            .to_string();
        thread::sleep(Duration::from_millis(50));
    }
    panic!("waited 5 s for {n} open connections; the server reports {seen:?}");
}

/// The server's resident memory, from /proc.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[cfg(target_os = "linux")]
#[test]
fn many_clients_holding_large_bodies_keep_memory_bounded() {
    const CLIENTS: usize = 64;
    let server = serve(&[
        "--max-inflight",
        "4",
        "--max-connections",
        "256",
        "--body-timeout",
        "20s",
        "--header-timeout",
        "20s",
    ]);
    let addr = server.addr;
    let before = rss_mib(server.child.id());
    let almost = vec![b'1'; (1 << 20) - 2];
    let holders: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let almost = almost.clone();
            thread::spawn(move || {
                let mut s = connect(addr);
                let head = "POST /predict HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1048575\r\n\r\n";
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&almost);
                thread::sleep(Duration::from_secs(3));
                s
            })
        })
        .collect();
    thread::sleep(Duration::from_secs(2));
    let during = rss_mib(server.child.id());
    eprintln!("resident memory: {before:.1} MiB before, {during:.1} MiB with {CLIENTS} clients holding bodies");
    let streams: Vec<TcpStream> = holders.into_iter().filter_map(|h| h.join().ok()).collect();
    drop(streams);
    // The bound of docs/hostile-clients.md for these flags: 48 MiB + max_inflight x 2 x body limit
    // + max_connections x 16 KiB = 48 + 8 + 4 MiB.
    let bound = 48.0 + 4.0 * 2.0 + 256.0 * 16.0 / 1024.0;
    assert!(
        during < bound,
        "{CLIENTS} clients holding 1 MiB bodies: resident {during:.1} MiB (before {before:.1}), bound {bound} MiB"
    );
    let (status, _) = request(addr, "GET", "/health", b"");
    assert_eq!(status, 200);
}

#[cfg(unix)]
#[test]
fn sigterm_drains_in_flight_requests_and_exits_within_the_deadline() {
    let mut server = serve(&["--drain-timeout", "2s", "--header-timeout", "60s"]);
    let addr = server.addr;
    // A client that never finishes its header: it must not hold the exit.
    let mut partial = connect(addr);
    partial.write_all(b"GET /health HTTP/1.1\r\nHo").unwrap();
    // A request in flight: header and half its body now, the rest after SIGTERM.
    let body = batch(3);
    let (first, rest) = body.split_at(body.len() / 2);
    let mut in_flight = connect(addr);
    let head = format!(
        "POST /predict HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).unwrap();
    in_flight.write_all(first).unwrap();
    thread::sleep(Duration::from_millis(300));

    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    thread::sleep(Duration::from_millis(200));
    in_flight.write_all(rest).unwrap();
    let (reply, _) = read_to_close(&mut in_flight, Instant::now());
    assert_eq!(status_of(&reply), 200, "{reply}");
    assert!(reply.contains("\"prediction\""), "{reply}");

    let mut exit = None;
    while started.elapsed() < Duration::from_secs(10) {
        if let Some(status) = server.child.try_wait().expect("wait") {
            exit = Some(status);
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    let waited = started.elapsed();
    let status = exit.unwrap_or_else(|| panic!("still running {waited:?} after SIGTERM"));
    assert!(status.success(), "{status:?}");
    assert!(waited < Duration::from_secs(5), "exit took {waited:?}");
    drop(partial);
}

#[test]
fn health_stays_fast_while_big_batches_are_scored_on_one_thread() {
    // Batches of 50,000 rows (3.6 MB) take a tenth of a second or more to parse and score.
    let server = serve(&[
        "--threads",
        "1",
        "--log-requests",
        "none",
        "--body-limit",
        "8388608",
    ]);
    let addr = server.addr;
    let body = batch(50_000);
    let stop = Instant::now() + Duration::from_secs(4);
    let loaders: Vec<_> = (0..3)
        .map(|_| {
            let body = body.clone();
            thread::spawn(move || {
                let mut answered = 0;
                while Instant::now() < stop {
                    if request(addr, "POST", "/predict", &body).0 == 200 {
                        answered += 1;
                    }
                }
                answered
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(300));
    let mut probe_ms = Vec::new();
    while Instant::now() < stop {
        let started = Instant::now();
        let (status, _) = request(addr, "GET", "/health", b"");
        assert_eq!(status, 200);
        probe_ms.push(started.elapsed().as_secs_f64() * 1e3);
        thread::sleep(Duration::from_millis(50));
    }
    let answered: usize = loaders.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    assert!(answered >= 3, "only {answered} batches answered");
    probe_ms.sort_by(f64::total_cmp);
    let p95 = probe_ms[probe_ms.len() * 95 / 100];
    assert!(
        p95 < 100.0,
        "health p95 {p95:.1} ms while {answered} batches of 50,000 rows were scored (all: {probe_ms:?})"
    );
}

/// The header `name` of a raw HTTP answer.
fn header<'a>(reply: &'a str, name: &str) -> Option<&'a str> {
    reply
        .split("\r\n\r\n")
        .next()?
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        })
        .map(|(_, v)| v.trim())
}

fn first_prediction(reply: &str) -> Option<f64> {
    let body = reply.split("\r\n\r\n").nth(1)?;
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    value["prediction"][0].as_f64()
}

/// Writes `bytes` over `path` in one rename, as a deployment tool or a ConfigMap update does.
fn replace(path: &std::path::Path, bytes: &[u8]) {
    let temp = path.with_extension("incoming");
    std::fs::write(&temp, bytes).expect("write");
    std::fs::rename(&temp, path).expect("rename");
}

#[test]
fn reload_swaps_models_under_load_without_a_failed_or_mixed_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gbm = std::fs::read(model_path()).expect("model");
    let df = load_dataset("boston-housing").expect("boston-housing dataset");
    let mut config = preset("boston-housing").expect("preset");
    config.model = ml_workflow::modeling::ModelSpec::Linear;
    config.grid = Default::default();
    config.final_params = None;
    let linear = Artifact::from_report(
        &train(&df, &config, None).expect("train"),
        "boston-housing",
        "test",
    );
    let linear_bytes = linear.to_json().expect("json").into_bytes();
    let live = dir.path().join("model.json");
    std::fs::write(&live, &gbm).expect("write");

    let mut served = Command::new(env!("CARGO_BIN_EXE_ml-workflow"));
    served.args([
        "serve",
        "--model",
        live.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ]);
    let server = serve_command(served, &["--watch", "200ms", "--log-requests", "none"]);
    let addr = server.addr;
    let row = batch(1);
    let (_, first) = request(addr, "POST", "/predict", &row);
    let gbm_version = header(&first, "x-model-version")
        .expect("a version")
        .to_string();
    let gbm_answer = first_prediction(&first).expect("a prediction");

    let stop = Instant::now() + Duration::from_secs(4);
    let load = thread::spawn(move || {
        let mut answers = Vec::new();
        while Instant::now() < stop {
            let (status, reply) = request(addr, "POST", "/predict", &row);
            let version = header(&reply, "x-model-version").unwrap_or("").to_string();
            answers.push((status, version, first_prediction(&reply)));
        }
        answers
    });
    thread::sleep(Duration::from_millis(1000));
    replace(&live, &linear_bytes);
    thread::sleep(Duration::from_millis(1200));
    replace(&live, b"{\"format\": \"ml-workflow-model\", \"trunc");
    thread::sleep(Duration::from_millis(800));
    let killed = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let answers = load.join().expect("load thread");

    let linear_answer = {
        let body = String::from_utf8(batch(1)).unwrap();
        ml_workflow::serving::predict(&linear, body.as_bytes())
            .expect("linear")
            .prediction[0]
    };
    assert!(answers.len() > 20, "only {} answers", answers.len());
    for (status, version, prediction) in &answers {
        assert_eq!(*status, 200, "a failed answer during the reloads");
        let expected = if *version == gbm_version {
            gbm_answer
        } else {
            assert_eq!(version, &linear.version, "an answer from an unknown model");
            linear_answer
        };
        assert_eq!(
            *prediction,
            Some(expected),
            "model {version} answered another model's number"
        );
    }
    let last = &answers[answers.len() - 1];
    assert_eq!(
        last.1, linear.version,
        "the new model did not take over, or the broken file replaced it"
    );
    assert!(metric(addr, "ml_workflow_reloads_total{result=\"ok\"}") >= 1.0);
    assert!(metric(addr, "ml_workflow_reloads_total{result=\"failed\"}") >= 2.0);
    let (status, _) = request(addr, "GET", "/health/ready", b"");
    assert_eq!(status, 200);
}
