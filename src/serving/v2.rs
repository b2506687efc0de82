//! The Open Inference Protocol (v2; KServe's, Triton's and MLServer's REST API), as data: the
//! model metadata, an inference request turned into the [`Frame`] that `serving::predict_frame`
//! scores, and the response. The routes are in the server.
//!
//! Inputs are either one tensor of shape `[N, n_features]` whose columns are the model's
//! features in order, or one tensor of shape `[N]` (or `[N, 1]`) per feature, named by the
//! feature (MLServer's pandas codec). Data is given flat (row-major) or nested. A text column
//! takes a `BYTES` tensor (strings in JSON, or length-prefixed in the binary extension), a
//! boolean column a `BOOL` one, a numeric column any number type; `null` in JSON data is a
//! missing value, which the model's preprocessing fills as it does for `/predict`.

use serde::Deserialize;
use serde_json::{json, Value};

use super::{Artifact, Cell, Frame, Prediction};
use crate::table::ColumnType;

/// The name of the output tensor of predictions (a classifier's labels).
pub const OUTPUT: &str = "predict";
/// A classifier's second output tensor: each row's class probabilities.
pub const PROBA_OUTPUT: &str = "predict_proba";

/// An inference request's body.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "cli", derive(utoipa::ToSchema))]
pub struct InferRequest {
    /// Echoed in the response.
    #[serde(default)]
    pub id: Option<String>,
    /// The input tensors.
    pub inputs: Vec<InferInput>,
    /// Request parameters (accepted, not used).
    #[serde(default)]
    #[cfg_attr(feature = "cli", schema(value_type = Option<Object>))]
    pub parameters: Option<Value>,
    /// The outputs wanted, by name (absent: every output of the model).
    #[serde(default)]
    pub outputs: Option<Vec<RequestedOutput>>,
}

/// One output a request asks for.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "cli", derive(utoipa::ToSchema))]
pub struct RequestedOutput {
    /// The output's name: `predict`, or a classifier's `predict_proba`.
    pub name: String,
    /// Output parameters (accepted, not used).
    #[serde(default)]
    #[cfg_attr(feature = "cli", schema(value_type = Option<Object>))]
    pub parameters: Option<Value>,
}

impl InferRequest {
    /// The names of the outputs asked for, checked against the model's (None: all of them);
    /// an unknown name is an error that lists the model's outputs.
    pub fn wanted_outputs(&self, artifact: &Artifact) -> Result<Option<Vec<String>>, V2Error> {
        let Some(outputs) = &self.outputs else {
            return Ok(None);
        };
        let known = output_names(artifact);
        for o in outputs {
            if !known.contains(&o.name.as_str()) {
                return Err(V2Error(format!(
                    "unknown output {:?}: this model's outputs are {}",
                    o.name,
                    known.join(", ")
                )));
            }
        }
        Ok(Some(outputs.iter().map(|o| o.name.clone()).collect()))
    }
}

/// The model's output names.
fn output_names(artifact: &Artifact) -> Vec<&'static str> {
    match artifact.classes {
        None => vec![OUTPUT],
        Some(_) => vec![OUTPUT, PROBA_OUTPUT],
    }
}

/// One input tensor.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "cli", derive(utoipa::ToSchema))]
pub struct InferInput {
    /// Tensor parameters: `binary_data_size` when its values follow the JSON as raw bytes.
    #[serde(default)]
    #[cfg_attr(feature = "cli", schema(value_type = Option<Object>))]
    pub parameters: Option<Value>,
    /// Values decoded from the binary tensor extension (instead of `data`).
    #[serde(skip)]
    pub binary: Option<Vec<Cell>>,
    /// The tensor's name: a feature's, or any name for the `[N, n_features]` form.
    pub name: String,
    /// Its shape.
    pub shape: Vec<i64>,
    /// `FP64`, `FP32`, `INT64`, `INT32`, `INT16`, `INT8`, `UINT*`, `BOOL` or `BYTES`.
    pub datatype: String,
    /// Its values, flat in row-major order or nested (absent with binary data).
    #[serde(default)]
    #[cfg_attr(feature = "cli", schema(value_type = Vec<Object>))]
    pub data: TensorData,
}

/// Why a v2 request cannot be scored (answered 400 with `{"error": ...}`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct V2Error(pub String);

