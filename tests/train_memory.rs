//! Training histogram boosting on a large CSV keeps memory under the file's size: the peak
//! resident memory of `ml-workflow train --model hist-gbm --folds 0` on a generated 200 MB
//! numeric CSV, read with `getrusage` once the child has exited. The command reads a few
//! columns per pass and bins them (`modeling::binned`), and gives freed memory back at once;
//! reading the whole frame and building the matrices peaked at about 2.4 times the file.
//! Alone in its test binary, so that the child is the only one `RUSAGE_CHILDREN` sees; the
//! allocator runs with the command's own settings.

use std::io::Write;

#[test]
fn hist_gbm_on_a_large_csv_peaks_under_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut header: Vec<String> = (0..20).map(|j| format!("x{j}")).collect();
    header.push("y".into());
    writeln!(out, "{}", header.join(",")).expect("write");
    let (mut row, mut written) = (0u64, 0u64);
    while written < 200_000_000 {
        let x: Vec<f64> = (0..20u64)
            .map(|j| ((row * 31 + j * 17 + row * j) % 100_003) as f64 / 100_003.0)
            .collect();
        let y = 10.0 * (3.0 * x[0] * x[1]).sin() + 20.0 * (x[2] - 0.5).powi(2) + 5.0 * x[3];
        let mut cells: Vec<String> = x.iter().map(|v| format!("{v:.6}")).collect();
        cells.push(format!("{y:.6}"));
        let line = cells.join(",");
        writeln!(out, "{line}").expect("write");
        written += line.len() as u64 + 1;
        row += 1;
    }
    out.flush().expect("flush");
    drop(out);
    let size = std::fs::metadata(&path).expect("size").len();

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        .args([
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
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    let peak = usage.ru_maxrss as u64 * 1024; // kilobytes on Linux
    assert!(
        peak < size,
        "peak {} MB for a {} MB file",
        peak / 1_000_000,
        size / 1_000_000
    );
}
