//! The one way a command writes to stdout.

use std::fmt::Display;
use std::io::Write;

/// Writes `text` to stdout; a closed pipe is an error that `main` ends on quietly, where
/// `println!` would panic.
pub(crate) fn emit(text: impl Display) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}")?;
    out.flush()?;
    Ok(())
}
