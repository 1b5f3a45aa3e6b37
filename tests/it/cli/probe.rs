//! `probe` against the in-process sandbox and other real sockets on 127.0.0.1.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::Value;
use sipauth_tui::sandbox::{
    BackgroundSandbox, NOSCOPE_TOKEN, NOSCOPE_TOKEN_ID, SAMPLE_PASSWORD, SAMPLE_TOKEN,
    SAMPLE_TOKEN_ID, SAMPLE_USERNAME,
};

use crate::support::{Env, check_all, stdout};

fn probe_json(env: &Env, args: &[&str]) -> (Option<i32>, Value) {
    let out = env
        .cmd()
        .arg("probe")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code(), doc)
}

#[test]
fn probe_reports_status_and_explains_each_failure() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let api = sandbox.api_url();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &api);
    env.add_basic("basic", SAMPLE_USERNAME, SAMPLE_PASSWORD, &api);
    env.add_pat("wrong", SAMPLE_TOKEN_ID, "not-the-token", &api);
    env.add_pat("noscope", NOSCOPE_TOKEN_ID, NOSCOPE_TOKEN, &api);

    let cases: &[(&[&str], i64, i32, Option<&str>)] = &[
        (&["pat"], 200, 0, None),
        (&["basic"], 200, 0, None),
        (&["wrong"], 401, 1, Some("token id and/or token are wrong")),
        (&["noscope"], 403, 1, Some("account:read")),
        (
            &["pat", "--path", "/acount"],
            404,
            1,
            Some("wrong REST endpoint"),
        ),
        (
            &["pat", "--method", "DELETE"],
            405,
            1,
            Some("DELETE is the wrong request method"),
        ),
        (
            &["pat", "--path", "/__status/503"],
            503,
            1,
            Some("server-side"),
        ),
    ];
    check_all(cases, |(args, status, code, hint)| {
        let (exit, doc) = probe_json(&env, args);
        assert_eq!(exit, Some(*code), "{args:?}: {doc}");
        assert_eq!(doc["status"], *status, "{args:?}");
        assert_eq!(doc["ok"], *code == 0, "{args:?}");
        assert!(doc["latency_ms"].is_u64(), "{args:?}");
        assert!(doc["url"].as_str().unwrap().starts_with(&api), "{args:?}");
        match hint {
            None => assert!(doc["hint"].is_null(), "{args:?}: {doc}"),
            Some(h) => assert!(doc["hint"].as_str().unwrap().contains(h), "{args:?}: {doc}"),
        }
        assert!(
            !doc.to_string().contains(SAMPLE_TOKEN),
            "{args:?} leaked the token"
        );
    });
    let (_, doc) = probe_json(&env, &["pat"]);
    assert_eq!(doc["body"]["company"], "Sandbox GmbH");
    assert!(sandbox.seen().iter().all(|r| r.had_authorization));
}

#[test]
fn probe_text_output_shows_status_latency_type_and_pretty_body() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    let out = env.cmd().args(["probe", "pat"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("GET {}/account", sandbox.api_url()));
    assert!(
        lines[1].starts_with("200 OK · ") && lines[1].ends_with(" ms · application/json"),
        "{text}"
    );
    assert!(text.contains("\n  \"company\": \"Sandbox GmbH\""), "{text}");
}

