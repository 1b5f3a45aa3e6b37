//! The core's messages carry facts, never advice that names a command, a
//! flag or a key: each face words advice for its own user (the command line
//! in `src/cli/advice.rs`, the app from its keymap). This reads the core's
//! sources (everything outside `src/cli*`, `src/tui*` and `src/main.rs`,
//! test code left out) and lists every string literal that names one.

use std::path::{Path, PathBuf};

/// The subcommands a message could tell the user to run.
const COMMANDS: [&str; 23] = [
    "add",
    "list",
    "show",
    "remove",
    "rename",
    "header",
    "curl",
    "exec",
    "login",
    "refresh",
    "import",
    "probe",
    "sandbox",
    "decode",
    "demo",
    "edit",
    "endpoints",
    "scopes",
    "status",
    "lock",
    "reset-key",
    "completions",
    "man",
];

/// What in `literal` names a command, a flag or a key, if anything. A
/// curl command line is output the tool renders, not advice.
fn advice_in(literal: &str) -> Option<String> {
    // A curl command line is output; a bare curl option (`--data`) is a
    // token a pasted command is read for; "curl's -u, --oauth2-bearer"
    // names curl's options, not ours.
    let curl_option = literal.starts_with('-')
        && literal
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_alphanumeric());
    if literal.starts_with("curl ") || curl_option || literal.contains("curl's ") {
        return None;
    }
    for (at, _) in literal.match_indices("sipauth-tui ") {
        let next = literal[at + 12..]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next();
        if next.is_some_and(|word| COMMANDS.contains(&word)) {
            return Some(format!("a command: {literal}"));
        }
    }
    let bytes = literal.as_bytes();
    for (at, _) in literal.match_indices("--") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 2);
        if matches!(before, None | Some(b' ' | b'`' | b'(' | b'\'' | b'"'))
            && after.is_some_and(u8::is_ascii_lowercase)
        {
            return Some(format!("a flag: {literal}"));
        }
    }
    literal
        .contains("press ")
        .then(|| format!("a key: {literal}"))
}

/// The string literals of one line of code, roughly (enough for messages:
/// escaped quotes inside are skipped over).
fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars();
    while chars.by_ref().any(|c| c == '"') {
        let mut text = String::new();
        let mut escaped = false;
        for c in chars.by_ref() {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => break,
                _ => {
                    escaped = false;
                    text.push(c);
                }
            }
        }
        out.push(text);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every offending literal in the core, as `file:line: what`.
fn offenders(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let face = ["cli", "tui", "main.rs"].iter().any(|f| {
            rel == *f || rel.starts_with(&format!("{f}.")) || rel.starts_with(&format!("{f}/"))
        });
        let test_file = rel.ends_with("tests.rs") || rel.contains("/tests/");
        if face || test_file {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            if line.trim_start().starts_with("//") {
                continue;
            }
            for literal in literals(line) {
                if let Some(what) = advice_in(&literal) {
                    found.push(format!("src/{rel}:{}: {what}", number + 1));
                }
            }
        }
    }
    found
}

#[test]
fn no_core_message_names_a_command_a_flag_or_a_key() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = offenders(&src);
    assert!(
        found.is_empty(),
        "advice in the core:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_commands_flags_and_keys() {
    let cases = [
        ("needs a new login; run `sipauth-tui login w`", true),
        ("raise it with --timeout", true),
        ("give the issuer with `--issuer URL`", true),
        ("press l to log in", true),
        ("sipauth-tui received the login", false),
        ("-----BEGIN PUBLIC KEY-----", false),
        ("the access token expired", false),
        ("curl --request GET --header {} {}", false),
    ];
    let wrong: Vec<_> = cases
        .iter()
        .filter(|(text, flagged)| advice_in(text).is_some() != *flagged)
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(
        literals(r#"format!("a \"b\" {c}", "--x") // "not""#),
        vec![
            r#"a b {c}"#.replace('b', "\"b\""),
            "--x".into(),
            "not".into()
        ]
    );
}
