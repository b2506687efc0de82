//! The pages a person reads: the `/` page with an example request, and the `/model` card.

use serde_json::{json, Value};

use super::routes::{HEALTH, METRICS, MODEL, PREDICT};
use crate::serving::Artifact;
use crate::table::{ColumnType, Encoding};

/// The `/model` card: what the model is, what it takes, how good it was, where it came from.
pub fn model_card(artifact: &Artifact) -> Value {
    json!({
        "format": artifact.format,
        "format_version": artifact.format_version,
        "crate_version": artifact.crate_version,
        "name": artifact.name,
        "version": artifact.version,
        "created": artifact.created,
        "features": artifact.features,
        "inputs": artifact.preprocessing.columns,
        "feature_names_out": artifact.preprocessing.feature_names,
        "ignored_columns": artifact.preprocessing.ignored_columns,
        "target": artifact.target,
        "task": if artifact.classes.is_some() { "classification" } else { "regression" },
        "classes": artifact.classes,
        "model": { "kind": artifact.spec.name(), "params": artifact.spec.params() },
        "scaler": artifact.preprocessing.scaler,
        "metrics": artifact.metrics,
        "dataset": artifact.dataset,
    })
}

/// An example body for the home page, one row: every numeric input's training median, every
/// text input's first category.
fn example_payload(artifact: &Artifact) -> String {
    let body: serde_json::Map<String, Value> = artifact
        .preprocessing
        .columns
        .iter()
        .map(|c| {
            let value = match &c.encoding {
                Encoding::Numeric { median } => json!((median * 1000.0).round() / 1000.0),
                Encoding::OneHot { categories, .. } => match (c.dtype, categories.first()) {
                    (ColumnType::Boolean, Some(b)) => json!(b == "True"),
                    (_, Some(text)) => json!(text),
                    (_, None) => Value::Null,
                },
            };
            (c.name.clone(), json!({ "0": value }))
        })
        .collect();
    Value::Object(body).to_string()
}

/// The `/` page: what the model is, what it takes, and an example request.
pub(crate) fn home_page(artifact: &Artifact) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let features = artifact
        .features
        .iter()
        .map(|f| escape(f))
        .collect::<Vec<_>>()
        .join(", ");
    let example = escape(&example_payload(artifact));
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ml-workflow prediction server</title></head>\
         <body><h1>ml-workflow prediction server</h1>\
         <p>Model: <b>{kind}</b> predicting <b>{target}</b> from {n} features: {features}.</p>\
         <p>Trained on {dataset} ({rows} rows){created}. See <a href=\"{MODEL}\">{MODEL}</a>, \
         <a href=\"{HEALTH}\">{HEALTH}</a> and <a href=\"{METRICS}\">{METRICS}</a>.</p>\
         <h2>Example</h2><pre>curl -s -X POST -H 'Content-Type: application/json' \\\n  -d '{example}' \\\n  http://HOST{PREDICT}</pre>\
         <p>Send a pandas DataFrame as <code>df.to_json()</code> in any orient (columns, records, split, index) \
         or MLflow's dataframe_split / dataframe_records / instances.</p></body></html>",
        kind = escape(artifact.spec.name()),
        target = escape(&artifact.target),
        n = artifact.features.len(),
        dataset = escape(&artifact.dataset.name),
        rows = artifact.dataset.rows_train,
        created = artifact
            .created
            .as_deref()
            .map(|c| format!(", created {}", escape(c)))
            .unwrap_or_default(),
    )
}
