//! `add oauth` and the non-code grants of `login`, through the binary
//! against the sandbox realm over real sockets.

mod device;
mod implicit;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStderr, Output, Stdio};

use serde_json::Value;
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::{CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC};

use crate::support::{Env, check_all, stderr, stdout};

/// `login NAME --grant GRANT --no-browser` with `stdin`.
fn login(env: &Env, name: &str, grant: &str, stdin: &str) -> Output {
    env.cmd()
        .args(["login", name, "--grant", grant, "--no-browser"])
        .write_stdin(stdin)
        .output()
        .unwrap()
}

fn assert_no_secrets(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "leaked `{secret}`: {text}");
    }
    assert!(!text.contains("eyJ"), "a token leaked: {text}");
}

#[test]
fn add_oauth_refuses_bad_input_before_asking_for_the_secret() {
    let env = Env::new();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--client-id", ""], 1, "client id is empty"),
        (&["--client-id", "a\tb"], 1, "client id contains a control"),
        (
            &["--client-id", "c", "--issuer", "http://id.example.com/r"],
            1,
            "plain http",
        ),
        (
            &["--client-id", "c", "--issuer", "login.sipgate.com"],
            1,
            "not an absolute URL",
        ),
        (
            &["--client-id", "c", "--redirect-uri", "http://127.0.0.1/cb"],
            1,
            "registered port",
        ),
        (
            &[
                "--client-id",
                "c",
                "--redirect-uri",
                "https://app.example.com:443/cb",
            ],
            1,
            "loopback",
        ),
        (
            &["--client-id", "c", "--scope", "a\u{1b}b"],
            1,
            "scope contains a control",
        ),
        (&["--client-id", "c", "--realm", "a/b"], 1, "invalid realm"),
        (
            &["--client-id", "c", "--api", "http://api.example.com/v2"],
            1,
            "plain http",
        ),
        (
            &["--client-id", "c", "--issuer", "https://x", "--realm", "r"],
            2,
            "cannot be used with",
        ),
        (
            &["--client-id", "c", "--auth-method", "jwt"],
            2,
            "not a client auth method",
        ),
        (
            &["--client-id", "c", "--client-secret", "s"],
            2,
            "unexpected argument",
        ),
    ];
    check_all(cases, |(args, code, needle)| {
        let out = env
            .cmd()
            .args(["add", "oauth", "x"])
            .args(*args)
            .write_stdin("stdin-secret\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(needle), "{args:?}: `{needle}` not in {err}");
        assert!(!err.contains("stdin-secret"), "{err}");
    });
    assert!(!env.store.exists(), "nothing may be written");
}

