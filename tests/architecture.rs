//! The layout rules of ARCHITECTURE.md, checked on the source: no two files of `src/` import
//! each other, directly or in a circle; no file is over 700 lines before its tests; no two
//! files share a name (`mod.rs` aside); and each route path of the server is written once.
//!
//! Imports are read from `use` declarations and `crate::`/`super::` paths in the code (comments
//! and `#[cfg(test)]` modules left out); a path is charged to the file that defines its longest
//! prefix. A module's `pub use` of its own children is a re-export, not a dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Most lines a source file may have before its tests.
const MAX_LINES: usize = 700;

type Module = Vec<String>;

struct Source {
    /// `lib` or `bin`: the binary (`main.rs`, `cli/`) is a crate of its own.
    krate: &'static str,
    /// The file's name without `.rs`.
    stem: String,
    module: Module,
    /// The code before its `#[cfg(test)]` module, comments blanked.
    code: String,
    /// Lines before its tests.
    lines: usize,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a readable source file");
            let rel = path
                .strip_prefix(&root)
                .expect("under src/")
                .with_extension("");
            let mut module: Module = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let before_tests = before_tests(&text);
            let krate = if rel.starts_with("main") || rel.starts_with("cli") {
                "bin"
            } else {
                "lib"
            };
            Source {
                krate,
                stem: rel
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                module,
                lines: before_tests.lines().count(),
                code: strip_comments(before_tests),
            }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text before the first `#[cfg(test)]` that opens a module.
fn before_tests(text: &str) -> &str {
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

/// Each line cut at `//` (doc comments included); a `//` inside a string cuts a little more
/// than it should, which only hides text, never adds an import.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Module>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = segments(&tree[..open]);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base: Vec<String> = prefix.iter().cloned().chain(head).collect();
        for item in split_top(inner) {
            expand(&base, item, out);
        }
        return;
    }
    let path = tree.split(" as ").next().unwrap_or(tree);
    out.push(prefix.iter().cloned().chain(segments(path)).collect());
}

fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Splits at the commas outside braces.
fn split_top(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0usize, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// Every path the code names: `use` trees, and `crate::`/`super::` paths anywhere.
fn named_paths(code: &str) -> Vec<(bool, Module)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(found) = code[i..].find("use ") {
        let at = i + found;
        let word_start =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let end = code[at..].find(';').map_or(code.len(), |e| at + e);
        if word_start {
            let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
            let reexport = code[line_start..at].trim_start().starts_with("pub");
            let mut paths = Vec::new();
            expand(&[], &code[at + 4..end], &mut paths);
            out.extend(paths.into_iter().map(|p| (reexport, p)));
        }
        i = if word_start { end.max(at + 4) } else { at + 4 };
        if i >= code.len() {
            break;
        }
    }
    for head in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(head) {
            let at = from + found;
            let len = code[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(code.len() - at);
            out.push((false, segments(&code[at..at + len])));
            from = at + len.max(1);
        }
    }
    out
}

/// A file's name in the graph: its module path, `lib` and `main` for the crates' roots.
fn name(krate: &str, module: &Module) -> String {
    match (krate, module.is_empty()) {
        ("bin", true) => "main".into(),
        (_, true) => "lib".into(),
        _ => module.join("/"),
    }
}

