//! `login` with the authorization code grant against the sandbox realm, the
//! test playing the browser: it reads the URL from stderr, asks the realm
//! (which approves at once) and delivers the redirect to the listener.

use std::time::{Duration, Instant};

use crate::support::{CLIENTS, Realm, browse, check_all, free_port};
use crate::support::{stderr, stdout};

#[test]
fn code_login_stores_a_session_the_api_accepts_for_every_client_auth_method() {
    let realm = Realm::new();
    for (i, client) in CLIENTS.into_iter().enumerate() {
        let name = format!("c{i}");
        realm.add_client(&name, client);
        let login = realm.start_login(&name, &[]);
        let location = login.authorize("");
        assert!(location.starts_with("http://127.0.0.1:"), "{location}");
        let (status, headers, body) = browse(&location);
        assert_eq!(status, 200, "{}: {body}", client.0);
        assert_eq!(headers["cache-control"], "no-store");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(body.contains("close this tab"), "{body}");
        let (exit, err) = login.finish();
        assert!(exit.success(), "{}: {err}", client.0);
        assert!(err.contains(&format!("Logged in `{name}`")), "{err}");

        let session = realm.session(&name);
        assert!(session.refresh_token.is_some() && session.id_token.is_some());
        assert!(session.scope.as_deref().unwrap().contains("account:read"));
        assert!(
            !err.contains(session.access_token.expose()),
            "token leaked: {err}"
        );
        assert!(!err.contains(session.refresh_token.as_ref().unwrap().expose()));
        assert_eq!(realm.store_bytes().1, 0o600);

        let out = realm
            .cmd()
            .args(["header", &name, "--value"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let value = stdout(&out).trim().to_owned();
        assert!(value.starts_with("Bearer "), "{value}");
        assert_eq!(realm.account_status(&value), 200, "{}", client.0);
    }
    assert_eq!(realm.sandbox.token_requests("authorization_code"), 3);
}

#[test]
fn a_forged_state_is_refused_and_the_real_callback_still_completes() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let login = realm.start_login("w", &[]);
    let location = login.authorize("");
    let (callback, query) = location.split_once('?').unwrap();
    let (status, _, body) = browse(&format!("{callback}?state=forged&code=stolen"));
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = browse(&format!("{callback}?{query}"));
    assert_eq!(status, 200);
    let (exit, err) = login.finish();
    assert!(exit.success(), "{err}");
    assert_eq!(realm.sandbox.token_requests("authorization_code"), 1);
}

#[test]
fn denied_consent_is_a_warning_in_the_redirects_words_and_the_login_waits_on() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let login = realm.start_login("w", &["--timeout", "2"]);
    let location = login.authorize("&sandbox_deny=1");
    let (status, _, body) = browse(&location);
    assert_eq!(status, 403);
    assert!(
        body.contains("the browser redirect said: access_denied (The user denied consent)")
            && body.contains("still waiting"),
        "{body}"
    );
    let (exit, err) = login.finish();
    assert_eq!(exit.code(), Some(1));
    let said = "the browser redirect said: access_denied (The user denied consent)";
    assert!(
        err.contains(&format!("warning: {said}; still waiting for the login"))
            && err.contains(&format!(
                "no login arrived within 2 s; the listener is closed; the last redirect: {said}"
            )),
        "{err}"
    );
    // Not worded as if the server had said it.
    assert!(!err.contains("authorization server refused"), "{err}");
    assert!(
        realm
            .store()
            .load()
            .unwrap()
            .get("w")
            .unwrap()
            .auth
            .session()
            .is_none()
    );
    assert_eq!(realm.sandbox.token_requests("authorization_code"), 0);
}

#[test]
fn a_login_nobody_finishes_times_out_and_frees_its_port() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let port = free_port().to_string();
    let start = Instant::now();
    let login = realm.start_login("w", &["--timeout", "1", "--port", &port]);
    assert!(
        login
            .url
            .contains(&format!("127.0.0.1%3A{port}%2Fcallback")),
        "{}",
        login.url
    );
    let (exit, err) = login.finish();
    assert_eq!(exit.code(), Some(1));
    assert!(err.contains("no login arrived within 1 s"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(8));
    std::net::TcpListener::bind(format!("127.0.0.1:{port}")).expect("the port is free again");
}

