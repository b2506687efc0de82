//! The model artifact: the whole prediction pipeline (input schema, the preprocessing fitted
//! on the training rows, fitted model) with its provenance and metrics, as one JSON file — data only, never code (unlike a
//! pickle) — sealed by a SHA-256 over its content.
//!
//! The digest covers the canonical JSON of everything but the `sha256` field (keys sorted,
//! floats in their shortest round-trip form), so loading can recompute it from the parsed file.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::atomic_file::write_atomically;
use crate::error::{Error, Result};
use crate::modeling::metrics::Metrics;
use crate::modeling::train::TrainReport;
use crate::modeling::{FittedModel, ModelSpec, ParamSet, Preprocessor};

/// The `format` field every artifact carries.
pub const FORMAT: &str = "ml-workflow-model";
/// The artifact layout version this build writes (3: tree nodes in the compact form of
/// `modeling/trees/compact.rs`); it reads [`OLDEST_FORMAT_VERSION`] and later (2: an input
/// schema with text columns and missing values; files of version 1 are refused with a request
/// to retrain).
pub const FORMAT_VERSION: u32 = 3;
/// The oldest layout version this build reads.
pub const OLDEST_FORMAT_VERSION: u32 = 2;
/// The largest artifact file [`Artifact::load`] reads: 64 MiB, over sixty times the chapter's
/// 400-stage model (under 1 MiB); `load_limited` (and `--max-model-bytes`) sets another.
pub const DEFAULT_MAX_BYTES: u64 = 64 << 20;

/// Where the training data came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataProvenance {
    /// Registered dataset name or file name.
    pub name: String,
    /// SHA-256 of the data file.
    pub sha256: String,
    /// Rows used for training.
    pub rows_train: usize,
    /// Rows held out for evaluation.
    pub rows_test: usize,
}

/// The model's recorded quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactMetrics {
    /// Best cross-validated mean MSE (None: trained without cross-validation).
    pub cv_mean_mse: Option<f64>,
    /// Its standard deviation over folds.
    pub cv_std_mse: Option<f64>,
    /// The grid setting that won.
    pub best_params: ParamSet,
    /// Held-out metrics, when rows were held out.
    pub test: Option<Metrics>,
}

/// A saved model: everything `serving::predict` needs, plus provenance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Artifact {
    /// Always [`FORMAT`].
    pub format: String,
    /// The layout version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Version of the crate that wrote it.
    pub crate_version: String,
    /// The model's name (`train --name`; default the dataset's name or the CSV's stem), as
    /// `/model`, the v2 metadata and the `x-model-name` header show it.
    #[serde(default)]
    pub name: String,
    /// The model's version (`train --version`; default a short hash of what predicts: the
    /// features, the preprocessing and the fitted model), as `x-model-version` shows it.
    #[serde(default)]
    pub version: String,
    /// When it was written (RFC 3339, UTC), if the writer asked for a timestamp: without one,
    /// the same data, seed and code give a byte-identical file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The input columns a request carries, in order (their types and encodings are in
    /// `preprocessing.columns`).
    pub features: Vec<String>,
    /// The target column.
    pub target: String,
    /// Preprocessing fitted at training time: imputer, scaler and one-hot encoder.
    pub preprocessing: Preprocessor,
    /// The model's kind and hyperparameters.
    pub spec: ModelSpec,
    /// The fitted model's state.
    pub model: FittedModel,
    /// Cross-validated and held-out metrics.
    pub metrics: ArtifactMetrics,
    /// The training data's provenance.
    pub dataset: DataProvenance,
}

impl Artifact {
    /// An artifact from a training run on data `name` with checksum `sha256`.
    pub fn from_report(report: &TrainReport, name: &str, sha256: &str) -> Artifact {
        let best = report.search.best_result();
        let mut artifact = Artifact {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").into(),
            name: String::new(),
            version: String::new(),
            created: None,
            features: report.preprocessor.input_names(),
            target: report.config.target.clone(),
            preprocessing: report.preprocessor.clone(),
            spec: report.final_spec.clone(),
            model: report.model.clone(),
            metrics: ArtifactMetrics {
                cv_mean_mse: best.map(|b| b.mean_mse),
                cv_std_mse: best.map(|b| b.std_mse),
                best_params: best.map(|b| b.params.clone()).unwrap_or_default(),
                test: report.test,
            },
            dataset: DataProvenance {
                name: name.into(),
                sha256: sha256.into(),
                rows_train: report.rows_train,
                rows_test: report.rows_test,
            },
        };
        artifact.fill_identity();
        artifact
    }