#[test]
fn connection_refused_is_named_as_such() {
    // Bind then drop: the port is free and nothing listens on it.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = Env::new();
    env.add_pat(
        "dead",
        "token-1",
        "tok",
        &format!("http://127.0.0.1:{port}/v2"),
    );
    let (exit, doc) = probe_json(&env, &["dead"]);
    assert_eq!(exit, Some(1));
    assert!(doc["status"].is_null());
    assert!(
        doc["hint"].as_str().unwrap().contains("connection refused"),
        "{doc}"
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Accept and hold connections without ever answering.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().take(4) {
            held.push(conn);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let env = Env::new();
    env.add_pat("silent", "token-1", "tok", &format!("http://{addr}/v2"));
    let start = Instant::now();
    let (exit, doc) = probe_json(&env, &["silent", "--timeout", "1"]);
    let took = start.elapsed();
    assert_eq!(exit, Some(1));
    assert!(doc["hint"].as_str().unwrap().contains("timeout"), "{doc}");
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[test]
fn https_to_a_plain_http_server_is_a_tls_error() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat(
        "tls",
        "token-1",
        "tok",
        &format!("https://{}/v2", sandbox.addr()),
    );
    let (exit, doc) = probe_json(&env, &["tls"]);
    assert_eq!(exit, Some(1));
    assert!(
        doc["hint"].as_str().unwrap().starts_with("TLS handshake"),
        "{doc}"
    );
}

#[test]
fn an_unresolvable_host_is_a_dns_error() {
    let env = Env::new();
    // `.invalid` never resolves (RFC 6761).
    env.add_pat("dns", "token-1", "tok", "https://sipauth-test.invalid/v2");
    let (exit, doc) = probe_json(&env, &["dns", "--connect-timeout", "3"]);
    assert_eq!(exit, Some(1));
    assert!(
        doc["hint"]
            .as_str()
            .unwrap()
            .starts_with("DNS: cannot resolve `sipauth-test.invalid`"),
        "{doc}"
    );
}

#[test]
fn authorization_never_follows_a_redirect_to_another_host() {
    let home = BackgroundSandbox::start().unwrap();
    let elsewhere = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("pat", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &home.api_url());

    let away = format!("/__redirect?to={}/account", elsewhere.api_url());
    let (exit, doc) = probe_json(&env, &["pat", "--path", &away]);
    assert_eq!(exit, Some(1));
    assert_eq!(doc["status"], 302);
    assert!(
        doc["hint"].as_str().unwrap().contains("not followed"),
        "{doc}"
    );
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());

    // A redirect within the same origin is followed, credentials and all.
    let (exit, doc) = probe_json(&env, &["pat", "--path", "/__redirect?to=/v2/account"]);
    assert_eq!(exit, Some(0), "{doc}");
    let seen = home.seen();
    let last = seen.last().unwrap();
    assert_eq!(last.path, "/v2/account");
    assert!(last.had_authorization);
}

#[test]
fn a_connection_that_never_completes_hits_the_connect_timeout() {
    use socket2::{Domain, Socket, Type};
    // A listener with backlog 0 that never accepts: once its queue is full
    // the kernel drops further SYNs, so the probe's connect hangs, all on
    // 127.0.0.1.
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    let fillers: Vec<_> = (0..3)
        .filter_map(|_| {
            let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            s.connect_timeout(&addr.into(), Duration::from_millis(200))
                .ok()
                .map(|()| s)
        })
        .collect();
    assert!(!fillers.is_empty(), "could not fill the accept queue");
    let env = Env::new();
    env.add_pat("stuck", "token-1", "tok", &format!("http://{addr}/v2"));
    let start = Instant::now();
    let (exit, doc) = probe_json(
        &env,
        &["stuck", "--connect-timeout", "1", "--timeout", "20"],
    );
    assert_eq!(exit, Some(1));
    let hint = doc["hint"].as_str().unwrap();
    assert!(
        hint.contains("no connection to `127.0.0.1` within 1 s"),
        "{doc}"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    drop(fillers);
}

#[test]
fn bad_probe_options_are_usage_errors() {
    let env = Env::new();
    env.add_pat("p", "token-1", "tok", "https://api.sipgate.com/v2");
    let cases = [
        &["--timeout", "0"][..],
        &["--connect-timeout", "-1"],
        &["--method", "GE T"],
    ];
    check_all(cases, |args| {
        let out = env.cmd().args(["probe", "p"]).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    });
}

#[test]
fn a_credential_keeps_its_own_probe_for_probe_and_curl() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let api = sandbox.api_url();
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "add",
            "pat",
            "own",
            "--token-id",
            SAMPLE_TOKEN_ID,
            "--api",
            &api,
            "--probe-path",
            "/balance",
        ])
        .write_stdin(SAMPLE_TOKEN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::support::stderr(&out));
    let (code, doc) = probe_json(&env, &["own"]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["url"], format!("{api}/balance"));
    assert_eq!(doc["body"]["currency"], "EUR", "{doc}");

    // --path wins for one call; --save keeps it.
    let (_, doc) = probe_json(&env, &["own", "--path", "/history", "--save"]);
    assert_eq!(doc["url"], format!("{api}/history"));
    let (_, doc) = probe_json(&env, &["own"]);
    assert_eq!(doc["url"], format!("{api}/history"), "saved");
    let out = env.cmd().args(["curl", "own"]).output().unwrap();
    assert!(
        stdout(&out).trim_end().ends_with(&format!("{api}/history")),
        "{}",
        stdout(&out)
    );
    let out = env.cmd().args(["rename", "own", "mine"]).output().unwrap();
    assert!(out.status.success());
    let (_, doc) = probe_json(&env, &["mine"]);
    assert_eq!(
        doc["url"],
        format!("{api}/history"),
        "kept through a rename"
    );

    // A probe never changes anything; a method without a path is a usage error.
    let out = env
        .cmd()
        .args([
            "add",
            "pat",
            "bad",
            "--token-id",
            "token-X",
            "--probe-path",
            "/sessions/sms",
            "--probe-method",
            "POST",
        ])
        .write_stdin("tok")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        crate::support::stderr(&out).contains("GET, HEAD or OPTIONS"),
        "{}",
        crate::support::stderr(&out)
    );
    let out = env
        .cmd()
        .args([
            "add",
            "pat",
            "bad",
            "--token-id",
            "token-X",
            "--probe-method",
            "HEAD",
        ])
        .write_stdin("tok")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let before = sandbox.seen().len();
    let out = env
        .cmd()
        .args([
            "probe",
            "mine",
            "--path",
            "/sessions/sms",
            "--method",
            "POST",
            "--save",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(crate::support::stderr(&out).contains("GET, HEAD or OPTIONS"));
    assert_eq!(sandbox.seen().len(), before, "refused before sending");
    let (_, doc) = probe_json(&env, &["mine"]);
    assert_eq!(
        doc["url"],
        format!("{api}/history"),
        "the refused save changed nothing"
    );
}
