//! `probe` and `refresh` with an OAuth session: the token a user would get
//! (refreshed first when due) goes to `/v2/account`, a refused Bearer token
//! gets a Bearer hint, not advice about token ids, and `refresh` refreshes
//! when told to.

use serde_json::Value;
use sipauth_tui::credential::Secret;

use crate::support::{CLIENTS, Realm};

fn probe(realm: &Realm, name: &str) -> (Option<i32>, Value) {
    let out = realm
        .cmd()
        .args(["probe", name, "--json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

#[test]
fn probe_of_a_session_sends_its_bearer_token_and_refreshes_a_due_one_first() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    let (code, doc) = probe(&realm, "w");
    assert_eq!(
        (code, doc["status"].as_u64()),
        (Some(0), Some(200)),
        "{doc}"
    );
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 0);

    let before = realm.session("w").access_token;
    realm.edit_session("w", |s| s.obtained_at -= 3_600);
    let (code, doc) = probe(&realm, "w");
    assert_eq!(
        (code, doc["status"].as_u64()),
        (Some(0), Some(200)),
        "{doc}"
    );
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 1);
    assert_ne!(realm.session("w").access_token, before);
}

#[test]
fn a_refused_bearer_token_gets_a_bearer_hint() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    // An opaque token the sandbox never issued, with no expiry to act on.
    realm.edit_session("w", |s| {
        s.access_token = Secret::new("not-issued-by-the-sandbox".into());
        s.expires_in = None;
    });
    let (code, doc) = probe(&realm, "w");
    assert_eq!(
        (code, doc["status"].as_u64()),
        (Some(1), Some(401)),
        "{doc}"
    );
    let hint = doc["hint"].as_str().unwrap();
    assert!(
        hint.contains("access token") && !hint.contains("token id"),
        "{hint}"
    );
}

#[test]
fn refresh_refreshes_now_unless_asked_to_wait_until_due() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    let out = realm
        .cmd()
        .args(["refresh", "w", "--if-due"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 0);
    let before = realm.session("w").refresh_token;
    let out = realm.cmd().args(["refresh", "w"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 1);
    assert_ne!(realm.session("w").refresh_token, before);
}
