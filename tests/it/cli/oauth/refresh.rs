//! Refreshing sessions against the sandbox realm: rotation, reuse
//! detection, racing processes, broken token responses, revocation.

use std::process::Stdio;
use std::time::Duration;

use sipauth_tui::sandbox::realm::{CLIENT_POST, Revoked, TokenFault};

use crate::support::{CLIENTS, Realm, check_all};
use crate::support::{stderr, stdout};

/// A realm with one logged-in post client named `w`.
fn logged_in() -> Realm {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    realm
}

/// Makes the stored access token of `w` expired by `age` seconds while its
/// refresh token keeps its deadline.
fn age(realm: &Realm, secs: i64) {
    realm.edit_session("w", |s| {
        s.obtained_at -= secs;
        s.refresh_expires_in = s.refresh_expires_in.map(|r| r + secs as u64);
    });
}

/// Uses a refresh token directly at the sandbox; the `error` it gets, if any.
fn use_refresh_token(realm: &Realm, token: &str) -> Option<String> {
    let (_, body) = realm.refresh_at_server(token);
    body["error"].as_str().map(str::to_owned)
}

#[test]
fn refresh_rotates_the_refresh_token_and_the_old_one_is_refused() {
    let realm = logged_in();
    let before = realm.session("w");
    let out = realm.cmd().args(["refresh", "w"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Refreshed `w`"), "{}", stderr(&out));
    let after = realm.session("w");
    assert_ne!(after.refresh_token, before.refresh_token);
    assert_ne!(after.access_token, before.access_token);
    assert!(!stderr(&out).contains(after.access_token.expose()));
    assert_eq!(realm.store_bytes().1, 0o600);
    let old = before.refresh_token.unwrap();
    assert_eq!(
        use_refresh_token(&realm, old.expose()).as_deref(),
        Some("invalid_grant")
    );
}

#[test]
fn reuse_of_an_old_refresh_token_ends_the_session_and_login_is_required() {
    let realm = logged_in();
    let old = realm.session("w").refresh_token.unwrap();
    realm.cmd().args(["refresh", "w"]).assert().success();
    // Someone replays the retired token: the server ends the whole session.
    assert_eq!(
        use_refresh_token(&realm, old.expose()).as_deref(),
        Some("invalid_grant")
    );
    let out = realm.cmd().args(["refresh", "w"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("needs a new login") && err.contains("sipauth-tui login w"),
        "{err}"
    );
    assert!(err.contains("invalid_grant"), "{err}");
    assert!(realm.session("w").login_required);
    let requests = realm.sandbox.token_requests("refresh_token");
    // No retry, and header refuses without asking the server again.
    let out = realm.cmd().args(["header", "w"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("needs a new login"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    assert_eq!(realm.sandbox.token_requests("refresh_token"), requests);
    // A new login clears the mark.
    realm.login("w");
    assert!(!realm.session("w").login_required);
    realm.cmd().args(["header", "w"]).assert().success();
}

#[test]
fn a_refresh_that_cannot_reach_the_server_keeps_the_session_byte_identical() {
    let Realm { env, sandbox } = logged_in();
    drop(sandbox);
    let before = std::fs::read(&env.store).unwrap();
    let out = env
        .cmd()
        .env("SIPAUTH_HTTP_TIMEOUT", "2")
        .args(["refresh", "w"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("session is unchanged") && err.contains("connection refused"),
        "{err}"
    );
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
}

#[test]
fn header_uses_a_still_valid_token_when_the_refresh_cannot_reach_the_server() {
    let Realm { env, sandbox } = logged_in();
    drop(sandbox);
    let out = env
        .cmd()
        .env("SIPAUTH_HTTP_TIMEOUT", "2")
        .args(["header", "w", "--min-valid", "400"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Authorization: Bearer "));
    let err = stderr(&out);
    assert!(
        err.contains("warning: cannot refresh `w`") && err.contains("until it expires"),
        "{err}"
    );
    // The cause is said too, with the command line's advice for it.
    assert!(
        err.contains("connection refused") && err.contains("start the server"),
        "{err}"
    );
}

#[test]
fn ten_racing_headers_on_an_expired_session_make_one_refresh() {
    let realm = logged_in();
    age(&realm, 1_000);
    let discoveries = || {
        let seen = realm.sandbox.seen();
        seen.iter()
            .filter(|r| r.path.ends_with("/openid-configuration"))
            .count()
    };
    let before = discoveries();
    let children: Vec<_> = (0..10)
        .map(|_| {
            realm
                .std_cmd()
                .args(["header", "w", "--value"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut values = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        values.push(stdout(&out).trim().to_owned());
    }
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 1);
    // The nine that waited found the work done: not even a discovery.
    assert_eq!(discoveries() - before, 1);
    values.dedup();
    assert_eq!(values.len(), 1, "all print the same fresh token");
    assert_eq!(realm.account_status(&values[0]), 200);
    let stored = realm.session("w");
    assert_eq!(
        values[0],
        format!("Bearer {}", stored.access_token.expose())
    );
}

#[test]
fn header_refreshes_only_inside_the_margin() {
    let realm = logged_in();
    realm.cmd().args(["header", "w"]).assert().success();
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 0);
    // Tokens live 300 s: a 400 s margin makes every use a refresh. The
    // argv-free curl command uses nothing yet (its header is fetched when
    // it runs); the inline one does.
    realm
        .cmd()
        .args(["curl", "w", "--min-valid", "400"])
        .assert()
        .success();
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 0);
    realm
        .cmd()
        .args(["curl", "w", "--inline", "--min-valid", "400"])
        .assert()
        .success();
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 1);
    realm
        .cmd()
        .env("SIPAUTH_REFRESH_MARGIN", "400")
        .args(["header", "w"])
        .assert()
        .success();
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 2);
}

#[test]
fn an_expired_session_without_a_refresh_token_is_an_error_not_a_dead_header() {
    let realm = logged_in();
    realm.edit_session("w", |s| {
        s.refresh_token = None;
        s.refresh_expires_in = None;
    });
    age(&realm, 1_000);
    // Neither a header nor a curl command that could only fail when run.
    for args in [
        &["header", "w"][..],
        &["curl", "w"],
        &["exec", "w", "--", "true"],
    ] {
        let out = realm.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("expired") && err.contains("no refresh token"),
            "{args:?}: {err}"
        );
    }
    let out = realm.cmd().args(["refresh", "w"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no refresh token"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn malformed_token_responses_fail_cleanly_and_leave_the_store_untouched() {
    let realm = logged_in();
    let html = "text/html";
    let json = "application/json";
    let status =
        |code: u16, body: &str, ct: &'static str| TokenFault::Status(code, body.into(), ct);
    let body = |b: &str| TokenFault::Body(b.into());
    let cases: Vec<(TokenFault, &str)> = vec![
        (status(502, "<html>Bad Gateway</html>", html), "HTTP 502"),
        (body("{}"), "`access_token` is missing"),
        (body(r#"{"access_token": "abc", "token_ty"#), "truncated"),
        (
            body(r#"{"access_token": 42}"#),
            "`access_token` is a number",
        ),
        (
            body(r#"{"access_token": "a", "token_type": "mac"}"#),
            "`token_type` is `mac`",
        ),
        (
            body(r#"{"access_token": "a", "expires_in": -5}"#),
            "`expires_in` is negative",
        ),
        (
            body(r#"{"access_token": "a", "expires_in": "300"}"#),
            "`expires_in` is a string",
        ),
        (
            body(r#"{"access_token": "a", "expires_in": 1e20}"#),
            "more than ten years",
        ),
        (TokenFault::Huge(10 * 1024 * 1024), "larger than 1024 KiB"),
        (body(""), "truncated"),
        (body("[1, 2]"), "not an object"),
        (
            body(r#"{"error": "server_error"}"#),
            "an OAuth error (`server_error`) with status 200",
        ),
        (status(302, "", html), "redirects"),
        (
            status(500, r#"{"error": "temporarily_unavailable"}"#, json),
            "temporarily_unavailable",
        ),
        (body("not json at all"), "not JSON"),
    ];
    assert!(cases.len() >= 12);
    check_all(cases, |(fault, want)| {
        refresh_fails_cleanly(&realm, fault, want);
    });
    // Those answers replaced the grant: the refresh token is still good.
    realm.sandbox.set_token_fault(None);
    realm.cmd().args(["refresh", "w"]).assert().success();
    // A trickle beyond the timeout: the server did rotate, the answer never
    // arrived. The session stays as it was (the next refresh will meet
    // reuse detection: a lost response costs a login, by design of rotation).
    let trickle = TokenFault::Trickle {
        bytes_per_tick: 1,
        tick: Duration::from_millis(300),
    };
    refresh_fails_cleanly(&realm, trickle, "no complete answer within 3 s");
}

fn refresh_fails_cleanly(realm: &Realm, fault: TokenFault, want: &str) {
    let label = format!("{fault:?}").chars().take(60).collect::<String>();
    realm.sandbox.set_token_fault(Some(fault));
    let before = realm.store_bytes();
    let out = realm
        .cmd()
        // Room for a loaded CI machine; the trickle above takes far longer.
        .env("SIPAUTH_HTTP_TIMEOUT", "3")
        .args(["refresh", "w"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{label}: {err}");
    assert!(err.contains(want), "{label}: want `{want}` in {err}");
    assert!(err.contains("session is unchanged"), "{label}: {err}");
    assert!(!err.contains("panicked"), "{label}: {err}");
    assert_eq!(realm.store_bytes(), before, "{label}");
}

#[test]
fn remove_revokes_the_session_unless_told_not_to() {
    let realm = logged_in();
    let refresh = realm.session("w").refresh_token.unwrap();
    let out = realm.cmd().args(["remove", "w"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("revoked the refresh token"),
        "{}",
        stderr(&out)
    );
    let revocations = realm.sandbox.revocations();
    assert_eq!(revocations.len(), 1);
    assert_eq!(revocations[0].revoked, Revoked::RefreshToken);
    assert_eq!(
        revocations[0].token_type_hint.as_deref(),
        Some("refresh_token")
    );
    assert_eq!(revocations[0].client_id, CLIENT_POST);
    assert!(realm.env.names().is_empty());
    assert_eq!(
        use_refresh_token(&realm, refresh.expose()).as_deref(),
        Some("invalid_grant")
    );

    // Without a refresh token, the access token is revoked.
    realm.add_client("a", CLIENTS[2]);
    realm.login("a");
    realm.edit_session("a", |s| s.refresh_token = None);
    let out = realm.cmd().args(["remove", "a"]).output().unwrap();
    assert!(
        stderr(&out).contains("revoked the access token"),
        "{}",
        stderr(&out)
    );
    let revocations = realm.sandbox.revocations();
    assert_eq!(revocations.len(), 2);
    assert_eq!(revocations[1].revoked, Revoked::AccessToken);

    realm.add_client("k", CLIENTS[1]);
    realm.login("k");
    realm
        .cmd()
        .args(["remove", "k", "--no-revoke"])
        .assert()
        .success();
    assert_eq!(realm.sandbox.revocations().len(), 2);
    assert!(realm.env.names().is_empty());
}

#[test]
fn a_failed_revocation_still_removes_locally_with_a_warning() {
    let Realm { env, sandbox } = logged_in();
    drop(sandbox);
    let out = env
        .cmd()
        .env("SIPAUTH_HTTP_TIMEOUT", "2")
        .args(["remove", "w"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: could not revoke") && err.contains("removed `w`"),
        "{err}"
    );
    assert!(env.names().is_empty());
}

#[test]
fn exec_refreshes_an_expired_session_first_and_curl_gets_the_new_token() {
    let realm = logged_in();
    age(&realm, 3600);
    let before = realm.session("w");
    let refreshes = realm.sandbox.token_requests("refresh_token");
    let out = realm
        .cmd()
        .args(["exec", "w", "--", "sh", "-c"])
        .arg(r#"printenv SIPAUTH_HEADER | curl -sS --fail -H @- "$SIPAUTH_API/account" && printf '\n%s' "$SIPAUTH_AUTHORIZATION""#)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let after = realm.session("w");
    assert_eq!(realm.sandbox.token_requests("refresh_token"), refreshes + 1);
    assert_ne!(after.access_token, before.access_token);
    let text = stdout(&out);
    assert!(text.contains("Sandbox GmbH"), "{text}");
    assert!(
        text.ends_with(&format!("\nBearer {}", after.access_token.expose())),
        "{text}"
    );
}
