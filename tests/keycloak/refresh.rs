//! Refreshing against Keycloak with rotation and reuse detection on
//! (`revokeRefreshToken`, max reuse 0): every refresh brings a new refresh
//! token; replaying an old one makes Keycloak end the session, and the tool
//! then says a new login is needed, once, without asking the server again;
//! concurrent `header` calls on a due session make one refresh; an offline
//! session has no refresh deadline.

use std::process::Stdio;

use crate::cli::{Env, Method, text};
use crate::server::{CONFIDENTIAL, PUBLIC, USER, claims, keycloak};

const REALM: &str = "third-party";

/// A password-grant login of the public client; the session id (`sid`).
fn logged_in(env: &Env, scope: &str) -> String {
    env.add_client("c", REALM, PUBLIC, Method::None, scope);
    env.password_login("c", USER);
    let access = env.token("c", "access_token").unwrap();
    claims(&access)["sid"].as_str().unwrap().to_owned()
}

#[test]
fn refresh_rotates_the_refresh_token_and_keeps_the_session() {
    let env = Env::new();
    let sid = logged_in(&env, "openid balance:read");
    let first = env.session("c");
    let out = env.run(&["refresh", "c"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second = env.session("c");
    assert_ne!(first["refresh_token"], second["refresh_token"]);
    assert_ne!(first["access_token"], second["access_token"]);
    let access = claims(second["access_token"].as_str().unwrap());
    assert_eq!(access["sid"], sid.as_str());
    assert_eq!(
        access["realm_access"]["roles"],
        serde_json::json!(["balance:read"])
    );
    assert_eq!(keycloak().events(REALM, "REFRESH_TOKEN", &sid).len(), 1);
    // The new refresh token is live; the old one is spent.
    let live = keycloak().introspect(REALM, second["refresh_token"].as_str().unwrap());
    assert_eq!(live["active"], true, "{live}");
}

#[test]
fn replaying_an_old_refresh_token_ends_the_session_and_the_tool_asks_for_a_login_once() {
    let env = Env::new();
    let sid = logged_in(&env, "openid balance:read");
    let old = env.token("c", "refresh_token").unwrap();
    env.ok(&["refresh", "c"], "");
    // Someone replays the rotated-out token: Keycloak refuses it and, as
    // reuse detection asks, revokes the whole session.
    let url = keycloak().endpoint(REALM, "token");
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", PUBLIC.id),
        ("refresh_token", old.as_str()),
    ];
    let replay = keycloak().post_form(&url, &form, None);
    assert_eq!(replay["error"], "invalid_grant", "{replay}");
    let out = env.run(&["refresh", "c"], "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("needs a new login") && err.contains("invalid_grant"),
        "{err}"
    );
    assert_eq!(err.matches("needs a new login").count(), 1, "{err}");
    let refreshes = || keycloak().events(REALM, "REFRESH_TOKEN", &sid).len();
    assert_eq!(refreshes(), 1, "only the first refresh succeeded");
    // The session is marked: header and refresh say so without a request.
    let before = keycloak().admin_get(REALM, "/events?type=REFRESH_TOKEN_ERROR&max=1000");
    for args in [
        &["refresh", "c"][..],
        &["header", "c", "--min-valid", "3600"],
    ] {
        let out = env.run(args, "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("needs a new login"), "{args:?}: {err}");
    }
    let after = keycloak().admin_get(REALM, "/events?type=REFRESH_TOKEN_ERROR&max=1000");
    assert_eq!(
        before.as_array().unwrap().len(),
        after.as_array().unwrap().len()
    );
    assert_eq!(env.show("c")["status"], "login_required");
}

#[test]
fn ten_concurrent_headers_on_a_due_session_make_one_refresh() {
    let env = Env::new();
    let sid = logged_in(&env, "openid account:read");
    // Obtained 290 s ago: 10 s of the 300 s access token left, inside the
    // default 30 s margin; a fresh token is outside it for 270 s.
    env.age_session("c", 290);
    let children: Vec<_> = (0..10)
        .map(|_| {
            env.cmd()
                .args(["header", "c"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let headers: Vec<String> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            text(&out.stdout)
        })
        .collect();
    assert!(headers.iter().all(|h| h == &headers[0]), "{headers:?}");
    assert_eq!(keycloak().events(REALM, "REFRESH_TOKEN", &sid).len(), 1);
    let stored = env.token("c", "access_token").unwrap();
    assert_eq!(headers[0].trim(), format!("Authorization: Bearer {stored}"));
}

#[test]
fn an_offline_session_has_no_refresh_deadline_and_refreshes() {
    let env = Env::new();
    env.add_client(
        "off",
        REALM,
        CONFIDENTIAL,
        Method::Basic,
        "openid offline_access",
    );
    let err = env.password_login("off", USER);
    assert!(
        err.contains("refresh token: does not expire by time"),
        "{err}"
    );
    let session = env.session("off");
    let refresh = claims(session["refresh_token"].as_str().unwrap());
    assert_eq!(refresh["typ"], "Offline");
    let shown = env.show("off");
    assert_eq!(shown["status"], "valid", "{shown}");
    env.ok(&["refresh", "off"], "");
    let again = env.session("off");
    assert_ne!(again["refresh_token"], session["refresh_token"]);
    assert_eq!(
        claims(again["refresh_token"].as_str().unwrap())["typ"],
        "Offline"
    );
    let out = env.ok(&["list"], "");
    assert!(out.contains("off"), "{out}");
}