/// Parses an inference request; with `header_length` (the binary tensor extension's
/// `Inference-Header-Content-Length`), the JSON is that many leading bytes and each input with
/// a `binary_data_size` parameter takes its values, little-endian, from the bytes after it.
pub fn parse_request(body: &[u8], header_length: Option<usize>) -> Result<InferRequest, V2Error> {
    let (json, mut binary) = match header_length {
        Some(n) if n <= body.len() => body.split_at(n),
        Some(n) => {
            return Err(V2Error(format!(
                "Inference-Header-Content-Length is {n} but the body has {} bytes",
                body.len()
            )))
        }
        None => (body, &[][..]),
    };
    let mut request: InferRequest = serde_json::from_slice(json)
        .map_err(|e| V2Error(format!("not an inference request: {e}")))?;
    for input in &mut request.inputs {
        let size = input
            .parameters
            .as_ref()
            .and_then(|p| p.get("binary_data_size"))
            .and_then(Value::as_u64);
        let Some(size) = size else { continue };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if size > binary.len() {
            return Err(V2Error(format!(
                "input {:?} says {size} bytes of binary data but {} are left",
                input.name,
                binary.len()
            )));
        }
        let (bytes, rest) = binary.split_at(size);
        input.binary = Some(decode(bytes, &input.datatype, &input.name)?);
        binary = rest;
    }
    Ok(request)
}

/// Raw little-endian tensor bytes as cells: numbers, booleans, or (`BYTES`) strings each
/// preceded by its length as a 4-byte little-endian integer.
fn decode(bytes: &[u8], datatype: &str, name: &str) -> Result<Vec<Cell>, V2Error> {
    fn each<const N: usize>(bytes: &[u8], f: impl Fn([u8; N]) -> f64) -> Option<Vec<Cell>> {
        bytes.len().is_multiple_of(N).then(|| {
            bytes
                .chunks_exact(N)
                .map(|c| Cell::Number(f(c.try_into().unwrap_or([0; N]))))
                .collect()
        })
    }
    let values = match datatype {
        "FP64" => each(bytes, f64::from_le_bytes),
        "FP32" => each(bytes, |b| f64::from(f32::from_le_bytes(b))),
        "INT64" => each(bytes, |b| i64::from_le_bytes(b) as f64),
        "INT32" => each(bytes, |b| f64::from(i32::from_le_bytes(b))),
        "INT16" => each(bytes, |b| f64::from(i16::from_le_bytes(b))),
        "INT8" => each(bytes, |b: [u8; 1]| f64::from(b[0] as i8)),
        "UINT64" => each(bytes, |b| u64::from_le_bytes(b) as f64),
        "UINT32" => each(bytes, |b| f64::from(u32::from_le_bytes(b))),
        "UINT16" => each(bytes, |b| f64::from(u16::from_le_bytes(b))),
        "UINT8" => each(bytes, |b: [u8; 1]| f64::from(b[0])),
        "BOOL" => Some(bytes.iter().map(|b| Cell::Bool(*b != 0)).collect()),
        "BYTES" => return decode_strings(bytes, name),
        other => {
            return Err(V2Error(format!(
                "input {name:?}: binary data of datatype {other:?} is not supported"
            )))
        }
    };
    let values = values.ok_or_else(|| {
        V2Error(format!(
            "input {name:?}: {} bytes is not a whole number of {datatype} values",
            bytes.len()
        ))
    })?;
    if let Some(Cell::Number(bad)) = values
        .iter()
        .find(|v| matches!(v, Cell::Number(x) if !x.is_finite()))
    {
        return Err(V2Error(format!(
            "input {name:?}: {bad} is not a finite number"
        )));
    }
    Ok(values)
}

/// The binary extension's `BYTES` layout: each element a 4-byte little-endian length, then
/// that many bytes (UTF-8 here, since they are a text column's values).
fn decode_strings(mut bytes: &[u8], name: &str) -> Result<Vec<Cell>, V2Error> {
    let bad = |what: &str| V2Error(format!("input {name:?}: BYTES binary data {what}"));
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or_else(|| bad("ends inside a length prefix"))?;
        let len = usize::try_from(u32::from_le_bytes(*len)).unwrap_or(usize::MAX);
        if len > rest.len() {
            return Err(bad("ends inside an element"));
        }
        let (text, rest) = rest.split_at(len);
        let text = std::str::from_utf8(text)
            .map_err(|_| bad(&format!("element {} is not UTF-8 text", out.len())))?;
        out.push(Cell::Text(text.into()));
        bytes = rest;
    }
    Ok(out)
}

/// `GET /v2`: the server's metadata.
pub fn server_metadata() -> Value {
    json!({ "name": "ml-workflow", "version": env!("CARGO_PKG_VERSION"), "extensions": [] })
}

