//! `ml-workflow datasets`: the registered datasets and whether each is cached.

use ml_workflow::datasets;
use ml_workflow::ingest::{self, Cache, CacheState};

use super::output::emit;

/// `datasets`' flags.
#[derive(clap::Args)]
pub(crate) struct DatasetsArgs {
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// Lists the datasets and the state of each one's cached file.
pub(crate) fn run(args: &DatasetsArgs) -> anyhow::Result<()> {
    let json = args.json;
    let cache = Cache::new(ingest::data_dir());
    let mut rows = Vec::new();
    for spec in datasets::datasets() {
        let state = match cache.state(&spec)? {
            CacheState::Missing => "not downloaded".to_string(),
            CacheState::Verified => "cached, checksum ok".to_string(),
            CacheState::Corrupt { .. } => "cached, CHECKSUM MISMATCH".to_string(),
        };
        rows.push((spec, state));
    }
    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|(s, state)| {
                serde_json::json!({
                    "name": s.name, "url": s.url, "sha256": s.sha256,
                    "path": cache.path(s), "state": state, "description": s.description,
                })
            })
            .collect();
        emit(format_args!(
            "{}\n",
            serde_json::json!({ "cache": cache.dir(), "datasets": list })
        ))?;
    } else {
        let mut text = format!("cache: {}\n", cache.dir().display());
        for (s, state) in rows {
            text.push_str(&format!("{:<16} {:<22} {}\n", s.name, state, s.description));
        }
        emit(text)?;
    }
    Ok(())
}
