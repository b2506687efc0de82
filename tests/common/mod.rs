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

/// The largest resident memory, in bytes, of the children this test process has waited for
/// (`getrusage(RUSAGE_CHILDREN)`): a memory test runs alone in its binary, so that its one
/// child is all this sees.
pub fn children_peak_bytes() -> u64 {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    usage.ru_maxrss as u64 * 1024 // kilobytes on Linux
}

/// Writes `header`, then `row(0)`, `row(1)`, … as lines to `path` until the file holds at least
/// `bytes`; its size.
pub fn write_csv_until(
    path: &std::path::Path,
    header: &str,
    bytes: u64,
    mut row: impl FnMut(u64) -> String,
) -> u64 {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    writeln!(out, "{header}").expect("write");
    let (mut i, mut written) = (0u64, header.len() as u64 + 1);
    while written < bytes {
        let line = row(i);
        writeln!(out, "{line}").expect("write");
        written += line.len() as u64 + 1;
        i += 1;
    }
    out.flush().expect("flush");
    drop(out);
    std::fs::metadata(path).expect("size").len()
}
