//! A JSON byte stream with its long strings lifted out (`modeling/trees/lifted.rs` says why):
//! each string of at least [`LIFT_MIN`] bytes without escapes is kept in the loading thread's
//! table and the parser reads a short mark in its place; everything else passes unchanged.
//! Strings are found with `memchr`, so the long ones cost a copy, not a parse.

use std::io::{BufRead, Read};

use crate::modeling::trees::lifted;

/// The shortest string worth lifting: a tree of about a hundred nodes.
pub(crate) const LIFT_MIN: usize = 4096;

/// Where the reader is in the JSON text.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// Between strings.
    Outside,
    /// In a string still being collected (no escape seen yet).
    Collecting,
    /// In a string passed through as it comes (it had an escape); `escape` when the next
    /// byte is the escaped one.
    Passing { escape: bool },
}

/// Reads `inner` with its long strings replaced by marks.
pub(crate) struct LiftingReader<R> {
    inner: R,
    place: Place,
    /// The string being collected, without its quotes.
    text: Vec<u8>,
    /// Bytes ready for the parser, from `at` on.
    out: Vec<u8>,
    at: usize,
}

impl<R: BufRead> LiftingReader<R> {
    /// A reader over `inner`.
    pub(crate) fn new(inner: R) -> Self {
        LiftingReader {
            inner,
            place: Place::Outside,
            text: Vec::new(),
            out: Vec::new(),
            at: 0,
        }
    }

    /// Fills `out` with the next bytes for the parser; leaves it empty at the end.
    fn refill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.at = 0;
        while self.out.is_empty() {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                // A string cut short: the parser sees it as it was and says so.
                self.out.append(&mut self.text);
                return Ok(());
            }
            let used = match self.place {
                Place::Outside => match memchr::memchr(b'"', buf) {
                    Some(i) => {
                        self.out.extend_from_slice(&buf[..=i]);
                        self.place = Place::Collecting;
                        i + 1
                    }
                    None => {
                        self.out.extend_from_slice(buf);
                        buf.len()
                    }
                },
                Place::Passing { escape: true } => {
                    self.out.push(buf[0]);
                    self.place = Place::Passing { escape: false };
                    1
                }
                Place::Collecting | Place::Passing { .. } => {
                    let collecting = self.place == Place::Collecting;
                    let sink = if collecting {
                        &mut self.text
                    } else {
                        &mut self.out
                    };
                    match memchr::memchr2(b'"', b'\\', buf) {
                        None => {
                            sink.extend_from_slice(buf);
                            buf.len()
                        }
                        Some(i) => {
                            sink.extend_from_slice(&buf[..i]);
                            if buf[i] == b'"' {
                                self.place = Place::Outside;
                                if collecting {
                                    let text = std::mem::take(&mut self.text);
                                    emit_string(text, &mut self.out);
                                }
                            } else {
                                self.out.append(&mut self.text);
                                self.place = Place::Passing { escape: true };
                            }
                            self.out.push(buf[i]);
                            i + 1
                        }
                    }
                }
            };
            self.inner.consume(used);
        }
        Ok(())
    }
}

/// Writes a whole string's content (its closing quote follows): lifted when long.
fn emit_string(text: Vec<u8>, out: &mut Vec<u8>) {
    if text.len() < LIFT_MIN {
        out.extend_from_slice(&text);
        return;
    }
    // Without escapes a JSON string's bytes are its text, if they are UTF-8.
    match String::from_utf8(text) {
        Ok(text) => match lifted::lift(text) {
            Ok(mark) => out.extend_from_slice(mark.as_bytes()),
            Err(text) => out.extend_from_slice(text.as_bytes()),
        },
        Err(e) => out.extend_from_slice(e.as_bytes()),
    }
}

impl<R: BufRead> Read for LiftingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.out.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modeling::trees::lifted::{claim, Lifting, MARK};

    fn through(json: &str, chunk: usize) -> String {
        let reader = std::io::BufReader::with_capacity(chunk, json.as_bytes());
        let mut out = String::new();
        LiftingReader::new(reader).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn long_strings_become_marks_and_the_rest_passes_unchanged() {
        let long = "QUJD".repeat(LIFT_MIN);
        let json =
            format!(r#"{{"a":"x\"y","b":[1,2.5,"\\"],"data":"{long}","c":"{long}\n","e":""}}"#);
        for chunk in [1, 2, 7, 64, 1 << 16] {
            let lifting = Lifting::start();
            let out = through(&json, chunk);
            let expected = format!(
                r#"{{"a":"x\"y","b":[1,2.5,"\\"],"data":"{MARK}0","c":"{long}\n","e":""}}"#
            );
            assert_eq!(out, expected, "chunk {chunk}");
            assert!(!lifting.all_claimed());
            assert_eq!(claim(&format!("{MARK}0")), Some(long.clone()));
            assert!(lifting.all_claimed());
        }
        // Without a table, nothing is lifted.
        assert_eq!(through(&json, 64), json);
    }
}
