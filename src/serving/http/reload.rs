//! Hot reload: the served model lives behind an atomic pointer, so a new artifact is loaded,
//! fully validated, and swapped in while requests keep flowing; each request holds the model
//! it started with to the end, so no answer mixes two models. A file that does not load is
//! refused with a log line and the old model keeps serving. Triggered by SIGHUP and, with
//! `--watch`, by a change of the file's modification time, size or inode (a ConfigMap update
//! swaps a link, which changes all three).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::loaded::Loaded;
use super::state::AppState;
use crate::serving::Artifact;

/// Where the served model was read from, so that it can be read again.
#[derive(Debug, Clone)]
pub struct ModelSource {
    /// The artifact file.
    pub path: PathBuf,
    /// The largest file accepted.
    pub max_bytes: u64,
    /// Poll the file this often and reload when it changes (`--watch`); SIGHUP works always.
    pub watch: Option<Duration>,
}

/// Loads the source again and swaps it in if it is a valid artifact; counts either way.
pub(crate) fn reload(state: &AppState, source: &ModelSource) -> bool {
    match Artifact::load_limited(&source.path, source.max_bytes) {
        Ok(artifact) => {
            let old = state.model.load();
            tracing::info!(
                from = %old.artifact.version,
                to = %artifact.version,
                name = %artifact.name,
                "model reloaded"
            );
            state
                .metrics
                .serving(&artifact.name, &artifact.version, artifact.spec.name());
            state
                .model
                .store(Arc::new(Loaded::new(artifact, &state.api)));
            state.metrics.reloaded(true);
            true
        }
        Err(e) => {
            tracing::error!(
                path = %source.path.display(),
                error = %crate::error::chain_message(&e),
                "model reload refused; the loaded model keeps serving"
            );
            state.metrics.reloaded(false);
            false
        }
    }
}

/// Reloads on every SIGHUP (Unix) and, with a watch interval, when the file changes.
pub(crate) fn spawn_reloaders(state: Arc<AppState>, source: ModelSource) {
    #[cfg(unix)]
    {
        let (state, source) = (state.clone(), source.clone());
        tokio::spawn(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let Ok(mut hangups) = signal(SignalKind::hangup()) else {
                tracing::warn!("cannot listen for SIGHUP; reload by restarting");
                return;
            };
            while hangups.recv().await.is_some() {
                reload(&state, &source);
            }
        });
    }
    if let Some(every) = source.watch {
        tokio::spawn(async move {
            let mut seen = fingerprint(&source.path);
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let now = fingerprint(&source.path);
                if now.is_some() && now != seen {
                    seen = now;
                    reload(&state, &source);
                }
            }
        });
    }
}

/// What tells a changed file: modification time, size and (on Unix) inode.
fn fingerprint(path: &std::path::Path) -> Option<(SystemTime, u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}
