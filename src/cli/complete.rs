//! Shell completions: `sipauth-tui completions SHELL` prints a script that
//! calls this binary back on each Tab (`SIPAUTH_COMPLETE=SHELL sipauth-tui
//! -- WORDS…`, clap_complete's protocol), so NAME arguments complete the
//! credential names of the store (read without its secrets: no key asked,
//! nothing written) and `curl`/`probe` paths complete sipgate's operation
//! paths.

use std::ffi::OsStr;
use std::io::Write;

use anyhow::{Result, anyhow};
use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::env::{CompleteEnv, Shells};
use sipauth_tui::sipgate::ApiMap;
use sipauth_tui::store::Store;

use super::{Cli, Outcome};

/// The variable that asks this binary for completions.
pub const VAR: &str = "SIPAUTH_COMPLETE";

/// The shells `completions` knows.
pub const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

/// Answers a completion request and exits, when this run is one.
pub fn answer_if_asked() {
    if std::env::var_os(VAR).is_some() {
        CompleteEnv::with_factory(Cli::command).var(VAR).complete();
    }
}

/// `completions SHELL`: the registration script.
pub fn run(out: &mut impl Write, shell: &str) -> Result<Outcome> {
    let shells = Shells::builtins();
    let completer = shells.completer(shell).ok_or_else(|| {
        anyhow!(
            "no completions for `{shell}`; choose one of {}",
            SHELLS.join(", ")
        )
    })?;
    let mut script = Vec::new();
    completer.write_registration(
        VAR,
        "sipauth-tui",
        "sipauth-tui",
        "sipauth-tui",
        &mut script,
    )?;
    out.write_all(&script)?;
    Ok(Outcome::Success)
}

/// The stored credential names starting with `current`. The store is the
/// one `SIPAUTH_STORE` names, else the default (a `--store` typed on the
/// same line is not seen by the completer).
pub fn names(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let path = match std::env::var_os("SIPAUTH_STORE").filter(|s| !s.is_empty()) {
        Some(path) => path.into(),
        None => match Store::default_path() {
            Ok(path) => path,
            Err(_) => return Vec::new(),
        },
    };
    let Ok(names) = Store::new(path).names() else {
        return Vec::new();
    };
    names
        .into_iter()
        .filter(|(name, _)| name.starts_with(current))
        .map(|(name, kind)| CompletionCandidate::new(name).help(Some(kind.into())))
        .collect()
}

/// sipgate's operation paths starting with `current` (templates, each
/// once, with its methods as help).
pub fn paths(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let map = ApiMap::get();
    let mut out: Vec<CompletionCandidate> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for op in &map.operations {
        if op.path.starts_with(current) && seen.insert(op.path.as_str()) {
            let methods = map.methods_of(&op.path).join(" ");
            out.push(CompletionCandidate::new(op.path.clone()).help(Some(methods.into())));
        }
    }
    out
}
