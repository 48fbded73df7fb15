//! The house plan of `ARCHITECTURE.md`, checked on the source: every `crate::…` (and `super::…`)
//! path names a file it depends on; no two files depend on each other in a circle, and no folder
//! imports one that stands above it (the shell and the glue over the domains, the domains over the
//! shared machinery, the machinery over the ground floor). Tests are left out: they may reach
//! anywhere.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `app/src` (a folder or a file) and its floor. A folder not listed is a
/// domain (so is `lists`, the customer lists by kind: it stands among the domains, above those that
/// declare a list and below those that work across lists).
const FLOORS: &[(&str, u8)] = &[
    ("lib", 0),
    ("error", 0),
    ("money", 0),
    ("dates", 0),
    ("labels", 0),
    ("i18n", 0),
    ("audit", 0),
    ("announce", 0),
    ("ui", 1),
    ("users", 2),
    ("idempotency", 2),
    ("pwa", 3),
    ("records", 4),
    ("shell", 6),
    ("live", 6),
    ("offline", 6),
];
const DOMAIN_FLOOR: u8 = 5;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file belongs to (`deals` for `deals/board/views.rs`).
fn room(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("a file under src");
    let first = rel.components().next().expect("a path");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

fn floor(room: &str) -> u8 {
    FLOORS
        .iter()
        .find(|(r, _)| *r == room)
        .map_or(DOMAIN_FLOOR, |(_, f)| *f)
}

fn is_test_file(file: &Path) -> bool {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || file.components().any(|c| c.as_os_str() == "tests")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !is_test_file(&path) {
            out.push(path);
        }
    }
}