/// `GET /v2/models/{name}`: the model's inputs (one tensor per input column: `FP64` for
/// numbers, `BOOL`, `BYTES` for text) and output.
pub fn model_metadata(artifact: &Artifact) -> Value {
    let inputs: Vec<Value> = artifact
        .preprocessing
        .columns
        .iter()
        .map(|c| {
            let datatype = match c.dtype {
                ColumnType::Integer | ColumnType::Float => "FP64",
                ColumnType::Boolean => "BOOL",
                ColumnType::Text => "BYTES",
            };
            json!({ "name": c.name, "datatype": datatype, "shape": [-1] })
        })
        .collect();
    json!({
        "name": artifact.name,
        "versions": [artifact.version],
        "platform": "ml-workflow",
        "inputs": inputs,
        "outputs": output_metadata(artifact),
    })
}

/// The model's outputs: a regressor's `predict` (FP64); a classifier's `predict` (its labels,
/// with the target's type) and `predict_proba` (FP64, a column per class).
fn output_metadata(artifact: &Artifact) -> Value {
    match &artifact.classes {
        None => json!([{ "name": OUTPUT, "datatype": "FP64", "shape": [-1] }]),
        Some(classes) => json!([
            { "name": OUTPUT, "datatype": label_datatype(&classes.0), "shape": [-1] },
            { "name": PROBA_OUTPUT, "datatype": "FP64", "shape": [-1, classes.len()] },
        ]),
    }
}

/// The v2 datatype of a classifier's labels.
fn label_datatype(classes: &[Value]) -> &'static str {
    match classes.first() {
        Some(Value::Bool(_)) => "BOOL",
        Some(Value::Number(_)) => "INT64",
        _ => "BYTES",
    }
}

/// The response to an inference request: every output, or those `wanted` in their order.
pub fn infer_response(
    artifact: &Artifact,
    id: Option<&str>,
    prediction: &Prediction,
    wanted: Option<&[String]>,
) -> Value {
    let n = prediction.prediction.len();
    let outputs = match (
        &prediction.labels,
        &prediction.probabilities,
        &prediction.classes,
    ) {
        (Some(labels), Some(probabilities), Some(classes)) => json!([
            { "name": OUTPUT, "datatype": label_datatype(classes), "shape": [n], "data": labels },
            {
                "name": PROBA_OUTPUT,
                "datatype": "FP64",
                "shape": [n, classes.len()],
                "data": probabilities.iter().flatten().collect::<Vec<_>>(),
            },
        ]),
        _ => json!([{
            "name": OUTPUT,
            "datatype": "FP64",
            "shape": [n],
            "data": prediction.prediction,
        }]),
    };
    let outputs = match (wanted, outputs) {
        (Some(names), Value::Array(all)) => Value::Array(
            names
                .iter()
                .filter_map(|n| all.iter().find(|o| o["name"] == n.as_str()).cloned())
                .collect(),
        ),
        (_, all) => all,
    };
    let mut response = json!({
        "model_name": artifact.name,
        "model_version": artifact.version,
        "outputs": outputs,
    });
    if let Some(id) = id {
        response["id"] = Value::from(id);
    }
    response
}

/// The request's tensors as a frame with the model's input columns (and any other tensor, which
/// `predict_frame` ignores and reports as `/predict` does). The request is consumed: tensors
/// move into the frame without copies.
pub fn request_frame(
    request: InferRequest,
    features: &[String],
    non_numeric: &[String],
) -> Result<Frame, V2Error> {
    let bad = |m: String| V2Error(m);
    if request.inputs.is_empty() {
        return Err(bad("the request has no inputs".into()));
    }
    let mut tensors = request
        .inputs
        .into_iter()
        .map(|mut input| {
            let data = values(&mut input)?;
            Ok((input, data))
        })
        .collect::<Result<Vec<_>, V2Error>>()?;
    let width = features.len();
    // One [N, n_features] tensor: columns are the features in order.
    if let [(input, data)] = tensors.as_mut_slice() {
        if input.shape.len() == 2
            && input.shape[1] == width as i64
            && !features.contains(&input.name)
        {
            if !non_numeric.is_empty() {
                return Err(bad(format!(
                    "input {:?} is one [N, {width}] tensor, which carries one datatype, but this \
                     model takes text or boolean columns ({}): send one tensor of shape [N] per \
                     column, named after it (BYTES for text, BOOL for booleans, FP64 for numbers)",
                    input.name,
                    non_numeric.join(", ")
                )));
            }
            let n = data.len() / width.max(1);
            let mut columns: Vec<Vec<Cell>> = (0..width).map(|_| Vec::with_capacity(n)).collect();
            for (k, cell) in std::mem::take(data).into_iter().enumerate() {
                columns[k % width].push(cell);
            }
            return frame(features.to_vec(), columns);
        }
    }
    // One [N] or [N, 1] tensor per input column, by name.
    for (input, _) in &tensors {
        let column = matches!(input.shape.as_slice(), [_] | [_, 1]);
        if !column {
            return Err(bad(format!(
                "input {:?} has shape {:?}: send one tensor of shape [N, {width}] (the features in \
                 the model's order) or one tensor of shape [N] per feature",
                input.name, input.shape
            )));
        }
    }
    for feature in features {
        if !tensors.iter().any(|(i, _)| &i.name == feature) {
            return Err(bad(format!("input {feature:?} is missing")));
        }
    }
    let n = tensors[0].1.len();
    if let Some((input, data)) = tensors.iter().find(|(_, d)| d.len() != n) {
        return Err(bad(format!(
            "input {:?} has {} values but input {:?} has {n}",
            input.name,
            data.len(),
            tensors[0].0.name
        )));
    }
    // The model's inputs in its order, then the tensors it ignores.
    tensors.sort_by_key(|(i, _)| {
        features
            .iter()
            .position(|f| *f == i.name)
            .unwrap_or(usize::MAX)
    });
    let (names, columns) = tensors.into_iter().map(|(i, d)| (i.name, d)).unzip();
    frame(names, columns)
}

