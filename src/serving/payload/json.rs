//! JSON with ordered keys: a tree that keeps object keys in body order and rejects duplicate
//! keys, and the retry that turns Python's bare `NaN`/`Infinity` into marked values so the
//! error can name their column and row.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;

use super::payload_error::{quoted, truncated, PayloadError, PREVIEW_CHARS};
use super::positions::SMALL_OBJECT;
use super::write::push_json_string;

/// A JSON value whose objects keep their keys in body order.
#[derive(Debug)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
    /// A bare `NaN`/`Infinity`/`-Infinity` or an overflowing number, as written in the body.
    NonFinite(String),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Builds [`Json`]; serde_json's recursion limit bounds how deep it goes.
pub(super) struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        // Objects in a request are mostly a handful of keys: a scan beats hashing them; a
        // set takes over past SMALL_OBJECT keys so that a wide object stays linear.
        let mut seen: Option<HashSet<String>> = None;
        while let Some(key) = map.next_key::<String>()? {
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None if entries.len() < SMALL_OBJECT => entries.iter().any(|(k, _)| *k == key),
                None => {
                    let mut set: HashSet<String> = entries.iter().map(|(k, _)| k.clone()).collect();
                    let duplicate = !set.insert(key.clone());
                    seen = Some(set);
                    duplicate
                }
            };
            if duplicate {
                // This is the visitor's only error, so `Category::Data` means a duplicate key.
                // The key is quoted so that serde_json cannot mistake its end for a position.
                let message = format!("duplicate key {}", quoted(&key));
                return Err(<A::Error as de::Error>::custom(message));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

impl Json {
    pub(super) fn kind_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
            Json::NonFinite(_) => "a non-finite number",
        }
    }

    /// The entries of an object; nothing for any other value.
    pub(super) fn entries(&self) -> &[(String, Json)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }

    pub(super) fn is_container(&self) -> bool {
        matches!(self, Json::Array(_) | Json::Object(_))
    }

    /// A non-empty object of plain values: a column in `columns` orient, a row in `index`.
    pub(super) fn is_object_of_scalars(&self) -> bool {
        matches!(self, Json::Object(entries)
            if !entries.is_empty() && entries.iter().all(|(_, v)| !v.is_container()))
    }

    /// Turns the marker strings left by [`Sanitized`] into [`Json::NonFinite`].
    pub(super) fn resolve_markers(&mut self) {
        match self {
            Json::Str(s) => {
                if let Some(token) = s.strip_prefix(MARKER) {
                    let token = token.to_owned();
                    *self = Json::NonFinite(token);
                }
            }
            Json::Array(items) => items.iter_mut().for_each(Json::resolve_markers),
            Json::Object(entries) => entries.iter_mut().for_each(|(_, v)| v.resolve_markers()),
            _ => {}
        }
    }

    /// What a non-numeric cell holds, for an error message.
    pub(super) fn describe(&self) -> String {
        match self {
            Json::Str(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => format!(
                "the numeric string {} (strings are not accepted: send the number without quotes)",
                quoted(s)
            ),
            Json::Str(s) => format!("the string {}", quoted(s)),
            Json::Bool(b) => format!("the boolean {b}"),
            Json::Array(_) => format!("the array {}", self.preview()),
            Json::Object(_) => format!("the object {}", self.preview()),
            other => other.kind_name().to_owned(),
        }
    }

    /// Compact JSON text of the value, cut to [`PREVIEW_CHARS`].
    pub(super) fn preview(&self) -> String {
        let mut out = String::new();
        self.write_preview(&mut out);
        truncated(&out)
    }

    pub(super) fn write_preview(&self, out: &mut String) {
        // Stop early: only the first PREVIEW_CHARS characters are shown.
        let full = |out: &String| out.len() > 4 * PREVIEW_CHARS;
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(x) => out.push_str(&x.to_string()),
            Json::NonFinite(token) => out.push_str(&truncated(token)),
            Json::Str(s) => push_json_string(out, &truncated(s)),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if full(out) {
                        break;
                    }
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_preview(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if full(out) {
                        break;
                    }
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(out, &truncated(key));
                    out.push(':');
                    value.write_preview(out);
                }
                out.push('}');
            }
        }
    }
}

/// Parses the body, retrying with non-finite tokens marked when that is why parsing failed.
pub(super) fn read_json(body: &[u8]) -> Result<Json, PayloadError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(PayloadError::Empty);
    }
    let first = match serde_json::from_slice::<Json>(body) {
        Ok(json) => return Ok(json),
        Err(e) => e,
    };
    if first.classify() == Category::Syntax {
        if let Some(sanitized) = Sanitized::new(body) {
            return sanitized.parse();
        }
    }
    Err(json_error(&first, None))
}

