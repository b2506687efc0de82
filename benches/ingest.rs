//! Ingest of `height-weight` (read + SHA-256 + parse) and its describe table.

use criterion::{criterion_group, criterion_main, Criterion};
use ml_workflow::eda::describe;
use ml_workflow::ingest::{self, Cache};

fn ingest_benches(c: &mut Criterion) {
    let spec = match ml_workflow::datasets::dataset("height-weight") {
        Ok(spec) => spec,
        Err(e) => panic!("{e}"),
    };
    let cache = Cache::new(ingest::data_dir());
    let path = match cache.fetch(&spec) {
        Ok(path) => path,
        Err(e) => panic!("{e} (set ML_WORKFLOW_DATA to a folder holding the dataset)"),
    };
    c.bench_function("ingest height-weight (read + sha256 + parse)", |b| {
        b.iter(|| {
            let path = cache.fetch(&spec).expect("cached file");
            ingest::read_dataset_file(&spec, &path).expect("parse")
        })
    });
    let df = ingest::read_dataset_file(&spec, &path).expect("parse");
    c.bench_function("describe height-weight", |b| {
        b.iter(|| describe(&df).expect("describe"))
    });
}

criterion_group!(benches, ingest_benches);
criterion_main!(benches);
