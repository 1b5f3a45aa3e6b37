//! `add oauth` and the non-code grants of `login`, through the binary
//! against the sandbox realm over real sockets.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStderr, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::{
    CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC,
    CLIENT_SERVICE, CLIENT_SERVICE_SECRET, DEVICE_GRANT_TYPE, Grant, RealmConfig, TokenFault,
};

use crate::common::{Env, stderr, stdout};

/// Adds an OAuth client of the sandbox's default realm; the secret (if
/// any) on stdin.
pub fn add_client(
    env: &Env,
    sandbox: &BackgroundSandbox,
    name: &str,
    id: &str,
    secret: Option<&str>,
) {
    let method = match (id, secret) {
        (_, None) => "none",
        (CLIENT_BASIC, _) => "basic",
        _ => "post",
    };
    let out = env
        .cmd()
        .args([
            "add",
            "oauth",
            name,
            "--client-id",
            id,
            "--auth-method",
            method,
        ])
        .args([
            "--issuer",
            &sandbox.issuer_url(),
            "--api",
            &sandbox.api_url(),
        ])
        .write_stdin(secret.map(|s| format!("{s}\n")).unwrap_or_default())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `login NAME --grant GRANT --no-browser` with `stdin`.
fn login(env: &Env, name: &str, grant: &str, stdin: &str) -> Output {
    env.cmd()
        .args(["login", name, "--grant", grant, "--no-browser"])
        .write_stdin(stdin)
        .output()
        .unwrap()
}

/// The stored session of `name` as JSON (null when none), via the library.
pub fn session(env: &Env, name: &str) -> Value {
    let data = sipauth_tui::store::Store::new(&env.store).load().unwrap();
    let c = data.get(name).unwrap();
    serde_json::to_value(c.auth.session()).unwrap()
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
    for (args, code, needle) in cases {
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
    }
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
fn password_grant_stores_a_session_that_the_api_accepts_and_warns() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    add_client(&env, &sandbox, "p", CLIENT_POST, Some(CLIENT_POST_SECRET));
    let out = login(&env, "p", "password", "John\ntopsecret\n");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("RFC 9700") && err.contains("logged in `p`"),
        "{err}"
    );
    assert!(
        err.contains("access token expires") && err.contains("scope: "),
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
    add_client(&env, &sandbox, "p", CLIENT_POST, Some(CLIENT_POST_SECRET));
    let before = std::fs::read(&env.store).unwrap();
    for (stdin, needle) in [
        (
            "John\nwrong-pw\n",
            "invalid_grant (Invalid user credentials)",
        ),
        ("John\n", "two lines"),
        ("\nwrong-pw\n", "username is empty"),
    ] {
        let out = login(&env, "p", "password", stdin);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(needle), "`{needle}` not in {err}");
        assert_no_secrets(&err, &["wrong-pw", CLIENT_POST_SECRET]);
    }
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
}

#[test]
fn client_credentials_authenticate_by_post_and_by_basic() {
    let mut config = RealmConfig::default();
    for c in &mut config.clients {
        if c.id == CLIENT_BASIC {
            c.grants.push(Grant::ClientCredentials);
        }
    }
    let sandbox = BackgroundSandbox::start_with(config).unwrap();
    let env = Env::new();
    add_client(
        &env,
        &sandbox,
        "svc",
        CLIENT_SERVICE,
        Some(CLIENT_SERVICE_SECRET),
    );
    add_client(
        &env,
        &sandbox,
        "bas",
        CLIENT_BASIC,
        Some(CLIENT_BASIC_SECRET),
    );
    add_client(&env, &sandbox, "pub", CLIENT_PUBLIC, None);
    for name in ["svc", "bas"] {
        let out = login(&env, name, "client-credentials", "");
        let err = stderr(&out);
        assert!(out.status.success(), "{name}: {err}");
        assert!(err.contains("no refresh token"), "{err}");
        assert_eq!(session(&env, name)["refresh_token"], Value::Null);
        env.cmd().args(["probe", name]).assert().success();
    }
    let out = login(&env, "pub", "client-credentials", "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("public client"), "{}", stderr(&out));
    assert_eq!(sandbox.token_requests("client_credentials"), 2);
}

/// Reads stderr lines into `seen` until one starts with `prefix`; returns it.
fn read_until(reader: &mut BufReader<ChildStderr>, seen: &mut String, prefix: &str) -> String {
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

fn spawn_login(
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
fn finish(
    mut child: Child,
    mut reader: BufReader<ChildStderr>,
    mut seen: String,
) -> (bool, String) {
    reader.read_to_string(&mut seen).unwrap();
    (child.wait().unwrap().success(), seen)
}

/// Plays the browser: GETs the URL without following the redirect.
fn location(url: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = http.get(url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 302, "{url}");
        response.headers()["location"].to_str().unwrap().to_owned()
    })
}

#[test]
fn implicit_grant_takes_the_token_from_the_pasted_redirect_and_checks_state() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    add_client(&env, &sandbox, "imp", CLIENT_PUBLIC, None);
    type Paste = fn(String) -> String;
    let cases: [(&str, Paste, &str, bool); 3] = [
        (
            "",
            |loc| loc,
            "logged in `imp` with the implicit grant",
            true,
        ),
        (
            "",
            |loc| loc.replace("state=", "state=forged"),
            "`state` is not this login's",
            false,
        ),
        (
            "&sandbox_deny=1",
            |loc| loc,
            "refused: access_denied",
            false,
        ),
    ];
    for (suffix, paste, needle, ok) in cases {
        let (mut child, mut reader) = spawn_login(&env, "imp", "implicit", &[]);
        let mut seen = String::new();
        let url = read_until(&mut reader, &mut seen, "http");
        let url = format!("http{url}{suffix}");
        assert!(
            url.contains("response_type=token") && url.contains("nonce="),
            "{url}"
        );
        let redirect = location(&url);
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", paste(redirect)).unwrap();
        drop(stdin);
        let (success, err) = finish(child, reader, seen);
        assert_eq!(success, ok, "{err}");
        assert!(err.contains(needle), "`{needle}` not in {err}");
        assert!(err.contains("RFC 9700"), "{err}");
        assert_no_secrets(&err, &[]);
        assert!(session(&env, "imp").is_object(), "{err}");
    }
    env.cmd().args(["probe", "imp"]).assert().success();
}