/// The file-level import graph, within each crate.
fn graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for source in sources {
        let modules: BTreeSet<&Module> = sources
            .iter()
            .filter(|s| s.krate == source.krate)
            .map(|s| &s.module)
            .collect();
        let mut targets = BTreeSet::new();
        for (reexport, path) in named_paths(&source.code) {
            let Some(first) = path.first() else { continue };
            let mut absolute: Module = match first.as_str() {
                "crate" => Vec::new(),
                "super" | "self" => source.module.clone(),
                // A child module named without `self::` (edition 2018 paths).
                child => {
                    let mut m = source.module.clone();
                    m.push(child.to_string());
                    if !modules.contains(&m) || reexport {
                        continue;
                    }
                    source.module.clone()
                }
            };
            let mut rest = path.as_slice();
            if matches!(first.as_str(), "crate" | "self") {
                rest = &rest[1..];
            }
            while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
                absolute.pop();
                rest = tail;
            }
            absolute.extend(rest.iter().cloned());
            let target = (1..=absolute.len())
                .rev()
                .map(|n| absolute[..n].to_vec())
                .find(|m| modules.contains(m));
            if let Some(target) = target {
                if target != source.module && !target.is_empty() {
                    targets.insert(name(source.krate, &target));
                }
            }
        }
        edges.insert(name(source.krate, &source.module), targets);
    }
    edges
}

/// The strongly connected components of more than one file (Tarjan's algorithm).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found.sort();
    walk.found
}

#[test]
fn no_two_files_import_each_other_directly_or_in_a_circle() {
    let found = circles(&graph(&sources()));
    assert!(found.is_empty(), "import circles in src/: {found:?}");
}

#[test]
fn the_import_reader_sees_a_circle() {
    // The checker itself: two files that import each other are found.
    let a = Source {
        krate: "lib",
        stem: "a".into(),
        module: vec!["m".into(), "a".into()],
        code: "use super::b::B;\nuse crate::m::c;".into(),
        lines: 2,
    };
    let b = Source {
        krate: "lib",
        stem: "b".into(),
        module: vec!["m".into(), "b".into()],
        code: "pub(crate) fn f() -> super::a::A { todo!() }".into(),
        lines: 1,
    };
    let c = Source {
        krate: "lib",
        stem: "c".into(),
        module: vec!["m".into(), "c".into()],
        code: String::new(),
        lines: 0,
    };
    let m = Source {
        krate: "lib",
        stem: "mod".into(),
        module: vec!["m".into()],
        code: "mod a;\nmod b;\nmod c;\npub use a::A;\nuse c::C;".into(),
        lines: 5,
    };
    let edges = graph(&[a, b, c, m]);
    assert_eq!(
        circles(&edges),
        vec![vec!["m/a".to_string(), "m/b".to_string()]]
    );
    assert!(edges["m"].contains("m/c"), "{edges:?}");
    assert!(
        !edges["m"].contains("m/a"),
        "a re-export is not an import: {edges:?}"
    );
}

#[test]
fn no_file_is_over_700_lines_before_its_tests() {
    let mut long: Vec<String> = sources()
        .iter()
        .filter(|s| {
            !matches!(
                s.module.last().map(String::as_str),
                Some("tests" | "fixtures")
            )
        })
        .filter(|s| s.lines > MAX_LINES)
        .map(|s| s.module.join("/"))
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines before their tests: {long:?}"
    );
}

#[test]
fn no_two_source_files_share_a_name() {
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for source in sources() {
        if source.stem != "mod" {
            seen.entry(source.stem.clone())
                .or_default()
                .push(name(source.krate, &source.module));
        }
    }
    let shared: Vec<_> = seen.into_values().filter(|m| m.len() > 1).collect();
    assert!(shared.is_empty(), "files sharing a name: {shared:?}");
}

#[test]
fn each_route_path_is_written_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = fs::read_to_string(root.join("src/serving/http/routes.rs")).expect("the table");
    let paths: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("const ") && l.contains(": &str = \""))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert!(paths.len() >= 19, "{paths:?}");
    let code: Vec<String> = sources().into_iter().map(|s| s.code).collect();
    for path in paths {
        // "/" alone is also a URL's root and a separator; the others are routes only.
        if path == "/" {
            continue;
        }
        let literal = format!("\"{path}\"");
        let count: usize = code.iter().map(|c| c.matches(&literal).count()).sum();
        assert_eq!(count, 1, "{literal} is written {count} times in src/");
    }
}
