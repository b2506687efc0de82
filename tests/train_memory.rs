//! Training histogram boosting on a large CSV keeps memory under the file's size: the peak
//! resident memory of `ml-workflow train --model hist-gbm --folds 0` on a generated 200 MB
//! numeric CSV, read with `getrusage` once the child has exited. The command streams the
//! numeric columns into their bins a chunk of rows at a time (`modeling::bin_stream`), and
//! gives freed memory back at once; reading the whole frame and building the matrices peaked
//! at about 2.4 times the file, reading a few columns a pass at 0.90 of it.
//! Alone in its test binary, so that the child is the only one `RUSAGE_CHILDREN` sees; the
//! allocator runs with the command's own settings.

mod common;

#[test]
fn hist_gbm_on_a_large_csv_peaks_under_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.csv");
    let mut header: Vec<String> = (0..20).map(|j| format!("x{j}")).collect();
    header.push("y".into());
    let size = common::write_csv_until(&path, &header.join(","), 200_000_000, |row| {
        let x: Vec<f64> = (0..20u64)
            .map(|j| ((row * 31 + j * 17 + row * j) % 100_003) as f64 / 100_003.0)
            .collect();
        let y = 10.0 * (3.0 * x[0] * x[1]).sin() + 20.0 * (x[2] - 0.5).powi(2) + 5.0 * x[3];
        let mut cells: Vec<String> = x.iter().map(|v| format!("{v:.6}")).collect();
        cells.push(format!("{y:.6}"));
        cells.join(",")
    });

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        // A global flag first: the command still sets its allocator up (it once looked at
        // the first argument only).
        .args([
            "--log-format",
            "text",
            "train",
            "--csv",
            path.to_str().expect("path"),
            "--target",
            "y",
        ])
        .args([
            "--model",
            "hist-gbm",
            "--folds",
            "0",
            "--param",
            "max_iter=5",
            "--no-save",
        ])
        .env_remove("MIMALLOC_PURGE_DELAY")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("train");
    assert!(status.success());
    let peak = common::children_peak_bytes();
    // The fit's peak: the bins (a byte a value) and their row-major copy, the fit's own
    // arrays (predictions, gradients, row indices), and the process itself, 0.55 of the file;
    // reading a few f64 columns a pass peaked at 0.90 of it.
    assert!(
        peak < size * 65 / 100,
        "peak {} MB for a {} MB file",
        peak / 1_000_000,
        size / 1_000_000
    );
}
