//! A large file as its parallel first pass cut it: blocks that start just after a line end,
//! with each block's rows, so that later passes (`number_stream.rs`) read the same blocks.

use std::path::PathBuf;

use super::cell_rules::CellRules;

/// A file cut at line ends into the blocks its parallel first pass read, with each block's
/// rows.
pub struct Blocks {
    pub(super) path: PathBuf,
    pub(super) source: String,
    pub(super) delimiter: u8,
    pub(super) rules: CellRules,
    pub(super) names: Vec<String>,
    /// Byte offsets: block `k` is `cuts[k]..cuts[k + 1]`.
    pub(super) cuts: Vec<u64>,
    pub(super) rows: Vec<usize>,
}