fn frame(names: Vec<String>, columns: Vec<Vec<Cell>>) -> Result<Frame, V2Error> {
    Frame::from_column_vecs(names, columns).map_err(|e| V2Error(e.to_string()))
}

/// What a datatype's values are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Boolean,
    Text,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::Boolean => "a boolean",
            Kind::Text => "a string",
        }
    }

    /// Whether a JSON value fits (null always does: a missing value).
    fn fits(self, cell: &Cell) -> bool {
        matches!(
            (self, cell),
            (_, Cell::Missing)
                | (Kind::Number, Cell::Number(_))
                | (Kind::Boolean, Cell::Bool(_))
                | (Kind::Text, Cell::Text(_))
        )
    }
}

/// A tensor's values as cells (moved out of it), checked against its datatype and shape.
fn values(input: &mut InferInput) -> Result<Vec<Cell>, V2Error> {
    let name = &input.name.clone();
    let kind = match input.datatype.as_str() {
        "FP64" | "FP32" | "FP16" | "INT64" | "INT32" | "INT16" | "INT8" | "UINT64" | "UINT32"
        | "UINT16" | "UINT8" => Kind::Number,
        "BOOL" => Kind::Boolean,
        "BYTES" => Kind::Text,
        other => {
            return Err(V2Error(format!(
                "input {name:?} has unknown datatype {other:?}"
            )))
        }
    };
    let out = match input.binary.take() {
        Some(values) => values,
        None => flatten(std::mem::take(&mut input.data), kind, name)?,
    };
    let expected =
        input.shape.iter().try_fold(
            1i64,
            |acc, d| if *d >= 0 { acc.checked_mul(*d) } else { None },
        );
    if expected != Some(out.len() as i64) {
        return Err(V2Error(format!(
            "input {name:?} has shape {:?} but {} values",
            input.shape,
            out.len()
        )));
    }
    Ok(out)
}

/// A tensor's `data`, flattened while it is parsed (no JSON tree in between, so the v2 route
/// costs what `/predict` does): numbers, booleans, strings and nulls in row-major order, and
/// the first value that is none of them, for the error.
#[derive(Debug, Default)]
pub struct TensorData {
    values: Vec<Cell>,
    other: Option<String>,
}

impl<'de> Deserialize<'de> for TensorData {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut data = TensorData::default();
        serde::de::DeserializeSeed::deserialize(Flatten(&mut data), deserializer)?;
        Ok(data)
    }
}

/// Appends whatever it reads (nested lists included) to a [`TensorData`].
struct Flatten<'a>(&'a mut TensorData);

impl<'de> serde::de::DeserializeSeed<'de> for Flatten<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Flatten<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("numbers, booleans or strings, flat or in nested lists")
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.0.values.push(Cell::Number(v));
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.0.values.push(Cell::Bool(v));
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.0.values.push(Cell::Text(v.into()));
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.0.values.push(Cell::Missing);
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Flatten(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        self.0.other.get_or_insert_with(|| "an object".into());
        Ok(())
    }
}

