//! `ml-workflow`: the command line (see [`cli`]), its allocator and its exit status.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use ml_workflow::error::chain_message;
use ml_workflow::logging;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

use cli::{Cli, Command, LogFormat};

// The server allocates a few dozen small blocks per request (headers, the parsed payload, the
// answer); mimalloc's per-thread free lists serve them faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its number in `mimalloc.h`, versions 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes the allocator give freed memory back to the system at once, unless
/// `MIMALLOC_PURGE_DELAY` says otherwise. mimalloc waits a second by default, which suits the
/// server (it allocates the same sizes again at once); a training run on a big table frees one
/// column's working space while it reads the next, and what is freed but not yet given back
/// counts in its peak (1 M rows: 227 MiB against 177 MiB).
fn give_back_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: the setter stores a number in mimalloc's option table; `main` calls this
        // before any thread starts, as mimalloc asks (setting is not synchronised).
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
    }
}

fn main() -> ExitCode {
    // Parsed before the log writer's thread starts, so that the allocator can be set up for
    // the command first (a global flag may come before the command's name).
    let cli = Cli::parse();
    if matches!(cli.command, Command::Train(_)) {
        give_back_freed_memory_at_once();
    }
    // Log lines collect in memory and a background thread writes them every 50 ms, so a request
    // costs no write and no thread wake-up (ml_workflow::logging); the guard writes the rest.
    let (log_writer, log_guard) = match logging::batched_stderr() {
        Ok((writer, guard)) => (BoxMakeWriter::new(writer), Some(guard)),
        Err(_) => (BoxMakeWriter::new(std::io::stderr), None),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_writer(log_writer)
        .with_env_filter(filter);
    match cli.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().with_current_span(false).init(),
    }
    let result = cli::run(cli);
    drop(log_guard); // the log lines before the error message
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", chain_message(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// Whether the error is a closed stdout (a reader such as `head` that stopped early).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