/// Maps a serde_json error to ours, with positions in the body the client sent.
pub(super) fn json_error(e: &serde_json::Error, sanitized: Option<&Sanitized>) -> PayloadError {
    let line = e.line();
    let column = sanitized.map_or(e.column(), |s| s.original_column(line, e.column()));
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    match e.classify() {
        Category::Data => PayloadError::DuplicateKey {
            message,
            line,
            column,
        },
        Category::Syntax | Category::Eof | Category::Io => PayloadError::InvalidJson {
            message,
            line,
            column,
        },
    }
}

/// Starts the marker strings that stand for non-finite tokens: a NUL no real string can start
/// with once the body is known to contain no `\u0000` escape.
pub(super) const MARKER: char = '\0';
pub(super) const MARKER_OPEN: &[u8] = b"\"\\u0000";
pub(super) const MARKER_CLOSE: &[u8] = b"\"";
pub(super) const MARKER_EXTRA: usize = MARKER_OPEN.len() + MARKER_CLOSE.len();

/// The body with non-finite tokens in value position replaced by marker strings.
pub(super) struct Sanitized {
    text: Vec<u8>,
    /// Where each marker starts in `text`; each adds [`MARKER_EXTRA`] bytes to its line.
    markers: Vec<usize>,
}

impl Sanitized {
    /// `None` when there is nothing to mark, or when a real string could look like a marker.
    fn new(body: &[u8]) -> Option<Self> {
        if body.windows(6).any(|w| w == b"\\u0000") {
            return None;
        }
        let mut out = Sanitized {
            text: Vec::with_capacity(body.len() + 8 * MARKER_EXTRA),
            markers: Vec::new(),
        };
        let mut position = Position::default();
        let mut rest = body;
        while let Some(&byte) = rest.first() {
            let len = if byte == b'"' {
                string_len(rest)
            } else if let Some((len, non_finite)) = position.value_token(rest) {
                if non_finite {
                    out.push_marker(&rest[..len]);
                    rest = &rest[len..];
                    continue;
                }
                len
            } else {
                position.step(byte);
                1
            };
            out.text.extend_from_slice(&rest[..len]);
            rest = &rest[len..];
        }
        (!out.markers.is_empty()).then_some(out)
    }

    fn push_marker(&mut self, token: &[u8]) {
        self.markers.push(self.text.len());
        self.text.extend_from_slice(MARKER_OPEN);
        self.text.extend_from_slice(token);
        self.text.extend_from_slice(MARKER_CLOSE);
    }

    fn parse(&self) -> Result<Json, PayloadError> {
        let mut json =
            serde_json::from_slice::<Json>(&self.text).map_err(|e| json_error(&e, Some(self)))?;
        json.resolve_markers();
        Ok(json)
    }

    /// serde_json's column in the sanitized text, as a column of the body (lines are the same).
    fn original_column(&self, line: usize, column: usize) -> usize {
        let start = line_start(&self.text, line);
        let end = start.saturating_add(column);
        let before = self.markers.iter().filter(|&&m| m >= start && m < end);
        column.saturating_sub(before.count() * MARKER_EXTRA)
    }
}

/// Byte offset where 1-based `line` starts.
pub(super) fn line_start(text: &[u8], line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    let newline = text.iter().enumerate().filter(|(_, &b)| b == b'\n');
    newline
        .map(|(i, _)| i + 1)
        .nth(line - 2)
        .unwrap_or(text.len())
}

/// Length of the JSON string at the start of `rest` (which starts with `"`), quotes included.
pub(super) fn string_len(rest: &[u8]) -> usize {
    let mut i = 1;
    while let Some(&b) = rest.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    rest.len()
}

/// Where the scanner is outside strings: only value positions may hold a marker, so that a
/// bare `NaN` used as a key stays the syntax error it is.
#[derive(Default)]
pub(super) struct Position {
    open: Vec<u8>,
    expect_key: bool,
}

impl Position {
    fn step(&mut self, byte: u8) {
        match byte {
            b'{' => {
                self.open.push(byte);
                self.expect_key = true;
            }
            b'[' => {
                self.open.push(byte);
                self.expect_key = false;
            }
            b'}' | b']' => {
                self.open.pop();
            }
            b':' => self.expect_key = false,
            b',' => self.expect_key = self.open.last() == Some(&b'{'),
            _ => {}
        }
    }

    /// Length of a number-like token at the start of `rest`, and whether it is non-finite.
    /// A whole number is consumed at once so that long digit runs are scanned only once.
    fn value_token(&self, rest: &[u8]) -> Option<(usize, bool)> {
        if self.expect_key {
            return None;
        }
        for word in [&b"NaN"[..], b"Infinity", b"-Infinity"] {
            if rest.starts_with(word) {
                return Some((word.len(), true));
            }
        }
        let first = *rest.first()?;
        if first != b'-' && !first.is_ascii_digit() {
            return None;
        }
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        let overflows = std::str::from_utf8(&rest[..len])
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .is_some_and(f64::is_infinite);
        Some((len, overflows))
    }
}
