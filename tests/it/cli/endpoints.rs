//! sipgate's API map through the binary: `endpoints`, `scopes`, the
//! probe's scope hints and `--for`, against the in-process sandbox.

use serde_json::Value;
use sipauth_tui::sandbox::realm::{CLIENT_POST, CLIENT_POST_SECRET};
use sipauth_tui::sandbox::{
    BackgroundSandbox, NOSCOPE_TOKEN, NOSCOPE_TOKEN_ID, SAMPLE_PAT_SCOPES, SAMPLE_TOKEN,
    SAMPLE_TOKEN_ID,
};

use crate::support::{Env, FIXTURE, stderr, stdout};

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(out), stderr(out)))
}

/// The Keycloak fixture's session (roles `balance:read`) as `fx`.
fn import_fixture(env: &Env) {
    let out = env
        .cmd()
        .args(["import", "-", "--name", "fx"])
        .write_stdin(FIXTURE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// POSTs to one of the sandbox's test hooks and checks it said yes.
fn hook(sandbox: &BackgroundSandbox, path: &str) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(sandbox.addr()).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{path}: {answer}");
}

fn row<'a>(rows: &'a Value, method: &str, path: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["method"] == method && r["path"] == path)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

#[test]
fn endpoints_lists_operations_and_what_a_session_can_call() {
    let env = Env::new();
    let out = env.cmd().arg("endpoints").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 179);
    assert!(stderr(&out).contains("179 operations"));

    let out = env
        .cmd()
        .args(["endpoints", "sms", "POST"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.lines().all(|l| l.starts_with("POST")), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("/sessions/sms") && l.contains("sessions:sms:write")),
        "{text}"
    );

    import_fixture(&env);
    let out = env
        .cmd()
        .args(["endpoints", "--for", "fx", "--json"])
        .output()
        .unwrap();
    let rows = json_of(&out);
    assert_eq!(rows.as_array().unwrap().len(), 179);
    assert_eq!(row(&rows, "GET", "/balance")["can_call"], "yes");
    let history = row(&rows, "GET", "/history");
    assert_eq!(history["can_call"], "no");
    assert_eq!(history["missing"], serde_json::json!(["history:read"]));
    assert_eq!(
        row(&rows, "GET", "/authorization/userinfo")["can_call"],
        "yes"
    );
    let out = env
        .cmd()
        .args(["endpoints", "--for", "fx", "history"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("[no: missing history:read]"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("this credential grants `balance:read`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn endpoints_for_a_pat_is_unknown_and_another_api_is_refused() {
    let env = Env::new();
    env.add_pat("p", "token-1", "tok", "https://api.sipgate.com/v2");
    env.add_pat("other", "token-1", "tok", "https://api.example.com/v2");
    let out = env
        .cmd()
        .args(["endpoints", "--for", "p", "--json", "balance"])
        .output()
        .unwrap();
    let rows = json_of(&out);
    assert_eq!(row(&rows, "GET", "/balance")["can_call"], "unknown");
    assert!(
        stderr(&out).contains("sipauth-tui scopes p"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .args(["endpoints", "--for", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not sipgate's API"),
        "{}",
        stderr(&out)
    );
}

/// `scopes NAME` with extra arguments.
fn scopes(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd().arg("scopes").args(args).output().unwrap()
}

#[test]
fn scopes_learns_a_pat_keeps_it_and_later_hints_use_it() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    let out = scopes(&env, &["pat", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json_of(&out);
    let granted: Vec<&str> = doc["granted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    // Every read scope of the sample PAT that the plan asks is found, and
    // nothing else is.
    let mut want: Vec<&str> = SAMPLE_PAT_SCOPES
        .iter()
        .copied()
        .filter(|s| s.ends_with(":read"))
        .collect();
    want.sort_unstable();
    assert_eq!(granted, want);
    assert!(
        doc["refused"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "voicemails:read"),
        "{doc}"
    );
    let requests = doc["requests"].as_array().unwrap();
    assert!(requests.len() <= 25);
    let seen = sandbox.seen();
    assert_eq!(seen.len(), requests.len(), "one request per report");
    assert!(seen.iter().all(|r| r.method == "GET"), "{seen:?}");
    assert!(!doc.to_string().contains(SAMPLE_TOKEN));

    // Kept with the credential (no secret in it), and used by endpoints.
    let out = env
        .cmd()
        .args(["endpoints", "--for", "pat", "--json"])
        .output()
        .unwrap();
    let rows = json_of(&out);
    assert_eq!(row(&rows, "GET", "/history")["can_call"], "yes");
    assert_eq!(row(&rows, "GET", "/voicemails")["can_call"], "no");
    assert_eq!(row(&rows, "POST", "/sessions/sms")["can_call"], "unknown");
    let stored = std::fs::read_to_string(&env.store).unwrap();
    assert!(stored.contains("learned_scopes"), "{stored}");
}

#[test]
fn scopes_keeps_to_its_cap_and_stops_at_the_first_429() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    let out = scopes(&env, &["pat", "--max", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sandbox.seen().len(), 5, "{:?}", sandbox.seen());
    assert!(
        stderr(&out).contains("stopped at the cap of 5"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("not asked:"), "{}", stdout(&out));

    let out = scopes(&env, &["pat", "--max", "26"]);
    assert_eq!(out.status.code(), Some(2), "the cap is 25");

    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    hook(&sandbox, "/v2/__rate_limit?after=3");
    let before = sandbox.seen().len();
    let out = scopes(&env, &["pat"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("429"), "{}", stderr(&out));
    assert_eq!(
        sandbox.seen().len() - before,
        4,
        "three answered, the fourth got 429 and nothing followed"
    );
}

#[test]
fn scopes_of_a_session_come_from_its_tokens_without_a_request() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    import_fixture(&env);
    let out = scopes(&env, &["fx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("`balance:read`"), "{}", stdout(&out));
    assert!(sandbox.seen().is_empty());
}

#[test]
fn a_403_names_the_missing_scope_for_a_session_and_a_pat() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "s", CLIENT_POST, Some(CLIENT_POST_SECRET));
    let out = env
        .cmd()
        .args(["login", "s", "--grant", "password", "--no-browser"])
        .write_stdin("John\ntopsecret\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env
        .cmd()
        .args(["probe", "s", "--path", "/history", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["status"], 403, "{doc}");
    assert_eq!(doc["operation"], "GET /history");
    assert_eq!(doc["scopes_needed"], serde_json::json!(["history:read"]));
    assert_eq!(doc["missing"], serde_json::json!(["history:read"]));
    assert!(
        doc["scopes_granted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "account:read"),
        "{doc}"
    );
    let hint = doc["hint"].as_str().unwrap();
    assert!(
        hint.contains("GET /history needs `history:read`; this session grants `account:read`"),
        "{hint}"
    );
    assert!(
        stderr(&out).contains("the server will likely answer 403"),
        "warned before sending: {}",
        stderr(&out)
    );

    env.add_pat("nos", NOSCOPE_TOKEN_ID, NOSCOPE_TOKEN, &sandbox.api_url());
    let out = env
        .cmd()
        .args(["probe", "nos", "--path", "/balance", "--json"])
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["status"], 403, "{doc}");
    assert!(
        doc["scopes_granted"].is_null(),
        "a PAT's are unknown: {doc}"
    );
    let hint = doc["hint"].as_str().unwrap();
    assert!(
        hint.contains("`balance:read`")
            && hint.contains("sipgate web app")
            && hint.contains("sipauth-tui scopes nos"),
        "{hint}"
    );

    // The documented 402 of POST /sessions/sms feeds the hint.
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    hook(&sandbox, "/v2/__funds?credit=empty");
    let sms = r#"{"smsId":"s0","recipient":"+4915799912345","message":"hi"}"#;
    let out = env
        .cmd()
        .args([
            "probe",
            "pat",
            "--path",
            "/sessions/sms",
            "--method",
            "POST",
            "--data",
            "-",
            "--json",
        ])
        .write_stdin(sms)
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(doc["status"], 402, "{doc}");
    assert!(
        doc["hint"]
            .as_str()
            .unwrap()
            .contains("credit is too low for POST /sessions/sms"),
        "{doc}"
    );
    let out = env
        .cmd()
        .args([
            "probe",
            "pat",
            "--path",
            "/sessions/sms",
            "--method",
            "POST",
            "--data",
            "{broken",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));
    assert_eq!(
        sandbox
            .seen()
            .iter()
            .filter(|r| r.path == "/v2/sessions/sms")
            .count(),
        1,
        "invalid JSON is never sent"
    );
}

#[test]
fn for_purposes_become_the_clients_scope() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "add",
            "oauth",
            "c",
            "--client-id",
            "x",
            "--auth-method",
            "none",
            "--scope",
            "openid",
            "--for",
            "POST /sessions/sms",
            "--for",
            "GET /w0/devices",
            "--issuer",
            &sandbox.issuer_url(),
            "--api",
            &sandbox.api_url(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--for: asking for devices:read sessions:sms:write"),
        "{}",
        stderr(&out)
    );
    let shown = env.cmd().args(["show", "c", "--json"]).output().unwrap();
    let doc = json_of(&shown);
    assert_eq!(
        doc["client"]["scope"], "openid devices:read sessions:sms:write",
        "{doc}"
    );
    let out = env
        .cmd()
        .args([
            "add",
            "oauth",
            "d",
            "--client-id",
            "x",
            "--auth-method",
            "none",
            "--for",
            "PATCH /balance",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("that path takes GET"),
        "{}",
        stderr(&out)
    );
}