/// The JSON data's values, checked against the datatype's kind.
fn flatten(data: TensorData, kind: Kind, name: &str) -> Result<Vec<Cell>, V2Error> {
    if let Some(other) = &data.other {
        return Err(V2Error(format!(
            "input {name:?}: {other} is not {}",
            kind.name()
        )));
    }
    if let Some(bad) = data.values.iter().find(|c| !kind.fits(c)) {
        return Err(V2Error(format!(
            "input {name:?}: {} is not {}",
            bad.describe(),
            kind.name()
        )));
    }
    if let Some(Cell::Number(bad)) = data
        .values
        .iter()
        .find(|c| matches!(c, Cell::Number(x) if !x.is_finite()))
    {
        return Err(V2Error(format!(
            "input {name:?}: {bad} is not a finite number"
        )));
    }
    Ok(data.values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    fn request(body: Value) -> InferRequest {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn one_matrix_or_one_column_per_feature() {
        let matrix = request(json!({"inputs": [
            {"name": "x", "shape": [2, 2], "datatype": "FP64", "data": [[1.0, 2.0], [3.0, 4.0]]}
        ]}));
        let frame = request_frame(matrix, &features(), &[]).unwrap();
        assert_eq!(frame.numbers("b"), Some([2.0, 4.0].to_vec()));
        let columns = request(json!({"inputs": [
            {"name": "b", "shape": [2], "datatype": "INT64", "data": [2, 4]},
            {"name": "a", "shape": [2, 1], "datatype": "FP32", "data": [1.0, 3.0]}
        ]}));
        assert_eq!(request_frame(columns, &features(), &[]).unwrap(), frame);
    }

    #[test]
    fn a_tensor_the_model_does_not_take_rides_along_after_the_inputs() {
        let columns = request(json!({"inputs": [
            {"name": "id", "shape": [1], "datatype": "FP64", "data": [7.0]},
            {"name": "a", "shape": [1], "datatype": "FP64", "data": [1.0]},
            {"name": "b", "shape": [1], "datatype": "FP64", "data": [2.0]},
            {"name": "target", "shape": [1], "datatype": "FP64", "data": [9.0]}
        ]}));
        let frame = request_frame(columns, &features(), &[]).unwrap();
        assert_eq!(frame.columns, ["a", "b", "id", "target"]);
    }

    #[test]
    fn wrong_shapes_datatypes_and_names_are_named() {
        let cases = [
            (
                json!([{"name": "x", "shape": [2, 3], "datatype": "FP64", "data": [1,2,3,4,5,6]}]),
                "\"x\"",
            ),
            (
                json!([{"name": "a", "shape": [3], "datatype": "FP64", "data": [1, 2]}]),
                "shape [3] but 2 values",
            ),
            (
                json!([{"name": "a", "shape": [1], "datatype": "BYTES", "data": [1]}]),
                "the number 1 is not a string",
            ),
            (
                json!([{"name": "a", "shape": [1], "datatype": "BOOL", "data": [1]}]),
                "is not a boolean",
            ),
            (
                json!([{"name": "a", "shape": [1], "datatype": "FP64", "data": [1]}]),
                "\"b\" is missing",
            ),
            (
                json!([{"name": "c", "shape": [1], "datatype": "FP64", "data": [1]}]),
                "\"a\" is missing",
            ),
            (
                json!([{"name": "a", "shape": [1], "datatype": "FP64", "data": ["1"]}]),
                "not a number",
            ),
        ];
        for (inputs, needle) in cases {
            let err =
                request_frame(request(json!({ "inputs": inputs })), &features(), &[]).unwrap_err();
            assert!(err.0.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn binary_tensor_data_follows_the_json_header() {
        let header = br#"{"inputs":[{"name":"a","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}},{"name":"b","shape":[2],"datatype":"INT64","parameters":{"binary_data_size":16}}]}"#;
        let mut body = header.to_vec();
        for v in [1.5f32, -2.0] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        for v in [7i64, 9] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        let request = parse_request(&body, Some(header.len())).unwrap();
        let frame = request_frame(request, &features(), &[]).unwrap();
        assert_eq!(frame.numbers("a"), Some([1.5, -2.0].to_vec()));
        assert_eq!(frame.numbers("b"), Some([7.0, 9.0].to_vec()));
        let err = parse_request(&body[..body.len() - 1], Some(header.len())).unwrap_err();
        assert!(err.0.contains("\"b\""), "{err}");
    }

    #[test]
    fn one_matrix_tensor_for_a_model_with_text_columns_says_to_send_one_per_column() {
        let matrix = request(json!({"inputs": [
            {"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [1.0, 2.0]}
        ]}));
        let err = request_frame(matrix, &features(), &["b".into()]).unwrap_err();
        assert!(
            err.0.contains("text or boolean columns (b)")
                && err.0.contains("one tensor of shape [N] per"),
            "{err}"
        );
    }
}
