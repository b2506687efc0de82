//! The OpenAPI 3.1 document's parts that are not routes: its info, the schemas of bodies and
//! answers, and, for each loaded model, its feature columns (`Features`), so that a client
//! generator sees what to send. The routes' part comes from the handlers' `#[utoipa::path]`
//! attributes, collected where the router is built (`router.rs`).

use serde_json::{json, Value};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi as Document, RefOr, ServerBuilder};
use utoipa::{OpenApi, PartialSchema, ToSchema};

use crate::serving::v2::{InferInput, InferRequest};
use crate::serving::Artifact;
use crate::table::{ColumnType, Encoding};

/// An error answer.
#[derive(ToSchema)]
#[allow(dead_code)] // a schema: the answers are built as JSON values
pub(crate) struct ErrorBody {
    /// What was wrong, naming the column, row, value or limit at fault.
    error: String,
}

/// A health answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Health {
    /// `ok`, `alive` or `draining`.
    status: String,
    /// The model's kind, when ready.
    model: Option<String>,
    /// How many features it takes, when ready.
    features: Option<usize>,
}

/// `POST /predict`'s answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct PredictionBody {
    /// One prediction per row, in the request's row order.
    prediction: Vec<f64>,
    /// Request columns the model does not use (absent when none).
    ignored_columns: Option<Vec<String>>,
    /// Columns the training table did not have (an ID, a misspelt input), ignored (absent when
    /// none).
    warnings: Option<Vec<String>>,
    /// Per text or boolean input, the rows whose category training never saw (encoded as all
    /// zeros; absent when none).
    unseen_categories: Option<std::collections::BTreeMap<String, usize>>,
}

/// `POST /explain`'s answer: `base_value + Σ values[i]` is row `i`'s prediction.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct ExplanationBody {
    /// The model's mean prediction over its training rows (shap's `expected_value`).
    base_value: f64,
    /// The model's input columns.
    columns: Vec<String>,
    /// Each row's SHAP value per input column (a one-hot block summed back to its column).
    values: Vec<Vec<f64>>,
    /// The model's encoded features.
    features: Vec<String>,
    /// Each row's SHAP value per encoded feature.
    feature_values: Vec<Vec<f64>>,
    /// Each row's prediction.
    prediction: Vec<f64>,
}

/// `POST /invocations`' answer (MLflow's).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct InvocationsBody {
    /// One prediction per row.
    predictions: Vec<f64>,
}

/// MLflow's scoring input: exactly one of the frame fields, and `params` at most beside it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct MlflowRequest {
    /// `{"columns": [...], "index": [...], "data": [[...]]}` (pandas' split orient).
    #[schema(value_type = Option<Object>)]
    dataframe_split: Option<Value>,
    /// A list of records.
    dataframe_records: Option<Vec<Features>>,
    /// A list of records.
    instances: Option<Vec<Features>>,
    /// A list of records, or `{column: [values]}`.
    #[schema(value_type = Option<Object>)]
    inputs: Option<Value>,
    /// Accepted and not used.
    #[schema(value_type = Option<Object>)]
    params: Option<Value>,
}

/// One row: the loaded model's feature columns (filled in when the model is loaded).
pub(crate) struct Features;

impl PartialSchema for Features {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("One row: the model's feature columns, numbers"))
            .into()
    }
}

impl ToSchema for Features {}

/// The document's info and schemas; the router adds the paths.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ml-workflow prediction server",
        description = "Predictions from a saved ml-workflow model over HTTP: the chapter's /predict, MLflow's scoring protocol and the Open Inference Protocol (v2). Every answer carries x-model-name, x-model-version and x-request-id."
    ),
    components(schemas(
        ErrorBody,
        Health,
        PredictionBody,
        ExplanationBody,
        InvocationsBody,
        MlflowRequest,
        Features,
        InferRequest,
        InferInput
    ))
)]
pub(crate) struct ApiDoc;

/// The document for `artifact`: the routes' document `api`, with `Features` holding its
/// columns.
pub(crate) fn for_model(api: &Document, artifact: &Artifact) -> Value {
    let mut doc = api.clone();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.servers = Some(vec![ServerBuilder::new().url("/").build()]);
    let mut features = ObjectBuilder::new().description(Some(format!(
        "One row for model {} {}: its {} input columns (null for a missing value)",
        artifact.name,
        artifact.version,
        artifact.features.len()
    )));
    for column in &artifact.preprocessing.columns {
        let kind = match column.dtype {
            ColumnType::Integer | ColumnType::Float => Type::Number,
            ColumnType::Boolean => Type::Boolean,
            ColumnType::Text => Type::String,
        };
        let mut schema =
            ObjectBuilder::new().schema_type(SchemaType::from_iter([kind, Type::Null]));
        if let Encoding::OneHot { categories, .. } = &column.encoding {
            schema = schema.description(Some(format!(
                "categories seen in training: {}",
                categories.join(", ")
            )));
        }
        features = features
            .property(&column.name, schema)
            .required(&column.name);
    }
    if let Some(components) = doc.components.as_mut() {
        components
            .schemas
            .insert("Features".into(), features.into());
    }
    let mut doc = serde_json::to_value(&doc).unwrap_or(Value::Null);
    if let Some(classes) = &artifact.classes {
        classifier_answers(&mut doc["components"]["schemas"], &classes.0);
    }
    doc
}

/// A classifier's answers in place of a regressor's: `/predict`'s labels (the target's type,
/// one of the classes), each row's probabilities and the classes; `/invocations`' labels, or
/// the probabilities when `params` ask for `predict_proba`.
fn classifier_answers(schemas: &mut Value, classes: &[Value]) {
    let kind = match classes.first() {
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "integer",
        _ => "string",
    };
    let label = json!({ "type": kind, "enum": classes });
    let k = classes.len();
    let row = json!({
        "type": "array", "items": { "type": "number", "minimum": 0, "maximum": 1 },
        "minItems": k, "maxItems": k,
        "description": "Each class's probability, in the order of `classes`",
    });
    if let Some(body) = schemas.get_mut("PredictionBody") {
        body["properties"]["prediction"] = json!({
            "type": "array", "items": label,
            "description": "Each row's class (the most probable), in the request's row order",
        });
        body["properties"]["probabilities"] = json!({ "type": "array", "items": row });
        body["properties"]["classes"] = json!({
            "type": "array", "items": label, "description": "The classes, sorted",
        });
        body["required"] = json!(["prediction", "probabilities", "classes"]);
    }
    if let Some(body) = schemas.get_mut("InvocationsBody") {
        body["properties"]["predictions"] = json!({
            "description": "Each row's class; each row's probabilities with \
                            `params.predict_method` `predict_proba`",
            "oneOf": [
                { "type": "array", "items": label },
                { "type": "array", "items": row },
            ],
        });
    }
}