    /// Sets the name and version (`train --name`, `--version`); `None` keeps the default. Both
    /// must be 1 to 128 characters of letters, digits and `._-` (they go into URLs and headers).
    pub fn with_identity(mut self, name: Option<&str>, version: Option<&str>) -> Result<Artifact> {
        for (what, value) in [("name", name), ("version", version)] {
            if let Some(v) = value {
                if !is_identifier(v) {
                    return Err(Error::invalid(
                        format!("model {what}"),
                        format!("{v:?}: use 1 to 128 letters, digits, '.', '_' or '-'"),
                    ));
                }
            }
        }
        if let Some(name) = name {
            self.name = name.into();
        }
        if let Some(version) = version {
            self.version = version.into();
        }
        Ok(self)
    }

    /// Fills a missing name (the dataset's name, or its file's stem) and version (a short hash
    /// of the features, preprocessing and model), for new artifacts and older files alike.
    fn fill_identity(&mut self) {
        if !is_identifier(&self.name) {
            let stem = Path::new(&self.dataset.name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let clean: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._-".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .take(128)
                .collect();
            self.name = if clean.is_empty() {
                "model".into()
            } else {
                clean
            };
        }
        if !is_identifier(&self.version) {
            self.version = self.content_hash().unwrap_or_else(|_| "0".into());
        }
    }

    /// The first 12 hex digits of the SHA-256 of what predicts.
    fn content_hash(&self) -> Result<String> {
        let what = serde_json::json!({
            "features": self.features,
            "preprocessing": self.preprocessing,
            "spec": self.spec,
            "model": self.model,
        });
        Ok(digest(&what)?[..12].to_string())
    }

    /// Records the time of writing (`train --timestamp`): the current time, or
    /// `SOURCE_DATE_EPOCH` when set (reproducible builds' convention).
    pub fn stamped(mut self) -> Artifact {
        let now = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map_or_else(std::time::SystemTime::now, |secs| {
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)
            });
        self.created = Some(humantime::format_rfc3339_seconds(now).to_string());
        self
    }

    /// The sealed JSON text (compact): the content plus its `sha256`.
    pub fn to_json(&self) -> Result<String> {
        let mut value = serde_json::to_value(self).map_err(json_error)?;
        let digest = digest(&value)?;
        if let Value::Object(map) = &mut value {
            map.insert("sha256".into(), Value::String(digest));
        }
        serde_json::to_string(&value).map_err(json_error)
    }

