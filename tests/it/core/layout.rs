//! The layout rule "modules import each other in one direction only",
//! checked on the source: every `.rs` file under `src/` is read, mapped to
//! its module path (`foo.rs` + `foo/`; `lib.rs` is the library's root,
//! `main.rs` and `cli*` are the binary, a graph of its own), and every path
//! it names (`use crate::…`, `use super::…`, `crate::x::y` in code,
//! `sipauth_tui::…` from the binary) is reduced to the module it names,
//! following `pub use` re-exports to where the item lives. Edges between a
//! module and its own ancestors or descendants are fine (a child uses its
//! parent, a parent declares its child); every other edge is collapsed, at
//! each level of the tree, to the two children of the common ancestor, and
//! a strongly connected set of siblings there is a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Cycles known to exist, each written as [`Cycle::name`] shows it, to be
/// fixed and then dropped from here; any other cycle fails the test, and so
/// does an entry here that is gone.
const KNOWN_CYCLES: &[&str] = &[];

/// A module: which crate (`lib` or `bin`) and its path from the root.
type Module = (&'static str, Vec<String>);

/// One cycle: siblings under `parent` that reach each other, and the
/// references that make it (`file:line -> module`).
#[derive(Debug)]
struct Cycle {
    parent: Module,
    members: BTreeSet<String>,
    witnesses: Vec<String>,
}

impl Cycle {
    /// `lib oauth::{callback, code_flow}`.
    fn name(&self) -> String {
        let members: Vec<&str> = self.members.iter().map(String::as_str).collect();
        format!(
            "{} {}{{{}}}",
            self.parent.0,
            self.parent
                .1
                .iter()
                .map(|s| format!("{s}::"))
                .collect::<String>(),
            members.join(", ")
        )
    }
}

/// The module a file under `src/` is, or `None` for a file outside both crates.
fn module_of(rel: &str) -> Module {
    let stem = rel.strip_suffix(".rs").unwrap_or(rel);
    let segs: Vec<String> = stem.split('/').map(str::to_owned).collect();
    match segs.first().map(String::as_str) {
        Some("lib") if segs.len() == 1 => ("lib", Vec::new()),
        Some("main") if segs.len() == 1 => ("bin", Vec::new()),
        Some("cli") => ("bin", segs),
        _ => ("lib", segs),
    }
}

/// Tokens of Rust source with comments, strings and char literals removed,
/// each with its line.
fn tokens(src: &str) -> Vec<(String, usize)> {
    let b: Vec<char> = src.chars().collect();
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    let at = |i: usize| b.get(i).copied().unwrap_or('\0');
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(b[i] == '\n');
                    i += 1;
                }
            }
        } else if (c == 'r' || c == 'b') && raw_string_start(&b, i).is_some() {
            let (body, hashes) = raw_string_start(&b, i).unwrap();
            i = body;
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                line += usize::from(b[i] == '\n');
                i += 1;
            }
        } else if c == '"' || (c == 'b' && at(i + 1) == '"') {
            i += if c == 'b' { 2 } else { 1 };
            while i < b.len() && b[i] != '"' {
                line += usize::from(b[i] == '\n');
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // A char literal (a lifetime has no closing quote).
            i += 1;
            while i < b.len() && b[i] != '\'' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push((b[start..i].iter().collect(), line));
        } else if c == ':' && at(i + 1) == ':' {
            out.push(("::".to_owned(), line));
            i += 2;
        } else {
            out.push((c.to_string(), line));
            i += 1;
        }
    }
    out
}

/// Where a raw string's body starts and how many `#` close it.
fn raw_string_start(b: &[char], i: usize) -> Option<(usize, usize)> {
    if i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_') {
        return None;
    }
    let mut j = i + usize::from(b[i] == 'b');
    if b.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == '#').count();
    (b.get(j + hashes) == Some(&'"')).then_some((j + hashes + 1, hashes))
}

/// A path one module names: the module it was written in, the segments as
/// written (`super`, `crate`, ... first), and the line.
struct Reference {
    from: Module,
    segs: Vec<String>,
    line: usize,
    /// A `use`: the name it binds in its module, for the table (children
    /// reach a module's imports, public or not, through `super::`).
    binds: Option<String>,
}

