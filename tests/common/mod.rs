//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Relative closeness check with a readable failure message.
pub fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    let scale = expected.abs().max(1e-300);
    assert!(
        ((actual - expected) / scale).abs() <= rel || actual == expected,
        "{what}: got {actual}, expected {expected} (relative tolerance {rel})"
    );
}

/// The reference figures' folder (`../shared/reference` beside the checkout).
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference")
}

/// Reads a reference row file: one 0-based row position per line.
pub fn reference_rows(name: &str) -> Vec<usize> {
    let path = reference_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().expect("row number"))
        .collect()
}
