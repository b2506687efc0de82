//! The model artifact: the whole prediction pipeline (input schema, the preprocessing fitted
//! on the training rows, fitted model) with its provenance and metrics, as one JSON file — data only, never code (unlike a
//! pickle) — sealed by a SHA-256 over its content.
//!
//! The digest covers the canonical JSON of everything but the `sha256` field (keys sorted,
//! floats in their shortest round-trip form), so loading can recompute it from the parsed file.
//! The file is written as that canonical text with the `sha256` appended as its last member,
//! so loading a large model hashes the bytes as it parses them, in one pass and without a
//! copy; a file re-serialised in another layout still loads, through a slower road that
//! rebuilds the canonical text.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::lifting_reader::LiftingReader;
use crate::atomic_file::write_atomically;
use crate::error::{Error, Result};
use crate::modeling::class_metrics::ClassMetrics;
use crate::modeling::classify::{ClassScoring, Classes};
use crate::modeling::metrics::Metrics;
use crate::modeling::train::ClassifierReport;
use crate::modeling::train::TrainReport;
use crate::modeling::trees::lifted::Lifting;
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
/// How the seal, the content's SHA-256, opens as the file's last member.
const SEAL_KEY: &str = ",\"sha256\":\"";
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
    /// The grid setting that won, each value with its parameter's type (`"n_estimators":
    /// 200`, not `200.0`).
    pub best_params: Value,
    /// Held-out metrics, when rows were held out.
    pub test: Option<Metrics>,
    /// A classifier's best mean score over the stratified folds (by `scoring`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "cv_accuracy"
    )]
    pub cv_score: Option<f64>,
    /// What a classifier's folds were scored by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ClassScoring>,
    /// A classifier's held-out metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<ClassMetrics>,
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
    /// A classifier's classes, sorted, with the target's type (the probabilities' columns);
    /// absent for a regressor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Classes>,
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

/// A grid setting as JSON with each value of its parameter's type (an empty object without one).
fn typed(spec: &ModelSpec, params: Option<&ParamSet>) -> Value {
    params.map_or_else(
        || Value::Object(Default::default()),
        |p| spec.typed_params(p),
    )
}

impl Artifact {
    /// An artifact from a training run on data `name` with checksum `sha256`.
    pub fn from_report(report: &TrainReport, name: &str, sha256: &str) -> Artifact {
        let best = report.search.best_result();
        Artifact::assembled(
            &report.preprocessor,
            &report.config.target,
            None,
            (&report.final_spec, &report.model),
            ArtifactMetrics {
                cv_mean_mse: best.map(|b| b.mean_mse),
                cv_std_mse: best.map(|b| b.std_mse),
                best_params: typed(&report.final_spec, best.map(|b| &b.params)),
                test: report.test,
                cv_score: None,
                scoring: None,
                classification: None,
            },
            DataProvenance {
                name: name.into(),
                sha256: sha256.into(),
                rows_train: report.rows_train,
                rows_test: report.rows_test,
            },
        )
    }

    /// An artifact from a classifier's training run on data `name` with checksum `sha256`.
    pub fn from_classifier_report(report: &ClassifierReport, name: &str, sha256: &str) -> Artifact {
        let best = report.search.best_result();
        Artifact::assembled(
            &report.preprocessor,
            &report.config.target,
            Some(report.classes.clone()),
            (&report.spec, &report.model),
            ArtifactMetrics {
                cv_mean_mse: None,
                cv_std_mse: None,
                best_params: typed(&report.spec, best.map(|b| &b.params)),
                test: None,
                cv_score: best.map(|b| b.mean),
                scoring: best.map(|_| report.search.scoring),
                classification: report.test.clone(),
            },
            DataProvenance {
                name: name.into(),
                sha256: sha256.into(),
                rows_train: report.rows_train,
                rows_test: report.rows_test,
            },
        )
    }