/// Every path in one file, with inline modules (`mod tests { … }`) as the
/// modules they are, and the modules the file declares inline.
fn references(file: &Module, src: &str) -> (Vec<Reference>, Vec<Module>) {
    let toks = tokens(src);
    let tok = |i: usize| toks.get(i).map_or("", |t| t.0.as_str());
    let (mut refs, mut inline) = (Vec::new(), Vec::new());
    // Inline modules open: (name, brace depth inside them).
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < toks.len() {
        match tok(i) {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if stack.last().is_some_and(|(_, d)| *d == depth + 1) {
                    stack.pop();
                }
            }
            "mod" if tok(i + 2) == "{" => {
                let name = tok(i + 1).to_owned();
                stack.push((name, depth + 1));
                inline.push(inside(file, &stack));
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let mut j = i + 1;
                let mut paths = Vec::new();
                use_tree(&toks, &mut j, Vec::new(), &mut paths);
                for (segs, alias) in paths {
                    refs.push(Reference {
                        from: inside(file, &stack),
                        segs,
                        line: toks[i].1,
                        binds: alias,
                    });
                }
                i = j;
                continue;
            }
            "crate" | "super" | "sipauth_tui"
                if tok(i + 1) == "::" && tok(i.wrapping_sub(1)) != "::" =>
            {
                let mut segs = vec![tok(i).to_owned()];
                let mut j = i + 1;
                while tok(j) == "::" && ident(tok(j + 1)) {
                    segs.push(tok(j + 1).to_owned());
                    j += 2;
                }
                refs.push(Reference {
                    from: inside(file, &stack),
                    segs,
                    line: toks[i].1,
                    binds: None,
                });
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (refs, inline)
}

/// The module inside a file's inline modules.
fn inside(file: &Module, stack: &[(String, usize)]) -> Module {
    let mut m = file.clone();
    m.1.extend(stack.iter().map(|(n, _)| n.clone()));
    m
}

fn ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Expands one use tree into its paths, each with the name it binds.
fn use_tree(
    toks: &[(String, usize)],
    j: &mut usize,
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    let tok = |i: usize| toks.get(i).map_or("", |t| t.0.as_str());
    let mut segs = prefix;
    loop {
        match tok(*j) {
            "::" => *j += 1,
            "{" => {
                *j += 1;
                while tok(*j) != "}" && *j < toks.len() {
                    use_tree(toks, j, segs.clone(), out);
                    if tok(*j) == "," {
                        *j += 1;
                    }
                }
                *j += 1;
                return;
            }
            "*" => {
                *j += 1;
                out.push((segs, None));
                return;
            }
            "self" if !segs.is_empty() => {
                *j += 1;
                let name = segs.last().cloned();
                out.push((segs, alias(toks, j).or(name)));
                return;
            }
            t if ident(t) => {
                segs.push(t.to_owned());
                *j += 1;
                if tok(*j) != "::" {
                    let name = segs.last().cloned();
                    out.push((segs, alias(toks, j).or(name)));
                    return;
                }
            }
            _ => {
                // `;`, `,` or `}`: the end of this tree.
                if tok(*j) == ";" {
                    *j += 1;
                }
                return;
            }
        }
    }
}

fn alias(toks: &[(String, usize)], j: &mut usize) -> Option<String> {
    if toks.get(*j).is_some_and(|t| t.0 == "as") {
        *j += 2;
        return toks.get(*j - 1).map(|t| t.0.clone());
    }
    None
}

/// The modules and references of a whole tree.
struct Tree {
    modules: BTreeSet<Module>,
    refs: Vec<(String, Reference)>,
    /// Per module, the names it imports or re-exports and the paths they
    /// stand for.
    reexports: BTreeMap<Module, BTreeMap<String, Module>>,
}

impl Tree {
    fn new(files: &[(String, String)]) -> Self {
        let mut modules = BTreeSet::new();
        let mut refs = Vec::new();
        for (rel, src) in files {
            let module = module_of(rel);
            let (file_refs, inline) = references(&module, src);
            modules.insert(module);
            modules.extend(inline);
            refs.extend(file_refs.into_iter().map(|r| (rel.clone(), r)));
        }
        let mut tree = Tree {
            modules,
            refs: Vec::new(),
            reexports: BTreeMap::new(),
        };
        for (_, r) in &refs {
            if let (Some(name), Some(path)) = (&r.binds, tree.absolute(r)) {
                let table = tree.reexports.entry(r.from.clone()).or_default();
                table.insert(name.clone(), path);
            }
        }
        tree.refs = refs;
        tree
    }

    /// The absolute path a reference names, or `None` for another crate.
    fn absolute(&self, r: &Reference) -> Option<Module> {
        let mut segs = r.segs.iter().map(String::as_str).peekable();
        let mut base = match segs.peek().copied()? {
            "crate" => (r.from.0, Vec::new()),
            "sipauth_tui" if r.from.0 == "bin" => ("lib", Vec::new()),
            "super" | "self" => r.from.clone(),
            // A child module named without `self::` (2018 paths).
            first => {
                let mut child = r.from.clone();
                child.1.push(first.to_owned());
                if !self.modules.contains(&child) {
                    return None;
                }
                r.from.clone()
            }
        };
        if matches!(segs.peek().copied(), Some("crate" | "sipauth_tui" | "self")) {
            segs.next();
        }
        while segs.peek() == Some(&"super") {
            segs.next();
            base.1.pop()?;
        }
        base.1.extend(segs.map(str::to_owned));
        Some(base)
    }

    /// The module an absolute path names: its longest module prefix, or,
    /// when the next segment is re-exported there, where that leads.
    fn reduce(&self, path: &Module, hops: usize) -> Module {
        let mut module = (path.0, Vec::new());
        for (i, seg) in path.1.iter().enumerate() {
            let mut next = module.clone();
            next.1.push(seg.clone());
            if self.modules.contains(&next) {
                module = next;
                continue;
            }
            let target = self.reexports.get(&module).and_then(|t| t.get(seg));
            if let Some(target) = target.filter(|_| hops < 8) {
                let mut rest = target.clone();
                rest.1.extend(path.1[i + 1..].iter().cloned());
                return self.reduce(&rest, hops + 1);
            }
            break;
        }
        module
    }

    fn cycles(&self) -> Vec<Cycle> {
        // (parent, from child, to child) -> witnesses.
        let mut edges: BTreeMap<(Module, String, String), Vec<String>> = BTreeMap::new();
        for (file, r) in &self.refs {
            let Some(path) = self.absolute(r) else {
                continue;
            };
            let to = self.reduce(&path, 0);
            let from = &r.from;
            if to.0 != from.0 {
                continue;
            }
            let common = from.1.iter().zip(&to.1).take_while(|(a, b)| a == b).count();
            if common == from.1.len() || common == to.1.len() {
                continue;
            }
            let parent = (from.0, from.1[..common].to_vec());
            let key = (parent, from.1[common].clone(), to.1[common].clone());
            let witness = format!("{file}:{} -> {}", r.line, to.1.join("::"));
            edges.entry(key).or_default().push(witness);
        }
        let mut by_parent: BTreeMap<Module, Vec<SiblingEdge>> = BTreeMap::new();
        for ((parent, a, b), w) in &edges {
            by_parent.entry(parent.clone()).or_default().push((a, b, w));
        }
        let mut out = Vec::new();
        for (parent, list) in by_parent {
            let reach = |start: &String| {
                let mut seen = BTreeSet::from([start.clone()]);
                let mut todo = vec![start.clone()];
                while let Some(n) = todo.pop() {
                    for (a, b, _) in &list {
                        if **a == n && seen.insert((*b).clone()) {
                            todo.push((*b).clone());
                        }
                    }
                }
                seen
            };
            let nodes: BTreeSet<&String> = list.iter().flat_map(|(a, b, _)| [*a, *b]).collect();
            let mut done = BTreeSet::new();
            for n in nodes {
                if done.contains(n) {
                    continue;
                }
                let members: BTreeSet<String> = reach(n)
                    .into_iter()
                    .filter(|m| reach(m).contains(n))
                    .collect();
                done.extend(members.iter().cloned());
                if members.len() < 2 {
                    continue;
                }
                let witnesses = list
                    .iter()
                    .filter(|(a, b, _)| members.contains(*a) && members.contains(*b))
                    .flat_map(|(_, _, w)| w.iter().cloned())
                    .collect();
                out.push(Cycle {
                    parent: parent.clone(),
                    members,
                    witnesses,
                });
            }
        }
        out
    }
}

/// An edge between two children of one parent, with its witnesses.
type SiblingEdge<'a> = (&'a String, &'a String, &'a Vec<String>);

fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy();
            let rel = rel.replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn src_has_no_import_cycles_between_sibling_modules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&root, &root, &mut files);
    assert!(files.len() > 50, "read only {} files", files.len());
    let cycles = Tree::new(&files).cycles();
    let names: Vec<String> = cycles.iter().map(Cycle::name).collect();
    for c in &cycles {
        println!("cycle {}:\n  {}", c.name(), c.witnesses.join("\n  "));
    }
    let new: Vec<&Cycle> = cycles
        .iter()
        .filter(|c| !KNOWN_CYCLES.contains(&c.name().as_str()))
        .collect();
    let gone: Vec<&&str> = KNOWN_CYCLES
        .iter()
        .filter(|k| !names.iter().any(|n| n == **k))
        .collect();
    assert!(
        new.is_empty(),
        "import cycles in src/:\n{}",
        new.iter()
            .map(|c| format!("{}\n  {}", c.name(), c.witnesses.join("\n  ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(gone.is_empty(), "fixed, drop from KNOWN_CYCLES: {gone:?}");
}

fn synthetic(files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(p, s)| ((*p).to_owned(), (*s).to_owned()))
        .collect();
    let mut names: Vec<String> = Tree::new(&files).cycles().iter().map(Cycle::name).collect();
    names.sort();
    names
}

#[test]
fn the_checker_finds_cycles_through_use_super_reexports_and_code_paths() {
    let tree = [
        (
            "lib.rs",
            "pub mod a;\npub mod b;\npub mod c;\npub mod d;\npub mod f;\n",
        ),
        ("a.rs", "pub mod x;\npub mod y;\npub use x::Thing;\n"),
        // Siblings a::x and a::y, through `use super::`: a cycle under `a`.
        (
            "a/x.rs",
            "use super::y::Other;\n/// crate::c::Ignored in a comment\npub struct Thing;\n",
        ),
        ("a/y.rs", "use super::{x, super::b};\npub struct Other;\n"),
        // b reaches a through a re-export of a::x, a::x reaches b through
        // a::y: a cycle between a and b at the root, none with c.
        ("b.rs", "pub fn f() { let _ = crate::a::Thing; }\n"),
        // d reaches e through a private import of its parent: still a cycle.
        ("d.rs", "pub mod e;\nuse crate::f::F;\n"),
        ("d/e.rs", "use super::F;\n"),
        ("f.rs", "use crate::d::e;\npub struct F;\n"),
        (
            "c.rs",
            "use crate::{a, b};\nconst S: &str = \"crate::c::x\";\n",
        ),
        // The binary is its own graph: using the library closes no cycle.
        ("main.rs", "mod cli;\nuse sipauth_tui::a;\n"),
        ("cli.rs", "pub mod one;\npub mod two;\n"),
        ("cli/one.rs", "use super::two;\n"),
        (
            "cli/two.rs",
            "#[cfg(test)]\nmod tests {\n    use super::super::one;\n}\n",
        ),
    ];
    assert_eq!(
        synthetic(&tree),
        [
            "bin cli::{one, two}",
            "lib a::{x, y}",
            "lib {a, b}",
            "lib {d, f}"
        ]
    );
    // Ancestors and descendants are no cycle; a child's inline tests module
    // using `super::` names its own file, not a sibling.
    let fine = [
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        (
            "a.rs",
            "pub mod x;\nuse self::x::T;\npub use crate::b::B;\n",
        ),
        (
            "a/x.rs",
            "use super::B;\npub struct T;\nmod tests { use super::T; }\n",
        ),
        ("b.rs", "pub struct B;\n"),
    ];
    assert_eq!(synthetic(&fine), Vec::<String>::new());
}
