//! Reads a CSV file the way `ml-workflow` does and prints its shape and the best wall time of
//! a few reads, so reading alone can be timed beside pandas' `read_csv`
//! (`compare/ingest_memory.sh` runs both).
//!
//!     cargo run --release --example read_csv -- FILE [RUNS]

use std::time::Instant;

use anyhow::{Context, Result};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().context("usage: read_csv FILE [RUNS]")?;
    let runs: usize = match args.next() {
        Some(n) => n
            .parse()
            .with_context(|| format!("RUNS is not a count: {n:?}"))?,
        None => 3,
    };
    let mut best = f64::INFINITY;
    let mut shape = (0, 0);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let df = ml_workflow::ingest::read_csv(&path)?;
        best = best.min(start.elapsed().as_secs_f64());
        shape = df.shape();
    }
    println!("{} {} {best:.3}", shape.0, shape.1);
    Ok(())
}