fn device_config(interval: Duration, ttl: Duration) -> RealmConfig {
    RealmConfig {
        device_interval: interval,
        device_ttl: ttl,
        ..RealmConfig::default()
    }
}

/// Waits until the realm has seen `n` device-code polls.
fn wait_for_polls(sandbox: &BackgroundSandbox, n: usize) {
    let start = Instant::now();
    while sandbox.token_requests(DEVICE_GRANT_TYPE) < n {
        assert!(start.elapsed() < Duration::from_secs(10), "no polls");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn device_grant_polls_while_pending_and_stores_the_tokens_once_approved() {
    let sandbox =
        BackgroundSandbox::start_with(device_config(Duration::ZERO, Duration::from_secs(600)))
            .unwrap();
    let env = Env::new();
    add_client(&env, &sandbox, "dev", CLIENT_PUBLIC, None);
    let (child, mut reader) = spawn_login(&env, "dev", "device", &[]);
    let mut seen = String::new();
    let code = read_until(&mut reader, &mut seen, "user code:");
    let complete = read_until(&mut reader, &mut seen, "complete address:");
    assert!(
        complete.ends_with(&format!("user_code={code}")),
        "{complete}"
    );
    wait_for_polls(&sandbox, 2);
    assert!(sandbox.approve_device(&code));
    let (success, err) = finish(child, reader, seen);
    assert!(success, "{err}");
    assert!(
        err.contains("logged in `dev` with the device grant"),
        "{err}"
    );
    assert_no_secrets(&err, &[]);
    assert!(session(&env, "dev")["refresh_token"].is_string());
    env.cmd().args(["probe", "dev"]).assert().success();
}

#[test]
fn device_grant_slows_down_when_told_to() {
    let sandbox =
        BackgroundSandbox::start_with(device_config(Duration::ZERO, Duration::from_secs(600)))
            .unwrap();
    let env = Env::new();
    add_client(&env, &sandbox, "dev", CLIENT_PUBLIC, None);
    let slow_down = r#"{"error":"slow_down","error_description":"Polling too fast"}"#;
    sandbox.set_token_fault(Some(TokenFault::Status(
        400,
        slow_down.into(),
        "application/json",
    )));
    let started = Instant::now();
    let (child, mut reader) = spawn_login(&env, "dev", "device", &[]);
    let mut seen = String::new();
    let code = read_until(&mut reader, &mut seen, "user code:");
    wait_for_polls(&sandbox, 1);
    sandbox.set_token_fault(None);
    assert!(sandbox.approve_device(&code));
    let (success, err) = finish(child, reader, seen);
    assert!(success, "{err}");
    assert!(err.contains("slow down: checking every 5 s"), "{err}");
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "the next poll came too soon"
    );
    assert_eq!(sandbox.token_requests(DEVICE_GRANT_TYPE), 2);
}

#[test]
fn device_grant_ends_on_denial_expiry_and_timeout_without_storing() {
    type Act = fn(&BackgroundSandbox, &str);
    let cases: [(Duration, &[&str], Act, &str); 3] = [
        (
            Duration::from_secs(600),
            &[],
            |s, code| assert!(s.deny_device(code)),
            "denied",
        ),
        (Duration::from_secs(1), &[], |_, _| {}, "expired"),
        (
            Duration::from_secs(600),
            &["--timeout", "1"],
            |_, _| {},
            "no approval within 1 s",
        ),
    ];
    for (ttl, extra, act, needle) in cases {
        let sandbox = BackgroundSandbox::start_with(device_config(Duration::ZERO, ttl)).unwrap();
        let env = Env::new();
        add_client(&env, &sandbox, "dev", CLIENT_PUBLIC, None);
        let (child, mut reader) = spawn_login(&env, "dev", "device", extra);
        let mut seen = String::new();
        let code = read_until(&mut reader, &mut seen, "user code:");
        wait_for_polls(&sandbox, 1);
        act(&sandbox, &code);
        let (success, err) = finish(child, reader, seen);
        assert!(!success, "{needle}: {err}");
        assert!(err.contains(needle), "`{needle}` not in {err}");
        assert!(session(&env, "dev").is_null());
    }
}
