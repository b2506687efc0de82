//! Long texts lifted out of a JSON stream before the parser sees them, and claimed back by the
//! trees that hold them. serde_json parses text from a reader a byte at a time (about 70 MB/s);
//! a forest's nodes are a few long base64 strings (`compact.rs`), so the artifact loader
//! (`serving/lifting_reader.rs`) cuts each of them out with `memchr`, hands the parser a short
//! mark instead, and a tree's deserialiser takes its text back here. The table lives on the
//! loading thread only while [`Lifting`] is alive, and holds a text from the moment the reader
//! passes it to the moment its tree claims it: one or two at a time.

use std::cell::RefCell;

/// How a lifted text's mark begins (followed by its number); no base64 text contains `~`.
pub(crate) const MARK: &str = "~lifted~";

thread_local! {
    static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Table {
    texts: Vec<Option<String>>,
    claimed: usize,
}

/// The table's lifetime on this thread: texts can be lifted and claimed while it lives.
pub(crate) struct Lifting(());

impl Lifting {
    /// Opens an empty table on this thread.
    pub(crate) fn start() -> Lifting {
        TABLE.with(|t| *t.borrow_mut() = Some(Table::default()));
        Lifting(())
    }

    /// Whether every text lifted so far was claimed: a mark left in some other field means
    /// the parsed value is not the file's, and must not be used.
    pub(crate) fn all_claimed(&self) -> bool {
        TABLE.with(|t| {
            t.borrow()
                .as_ref()
                .is_some_and(|t| t.claimed == t.texts.len())
        })
    }
}

impl Drop for Lifting {
    fn drop(&mut self) {
        TABLE.with(|t| *t.borrow_mut() = None);
    }
}

/// Keeps `text` and returns the mark that stands for it, or gives `text` back when no table is
/// open on this thread.
pub(crate) fn lift(text: String) -> Result<String, String> {
    TABLE.with(|t| match t.borrow_mut().as_mut() {
        Some(table) => {
            table.texts.push(Some(text));
            Ok(format!("{MARK}{}", table.texts.len() - 1))
        }
        None => Err(text),
    })
}

/// The text a mark stands for, taken out of the table (once); `None` for anything else.
pub(crate) fn claim(mark: &str) -> Option<String> {
    let index: usize = mark.strip_prefix(MARK)?.parse().ok()?;
    TABLE.with(|t| {
        let mut table = t.borrow_mut();
        let table = table.as_mut()?;
        let text = table.texts.get_mut(index)?.take()?;
        table.claimed += 1;
        Some(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_claimed_once_and_only_while_the_table_lives() {
        assert_eq!(lift("abc".into()), Err("abc".to_string()), "no table yet");
        let lifting = Lifting::start();
        let mark = lift("abc".into()).unwrap();
        let other = lift("def".into()).unwrap();
        assert!(!lifting.all_claimed());
        assert_eq!(claim(&mark).as_deref(), Some("abc"));
        assert_eq!(claim(&mark), None, "claimed twice");
        assert_eq!(claim("~lifted~9"), None);
        assert_eq!(claim("abc"), None);
        assert!(!lifting.all_claimed());
        assert_eq!(claim(&other).as_deref(), Some("def"));
        assert!(lifting.all_claimed());
        drop(lifting);
        assert_eq!(claim(&other), None);
    }
}
