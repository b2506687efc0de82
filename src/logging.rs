//! Log output that costs a serving thread no system call and no thread wake-up.
//!
//! One log line per request, written straight to stderr, is a system call per request; handed
//! to a writer thread over a channel (tracing-appender), it is a futex wake-up per request,
//! which on two cores cost more tail latency than the write it saved. Here a line is appended
//! to a shared buffer, and a background thread writes whatever has collected every `interval`
//! (one write for many lines). On a clean exit nothing is dropped: a buffer past [`FLUSH_AT`]
//! is written by the thread that filled it, and [`FlushGuard`] writes the rest when dropped. A
//! process killed outright (SIGKILL, abort) loses at most the last tick's lines, and a panic's
//! message, written directly to stderr, can appear before lines logged just ahead of it.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// A buffer this large is written at once rather than at the next tick.
pub const FLUSH_AT: usize = 1 << 20;

/// What the writer handles and the flushing thread share.
struct Shared {
    /// Lines not yet written.
    pending: Mutex<Vec<u8>>,
    /// Held while writing to the output, so that writes keep the lines' order.
    output: Mutex<Box<dyn Write + Send>>,
    /// Set when the guard is dropped.
    stop: Mutex<bool>,
    tick: Condvar,
}

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A thread that panicked mid-append leaves whole lines or a torn one; logging goes on.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Writes every pending line, in order.
    fn flush(&self) {
        let mut output = lock(&self.output);
        let lines = std::mem::take(&mut *lock(&self.pending));
        if !lines.is_empty() {
            // stderr is all there is to report a failed write to; there is nothing to do.
            let _ = output.write_all(&lines);
            let _ = output.flush();
        }
    }
}

/// A `MakeWriter` for `tracing_subscriber::fmt` that appends lines to the shared buffer.
#[derive(Clone)]
pub struct BatchedWriter {
    shared: Arc<Shared>,
}

/// Writes what is still pending and stops the flushing thread when dropped.
pub struct FlushGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// A batched writer to `output`, written every `interval`, and the guard that ends it.
pub fn batched(
    output: impl Write + Send + 'static,
    interval: Duration,
) -> std::io::Result<(BatchedWriter, FlushGuard)> {
    let shared = Arc::new(Shared {
        pending: Mutex::new(Vec::new()),
        output: Mutex::new(Box::new(output)),
        stop: Mutex::new(false),
        tick: Condvar::new(),
    });
    let flusher = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("log-flush".into())
        .spawn(move || loop {
            let stop = lock(&flusher.stop);
            let (stop, _) = flusher
                .tick
                .wait_timeout_while(stop, interval, |stop| !*stop)
                .unwrap_or_else(PoisonError::into_inner);
            let done = *stop;
            drop(stop);
            flusher.flush();
            if done {
                return;
            }
        })?;
    Ok((
        BatchedWriter {
            shared: Arc::clone(&shared),
        },
        FlushGuard {
            shared,
            thread: Some(thread),
        },
    ))
}

/// A batched writer to stderr, written every 50 ms (see [`batched`]).
pub fn batched_stderr() -> std::io::Result<(BatchedWriter, FlushGuard)> {
    batched(std::io::stderr(), Duration::from_millis(50))
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        *lock(&self.shared.stop) = true;
        self.shared.tick.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Lines logged after the thread's last flush.
        self.shared.flush();
    }
}

impl Write for BatchedWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut pending = lock(&self.shared.pending);
            pending.extend_from_slice(bytes);
            pending.len() >= FLUSH_AT
        };
        if full {
            self.shared.flush();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedWriter {
    type Writer = BatchedWriter;

    fn make_writer(&'a self) -> BatchedWriter {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output that records what reached it and how many writes it took.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Recorder {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut seen = lock(&self.0);
            seen.0.extend_from_slice(bytes);
            seen.1 += 1;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_from_many_threads_arrive_whole_in_few_writes_and_none_is_lost() {
        let out = Recorder::default();
        let (writer, guard) = batched(out.clone(), Duration::from_secs(3600)).expect("start");
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let mut w = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..1000 {
                        w.write_all(format!("thread {t} line {i}\n").as_bytes())
                            .expect("write");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("join");
        }
        // Nothing is written before the tick (an hour away) or the guard's drop.
        assert_eq!(lock(&out.0).1, 0);
        drop(guard);
        let (bytes, writes) = lock(&out.0).clone();
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(text.lines().count(), 4000);
        for t in 0..4 {
            let mine: Vec<_> = text
                .lines()
                .filter(|l| l.starts_with(&format!("thread {t} ")))
                .collect();
            let expected: Vec<_> = (0..1000).map(|i| format!("thread {t} line {i}")).collect();
            assert_eq!(mine, expected, "thread {t}'s lines out of order or torn");
        }
        assert_eq!(writes, 1);
    }

    #[test]
    fn the_flushing_thread_writes_on_its_tick_and_a_full_buffer_at_once() {
        let out = Recorder::default();
        let (mut writer, _guard) = batched(out.clone(), Duration::from_millis(20)).expect("start");
        writer.write_all(b"first\n").expect("write");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while lock(&out.0).0.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(lock(&out.0).0, b"first\n");
        // Past FLUSH_AT the writing thread writes it itself, before returning.
        let big_out = Recorder::default();
        let (mut big_writer, _big_guard) =
            batched(big_out.clone(), Duration::from_secs(3600)).expect("start");
        big_writer.write_all(&[b'x'; FLUSH_AT]).expect("write");
        assert_eq!(lock(&big_out.0).0.len(), FLUSH_AT);
    }
}