    /// The artifact of a fitted pipeline, named and versioned by default.
    fn assembled(
        preprocessor: &Preprocessor,
        target: &str,
        classes: Option<Classes>,
        (spec, model): (&ModelSpec, &FittedModel),
        metrics: ArtifactMetrics,
        dataset: DataProvenance,
    ) -> Artifact {
        let mut artifact = Artifact {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").into(),
            name: String::new(),
            version: String::new(),
            created: None,
            features: preprocessor.input_names(),
            target: target.into(),
            classes,
            preprocessing: preprocessor.clone(),
            spec: spec.clone(),
            model: model.clone(),
            metrics,
            dataset,
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
        let mut what = serde_json::json!({
            "features": self.features,
            "preprocessing": self.preprocessing,
            "spec": self.spec,
            "model": self.model,
        });
        if let Some(classes) = &self.classes {
            what["classes"] = serde_json::json!(classes);
        }
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

    /// The sealed JSON text: the content's canonical JSON (compact, keys sorted), then its
    /// `sha256` as the last member, so a reader can hash the bytes as they stream by
    /// ([`Artifact::load`]) instead of re-serialising what it parsed.
    pub fn to_json(&self) -> Result<String> {
        let value = serde_json::to_value(self).map_err(json_error)?;
        let mut bytes = Vec::new();
        canonical(&value, &mut bytes)?;
        let digest = format!("{:x}", Sha256::digest(&bytes));
        // The canonical text of an object ends with its closing brace.
        bytes.pop();
        bytes.extend_from_slice(format!("{SEAL_KEY}{digest}\"}}").as_bytes());
        String::from_utf8(bytes).map_err(|e| Error::invalid("model artifact", e.to_string()))
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
        let in_file = |e: Error| match e {
            Error::Invalid { message, .. } => {
                Error::invalid(format!("model artifact {}", path.display()), message)
            }
            other => other,
        };
        let file = open_limited(path, max_bytes)?;
        if let Some(artifact) = streamed(&file).map_err(|e| Error::io(path, e))? {
            return artifact.checked().map_err(in_file);
        }
        let text = read_limited(path, file, max_bytes)?;
        Artifact::from_json(&text).map_err(in_file)
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
        artifact.checked()
    }

    /// The artifact once its shapes agree, with its name and version filled in.
    fn checked(mut self) -> Result<Artifact> {
        self.check_shapes()
            .map_err(|m| Error::invalid("model artifact", m))?;
        self.fill_identity();
        Ok(self)
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
        match (&self.classes, self.model.n_classes()) {
            (None, None) => {}
            (Some(classes), Some(k)) if classes.len() == k && k >= 2 => {}
            (Some(classes), k) => {
                return Err(format!(
                    "it lists {} classes but the model gives {}",
                    classes.len(),
                    k.map_or("no class probabilities".to_string(), |k| format!("{k}"))
                ))
            }
            (None, Some(_)) => return Err("a classifier without its classes".into()),
        }
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

/// Opens `path` if it is a regular file of at most `max_bytes`.
fn open_limited(path: &Path, max_bytes: u64) -> Result<File> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    let refuse =
        |message: String| Error::invalid(format!("model artifact {}", path.display()), message);
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    if meta.len() > max_bytes {
        return Err(refuse(format!(
            "{} bytes, over the limit of {max_bytes} (ML_WORKFLOW_MAX_MODEL_BYTES)",
            meta.len()
        )));
    }
    Ok(file)
}

/// Reads the opened file whole from its start, at most `max_bytes` (checked again while
/// reading, in case it grew).
fn read_limited(path: &Path, mut file: File, max_bytes: u64) -> Result<Vec<u8>> {
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(path, e))?;
    let mut text = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut text)
        .map_err(|e| Error::io(path, e))?;
    if text.len() as u64 > max_bytes {
        return Err(Error::invalid(
            format!("model artifact {}", path.display()),
            format!("grew past the limit of {max_bytes} bytes while being read"),
        ));
    }
    Ok(text)
}

/// The fast road for a file as [`Artifact::to_json`] writes it (canonical content, then the
/// seal as the last member): the content is parsed straight from the file into the model's
/// arrays while its bytes are hashed, so neither the text nor a JSON tree is held; a forest
/// of hundreds of megabytes loads in about the memory of its nodes. `None` when the file is
/// not in that form, fails to parse, or hashes to something else: the caller then takes the
/// careful road ([`Artifact::from_json`]), which accepts any JSON layout and names the fault.
fn streamed(mut file: &File) -> std::io::Result<Option<Artifact>> {
    let len = file.metadata()?.len();
    let seal_len = SEAL_KEY.len() as u64 + 66;
    if len <= seal_len {
        return Ok(None);
    }
    let mut seal = Vec::new();
    file.seek(SeekFrom::Start(len - seal_len))?;
    file.take(seal_len).read_to_end(&mut seal)?;
    let Some(recorded) = seal
        .strip_prefix(SEAL_KEY.as_bytes())
        .and_then(|rest| rest.strip_suffix(b"\"}"))
        .filter(|hex| {
            hex.iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        })
    else {
        return Ok(None);
    };
    let recorded = recorded.to_vec();
    file.seek(SeekFrom::Start(0))?;
    // The content is the file up to its seal, closed again.
    let mut reader = HashingRead {
        inner: file.take(len - seal_len).chain(&b"}"[..]),
        hash: Sha256::new(),
    };
    let lifting = Lifting::start();
    let parsed: Option<Artifact> = {
        let raw = BufReader::with_capacity(1 << 20, &mut reader);
        let lifted = BufReader::with_capacity(1 << 16, LiftingReader::new(raw));
        serde_json::from_reader(lifted).ok()
    };
    let parsed = parsed.filter(|_| lifting.all_claimed());
    drop(lifting);
    let hex = format!("{:x}", reader.hash.finalize());
    Ok(parsed.filter(|a| {
        hex.as_bytes() == recorded
            && a.format == FORMAT
            && (OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&a.format_version)
    }))
}

/// A reader that hashes what passes through it.
struct HashingRead<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for HashingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
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
    let mut hashing = HashingWrite(Sha256::new());
    canonical(value, &mut hashing)?;
    Ok(format!("{:x}", hashing.0.finalize()))
}

