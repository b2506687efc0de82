//! The chapter's final model: one 400-stage gradient-boosting fit on Boston's scaled training
//! rows, and the serving hot path — one row through `serving::predict` (parse, scale, predict).
//! Also histogram boosting's partition of a node's rows, with and without its sixteen-rows-at-a-
//! time path.

use criterion::{criterion_group, criterion_main, Criterion};
use ml_workflow::datasets::preset;
use ml_workflow::ingest::load_dataset;
use ml_workflow::modeling::train::train;
use ml_workflow::modeling::ModelSpec;
use ml_workflow::serving::payload::parse;
use ml_workflow::serving::{predict, Artifact};
use ndarray::{Array1, Axis};

fn modeling_benches(c: &mut Criterion) {
    let df = load_dataset("boston-housing").expect("boston-housing (set ML_WORKFLOW_DATA)");
    let report = train(&df, &preset("boston-housing").expect("preset"), None).expect("training");
    let y = Array1::from(ml_workflow::polars_ext::column_f64(&df, "MEDV").expect("target"));
    let split = ml_workflow::modeling::train_test_split(df.height(), 0.2, 7).expect("split");
    let x_train = report
        .preprocessor
        .transform(&df, &split.train)
        .expect("preprocess");
    let y_train = y.select(Axis(0), &split.train);
    let mut spec = ModelSpec::from_name("gbm").expect("gbm").with_seed(7);
    spec.set("n_estimators", 400.0).expect("n_estimators");

    let mut group = c.benchmark_group("boston gbm");
    group.sample_size(20);
    group.bench_function("fit 400 stages (404 rows)", |b| {
        b.iter(|| spec.fit(x_train.view(), y_train.view()).expect("fit"))
    });
    group.finish();

    let artifact = Artifact::from_report(&report, "boston-housing", "bench");
    let body = br#"{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}"#;
    c.bench_function("predict one row (parse + scale + 400 trees)", |b| {
        b.iter(|| predict(&artifact, body).expect("predict"))
    });
    // The same request split in its two halves: the payload parser and the model alone.
    c.bench_function("parse one-row payload", |b| {
        b.iter(|| parse(body, &artifact.features).expect("parse"))
    });
    let frame = parse(body, &artifact.features).expect("parse");
    let (columns, _) = frame.select(&artifact.features).expect("select");
    let row = artifact
        .preprocessing
        .encode(&columns, 1)
        .expect("preprocess");
    c.bench_function("400 trees on one scaled row", |b| {
        b.iter(|| artifact.model.predict_row(&row).expect("predict_row"))
    });

    // Histogram boosting's defaults: 100 trees of up to 31 leaves, one row scored.
    let n = 20_000;
    let x = ndarray::Array2::from_shape_fn((n, 20), |(i, j)| {
        ((i * (j + 7) * 2654435761usize) % 10_007) as f64 / 10_007.0
    });
    let y = Array1::from_shape_fn(n, |i| {
        10.0 * (x[[i, 0]] * x[[i, 1]] * 3.0).sin() + 20.0 * (x[[i, 2]] - 0.5).powi(2) + x[[i, 3]]
    });
    let hist = ModelSpec::from_name("hist-gbm")
        .expect("hist-gbm")
        .fit(x.view(), y.view())
        .expect("fit");
    let one = x.row(17).to_vec();
    c.bench_function("hist-gbm: 100 trees of 31 leaves on one row", |b| {
        b.iter(|| hist.predict_row(&one).expect("predict_row"))
    });
}

/// A node's rows split by one feature's bins (2.4 M training rows, as at 3 M rows), the node
/// holding every row or a sixteenth of them: the dispatching partition against the scalar one.
fn partition_benches(c: &mut Criterion) {
    use ml_workflow::modeling::trees::partition::{partition, partition_scalar, SplitRule};
    let n = 2_400_000u32;
    let mut state = 5u64;
    let bins: Vec<u8> = (0..n)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            (state >> 56) as u8 % 255
        })
        .collect();
    let rule = SplitRule {
        bin: 127,
        missing_bin: 255,
        missing_left: false,
    };
    let mut group = c.benchmark_group("hist-gbm partition");
    group.sample_size(20);
    for every in [1u32, 16] {
        let node: Vec<u32> = (0..n).step_by(every as usize).collect();
        let mut scratch = vec![0; node.len()];
        let mut rows = node.clone();
        group.bench_function(format!("{} rows, dispatched", node.len()), |b| {
            b.iter(|| {
                rows.copy_from_slice(&node);
                partition(&mut rows, &mut scratch, &bins, rule)
            })
        });
        group.bench_function(format!("{} rows, scalar", node.len()), |b| {
            b.iter(|| {
                rows.copy_from_slice(&node);
                partition_scalar(&mut rows, &mut scratch, &bins, rule)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, modeling_benches, partition_benches);
criterion_main!(benches);
