//! The refresh_token grant: rotation, reuse detection, expiry, binding.

use std::time::Duration;

use reqwest::StatusCode;
use sipauth_tui::jwt::looks_like_jwt;
use sipauth_tui::sandbox::realm::RealmConfig;

use super::{NOSCOPE, OPAQUE, POST, PUBLIC, Realm, error, s};

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_keeps_the_session() {
    let realm = Realm::default().await;
    let first = realm.login(PUBLIC).await;
    let (status, second) = realm.refresh(PUBLIC, &s(&first["refresh_token"])).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["session_state"], first["session_state"]);
    let (status, third) = realm.refresh(PUBLIC, &s(&second["refresh_token"])).await;
    assert_eq!(status, StatusCode::OK, "{third}");
    assert_eq!(
        realm.account(&s(&third["access_token"])).await,
        StatusCode::OK
    );
    assert_eq!(realm.sandbox.token_requests("refresh_token"), 2);
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_session() {
    let realm = Realm::default().await;
    let first = realm.login(POST).await;
    let old = s(&first["refresh_token"]);
    let (_, second) = realm.refresh(POST, &old).await;
    assert_eq!(
        realm.account(&s(&second["access_token"])).await,
        StatusCode::OK
    );

    let (status, body) = realm.refresh(POST, &old).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    // The thief and the owner lose everything from that login.
    let (status, body) = realm.refresh(POST, &s(&second["refresh_token"])).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert_eq!(body["error_description"], "Session not active");
    assert_eq!(
        realm.account(&s(&second["access_token"])).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(realm.sandbox.live_sessions(), 0);
}

#[tokio::test]
async fn expired_refresh_token_is_not_active() {
    let realm = Realm::start(RealmConfig {
        refresh_ttl: Duration::from_secs(1),
        ..RealmConfig::default()
    })
    .await;
    let tokens = realm.login(POST).await;
    assert_eq!(tokens["refresh_expires_in"], 1);
    let refresh = super::claims(&tokens["refresh_token"]);
    assert_eq!(
        refresh["exp"].as_i64().unwrap() - refresh["iat"].as_i64().unwrap(),
        1
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = realm.refresh(POST, &s(&tokens["refresh_token"])).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert_eq!(body["error_description"], "Token is not active");
}

#[tokio::test]
async fn refresh_token_of_another_client_or_issuer_is_invalid_grant() {
    let mut realm = Realm::default().await;
    let tokens = realm.login(POST).await;
    let token = s(&tokens["refresh_token"]);
    let (status, body) = realm.refresh(NOSCOPE, &token).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    realm.issuer = realm.sandbox.realm_url("sipgate-apps");
    let (status, body) = realm.refresh(POST, &token).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    // Neither attempt used the token up.
    realm.issuer = realm.sandbox.issuer_url();
    let (status, _) = realm.refresh(POST, &token).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn opaque_client_gets_opaque_refresh_tokens_and_no_lifetimes() {
    let realm = Realm::default().await;
    let tokens = realm.login(OPAQUE).await;
    let refresh = s(&tokens["refresh_token"]);
    assert!(!looks_like_jwt(&refresh), "{refresh}");
    assert!(tokens.get("expires_in").is_none(), "{tokens}");
    assert!(tokens.get("refresh_expires_in").is_none(), "{tokens}");
    // The access token is still a JWT, so a client can read its exp.
    assert!(super::claims(&tokens["access_token"])["exp"].is_i64());
    let (status, next) = realm.refresh(OPAQUE, &refresh).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    assert!(!looks_like_jwt(next["refresh_token"].as_str().unwrap()));
    let (status, _) = realm.refresh(OPAQUE, &refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
