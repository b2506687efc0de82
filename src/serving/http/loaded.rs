//! A loaded model and what the routes derive from it once, when it is loaded (at start or on a
//! reload): its identity headers, its card, its home page and its OpenAPI document.

use axum::http::{HeaderName, HeaderValue};
use serde_json::Value;
use utoipa::openapi::OpenApi;

use super::api_doc;
use super::pages::{home_page, model_card};
use crate::serving::Artifact;

/// A loaded model and what the routes derive from it once.
pub(crate) struct Loaded {
    pub(crate) artifact: Artifact,
    /// `x-model-name` and `x-model-version`.
    pub(crate) identity: Vec<(HeaderName, HeaderValue)>,
    pub(crate) card: Value,
    pub(crate) home: String,
    /// The OpenAPI document with this model's feature columns.
    pub(crate) openapi: Value,
}

impl Loaded {
    /// Derives the headers, the card, the home page and the OpenAPI document (the routes'
    /// document `api` with this model's columns) for `artifact`.
    pub(crate) fn new(artifact: Artifact, api: &OpenApi) -> Loaded {
        Loaded {
            identity: identity_headers(&artifact),
            card: model_card(&artifact),
            home: home_page(&artifact),
            openapi: api_doc::for_model(api, &artifact),
            artifact,
        }
    }
}

/// `x-model-name` and `x-model-version` (names and versions are checked to be header-safe
/// when set; anything else is left out rather than sent garbled).
fn identity_headers(artifact: &Artifact) -> Vec<(HeaderName, HeaderValue)> {
    [
        ("x-model-name", &artifact.name),
        ("x-model-version", &artifact.version),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        Some((
            HeaderName::from_static(name),
            HeaderValue::from_str(value).ok()?,
        ))
    })
    .collect()
}