    /// Writes the artifact to `path` (creating folders), atomically: a temporary file created
    /// exclusively beside it, flushed, then renamed over it ([`crate::atomic_file`]). A target
    /// that is a link, folder or device is refused.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomically(path, self.to_json()?.as_bytes())
    }

    /// Reads and verifies an artifact file.
    ///
    /// ```
    /// use ml_workflow::serving::Artifact;
    /// # use ml_workflow::modeling::train::{train, TrainConfig};
    /// # use ml_workflow::modeling::ModelSpec;
    /// # use ml_workflow::polars_ext::from_columns;
    /// # let x: Vec<f64> = (0..50).map(f64::from).collect();
    /// # let y: Vec<f64> = x.iter().map(|v| 2.0 * v - 1.0).collect();
    /// # let df = from_columns(vec![("x".into(), x), ("y".into(), y)])?;
    /// # let mut config = TrainConfig::for_target("y");
    /// # config.model = ModelSpec::Linear;
    /// # let report = train(&df, &config, None)?;
    /// let path = std::env::temp_dir().join(format!("doc-artifact-{}.json", std::process::id()));
    /// Artifact::from_report(&report, "y-from-x", "0000").save(&path)?;
    /// let loaded = Artifact::load(&path)?;
    /// assert_eq!(loaded.features, ["x"]);
    /// assert_eq!(loaded.target, "y");
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), ml_workflow::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Artifact> {
        Artifact::load_limited(path, DEFAULT_MAX_BYTES)
    }

    /// [`Artifact::load`] that refuses, before reading, a file over `max_bytes` or one that is
    /// not a regular file (a folder, device or FIFO), so a wrong path cannot exhaust memory.
    pub fn load_limited(path: impl AsRef<Path>, max_bytes: u64) -> Result<Artifact> {
        let path = path.as_ref();
        let text = read_limited(path, max_bytes)?;
        Artifact::from_json(&text).map_err(|e| match e {
            Error::Invalid { message, .. } => {
                Error::invalid(format!("model artifact {}", path.display()), message)
            }
            other => other,
        })
    }

    /// Parses and verifies artifact JSON: format, version, then checksum, then content.
    pub fn from_json(bytes: &[u8]) -> Result<Artifact> {
        let bad = |m: String| Error::invalid("model artifact", m);
        let mut value: Value = serde_json::from_slice(bytes).map_err(|e| {
            bad(format!(
                "not valid JSON ({e}); the file may be truncated or not an artifact"
            ))
        })?;
        let map = value.as_object_mut().ok_or_else(|| {
            bad("not an ml-workflow model artifact (expected a JSON object)".into())
        })?;
        match map.get("format").and_then(Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => return Err(bad(format!("format {other:?} is not {FORMAT:?}"))),
            None => {
                return Err(bad(
                    "not an ml-workflow model artifact (no \"format\" field)".into(),
                ))
            }
        }
        let version = map.get("format_version").and_then(Value::as_u64);
        match version {
            Some(v) if (u64::from(OLDEST_FORMAT_VERSION)..=u64::from(FORMAT_VERSION)).contains(&v) => {}
            Some(v) if v > u64::from(FORMAT_VERSION) => {
                return Err(bad(format!(
                    "format version {v} is newer than this build of ml-workflow reads ({FORMAT_VERSION}); upgrade ml-workflow"
                )))
            }
            Some(v) => return Err(bad(format!("format version {v} is not supported (this build reads {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}); train the model again"))),
            None => return Err(bad("no \"format_version\" field".into())),
        }
        let recorded = match map.remove("sha256") {
            Some(Value::String(s)) => s,
            _ => return Err(bad("no \"sha256\" field: the artifact is not sealed".into())),
        };
        let actual = digest(&value)?;
        if actual != recorded {
            return Err(bad(format!(
                "checksum mismatch: the content hashes to {actual}, the file records {recorded}; it was modified or corrupted"
            )));
        }
        let artifact: Artifact = serde_json::from_value(value).map_err(|e| {
            bad(format!(
                "content does not match format {FORMAT_VERSION}: {e}"
            ))
        })?;
        let mut artifact = artifact;
        artifact.check_shapes().map_err(bad)?;
        artifact.fill_identity();
        Ok(artifact)
    }

    /// The input list, the preprocessing and the model must agree.
    fn check_shapes(&self) -> std::result::Result<(), String> {
        if self.features.is_empty() {
            return Err("it lists no features".into());
        }
        if self.features != self.preprocessing.input_names() {
            return Err(format!(
                "its features {:?} are not the preprocessing's input columns {:?}",
                self.features,
                self.preprocessing.input_names()
            ));
        }
        self.preprocessing.check()?;
        let width = self.preprocessing.width();
        if self.model.n_features() != width {
            return Err(format!(
                "the preprocessing gives {width} features but the model takes {}",
                self.model.n_features()
            ));
        }
        Ok(())
    }
}

/// Reads `path` whole if it is a regular file of at most `max_bytes` (checked on the open
/// file, and again while reading, in case it grows).
fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let refuse =
        |message: String| Error::invalid(format!("model artifact {}", path.display()), message);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    if meta.len() > max_bytes {
        return Err(refuse(format!(
            "{} bytes, over the limit of {max_bytes} (ML_WORKFLOW_MAX_MODEL_BYTES)",
            meta.len()
        )));
    }
    let mut text = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_bytes + 1)
        .read_to_end(&mut text)
        .map_err(|e| Error::io(path, e))?;
    if text.len() as u64 > max_bytes {
        return Err(refuse(format!(
            "grew past the limit of {max_bytes} bytes while being read"
        )));
    }
    Ok(text)
}

/// A name or version that can go into a URL path segment and an HTTP header as it is.
fn is_identifier(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// SHA-256 of the canonical JSON text of `value`, hashed as it is written (an artifact of a
/// large forest is hundreds of megabytes: no second copy of it is made).
fn digest(value: &Value) -> Result<String> {
    let mut hashing = Hashing(Sha256::new());
    canonical(value, &mut hashing)?;
    Ok(format!("{:x}", hashing.0.finalize()))
}

/// A writer that feeds a SHA-256.
struct Hashing(Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compact JSON with object keys sorted at every level, whatever map type serde_json uses.
fn canonical(value: &Value, out: &mut Hashing) -> Result<()> {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.0.update(b"{");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.0.update(b",");
                }
                serde_json::to_writer(&mut *out, k).map_err(json_error)?;
                out.0.update(b":");
                canonical(&map[k.as_str()], out)?;
            }
            out.0.update(b"}");
        }
        Value::Array(items) => {
            out.0.update(b"[");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.0.update(b",");
                }
                canonical(v, out)?;
            }
            out.0.update(b"]");
        }
        scalar => serde_json::to_writer(&mut *out, scalar).map_err(json_error)?,
    }
    Ok(())
}

fn json_error(source: serde_json::Error) -> Error {
    Error::Json {
        what: "model artifact".into(),
        source,
    }
}
