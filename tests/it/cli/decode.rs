//! `decode` through the real binary: the Keycloak fixture, token responses
//! with opaque tokens, stored sessions, and a table of broken input that must
//! each fail cleanly (exit 1, never a panic) without echoing the token.

use serde_json::{Value, json};
use sipauth_tui::credential::{Auth, Credential, DEFAULT_API, Secret, Session};
use sipauth_tui::testing::jwt::segment as b64;

use crate::support::{Env, FIXTURE, check_all, fixture_token, stderr, stdout};

fn decode_json(env: &Env, stdin: &str, args: &[&str]) -> Value {
    let out = env
        .cmd()
        .args(["decode", "--json"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn keycloak_token_response_decodes_each_token_labelled() {
    let env = Env::new();
    let doc = decode_json(&env, FIXTURE, &[]);
    let access = &doc["access_token"];
    assert_eq!(access["claims"]["exp"], 1_525_272_141);
    assert_eq!(access["times"]["exp"]["unix"], 1_525_272_141);
    assert_eq!(access["times"]["exp"]["utc"], "2018-05-02 14:42:21 UTC");
    assert!(
        access["times"]["exp"]["relative"]
            .as_str()
            .unwrap()
            .starts_with("expired ")
    );
    assert_eq!(
        access["claims"]["realm_access"]["roles"],
        json!(["balance:read"])
    );
    assert_eq!(
        access["claims"]["session_state"],
        "32c512d5-ccf2-4103-9555-a85d924f7d52"
    );
    assert_eq!(access["header"]["alg"], "RS256");
    assert_eq!(doc["refresh_token"]["claims"]["typ"], "Refresh");
    assert_eq!(doc["id_token"]["claims"]["typ"], "ID");
    assert_eq!(access["times"]["nbf"]["relative"], Value::Null);
}

#[test]
fn human_output_puts_roles_first_and_reads_times() {
    let env = Env::new();
    let out = env
        .cmd()
        .arg("decode")
        .write_stdin(format!(
            "Authorization: Bearer {}\n",
            fixture_token("access_token")
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .to_owned()
    };
    assert!(line("realm_access.roles").ends_with(" balance:read"));
    assert!(line("exp").contains("2018-05-02 14:42:21 UTC (expired "));
    assert!(line("iat").contains(" y ago)"));
    assert!(line("nbf").ends_with(" not set"));
    assert!(line("session_state").ends_with("32c512d5-ccf2-4103-9555-a85d924f7d52"));
    let pos = |needle: &str| text.find(needle).unwrap();
    assert!(pos("realm_access.roles") < pos("  iss "));
    assert!(pos("  iss ") < pos("client_session"));
    assert!(
        !stderr(&out).contains("note:"),
        "stdin needs no argv warning"
    );
}

#[test]
fn a_token_in_argv_gets_a_one_line_note_on_stderr() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["decode", &fixture_token("access_token")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("note:") && err.contains("history"), "{err}");
}

#[test]
fn opaque_tokens_in_a_response_are_reported_not_refused() {
    let env = Env::new();
    let response = json!({
        "access_token": fixture_token("access_token"),
        "refresh_token": "3f1c2a1e-9a53-4a43-9b1e-6a8e3e1d2b6c",
    })
    .to_string();
    let doc = decode_json(&env, &response, &[]);
    assert_eq!(doc["refresh_token"], json!({"opaque": true, "length": 36}));
    assert_eq!(doc["access_token"]["claims"]["typ"], "Bearer");
    let out = env
        .cmd()
        .arg("decode")
        .write_stdin(response)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("refresh_token: opaque (36 chars)"));
}

#[test]
fn from_decodes_a_stored_session_without_pasting() {
    let env = Env::new();
    let session = Session {
        refresh_token: Some(Secret::new("0b6f-opaque-refresh".into())),
        id_token: Some(Secret::new(fixture_token("id_token"))),
        expires_in: Some(300),
        ..Session::bearer(Secret::new(fixture_token("access_token")), 1_525_271_841)
    };
    let auth = Auth::Oauth {
        client: None,
        session: Some(Box::new(session)),
    };
    let c = Credential::new("kc", DEFAULT_API, auth).unwrap();
    crate::support::store(&env.store)
        .update(|d| d.insert(c))
        .unwrap();
    env.add_pat("pat", "token-ABC123", "s3cret-pat", DEFAULT_API);

    let doc = decode_json(&env, "", &["--from", "kc"]);
    assert_eq!(doc["access_token"]["claims"]["exp"], 1_525_272_141);
    assert_eq!(doc["refresh_token"]["opaque"], true);
    assert_eq!(doc["id_token"]["claims"]["typ"], "ID");

    let out = env
        .cmd()
        .args(["decode", "--from", "pat"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no OAuth session"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("s3cret-pat"));
}

/// How a broken input reaches the binary.
#[derive(Clone, Copy, Debug)]
enum Via {
    Arg,
    Stdin,
}

#[test]
fn broken_input_exits_1_naming_the_segment_and_never_echoes_the_token() {
    let h = b64(br#"{"alg":"RS256","kid":"k1"}"#);
    let c = b64(br#"{"sub":"very-secret-subject-value","exp":1}"#);
    let s = b64([7u8; 64]);
    let garbage: Vec<u8> = (0u8..=255).rev().cycle().take(600).collect();
    let cases: Vec<(&str, Via, Vec<u8>, &str)> = vec![
        ("empty", Via::Stdin, vec![], "the input is empty"),
        ("blank", Via::Arg, b"  ".to_vec(), "the input is empty"),
        ("one segment", Via::Arg, h.clone().into(), "this has 1"),
        ("two", Via::Stdin, format!("{h}.{c}").into(), "this has 2"),
        (
            "four",
            Via::Arg,
            format!("{h}.{c}.{s}.{s}").into(),
            "this has 4",
        ),
        (
            "five (JWE)",
            Via::Stdin,
            format!("{h}.{c}.{s}.{s}.{s}").into(),
            "encrypted JWT (JWE)",
        ),
        (
            "header base64",
            Via::Arg,
            format!("{h}*.{c}.{s}").into(),
            "header (segment 1) is not base64url: invalid character `*`",
        ),
        (
            "claims base64",
            Via::Stdin,
            format!("{h}.{c}$.{s}").into(),
            "claims (segment 2) is not base64url",
        ),
        (
            "signature base64",
            Via::Arg,
            format!("{h}.{c}.{s}~").into(),
            "signature (segment 3) is not base64url",
        ),
        (
            "claims not UTF-8",
            Via::Stdin,
            format!("{h}.{}.{s}", b64([0x7b, 0xff, 0xfe])).into(),
            "claims (segment 2) is not UTF-8",
        ),
        (
            "input not UTF-8",
            Via::Stdin,
            [h.as_bytes(), b".\xff\xfe.", s.as_bytes()].concat(),
            "not UTF-8 text",
        ),
        (
            "truncated claims",
            Via::Arg,
            format!("{h}.{}.{s}", b64(br#"{"sub":"very-secret-su"#)).into(),
            "claims (segment 2) is not valid JSON: unexpected end",
        ),
        (
            "array header",
            Via::Stdin,
            format!("{}.{c}.{s}", b64("[1,2]")).into(),
            "header (segment 1) is JSON but not an object",
        ),
        (
            "null claims",
            Via::Arg,
            format!("{h}.{}.{s}", b64("null")).into(),
            "claims (segment 2) is JSON but not an object",
        ),
        (
            "huge token",
            Via::Stdin,
            format!("{h}.{}.{s}", "A".repeat(300_000)).into(),
            "more than any real JWT",
        ),
        (
            "over 1 MiB",
            Via::Stdin,
            vec![b'e'; (1 << 20) + 10],
            "larger than 1 MiB",
        ),
        (
            "Bearer alone",
            Via::Arg,
            b"Bearer".to_vec(),
            "`Bearer` is followed by no token",
        ),
        (
            "header line, no token",
            Via::Stdin,
            b"Authorization: Bearer   \n".to_vec(),
            "`Bearer` is followed by no token",
        ),
        ("binary garbage", Via::Stdin, garbage, "not UTF-8 text"),
        (
            "escape codes",
            Via::Arg,
            b"\x1b[2J\x1b]0;pwned\x07".to_vec(),
            "this has 1",
        ),
        (
            "non-string access_token",
            Via::Stdin,
            br#"{"access_token": 42}"#.to_vec(),
            "`access_token` in the token response is a number",
        ),
        (
            "broken JWT in a response",
            Via::Stdin,
            json!({"access_token": format!("{h}.{c}$.{s}")})
                .to_string()
                .into(),
            "cannot decode the access_token",
        ),
        (
            "empty token in a response",
            Via::Stdin,
            br#"{"refresh_token": ""}"#.to_vec(),
            "the token is empty",
        ),
        (
            "truncated response",
            Via::Stdin,
            format!(r#"{{"access_token": "{h}.{c}"#).into(),
            "not valid JSON: line 1",
        ),
        (
            "response without tokens",
            Via::Arg,
            br#"{"token_type":"bearer"}"#.to_vec(),
            "none of access_token",
        ),
    ];
    assert!(cases.len() >= 15);
    let env = Env::new();
    check_all(cases, |(what, via, input, want)| {
        let mut cmd = env.cmd();
        cmd.arg("decode");
        match via {
            Via::Arg => {
                use std::os::unix::ffi::OsStrExt;
                cmd.arg(std::ffi::OsStr::from_bytes(&input));
            }
            Via::Stdin => {
                cmd.write_stdin(input.clone());
            }
        }
        let out = cmd.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("error: "), "{what}: {err}");
        assert!(err.contains(want), "{what}: want {want:?} in {err}");
        assert!(out.stdout.is_empty(), "{what}: {}", stdout(&out));
        assert!(!err.contains("very-secret"), "{what} leaked: {err}");
        let text = String::from_utf8_lossy(&input);
        for part in text.split(['.', '"']).filter(|p| p.len() > 16) {
            assert!(!err.contains(part), "{what} echoed {part:.20}…: {err}");
        }
        assert!(!err.contains('\u{1b}'), "{what}: escape reached stderr");
    });
}

#[test]
fn hostile_claims_reach_the_terminal_without_control_characters() {
    let header = b64(r#"{"alg":"RS256","kid":"k\u001b]0;x\u0007"}"#);
    let claims = b64(json!({
        "sub": "a\u{1b}[2Jb\u{9b}31mc\u{202e}d\u{7f}e",
        "\u{1b}[31mkey": ["\u{85}x", "\u{2066}y"],
        "scope": "openid\nemail",
    })
    .to_string());
    let token = format!("{header}.{claims}.c2ln");
    let env = Env::new();
    for json_flag in [false, true] {
        let mut cmd = env.cmd();
        cmd.arg("decode").write_stdin(token.clone());
        if json_flag {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| {
                (c.is_control() && c != '\n')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        assert!(bad.is_empty(), "json={json_flag}: {bad:?} in\n{text}");
        // Whole sequences go, not only their ESC.
        assert!(text.contains("abcde"), "{text}");
        assert!(!text.contains("[2J") && !text.contains("31m"), "{text}");
    }
}

#[test]
fn the_quick_path_for_plain_decode_answers_exactly_as_clap_would() {
    // `decode [--json] [TOKEN|-]` skips clap; a global `--store` before the
    // subcommand sends the same request through clap. Both must agree on
    // stdout, stderr and exit code.
    let env = Env::new();
    let store = env.store.to_str().unwrap().to_owned();
    let token = fixture_token("access_token");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![token.as_str()], ""),
        (vec!["--json", token.as_str()], ""),
        (vec![token.as_str(), "--json"], ""),
        (vec!["-"], token.as_str()),
        (vec![], FIXTURE),
        (vec!["--json"], FIXTURE),
        (vec!["not.a-jwt"], ""),
        (vec!["--json", "--json"], ""),
        (vec![token.as_str(), token.as_str()], ""),
    ];
    check_all(cases, |(args, stdin)| {
        let quick = env
            .cmd()
            .arg("decode")
            .args(&args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        let clap = env
            .cmd()
            .args(["--store", &store, "decode"])
            .args(&args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(quick.status.code(), clap.status.code(), "{args:?}");
        assert_eq!(stdout(&quick), stdout(&clap), "{args:?}");
        assert_eq!(stderr(&quick), stderr(&clap), "{args:?}");
    });
}
