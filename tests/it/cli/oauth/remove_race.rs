//! `remove` while another process refreshes the same session: the command
//! line holds the store's lock from its read, through the revocation, to
//! its write, so it revokes the refresh token that is current when it gets
//! the lock, not the one it would have read before.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sipauth_tui::oauth::TokenResponse;
use sipauth_tui::sandbox::realm::Revoked;

use crate::support::oauth::{CLIENTS, Realm};

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

#[test]
fn remove_revokes_the_refresh_token_current_when_it_takes_the_lock() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    let first = realm.session("w");
    let old = first.refresh_token.clone().unwrap();

    // Another process holds the lock and is about to rotate the session.
    let store = realm.store();
    let guard = store.lock().unwrap();
    let mut remove = realm
        .std_cmd()
        .args(["remove", "w"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Give `remove` time to read and revoke, as it did before it took the
    // lock first; it must instead be waiting for the lock now.
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        remove.try_wait().unwrap().is_none(),
        "remove must wait for the lock"
    );
    let (status, body) = realm.refresh_at_server(old.expose());
    assert_eq!(
        status, 200,
        "the rotation must work: nothing may have revoked the session yet: {body}"
    );
    let fresh = TokenResponse::from_json(body)
        .unwrap()
        .into_session(now(), Some(&first));
    let new = fresh.refresh_token.clone().unwrap();
    assert_ne!(new.expose(), old.expose(), "the sandbox rotates");
    let mut data = guard.load().unwrap();
    data.set_session("w", fresh).unwrap();
    guard.save(&mut data).unwrap();
    drop(guard);

    let out = remove.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("revoked the refresh token"), "{err}");
    assert!(realm.env.names().is_empty(), "removed locally");
    let revocations = realm.sandbox.revocations();
    assert_eq!(revocations.len(), 1, "{revocations:?}");
    assert_eq!(
        revocations[0].revoked,
        Revoked::RefreshToken,
        "the live refresh token was revoked, not a dead one"
    );
    let (status, body) = realm.refresh_at_server(new.expose());
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "the server sees the current refresh token revoked"
    );
}

/// The one refresh rule: a session is due when its refresh token ends
/// within the margin, even with its access token fresh, so `--if-due`
/// (and `header`, and the app's auto-refresh, all unforced) renew it.
#[test]
fn refresh_if_due_renews_a_session_whose_refresh_token_ends() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    let at = now();
    realm.edit_session("w", |s| {
        s.obtained_at = at;
        s.expires_in = Some(300);
        s.refresh_expires_in = Some(20);
    });
    let before = realm.session("w").refresh_token.unwrap();
    let refresh_if_due = || {
        let out = realm
            .cmd()
            .args(["refresh", "w", "--if-due"])
            .output()
            .unwrap();
        (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (status, err) = refresh_if_due();
    assert!(status.success(), "{err}");
    assert!(err.contains("Refreshed `w`."), "{err}");
    let after = realm.session("w").refresh_token.unwrap();
    assert_ne!(after.expose(), before.expose(), "a new refresh token");

    // With both deadlines far away it is not due.
    let (_, err) = refresh_if_due();
    assert!(err.contains("needs no refresh yet"), "{err}");
}