#[test]
fn a_registered_redirect_uri_is_used_exactly() {
    let realm = Realm::new();
    let redirect = format!("http://localhost:{}/sipauth/done", free_port());
    realm.add_client_with("w", CLIENTS[2], Some(redirect.clone()));
    let login = realm.start_login("w", &[]);
    let url = url::Url::parse(&login.url).unwrap();
    let sent: Vec<String> = url
        .query_pairs()
        .filter(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(sent, std::slice::from_ref(&redirect));
    let location = login.authorize("");
    assert!(location.starts_with(&format!("{redirect}?")), "{location}");
    // localhost is served on 127.0.0.1.
    let (status, _, _) = browse(&location.replacen("localhost", "127.0.0.1", 1));
    assert_eq!(status, 200);
    let (exit, err) = login.finish();
    assert!(exit.success(), "{err}");
}

#[test]
fn login_needs_an_oauth_client() {
    let realm = Realm::new();
    realm
        .env
        .add_pat("p", "token-ABC123", "tok", &realm.sandbox.api_url());
    let out = realm
        .cmd()
        .args(["login", "p", "--no-browser"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("without an OAuth client"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ctrl_c_cancels_a_login_and_frees_its_port() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let port = free_port().to_string();
    let login = realm.start_login("w", &["--port", &port]);
    let killed = std::process::Command::new("kill")
        .args(["-INT", &login.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (exit, err) = login.finish();
    assert_eq!(exit.code(), Some(1), "{err}");
    assert!(err.contains("login cancelled"), "{err}");
    std::net::TcpListener::bind(format!("127.0.0.1:{port}")).expect("the port is free again");
}

#[test]
fn a_callback_without_the_promised_iss_is_not_used_and_the_login_stays_unstored() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let login = realm.start_login("w", &["--timeout", "2"]);
    let mut location = url::Url::parse(&login.authorize("")).unwrap();
    let kept: Vec<(String, String)> = location
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "iss")
        .collect();
    assert!(kept.len() >= 2, "{location}");
    location.query_pairs_mut().clear().extend_pairs(kept);
    let (status, _, body) = browse(location.as_str());
    assert_eq!(status, 403, "{body}");
    let (exit, err) = login.finish();
    assert_eq!(exit.code(), Some(1));
    assert!(
        err.contains("no `iss`") && err.contains("RFC 9207") && err.contains("no login arrived"),
        "{err}"
    );
    assert_eq!(realm.sandbox.token_requests("authorization_code"), 0);
}

#[test]
fn a_callback_from_another_issuer_is_refused_even_without_discovery() {
    use sipauth_tui::sandbox::realm::NO_DISCOVERY_REALM;

    let realm = Realm::new();
    let issuer = realm.sandbox.realm_url(NO_DISCOVERY_REALM);
    // (`iss` on the callback, whether the login succeeds)
    let cases = [(None, true), (Some("https://evil.example/realms/x"), false)];
    check_all(cases.into_iter().enumerate(), |(i, (iss, ok))| {
        let name = format!("n{i}");
        realm.add_client_at(&name, CLIENTS[0], None, &issuer);
        let login = realm.start_login(&name, &["--timeout", "2"]);
        let mut location = url::Url::parse(&login.authorize("")).unwrap();
        if let Some(iss) = iss {
            let pairs: Vec<(String, String)> = location
                .query_pairs()
                .into_owned()
                .map(|(k, v)| {
                    if k == "iss" {
                        (k, iss.to_owned())
                    } else {
                        (k, v)
                    }
                })
                .collect();
            location.query_pairs_mut().clear().extend_pairs(pairs);
        }
        let (status, _, body) = browse(location.as_str());
        assert_eq!(status, if ok { 200 } else { 403 }, "{body}");
        let (exit, err) = login.finish();
        assert_eq!(exit.success(), ok, "{err}");
        let data = realm.store().load().unwrap();
        assert_eq!(data.get(&name).unwrap().auth.session().is_some(), ok);
        if !ok {
            assert!(
                err.contains("https://evil.example/realms/x") && err.contains("RFC 9207"),
                "{err}"
            );
        }
    });
    assert_eq!(realm.sandbox.token_requests("authorization_code"), 1);
}

#[test]
fn a_bad_code_exchange_stores_nothing() {
    use sipauth_tui::sandbox::realm::TokenFault;
    use sipauth_tui::testing::jwt;

    let foreign_id_token =
        jwt::unsigned(&serde_json::json!({"nonce": "someone-elses", "sub": "x"}));
    let cases = [
        (
            TokenFault::Body(
                serde_json::json!({"access_token": "a", "id_token": foreign_id_token}).to_string(),
            ),
            "nonce does not match",
        ),
        (
            TokenFault::Status(
                400,
                r#"{"error":"invalid_grant","error_description":"Code not valid"}"#.into(),
                "application/json",
            ),
            "the token endpoint refused the code of a browser redirect: invalid_grant (Code not valid)",
        ),
        (
            TokenFault::Body(r#"{"access_token": 7}"#.into()),
            "`access_token` is a number",
        ),
    ];
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    check_all(cases, |(fault, want)| {
        realm.sandbox.set_token_fault(Some(fault));
        // A refused code leaves the login waiting until its timeout.
        let login = realm.start_login("w", &["--timeout", "2"]);
        let (status, _, page) = browse(&login.authorize(""));
        assert_eq!(status, 403, "{page}");
        let (exit, err) = login.finish();
        assert_eq!(exit.code(), Some(1), "{err}");
        assert!(err.contains(want), "want `{want}` in {err}");
        let data = realm.store().load().unwrap();
        assert!(data.get("w").unwrap().auth.session().is_none());
    });
}

#[test]
fn a_refused_code_or_a_forged_error_does_not_end_the_login_and_the_real_one_completes() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let login = realm.start_login("w", &[]);
    let location = url::Url::parse(&login.authorize("")).unwrap();
    let with = |key: &str, value: &str| {
        let mut forged = location.clone();
        let pairs: Vec<(String, String)> = location
            .query_pairs()
            .into_owned()
            .filter(|(k, _)| k != "code")
            .chain([(key.to_owned(), value.to_owned())])
            .collect();
        forged.query_pairs_mut().clear().extend_pairs(pairs);
        forged.to_string()
    };
    // Someone who read the URL sends its state with a code of their own,
    // then an error: neither ends the login.
    let (status, _, page) = browse(&with("code", "forged-code"));
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("still waiting"), "{page}");
    let (status, _, page) = browse(&with("error", "access_denied"));
    assert_eq!(status, 403, "{page}");
    let (status, _, page) = browse(location.as_str());
    assert_eq!(status, 200, "{page}");
    let (exit, err) = login.finish();
    assert!(exit.success(), "{err}");
    assert!(
        err.contains("warning: the token endpoint refused the code of a browser redirect: invalid_grant (Code not valid); still waiting")
            && err.contains("warning: the browser redirect said: access_denied; still waiting"),
        "{err}"
    );
    assert!(realm.session("w").refresh_token.is_some());
    assert_eq!(realm.sandbox.token_requests("authorization_code"), 2);
}

#[test]
fn idle_connections_cannot_keep_the_real_callback_out() {
    use std::io::Write;
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    // With 64 descriptors, 100 connections held open would leave none for
    // the browser's if the listener kept them all.
    let login = realm.start_login_with_files("w", 64);
    let location = login.authorize("");
    let url = url::Url::parse(&location).unwrap();
    let addr = format!("127.0.0.1:{}", url.port().unwrap());
    // 95 idle connections and 5 that stall halfway through a request head,
    // each held open for the whole test.
    let mut held = Vec::new();
    for i in 0..100 {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        if i >= 95 {
            stream
                .write_all(b"GET /callback?state=x HTTP/1.1\r\nHost: a\r\n")
                .unwrap();
        }
        held.push(stream);
    }
    let started = Instant::now();
    let (status, _, page) = browse(&location);
    assert_eq!(status, 200, "{page}");
    let (exit, err) = login.finish();
    assert!(exit.success(), "{err}");
    // Well inside the 5 s header deadline: the cap made room at once.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(realm.session("w").refresh_token.is_some());
    drop(held);
}
