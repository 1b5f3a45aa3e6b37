//! The fuzz targets' committed inputs, run as plain tests: every file under
//! `tests/fuzz/corpus/<target>/` (seeds plus what a long fuzzer run found
//! interesting, minimised) and `tests/fuzz/regressions/<target>/` (inputs
//! that once broke an invariant) goes through the same body the libFuzzer
//! target calls (`sipauth_tui::fuzz`), so CI checks them without a fuzzer.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use sipauth_tui::fuzz;

use crate::support::check_all;

/// A fuzz target's body.
type Target = fn(&[u8]);

/// Every target, by the name of its corpus directory.
const TARGETS: [(&str, Target); 8] = [
    ("jwt_decode", fuzz::jwt_decode),
    ("token_response", fuzz::token_response),
    ("import_detect", fuzz::import_detect),
    ("store_parse", fuzz::store_parse),
    ("discovery", fuzz::discovery),
    ("jwks", fuzz::jwks),
    ("callback_query", fuzz::callback_query),
    ("config", fuzz::config),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz")
}

/// The files of `tests/fuzz/<kind>/<target>/`, each with its target.
fn inputs(kind: &str) -> Vec<(PathBuf, Target)> {
    let mut out = Vec::new();
    for (name, target) in TARGETS {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind).join(name)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (f, target)));
    }
    out
}

/// Runs each input, naming the file of every one that breaks an invariant.
fn run_all(inputs: Vec<(PathBuf, Target)>) {
    check_all(inputs, |(path, target)| {
        let data = std::fs::read(&path).unwrap();
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| target(&data))) {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            panic!("{}: {message}", path.display());
        }
    });
}

#[test]
fn every_corpus_input_keeps_the_invariants() {
    let inputs = inputs("corpus");
    for (name, _) in TARGETS {
        let seeds = fuzz_dir().join("corpus").join(name);
        assert!(
            inputs.iter().any(|(path, _)| path.starts_with(&seeds)),
            "no corpus for {name}"
        );
    }
    run_all(inputs);
}

#[test]
fn every_regression_input_keeps_the_invariants() {
    run_all(inputs("regressions"));
}

#[test]
fn the_invariants_refuse_controls_invisible_characters_and_canaries() {
    let refused = [
        "\u{1b}[31m",
        "\u{7}",
        "\r",
        "\u{7f}",
        "\u{9b}",
        "\u{61c}",
        "\u{200b}",
        "\u{200f}",
        "\u{202e}",
        "\u{2066}",
        "\u{2069}",
        "\u{feff}",
    ];
    check_all(refused, |text| {
        let message = format!("a message with {text} in it");
        let caught = panic::catch_unwind(|| fuzz::assert_clean("a message", &message));
        assert!(caught.is_err(), "{text:?} passed");
    });
    for fine in ["line\nand\ttab", "ä € — \u{a0} 日本", "Bearer eyJ"] {
        fuzz::assert_clean("a message", fine);
    }
    // The canary is a valid token character by character, and a secret slot
    // rewritten with it is caught when a message repeats it.
    assert!(fuzz::CANARY.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(fuzz::CANARY.len() % 4, 0);
}