#[test]
fn add_oauth_reads_the_secret_from_stdin_and_a_realm_changes_only_the_realm() {
    let env = Env::new();
    env.cmd()
        .args([
            "add",
            "oauth",
            "apps",
            "--client-id",
            "2477148-0-abc",
            "--realm",
            "sipgate-apps",
        ])
        .args(["--scope", " account:read history:read "])
        .write_stdin("the-client-secret\n")
        .assert()
        .success();
    env.cmd()
        .args([
            "add",
            "oauth",
            "pub",
            "--client-id",
            "native",
            "--auth-method",
            "none",
        ])
        .args(["--redirect-uri", "http://127.0.0.1:8765/callback"])
        .write_stdin("")
        .assert()
        .success();
    let out = env
        .cmd()
        .args(["show", "apps", "--json", "--reveal"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let client = &doc["client"];
    assert_eq!(
        client["issuer"],
        "https://login.sipgate.com/auth/realms/sipgate-apps"
    );
    assert_eq!(client["client_secret"], "the-client-secret");
    assert_eq!(client["auth_method"], "post");
    assert_eq!(client["scope"], "account:read history:read");
    assert_eq!(doc["status"], "not_logged_in");
    let out = env.cmd().args(["show", "pub", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["client"]["issuer"],
        sipauth_tui::credential::DEFAULT_ISSUER
    );
    assert_eq!(doc["client"]["client_secret"], Value::Null);
    assert_eq!(
        doc["client"]["redirect_uri"],
        "http://127.0.0.1:8765/callback"
    );
    let out = env.cmd().args(["show", "apps"]).output().unwrap();
    assert_no_secrets(&stdout(&out), &["the-client-secret"]);
    let out = env
        .cmd()
        .args(["add", "oauth", "apps", "--client-id", "c"])
        .write_stdin("second\n")
        .output()
        .unwrap();
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));
}

#[test]
fn add_oauth_warns_about_a_localhost_redirect_uri_but_keeps_it() {
    let env = Env::new();
    // (redirect URI, the IP literal recommended, if any)
    let cases = [
        (
            "http://localhost:8765/callback",
            Some("http://127.0.0.1:8765/callback"),
        ),
        ("http://127.0.0.1:8765/callback", None),
        ("http://[::1]:8765/callback", None),
    ];
    check_all(cases.into_iter().enumerate(), |(i, (uri, literal))| {
        let name = format!("r{i}");
        let out = env
            .cmd()
            .args(["add", "oauth", &name, "--client-id", "c"])
            .args(["--auth-method", "none", "--redirect-uri", uri])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{uri}: {err}");
        match literal {
            Some(literal) => assert!(
                err.contains("warning:")
                    && err.contains("RFC 8252")
                    && err.contains(&format!("--redirect-uri {literal}")),
                "{uri}: {err}"
            ),
            None => assert!(!err.contains("warning"), "{uri}: {err}"),
        }
        let show = env.cmd().args(["show", &name, "--json"]).output().unwrap();
        let doc: Value = serde_json::from_slice(&show.stdout).unwrap();
        assert_eq!(doc["client"]["redirect_uri"], uri);
    });
}

#[test]
fn password_grant_stores_a_session_that_the_api_accepts_and_warns() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "p", CLIENT_POST, Some(CLIENT_POST_SECRET));
    let out = login(&env, "p", "password", "John\ntopsecret\n");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("RFC 9700") && err.contains("logged in `p`"),
        "{err}"
    );
    assert!(
        err.contains("access token:  expires") && err.contains("scope:  "),
        "{err}"
    );
    assert_no_secrets(&err, &["topsecret", CLIENT_POST_SECRET]);
    assert_no_secrets(&stdout(&out), &["topsecret"]);
    env.cmd().args(["probe", "p"]).assert().success();
    let header = env.cmd().args(["header", "p"]).output().unwrap();
    assert!(stdout(&header).starts_with("Authorization: Bearer eyJ"));
}

#[test]
fn password_grant_with_a_wrong_password_says_why_and_stores_nothing() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "p", CLIENT_POST, Some(CLIENT_POST_SECRET));
    let before = std::fs::read(&env.store).unwrap();
    let cases = [
        (
            "John\nwrong-pw\n",
            "invalid_grant (Invalid user credentials)",
        ),
        ("John\n", "two lines"),
        ("\nwrong-pw\n", "username is empty"),
    ];
    check_all(cases, |(stdin, needle)| {
        let out = login(&env, "p", "password", stdin);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(needle), "`{needle}` not in {err}");
        assert_no_secrets(&err, &["wrong-pw", CLIENT_POST_SECRET]);
    });
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
}

#[test]
fn client_credentials_authenticate_by_post_and_by_basic() {
    let (sandbox, env) = crate::support::oauth::client_credentials_sandbox();
    env.add_oauth(&sandbox, "pub", CLIENT_PUBLIC, None);
    for name in ["svc", "bas"] {
        let out = login(&env, name, "client-credentials", "");
        let err = stderr(&out);
        assert!(out.status.success(), "{name}: {err}");
        assert!(err.contains("refresh token: none"), "{err}");
        assert_eq!(env.session_json(name)["refresh_token"], Value::Null);
        env.cmd().args(["probe", name]).assert().success();
    }
    let out = login(&env, "pub", "client-credentials", "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("public client"), "{}", stderr(&out));
    assert_eq!(sandbox.token_requests("client_credentials"), 2);
}

/// Reads stderr lines into `seen` until one starts with `prefix`; returns it.
pub fn read_until(reader: &mut BufReader<ChildStderr>, seen: &mut String, prefix: &str) -> String {
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "no `{prefix}` in {seen}"
        );
        seen.push_str(&line);
        if let Some(rest) = line.trim_start().strip_prefix(prefix) {
            return rest.trim().to_owned();
        }
    }
}

pub fn spawn_login(
    env: &Env,
    name: &str,
    grant: &str,
    extra: &[&str],
) -> (Child, BufReader<ChildStderr>) {
    let mut child = env
        .std_cmd()
        .args(["login", name, "--grant", grant, "--no-browser"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let reader = BufReader::new(child.stderr.take().unwrap());
    (child, reader)
}

/// Waits for the child; returns its success and all of stderr.
pub fn finish(
    mut child: Child,
    mut reader: BufReader<ChildStderr>,
    mut seen: String,
) -> (bool, String) {
    reader.read_to_string(&mut seen).unwrap();
    (child.wait().unwrap().success(), seen)
}
