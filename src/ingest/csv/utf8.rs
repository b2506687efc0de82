//! A reader that passes bytes through only once they are known to be UTF-8, so a file can be
//! streamed (never held whole) and still be refused at its first bad byte, named by offset
//! and line, as a whole-file check would name it.

use std::fmt;
use std::io::{self, Read};

/// The first byte that is not UTF-8, counted after any byte-order mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// Its offset in the stream.
    pub offset: u64,
    /// Its 1-based line.
    pub line: u64,
    /// The byte itself (`None` when the stream ends inside a character).
    pub byte: Option<u8>,
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.byte {
            Some(b) => write!(
                f,
                "byte {} is not UTF-8 (0x{b:02X}); save the file as UTF-8",
                self.offset
            ),
            None => write!(
                f,
                "the file ends inside a character at byte {}; save the file as UTF-8",
                self.offset
            ),
        }
    }
}

impl std::error::Error for NotUtf8 {}

/// Wraps a reader; every byte it returns belongs to valid UTF-8 text. Reads go through an
/// internal buffer, validated as a whole, so a character split across the inner reader's
/// reads is checked once it is complete.
pub struct Utf8Reader<R> {
    inner: R,
    buf: Vec<u8>,
    /// `buf[start..ready]` is validated and not yet returned; `buf[ready..len]` is the start
    /// of a character still incomplete.
    start: usize,
    ready: usize,
    len: usize,
    /// Bytes validated before `buf`'s first byte, and the line they end on.
    offset: u64,
    line: u64,
}

impl<R: Read> Utf8Reader<R> {
    /// Validates `inner` as it is read.
    pub fn new(inner: R) -> Self {
        Utf8Reader {
            inner,
            buf: vec![0; 1 << 16],
            start: 0,
            ready: 0,
            len: 0,
            offset: 0,
            line: 1,
        }
    }

    /// Refills the buffer with the next validated bytes (none at the end of the stream).
    fn fill(&mut self) -> io::Result<()> {
        self.offset += self.ready as u64;
        self.line += newlines(&self.buf[..self.ready]);
        self.buf.copy_within(self.ready..self.len, 0);
        self.len -= self.ready;
        (self.start, self.ready) = (0, 0);
        loop {
            let n = self.inner.read(&mut self.buf[self.len..])?;
            self.len += n;
            match simdutf8::compat::from_utf8(&self.buf[..self.len]) {
                Ok(_) => self.ready = self.len,
                // Incomplete at the end: keep the tail for the next read, unless it was the last.
                Err(e) if e.error_len().is_none() && n > 0 => self.ready = e.valid_up_to(),
                Err(e) => {
                    let at = e.valid_up_to();
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        NotUtf8 {
                            offset: self.offset + at as u64,
                            line: self.line + newlines(&self.buf[..at]),
                            byte: e.error_len().map(|_| self.buf[at]),
                        },
                    ));
                }
            }
            if self.ready > 0 || n == 0 {
                return Ok(());
            }
        }
    }
}

fn newlines(bytes: &[u8]) -> u64 {
    // Counted in byte-wide lanes, which vectorize (a 255-byte chunk cannot overflow a `u8`);
    // a plain `filter().count()` widens every byte to 64 bits and cost a tenth of a read.
    bytes
        .chunks(255)
        .map(|chunk| u64::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.start == self.ready {
            self.fill()?;
        }
        let n = out.len().min(self.ready - self.start);
        out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

/// The `NotUtf8` inside an I/O error, if that is what it is.
pub fn not_utf8(error: &io::Error) -> Option<&NotUtf8> {
    error.get_ref().and_then(|e| e.downcast_ref::<NotUtf8>())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, to split characters.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn characters_split_across_reads_pass_and_bad_bytes_are_named() {
        let text = "a,é\nb,日本\n";
        for step in 1..5 {
            let mut out = String::new();
            Utf8Reader::new(Trickle(text.as_bytes(), step))
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
        let mut out = Vec::new();
        let err = Utf8Reader::new(Trickle(b"a,b\n1,caf\xe9\n", 3))
            .read_to_end(&mut out)
            .unwrap_err();
        let bad = not_utf8(&err).unwrap();
        assert_eq!((bad.offset, bad.line, bad.byte), (9, 2, Some(0xE9)));
        let err = Utf8Reader::new(&b"ab\xe6\x97"[..])
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(not_utf8(&err).unwrap().byte, None);
    }
}