/// The code of a file without comments, string contents, and its inline test module.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut in_str = false;
        for c in line.chars() {
            if c == '"' {
                in_str = !in_str;
                out.push(c);
            } else if !in_str {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Every path that starts with `start` (`crate::`, `super::`): its segments, with `use` groups
/// (`crate::{a::b, c}`) expanded.
fn paths(code: &str, start: &str) -> Vec<Vec<String>> {
    fn tree(s: &[u8], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
        let mut path = prefix.to_vec();
        loop {
            while i < s.len() && s[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < s.len() && s[i] == b'{' {
                i += 1;
                loop {
                    i = tree(s, i, &path, out);
                    while i < s.len() && s[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    match s.get(i) {
                        Some(b',') => i += 1,
                        Some(b'}') => return i + 1,
                        _ => return i,
                    }
                    while i < s.len() && s[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    if s.get(i) == Some(&b'}') {
                        return i + 1;
                    }
                }
            }
            let begin = i;
            while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
                i += 1;
            }
            if i == begin {
                out.push(path);
                return i;
            }
            path.push(String::from_utf8_lossy(&s[begin..i]).into_owned());
            if s[i..].starts_with(b"::") {
                i += 2;
            } else {
                out.push(path);
                return i;
            }
        }
    }
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(start) {
        let at = from + at;
        let boundary = at == 0 || {
            let b = bytes[at - 1];
            !(b.is_ascii_alphanumeric() || b == b'_' || b == b':')
        };
        from = at + start.len();
        if boundary {
            from = tree(bytes, from, &[], &mut out).max(from);
        }
    }
    out
}

/// The source file a module path (from `base`, a folder) leads to: the deepest module file named.
fn resolve(base: &Path, segments: &[String]) -> Option<PathBuf> {
    let mut dir = base.to_path_buf();
    let mut found = None;
    for seg in segments {
        let file = dir.join(format!("{seg}.rs"));
        let folder = dir.join(seg);
        if file.is_file() {
            found = Some(file);
            dir = folder;
        } else if folder.join("mod.rs").is_file() {
            found = Some(folder.join("mod.rs"));
            dir = folder;
        } else {
            break;
        }
    }
    found
}

/// The folder a file's own submodules live in, and its parent module's.
fn module_dirs(file: &Path) -> (PathBuf, PathBuf) {
    let parent = file.parent().expect("a folder").to_path_buf();
    let name = file.file_stem().unwrap_or_default();
    if name == "mod" || name == "lib" {
        let up = parent.parent().map_or(parent.clone(), Path::to_path_buf);
        (parent, up)
    } else {
        (parent.join(name), parent)
    }
}

fn graph() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut edges = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code = code(&text);
        let (_, parent_dir) = module_dirs(&file);
        let mut to = BTreeSet::new();
        for p in paths(&code, "crate::") {
            to.extend(resolve(&src(), &p));
        }
        for p in paths(&code, "super::") {
            // `super::super::x`: each `super` climbs one module.
            let ups = p.iter().take_while(|s| *s == "super").count();
            let mut dir = parent_dir.clone();
            for _ in 0..ups {
                dir = dir.parent().map_or(dir.clone(), Path::to_path_buf);
            }
            to.extend(resolve(&dir, &p[ups..]));
        }
        to.remove(&file);
        to.retain(|t| !t.ends_with("lib.rs"));
        edges.insert(file, to);
    }
    edges
}

/// The strongly connected groups of more than one file (Tarjan).
fn circles(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct State<'a> {
        edges: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a PathBuf) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let Some((w, _)) = edges.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn shown(p: &Path) -> String {
    p.strip_prefix(src()).unwrap_or(p).display().to_string()
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    let found: Vec<String> = circles(&graph())
        .into_iter()
        .map(|g| g.iter().map(|p| shown(p)).collect::<Vec<_>>().join(", "))
        .collect();
    assert!(
        found.is_empty(),
        "files that import each other, in a circle:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_import_points_down_or_across_the_floors() {
    let mut up = Vec::new();
    let mut rooms: BTreeMap<(String, String), ()> = BTreeMap::new();
    for (from, to) in graph() {
        for t in to {
            let (a, b) = (room(&from), room(&t));
            if a == b {
                continue;
            }
            rooms.insert((a.clone(), b.clone()), ());
            if floor(&b) > floor(&a) {
                up.push(format!("{} -> {}", shown(&from), shown(&t)));
            }
        }
    }
    // Folders on one floor import each other one way only: no circle of folders, however long.
    let mut folders: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (a, b) in rooms.keys() {
        folders
            .entry(PathBuf::from(a))
            .or_default()
            .insert(PathBuf::from(b));
        folders.entry(PathBuf::from(b)).or_default();
    }
    let both: Vec<String> = circles(&folders)
        .into_iter()
        .map(|g| {
            g.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    assert!(
        up.is_empty() && both.is_empty(),
        "imports that point up:\n{}\nfolders that import each other, in a circle:\n{}",
        up.join("\n"),
        both.join("\n")
    );
}

#[test]
fn the_reader_finds_grouped_nested_and_relative_paths() {
    let code = code(
        "use crate::{a::b, c::{d, e::f}};\n// crate::commented::out\nlet x = \"crate::in_text\";\nuse super::super::g::h;\n",
    );
    let mut found = paths(&code, "crate::");
    found.sort();
    let want: Vec<Vec<String>> = [vec!["a", "b"], vec!["c", "d"], vec!["c", "e", "f"]]
        .iter()
        .map(|p| p.iter().map(|s| s.to_string()).collect())
        .collect();
    assert_eq!(found, want);
    assert_eq!(
        paths(&code, "super::"),
        vec![vec!["super".to_string(), "g".into(), "h".into()]]
    );
    let mut edges = BTreeMap::new();
    let (a, b, c) = (PathBuf::from("a"), PathBuf::from("b"), PathBuf::from("c"));
    edges.insert(a.clone(), BTreeSet::from([b.clone()]));
    edges.insert(b.clone(), BTreeSet::from([a.clone()]));
    edges.insert(c.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(circles(&edges).len(), 1);
}
