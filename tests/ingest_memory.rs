//! Reading a large CSV keeps memory near the typed frame, not the file: the peak resident
//! memory of `ml-workflow describe` on a generated 40 MB numeric CSV, read with `getrusage`
//! once the child has exited, stays under twice the file's size (reading the whole file and
//! keeping every cell's text peaked at about 4.5 times). Alone in its test binary, so that the
//! child is the only one `RUSAGE_CHILDREN` sees. The child's allocator (mimalloc) is told to
//! commit and return memory as it goes (`MIMALLOC_ARENA_EAGER_COMMIT=0`,
//! `MIMALLOC_PURGE_DELAY=0`), so that what is measured is the data, not the allocator's
//! policy; compare/ingest_memory.sh measures the defaults too.

use std::io::Write;

#[test]
fn describe_of_a_large_numeric_csv_peaks_under_twice_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let header: Vec<String> = (0..20).map(|j| format!("x{j}")).collect();
    writeln!(out, "{}", header.join(",")).expect("write");
    let mut row = 0u64;
    let mut written = 0u64;
    while written < 40_000_000 {
        let cells: Vec<String> = (0..20u64)
            .map(|j| {
                format!(
                    "{:.6}",
                    ((row * 31 + j * 17) % 100_003) as f64 / 7.0 - 5000.0
                )
            })
            .collect();
        let line = cells.join(",");
        writeln!(out, "{line}").expect("write");
        written += line.len() as u64 + 1;
        row += 1;
    }
    out.flush().expect("flush");
    drop(out);
    let size = std::fs::metadata(&path).expect("size").len();

    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ml-workflow"))
        .args(["describe", path.to_str().expect("path")])
        .env("MIMALLOC_ARENA_EAGER_COMMIT", "0")
        .env("MIMALLOC_PURGE_DELAY", "0")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("describe");
    assert!(status.success());
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    let peak = usage.ru_maxrss as u64 * 1024; // kilobytes on Linux
    assert!(
        peak < 2 * size,
        "peak {} MB for a {} MB file",
        peak / 1_000_000,
        size / 1_000_000
    );
}
