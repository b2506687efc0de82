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

/// The mixed table of `compare/python/mixed_table.py` (same formula, same bytes): numbers,
/// text and booleans with gaps, target `price`.
pub fn mixed_csv(n: usize) -> String {
    const CITIES: [&str; 5] = ["north", "east", "south", "west", "centre"];
    const EFFECT: [f64; 5] = [20.0, 5.0, -10.0, 0.0, 35.0];
    let mut out = String::from("size,rooms,city,garden,price\n");
    for i in 0..n {
        let size = 20.0 + (i * 37 % 101) as f64 * 0.8;
        let rooms = 1 + i * 11 % 5;
        let city = i * 7 % 5;
        let garden = i % 3 == 0;
        let price = 30.0
            + 2.5 * size
            + 8.0 * rooms as f64
            + EFFECT[city]
            + 12.0 * f64::from(u8::from(garden))
            + 5.0 * (i as f64).sin();
        let cells = [
            if i % 17 == 3 {
                String::new()
            } else {
                format!("{size:.1}")
            },
            if i % 19 == 2 {
                String::new()
            } else {
                rooms.to_string()
            },
            if i % 13 == 5 {
                String::new()
            } else {
                CITIES[city].to_string()
            },
            if garden {
                "True".into()
            } else {
                "False".into()
            },
            format!("{price:.3}"),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
