//! Every command against stores that hold hostile values: escape sequences
//! (a window title, an OSC 52 clipboard write, CSI, the one-character C1
//! CSI), a bidi override, a byte order mark and zero-width characters, one
//! field at a time, each kind. Whatever a command prints, on stdout or
//! stderr, holds no control, escape or format character; a value the
//! store's rules refuse is refused on load, with its position. Typing such
//! a value in (`add`, `import`) is refused with the field's name.

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};
use sipauth_tui::sanitize::is_shown;

use crate::support::{Env, check_all, stderr, stdout};

/// What a hostile field holds.
const EVIL: &str = "x\u{1b}]0;pwned\u{7}\u{1b}]52;c;aGk=\u{1b}\\\u{9b}2J\u{1b}[31m\u{202e}\u{feff}\u{200b}\u{2066}\u{7f}y";

fn write_store(env: &Env, credential: &Value) {
    let dir = env.store.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let doc = json!({"version": 1, "credentials": [credential]});
    std::fs::write(&env.store, doc.to_string()).unwrap();
    std::fs::set_permissions(&env.store, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// One credential of each kind, each with `field` (a JSON pointer) set to
/// `value`.
fn hostile_entries() -> Vec<(String, Value)> {
    let pat = json!({"name": "h", "api": "https://api.example.test/v2", "kind": "pat",
        "token_id": "token-1", "token": "SECRET-PAT"});
    let basic = json!({"name": "h", "api": "https://api.example.test/v2", "kind": "basic",
        "username": "john", "password": "SECRET-PW"});
    let oauth = json!({"name": "h", "api": "https://api.example.test/v2", "kind": "oauth",
        "client": {"issuer": "https://login.example.test/realms/x", "client_id": "c",
            "auth_method": "post", "client_secret": "SECRET-CS", "scope": "openid",
            "redirect_uri": "http://127.0.0.1:8765/cb"},
        "session": {"access_token": "SECRET-AT", "refresh_token": "SECRET-RT",
            "token_type": "Bearer", "scope": "openid", "session_state": "s1",
            "obtained_at": 1_700_000_000, "expires_in": 300}});
    let mut out = Vec::new();
    let fields: [(&Value, &[&str]); 3] = [
        (&pat, &["/kind", "/api", "/token_id"]),
        (&basic, &["/username"]),
        (
            &oauth,
            &[
                "/client/client_id",
                "/client/issuer",
                "/client/auth_method",
                "/client/scope",
                "/client/redirect_uri",
                "/session/token_type",
                "/session/scope",
                "/session/session_state",
            ],
        ),
    ];
    for (base, pointers) in fields {
        for pointer in pointers {
            let mut entry = base.clone();
            let old = entry.pointer(pointer).unwrap().as_str().unwrap().to_owned();
            // Inside a plausible value, so a URL still parses.
            *entry.pointer_mut(pointer).unwrap() = json!(format!("{old}{EVIL}"));
            out.push(((*pointer).to_owned(), entry));
        }
    }
    out
}

/// Panics when `text` holds a character a terminal must not get.
fn assert_clean(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|&c| !is_shown(c)).collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {text:?}");
    assert!(
        !text.contains("pwned") && !text.contains("52;c"),
        "{what}: {text:?}"
    );
    assert!(!text.contains("SECRET-"), "{what}: a secret in {text:?}");
}

#[test]
fn no_command_prints_a_raw_control_or_format_character_from_the_store() {
    let commands: &[&[&str]] = &[
        &["list"],
        &["list", "--json"],
        &["show", "h"],
        &["show", "h", "--json"],
        &["header", "h"],
        &["curl", "h"],
        &["decode", "--from", "h"],
        &["refresh", "h"],
        &["rename", "h", "h2"],
        &["remove", "h", "--no-revoke"],
    ];
    check_all(hostile_entries(), |(field, entry)| {
        let env = Env::new();
        for args in commands {
            write_store(&env, &entry);
            let out = env
                .cmd()
                .args(*args)
                .env("SIPAUTH_HTTP_TIMEOUT", "1")
                .output()
                .unwrap();
            let what = format!("{field}: {}", args.join(" "));
            assert_clean(&what, &stdout(&out));
            assert_clean(&what, &stderr(&out));
            assert_eq!(
                out.status.code(),
                Some(1),
                "{what}: loaded: {}",
                stdout(&out)
            );
            let err = stderr(&out);
            assert!(
                err.contains("credential #1") || err.contains("line 1"),
                "{what}: no position in {err}"
            );
        }
    });
}

#[test]
fn a_format_character_typed_into_an_id_is_refused_naming_the_field() {
    let env = Env::new();
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["add", "pat", "p", "--token-id", "token-\u{202e}1"],
            "tok\n",
            "token id",
        ),
        (
            &["add", "basic", "b", "--username", "jo\u{200b}hn"],
            "pw\n",
            "username",
        ),
        (
            &[
                "add",
                "oauth",
                "o",
                "--client-id",
                "c\u{feff}",
                "--auth-method",
                "none",
            ],
            "",
            "client id",
        ),
        (
            &["import", "-", "--name", "i"],
            "SIPGATE_TOKEN_ID=token-\u{2066}9\nSIPGATE_TOKEN=tok\n",
            "token id",
        ),
    ];
    check_all(cases, |(args, stdin, field)| {
        let out = env
            .cmd()
            .args(args.iter())
            .write_stdin(stdin.to_string())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(field) && err.contains("format character"),
            "{args:?}: {err}"
        );
        assert_clean(&format!("{args:?}"), &err);
    });
    assert!(!env.store.exists() || env.names().is_empty());
}

#[test]
fn a_usage_error_does_not_echo_an_escape_sequence_from_the_arguments() {
    let env = Env::new();
    let out = env.cmd().arg(format!("li{EVIL}st")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unrecognized subcommand"), "{err}");
    assert_clean("usage error", &err);
}
