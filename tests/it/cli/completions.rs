//! `completions SHELL` and `man` through the real binary: bash's own
//! completion machinery offers the stored names (and only names), every
//! shell gets a script, and `man -l` renders the page without a warning.

use std::path::Path;
use std::process::Command;

use crate::support::{Env, stderr, stdout};

/// Runs bash (no rc files) with the binary's directory first on PATH,
/// sources the completion script and completes `words` (the last one is
/// the word under the cursor); prints one candidate per line.
fn complete_in_bash(env: &Env, words: &[&str]) -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_sipauth-tui"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        r#"source <(sipauth-tui completions bash) || exit 3
spec=$(complete -p sipauth-tui) || exit 4
fn=${{spec##*-F }}; fn=${{fn%% *}}
COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}; COMP_TYPE=9
"$fn" sipauth-tui "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = quoted.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("PATH", path)
        .env("SIPAUTH_STORE", &env.store)
        .envs(
            crate::support::storage_env()
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?))),
        )
        .env_remove("SIPAUTH_STORAGE")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "bash: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn bash_completes_stored_names_and_api_paths() {
    let env = Env::new();
    for name in ["sandbox-pat", "sales", "other"] {
        env.add_pat(
            name,
            "token-1",
            "secret-canary-7f3",
            "https://api.sipgate.com/v2",
        );
    }
    let before = std::fs::read(&env.store).unwrap();
    let got = complete_in_bash(&env, &["sipauth-tui", "header", "sa"]);
    let mut names: Vec<&str> = got.lines().collect();
    names.sort_unstable();
    assert_eq!(names, ["sales", "sandbox-pat"], "{got}");
    assert!(!got.contains("secret-canary"), "only names: {got}");
    assert_eq!(
        std::fs::read(&env.store).unwrap(),
        before,
        "a Tab writes nothing"
    );

    let got = complete_in_bash(&env, &["sipauth-tui", "probe", "o"]);
    assert_eq!(got.trim(), "other");
    let got = complete_in_bash(&env, &["sipauth-tui", "curl", "sales", "/hist"]);
    assert!(got.lines().any(|l| l == "/history"), "{got}");
    assert!(got.lines().all(|l| l.starts_with("/history")), "{got}");
    let got = complete_in_bash(&env, &["sipauth-tui", "endpoints", "--for", "s"]);
    assert!(got.lines().any(|l| l == "sales"), "{got}");
    let got = complete_in_bash(&env, &["sipauth-tui", "he"]);
    assert!(got.lines().any(|l| l == "header"), "subcommands too: {got}");
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_one_is_a_usage_error() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("SIPAUTH_COMPLETE"),
            "{shell}: {}",
            stdout(&out)
        );
    }
    let out = env.cmd().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_covers_every_command_and_renders_without_warnings() {
    let env = Env::new();
    let out = env.cmd().arg("man").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = env.dir.path().join("sipauth-tui.1");
    std::fs::write(&page, &out.stdout).unwrap();
    let rendered = Command::new("man")
        .args(["--warnings=all", "-l"])
        .arg(&page)
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "0")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("man runs (apt-get install man-db groff-base)");
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert_eq!(stderr(&rendered), "", "man warned");
    // Bold and underline come as overstrikes (`X\bX`, `_\bX`): keep the
    // last character of each.
    let raw = String::from_utf8_lossy(&rendered.stdout);
    let mut text = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    for section in [
        "NAME",
        "SYNOPSIS",
        "COMMANDS",
        "CONFIGURATION",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
    ] {
        assert!(text.contains(section), "no {section} section");
    }
    let help = stdout(&env.cmd().arg("--help").output().unwrap());
    for line in help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
    {
        let Some(name) = line
            .strip_prefix("  ")
            .and_then(|l| l.split_whitespace().next())
        else {
            break;
        };
        if name != "help" {
            assert!(
                text.contains(&format!("sipauth-tui {name}")),
                "the page lacks `{name}`"
            );
        }
    }
    for var in ["SIPAUTH_STORE", "SIPAUTH_KEY_COMMAND", "SIPAUTH_STORAGE"] {
        assert!(text.contains(var), "the page lacks {var}");
    }
}
