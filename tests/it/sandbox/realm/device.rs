//! The device authorization grant (RFC 8628).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use sipauth_tui::sandbox::realm::{DEVICE_GRANT_TYPE, RealmConfig};

use super::{PUBLIC, Realm, SERVICE, error};

/// RFC 7636 appendix B's verifier and its S256 challenge: the public
/// client must send PKCE on the device request, as Keycloak asks of a
/// client that requires PKCE.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn start_device(realm: &Realm) -> Value {
    let (status, body) = realm
        .post(
            &realm.oidc("auth/device"),
            PUBLIC,
            &[
                ("scope", "openid"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn poll(realm: &Realm, device_code: &str) -> (StatusCode, Value) {
    poll_with(realm, device_code, VERIFIER).await
}

async fn poll_with(realm: &Realm, device_code: &str, verifier: &str) -> (StatusCode, Value) {
    realm
        .token(
            PUBLIC,
            &[
                ("grant_type", DEVICE_GRANT_TYPE),
                ("device_code", device_code),
                ("code_verifier", verifier),
            ],
        )
        .await
}

#[tokio::test]
async fn a_public_client_needs_pkce_on_the_device_request_and_its_verifier_to_poll() {
    let realm = Realm::start(config(10, 10)).await;
    let (status, body) = realm
        .post(&realm.oidc("auth/device"), PUBLIC, &[("scope", "openid")])
        .await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_request"),
        "{body}"
    );
    let start = start_device(&realm).await;
    let device_code = start["device_code"].as_str().unwrap();
    assert!(
        realm
            .sandbox
            .approve_device(start["user_code"].as_str().unwrap())
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, body) = poll_with(
        &realm,
        device_code,
        "not-the-verifier-not-the-verifier-1234567",
    )
    .await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant"),
        "{body}"
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, body) = poll(&realm, device_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn config(interval_ms: u64, step_ms: u64) -> RealmConfig {
    RealmConfig {
        device_interval: Duration::from_millis(interval_ms),
        slow_down_step: Duration::from_millis(step_ms),
        ..RealmConfig::default()
    }
}

#[tokio::test]
async fn device_flow_pends_slows_down_and_issues_tokens_once_approved() {
    let realm = Realm::start(config(300, 500)).await;
    let start = start_device(&realm).await;
    let user_code = start["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9, "{user_code}");
    assert_eq!(user_code.as_bytes()[4], b'-');
    let verification = start["verification_uri"].as_str().unwrap();
    assert_eq!(verification, format!("{}/device", realm.issuer));
    assert_eq!(
        start["verification_uri_complete"],
        format!("{verification}?user_code={user_code}").as_str()
    );
    assert_eq!(start["expires_in"], 600);
    assert_eq!(start["interval"], 1, "300 ms rounds up to whole seconds");
    let device_code = start["device_code"].as_str().unwrap();

    let (status, body) = poll(&realm, device_code).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "authorization_pending")
    );
    let (_, body) = poll(&realm, device_code).await;
    assert_eq!(error(&body), "slow_down");
    // The interval grew from 300 to 800 ms: 350 ms later is still too fast.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let (_, body) = poll(&realm, device_code).await;
    assert_eq!(error(&body), "slow_down");

    let approve = realm
        .http
        .post(super::with_query(
            &format!("{}/device/approve", realm.issuer),
            &[("user_code", user_code.to_lowercase())],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(approve.status(), StatusCode::NO_CONTENT);
    // ... and is now 1300 ms.
    tokio::time::sleep(Duration::from_millis(1350)).await;
    let (status, tokens) = poll(&realm, device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens["id_token"].is_string());
    assert_eq!(
        realm
            .account(tokens["access_token"].as_str().unwrap())
            .await,
        StatusCode::OK
    );
    let (_, body) = poll(&realm, device_code).await;
    assert_eq!(error(&body), "invalid_grant", "a device code is single use");
    assert_eq!(realm.sandbox.token_requests(DEVICE_GRANT_TYPE), 5);
}

#[tokio::test]
async fn denied_or_expired_device_logins_say_so() {
    let realm = Realm::start(RealmConfig {
        device_ttl: Duration::from_millis(300),
        ..config(0, 0)
    })
    .await;
    let denied = start_device(&realm).await;
    assert!(
        realm
            .sandbox
            .deny_device(denied["user_code"].as_str().unwrap())
    );
    let (_, body) = poll(&realm, denied["device_code"].as_str().unwrap()).await;
    assert_eq!(error(&body), "access_denied");

    let expired = start_device(&realm).await;
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(
        !realm
            .sandbox
            .approve_device(expired["user_code"].as_str().unwrap())
    );
    let (_, body) = poll(&realm, expired["device_code"].as_str().unwrap()).await;
    assert_eq!(error(&body), "expired_token");
}

#[tokio::test]
async fn device_flow_refuses_unknown_codes_and_clients_without_it() {
    let realm = Realm::start(config(0, 0)).await;
    let (status, body) = realm.post(&realm.oidc("auth/device"), SERVICE, &[]).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "unauthorized_client")
    );
    let (_, body) = poll(&realm, "no-such-code").await;
    assert_eq!(error(&body), "invalid_grant");
    let approve = realm
        .http
        .post(format!(
            "{}/device/approve?user_code=BCDF-GHJK",
            realm.issuer
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(approve.status(), StatusCode::NOT_FOUND);
    // The handle approves too.
    let start = start_device(&realm).await;
    assert!(
        realm
            .sandbox
            .approve_device(start["user_code"].as_str().unwrap())
    );
    let (status, _) = poll(&realm, start["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}
