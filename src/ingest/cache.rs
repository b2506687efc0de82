//! The dataset cache: a folder of files checked by SHA-256, filled by download on a miss.
//!
//! A download goes to a temporary file, is hashed as it streams and is renamed into place only
//! when its digest matches, so an interrupted or tampered download leaves nothing behind. A
//! cached file whose digest differs is refused, never silently used.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::atomic_file::AtomicFile;
use crate::datasets::DatasetSpec;
use crate::error::{Error, Result};

/// Environment variable that points the dataset cache at another folder.
pub const DATA_DIR_ENV: &str = "ML_WORKFLOW_DATA";

/// The cache folder: `ML_WORKFLOW_DATA` if set, else the platform's per-user cache folder
/// (`~/.cache/ml-workflow/data` on Linux), like scikit-learn's `~/scikit_learn_data`; a
/// checkout's `make` targets point it at the checkout's `data/`.
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => directories::ProjectDirs::from("", "", "ml-workflow")
            .map(|dirs| dirs.cache_dir().join("data"))
            .unwrap_or_else(|| PathBuf::from("ml-workflow-data")),
    }
}

/// The state of a dataset in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheState {
    /// Not downloaded yet.
    Missing,
    /// Present and its checksum matches.
    Verified,
    /// Present but its checksum differs (it will be refused).
    Corrupt {
        /// The digest found.
        actual: String,
    },
}

/// A folder of downloaded datasets, each verified by SHA-256.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    progress: bool,
    timeout: Duration,
}

impl Cache {
    /// A cache in `dir` (created on first download).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Cache {
            dir: dir.into(),
            progress: false,
            timeout: Duration::from_secs(60),
        }
    }

    /// Shows a progress bar on stderr while downloading (the CLI turns it on).
    pub fn with_progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// Sets the whole-download timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The cache's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `spec`'s file lives in this cache.
    pub fn path(&self, spec: &DatasetSpec) -> PathBuf {
        self.dir.join(&spec.file)
    }

    /// Whether `spec`'s file is cached and intact.
    pub fn state(&self, spec: &DatasetSpec) -> Result<CacheState> {
        let path = self.path(spec);
        if !path.exists() {
            return Ok(CacheState::Missing);
        }
        let actual = sha256_file(&path)?;
        Ok(if actual == spec.sha256 {
            CacheState::Verified
        } else {
            CacheState::Corrupt { actual }
        })
    }

    /// Returns the path of `spec`'s verified file, downloading it on a cache miss.
    pub fn fetch(&self, spec: &DatasetSpec) -> Result<PathBuf> {
        let path = self.path(spec);
        match self.state(spec)? {
            CacheState::Verified => Ok(path),
            CacheState::Corrupt { actual } => Err(Error::Checksum {
                path: path.clone(),
                expected: spec.sha256.clone(),
                actual,
                hint: format!(
                    "; the cached file is not the published {}: delete it to download again",
                    spec.name
                ),
            }),
            CacheState::Missing => {
                self.download(spec, &path)?;
                Ok(path)
            }
        }
    }

    /// Downloads into a temporary file, verifies, then renames into place, so that
    /// an interrupted or corrupt download never leaves a file under the final name.
    fn download(&self, spec: &DatasetSpec, path: &Path) -> Result<()> {
        let unavailable = |reason: String| Error::Unavailable {
            name: spec.name.clone(),
            url: spec.url.clone(),
            reason,
            path: path.to_path_buf(),
            sha256: spec.sha256.clone(),
        };
        // Removed when dropped: on an error below, nothing is left under any name.
        let mut partial = AtomicFile::create(path)?;
        let digest = self
            .download_to(spec, partial.file())
            .map_err(|e| match e {
                DownloadError::Network(reason) => unavailable(reason),
                DownloadError::Local(e) => Error::io(path, e),
            })?;
        if digest != spec.sha256 {
            return Err(Error::Checksum {
                path: PathBuf::from(&spec.url),
                expected: spec.sha256.clone(),
                actual: digest,
                hint: "; the download was discarded and nothing was cached".into(),
            });
        }
        partial.commit()
    }

    /// Streams the URL into `file`, hashing as it goes; returns the hex digest.
    fn download_to(
        &self,
        spec: &DatasetSpec,
        file: &mut fs::File,
    ) -> Result<String, DownloadError> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .build()
            .into();
        let mut response = agent
            .get(&spec.url)
            .call()
            .map_err(|e| DownloadError::Network(e.to_string()))?;
        let length = response
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let bar = self.progress_bar(&spec.file, length);
        let mut reader = response.body_mut().as_reader();
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| DownloadError::Network(e.to_string()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n]).map_err(DownloadError::Local)?;
            if let Some(bar) = &bar {
                bar.inc(n as u64);
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Ok(hex(&hasher.finalize()))
    }

    fn progress_bar(&self, file: &str, length: Option<u64>) -> Option<indicatif::ProgressBar> {
        if !self.progress {
            return None;
        }
        let bar = match length {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::no_length(),
        };
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} {bar:30} {bytes}/{total_bytes} ({bytes_per_sec})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(format!("downloading {file}"));
        Some(bar)
    }
}

enum DownloadError {
    Network(String),
    Local(std::io::Error),
}

/// SHA-256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
