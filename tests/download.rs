//! The dataset cache against a throwaway HTTP server on 127.0.0.1 (never the internet).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use ml_workflow::datasets::{DatasetSpec, Format};
use ml_workflow::ingest::{read_dataset_file, sha256_bytes, Cache, CacheState};
use ml_workflow::Error;

const BODY: &[u8] = b"\xEF\xBB\xBFx,y\r\n1,2\r\n3,4";

/// Serves `body` to every request on an ephemeral port; counts requests.
fn serve(body: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/data.csv", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            counter.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body);
        }
    });
    (url, hits)
}

fn spec(url: &str, sha256: &str) -> DatasetSpec {
    DatasetSpec {
        name: "tiny".into(),
        file: "tiny.csv".into(),
        url: url.into(),
        sha256: sha256.into(),
        format: Format::Csv,
        columns: vec![],
        description: "test data".into(),
    }
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => vec![],
    }
}

#[test]
fn a_miss_downloads_verifies_and_caches() {
    let (url, hits) = serve(BODY);
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path().join("cache"));
    let spec = spec(&url, &sha256_bytes(BODY));
    assert_eq!(cache.state(&spec).unwrap(), CacheState::Missing);
    let path = cache.fetch(&spec).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), BODY);
    assert_eq!(cache.state(&spec).unwrap(), CacheState::Verified);
    assert_eq!(files_in(cache.dir()), ["tiny.csv"]);
    let df = read_dataset_file(&spec, &path).unwrap();
    assert_eq!(df.shape(), (2, 2));
    // A hit is served from the cache without the network.
    cache.fetch(&spec).unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[test]
fn a_wrong_checksum_is_rejected_and_nothing_is_cached() {
    let (url, _) = serve(BODY);
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path());
    let spec = spec(&url, &"0".repeat(64));
    let err = cache.fetch(&spec).unwrap_err();
    assert!(matches!(err, Error::Checksum { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&sha256_bytes(BODY)) && msg.contains("nothing was cached"),
        "{msg}"
    );
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_corrupt_cached_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path());
    let spec = spec("http://127.0.0.1:9/never-asked", &sha256_bytes(BODY));
    std::fs::write(cache.path(&spec), b"x,y\n1,999\n").unwrap();
    let err = cache.fetch(&spec).unwrap_err().to_string();
    assert!(
        err.contains("checksum mismatch") && err.contains("delete it"),
        "{err}"
    );
}

#[test]
fn offline_with_an_empty_cache_says_what_to_put_where() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/tiny.csv");
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(dir.path());
    let spec = spec(&url, &sha256_bytes(BODY));
    let err = cache.fetch(&spec).unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&url), "{msg}");
    assert!(
        msg.contains(&cache.path(&spec).display().to_string()),
        "{msg}"
    );
    assert!(msg.contains("ML_WORKFLOW_DATA"), "{msg}");
    assert!(files_in(dir.path()).is_empty());
}
