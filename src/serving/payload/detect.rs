//! Which pandas orient (or MLflow wrapper) a parsed body is, by the rules in the module docs.

use std::collections::HashSet;

use super::json::Json;
use super::payload_error::{quoted, PayloadError};
use super::positions::Positions;

/// Why an object that mentions `columns` or `data` is not a split payload.
pub(super) const SPLIT_NEEDS: &str =
    "a split payload needs both \"columns\" (a list of names) and \"data\" (a list of rows)";

/// Keys that make a one-key object an MLflow wrapper (rule 2 of the module docs).
const MLFLOW_KEYS: [&str; 4] = [
    "dataframe_split",
    "dataframe_records",
    "instances",
    "inputs",
];

/// The layout of a payload, borrowing from the parsed body.
pub(super) enum Shape<'a> {
    Records(&'a [Json]),
    /// MLflow's columnar `inputs` or `instances`: `{column: [value, ...]}`.
    Lists(&'a [(String, Json)]),
    Split(&'a [(String, Json)]),
    Columns(&'a [(String, Json)]),
    Index(&'a [(String, Json)]),
}

/// Applies the rules of the module docs, in order.
pub(super) fn detect<'a>(json: &'a Json, features: &[String]) -> Result<Shape<'a>, PayloadError> {
    let entries = match json {
        Json::Array(items) => return Ok(Shape::Records(items)),
        Json::Object(entries) => entries,
        other => {
            return Err(PayloadError::NotAFrame {
                found: other.kind_name(),
            })
        }
    };
    if let Some(shape) = mlflow(entries)? {
        return Ok(shape);
    }
    let all_objects = entries.iter().all(|(_, v)| matches!(v, Json::Object(_)));
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if has("columns") && has("data") && !all_objects {
        return Ok(Shape::Split(entries));
    }
    if entries.is_empty() {
        // `{}` is what pandas writes for an empty frame.
        return Err(PayloadError::NoRows);
    }
    // `df.to_dict("list")`: every value a list of plain cells, as MLflow's columnar `inputs`.
    let list_of_cells =
        |v: &Json| matches!(v, Json::Array(items) if items.iter().all(|c| !c.is_container()));
    // (Not with split's keys: `{"columns": [...], "index": [...]}` is a split missing its data.)
    if !has("columns") && !has("data") && entries.iter().all(|(_, v)| list_of_cells(v)) {
        return Ok(Shape::Lists(entries));
    }
    if !all_objects {
        return Err(unknown_object(entries));
    }
    orient_by_features(entries, features)
}

/// Rule 2: an MLflow wrapper (one of its keys, and `params` at most beside it, which is
/// accepted and not used), unless its value is a plain column or row.
pub(super) fn mlflow(entries: &[(String, Json)]) -> Result<Option<Shape<'_>>, PayloadError> {
    let mut wrapped = entries.iter().filter(|(k, _)| k != "params");
    let (Some((key, value)), None) = (wrapped.next(), wrapped.next()) else {
        return Ok(None);
    };
    if entries.len() > 1 && !MLFLOW_KEYS.contains(&key.as_str()) {
        return Ok(None);
    }
    if entries.len() > 1 {
        tracing::info!(
            "MLflow params in the request other than predict_method are accepted and not used"
        );
    }
    if !MLFLOW_KEYS.contains(&key.as_str()) || value.is_object_of_scalars() {
        return Ok(None);
    }
    let expected =
        match (key.as_str(), value) {
            ("dataframe_split", Json::Object(split)) => return Ok(Some(Shape::Split(split))),
            ("dataframe_records" | "instances" | "inputs", Json::Array(rows)) => {
                return Ok(Some(Shape::Records(rows)))
            }
            ("instances" | "inputs", Json::Object(columns)) => {
                return Ok(Some(Shape::Lists(columns)))
            }
            ("dataframe_split", _) => "an object {\"columns\":[...],\"data\":[[...]]}",
            ("dataframe_records", _) => "a list of records [{\"column\": value}, ...]",
            _ => "a list of records [{\"column\": value}, ...] or an object of columns {\"column\": [value, ...]}",
        };
    Err(unknown(format!(
        "MLflow's {} must hold {expected}, found {}",
        quoted(key),
        value.kind_name()
    )))
}

/// Rule 6: says why an object that is neither split nor an object of objects was refused.
pub(super) fn unknown_object(entries: &[(String, Json)]) -> PayloadError {
    let has = |key: &str| entries.iter().any(|(k, _)| k == key);
    if has("columns") || has("data") {
        return unknown(SPLIT_NEEDS);
    }
    if entries.iter().all(|(_, v)| !v.is_container()) {
        return unknown(
            "this looks like a single record; wrap it in a list: [{\"column\": value}]",
        );
    }
    let Some((key, value)) = entries.iter().find(|(_, v)| !matches!(v, Json::Object(_))) else {
        return unknown("expected an object of objects");
    };
    let hint = if matches!(value, Json::Array(_)) {
        " (a dict of lists is not a pandas orient: use split)"
    } else {
        ""
    };
    unknown(format!(
        "the value of {} is {}, but columns and index orient map every key to an object \
         {{\"label\": value}}{hint}",
        quoted(key),
        value.kind_name()
    ))
}

/// Rule 5: `columns` or `index` orient, whichever has more expected features in its place.
pub(super) fn orient_by_features<'a>(
    entries: &'a [(String, Json)],
    features: &[String],
) -> Result<Shape<'a>, PayloadError> {
    if features.is_empty() {
        return Ok(Shape::Columns(entries));
    }
    let wanted = Positions::new(features);
    let outer = entries
        .iter()
        .filter(|(k, _)| wanted.contains(k.as_str()))
        .count();
    let inner: HashSet<&str> = entries
        .iter()
        .flat_map(|(_, v)| v.entries())
        .map(|(k, _)| k.as_str())
        .filter(|k| wanted.contains(k))
        .collect();
    match (outer, inner.len()) {
        (0, 0) => Err(PayloadError::NoFeaturesFound {
            expected: features.to_vec(),
        }),
        (outer, inner) if inner > outer => Ok(Shape::Index(entries)),
        _ => Ok(Shape::Columns(entries)),
    }
}

pub(super) fn unknown(detail: impl Into<String>) -> PayloadError {
    PayloadError::UnknownShape {
        detail: detail.into(),
    }
}
