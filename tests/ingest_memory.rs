//! Reading a large CSV keeps memory near the typed frame, not the file: the peak resident
//! memory of `ml-workflow describe` on a generated 40 MB numeric CSV, read with `getrusage`
//! once the child has exited, stays under twice the file's size (reading the whole file and
//! keeping every cell's text peaked at about 4.5 times). Alone in its test binary, so that the
//! child is the only one `RUSAGE_CHILDREN` sees. The child's allocator (mimalloc) is told to
//! commit and return memory as it goes (`MIMALLOC_ARENA_EAGER_COMMIT=0`,
//! `MIMALLOC_PURGE_DELAY=0`), so that what is measured is the data, not the allocator's
//! policy; compare/ingest_memory.sh measures the defaults too.

mod common;

#[test]
fn describe_of_a_large_numeric_csv_peaks_under_twice_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.csv");
    let header: Vec<String> = (0..20).map(|j| format!("x{j}")).collect();
    let size = common::write_csv_until(&path, &header.join(","), 40_000_000, |row| {
        let cells: Vec<String> = (0..20u64)
            .map(|j| {
                format!(
                    "{:.6}",
                    ((row * 31 + j * 17) % 100_003) as f64 / 7.0 - 5000.0
                )
            })
            .collect();
        cells.join(",")
    });

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        .args(["describe", path.to_str().expect("path")])
        .env("MIMALLOC_ARENA_EAGER_COMMIT", "0")
        .env("MIMALLOC_PURGE_DELAY", "0")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("describe");
    assert!(status.success());
    let peak = common::children_peak_bytes();
    assert!(
        peak < 2 * size,
        "peak {} MB for a {} MB file",
        peak / 1_000_000,
        size / 1_000_000
    );
}
