//! `GET /openapi.json`: an OpenAPI 3.1 document of every route, generated from the handlers'
//! `#[utoipa::path]` attributes and the types below, with the loaded model's feature columns
//! filled in at load time (`Features`), so a client generator sees what to send.

use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{RefOr, ServerBuilder};
use utoipa::{OpenApi, PartialSchema, ToSchema};

use super::v2::{InferInput, InferRequest};
use super::{protocols, server, Artifact};
use crate::modeling::{ColumnType, Encoding};

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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ml-workflow prediction server",
        description = "Predictions from a saved ml-workflow model over HTTP: the chapter's /predict, MLflow's scoring protocol and the Open Inference Protocol (v2). Every answer carries x-model-name, x-model-version and x-request-id."
    ),
    paths(
        server::predict_handler,
        server::home,
        server::ready,
        server::live,
        server::model,
        server::metrics,
        openapi_json,
        protocols::ping,
        protocols::version,
        protocols::invocations,
        protocols::v2_server,
        protocols::v2_live,
        protocols::v2_ready,
        protocols::v2_model,
        protocols::v2_model_version,
        protocols::v2_model_ready,
        protocols::v2_infer,
        protocols::v2_infer_version,
    ),
    components(schemas(
        ErrorBody,
        Health,
        PredictionBody,
        InvocationsBody,
        MlflowRequest,
        Features,
        InferRequest,
        InferInput
    ))
)]
struct ApiDoc;

/// The document for `artifact`: the generated one, with `Features` holding its columns.
pub(crate) fn document(artifact: &Artifact) -> Value {
    let mut doc = ApiDoc::openapi();
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
    serde_json::to_value(&doc).unwrap_or(Value::Null)
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "server", responses((status = 200, description = "This OpenAPI 3.1 document", body = Object)))]
pub(super) async fn openapi_json(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<server::AppState>>,
) -> axum::Json<Value> {
    axum::Json(state.model.load().openapi.clone())
}