/// A writer that feeds a SHA-256.
struct HashingWrite(Sha256);

impl Write for HashingWrite {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Compact JSON with object keys sorted at every level, whatever map type serde_json uses.
fn canonical(value: &Value, out: &mut impl Write) -> Result<()> {
    let io = |e: std::io::Error| json_error(serde_json::Error::io(e));
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.write_all(b"{").map_err(io)?;
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",").map_err(io)?;
                }
                serde_json::to_writer(&mut *out, k).map_err(json_error)?;
                out.write_all(b":").map_err(io)?;
                canonical(&map[k.as_str()], out)?;
            }
            out.write_all(b"}").map_err(io)?;
        }
        Value::Array(items) => {
            out.write_all(b"[").map_err(io)?;
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",").map_err(io)?;
                }
                canonical(v, out)?;
            }
            out.write_all(b"]").map_err(io)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::train::{train, TrainConfig};
    use crate::polars_ext::from_columns;

    /// A forest on 300 rows, its trees long enough to be lifted, saved under `name`.
    fn saved_forest(dir: &Path, name: &str) -> (std::path::PathBuf, Artifact) {
        let x: Vec<f64> = (0..300).map(|i| f64::from((i * 37) % 101)).collect();
        let y: Vec<f64> = x.iter().map(|v| (v * 0.3).sin() * 10.0 + v).collect();
        let df = from_columns(vec![("x".into(), x), ("y".into(), y)]).unwrap();
        let config = TrainConfig::for_target("y")
            .model("forest")
            .unwrap()
            .param("n_estimators", "3")
            .unwrap()
            .folds(0);
        let artifact = Artifact::from_report(&train(&df, &config, None).unwrap(), name, "00");
        let path = dir.join("model.json");
        artifact.save(&path).unwrap();
        (path, artifact)
    }

    fn same(a: &Artifact, b: &Artifact) {
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::to_value(b).unwrap()
        );
    }

    #[test]
    fn a_saved_artifact_is_canonical_text_sealed_last_and_loads_streamed() {
        let dir = tempfile::tempdir().unwrap();
        let (path, artifact) = saved_forest(dir.path(), "forest");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(r#"{"crate_version":"#), "{}", &text[..40]);
        let tail = &text[text.len() - 77..];
        assert!(
            tail.starts_with(SEAL_KEY) && tail.ends_with("\"}"),
            "{tail}"
        );
        let streamed = streamed(&File::open(&path).unwrap()).unwrap();
        same(&streamed.expect("the streamed road"), &artifact);
        same(&Artifact::load(&path).unwrap(), &artifact);
    }

    #[test]
    fn other_layouts_load_the_careful_way_and_changes_are_caught() {
        let dir = tempfile::tempdir().unwrap();
        // A long name is lifted like a tree but claimed by none: the careful road reads it.
        let long = "n".repeat(5000);
        let (path, artifact) = saved_forest(dir.path(), &long);
        assert!(streamed(&File::open(&path).unwrap()).unwrap().is_none());
        let loaded = Artifact::load(&path).unwrap();
        assert_eq!(loaded.dataset.name, long);
        same(&loaded, &artifact);
        // Pretty-printed by a user: the same content, the seal no longer last.
        let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
        same(&Artifact::load(&path).unwrap(), &artifact);
        // One threshold changed in a file of the streamed layout.
        let (path, _) = saved_forest(dir.path(), "forest");
        let text = std::fs::read_to_string(&path).unwrap();
        let changed = text.replacen(r#""rows_train":"#, r#""rows_train":1"#, 1);
        std::fs::write(&path, changed).unwrap();
        let err = Artifact::load(&path).unwrap_err().to_string();
        assert!(err.contains("checksum mismatch"), "{err}");
    }
}
