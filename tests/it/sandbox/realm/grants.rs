//! Password and client_credentials grants, grant permissions, and bearer
//! tokens at `/v2/account`.

use std::time::Duration;

use jsonwebtoken::Algorithm;
use reqwest::StatusCode;
use serde_json::json;
use sipauth_tui::sandbox::realm::{CLIENT_PUBLIC, RealmConfig, USERS};
use sipauth_tui::sandbox::{SAMPLE_PASSWORD, SAMPLE_USERNAME};
use sipauth_tui::sandbox_keys as keys;

use crate::support::check_all_async;

use super::{NOSCOPE, POST, PUBLIC, Realm, SERVICE, claims, error};

#[tokio::test]
async fn password_grant_logs_in_each_user_and_refuses_a_wrong_password() {
    let realm = Realm::default().await;
    for user in USERS {
        let (status, body) = realm
            .token(
                POST,
                &[
                    ("grant_type", "password"),
                    ("username", user.username),
                    ("password", user.password),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", user.username);
        assert_eq!(claims(&body["access_token"])["sub"], user.sub);
        assert!(body.get("id_token").is_none(), "no openid scope asked for");
    }
    let (status, body) = realm
        .token(
            POST,
            &[
                ("grant_type", "password"),
                ("username", SAMPLE_USERNAME),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert_eq!(body["error_description"], "Invalid user credentials");
    assert_eq!(realm.sandbox.token_requests("password"), 3);
}

#[tokio::test]
async fn client_credentials_gives_an_access_token_and_nothing_to_refresh() {
    let realm = Realm::default().await;
    let (status, body) = realm
        .token(SERVICE, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert!(body.get("session_state").is_none(), "{body}");
    assert_eq!(body["refresh_expires_in"], 0);
    let access = claims(&body["access_token"]);
    assert_eq!(
        access["preferred_username"],
        "service-account-sandbox-service"
    );
    assert_eq!(
        realm.account(body["access_token"].as_str().unwrap()).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn grants_a_client_is_not_allowed_are_refused() {
    let realm = Realm::default().await;
    let password = [
        ("grant_type", "password"),
        ("username", SAMPLE_USERNAME),
        ("password", SAMPLE_PASSWORD),
    ];
    let cases: [(&str, super::Auth, super::Params, &str); 5] = [
        (
            "client_credentials for a public client",
            PUBLIC,
            &[("grant_type", "client_credentials")],
            "unauthorized_client",
        ),
        (
            "client_credentials for a login client",
            POST,
            &[("grant_type", "client_credentials")],
            "unauthorized_client",
        ),
        (
            "password for the service client",
            SERVICE,
            &password,
            "unauthorized_client",
        ),
        (
            "unknown grant",
            POST,
            &[("grant_type", "urn:example:magic")],
            "unsupported_grant_type",
        ),
        ("no grant_type", POST, &[], "invalid_request"),
    ];
    let realm = &realm;
    check_all_async(cases, |(what, auth, params, want)| async move {
        let (status, body) = realm.token(auth, params).await;
        assert_eq!(
            (status, error(&body)),
            (StatusCode::BAD_REQUEST, want),
            "{what}"
        );
    })
    .await;
}

#[tokio::test]
async fn account_accepts_realm_bearer_tokens_by_scope_and_lifetime() {
    let realm = Realm::default().await;
    let password = [
        ("grant_type", "password"),
        ("username", SAMPLE_USERNAME),
        ("password", SAMPLE_PASSWORD),
    ];
    let (_, good) = realm.token(POST, &password).await;
    let (_, noscope) = realm.token(NOSCOPE, &password).await;
    let good = good["access_token"].as_str().unwrap().to_owned();
    let noscope_token = noscope["access_token"].as_str().unwrap();
    let (_, refresh_only) = realm.token(POST, &password).await;
    let forged_jti = keys::sign(
        Algorithm::RS256,
        &json!({"typ": "Bearer", "jti": "never-issued", "scope": "account:read", "exp": 4_000_000_000_u64}),
    );
    let cases = [
        ("good", good.as_str(), StatusCode::OK),
        ("without account:read", noscope_token, StatusCode::FORBIDDEN),
        (
            "refresh token as bearer",
            refresh_only["refresh_token"].as_str().unwrap(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "signed but never issued",
            &forged_jti,
            StatusCode::UNAUTHORIZED,
        ),
        ("garbage", "not-a-token", StatusCode::UNAUTHORIZED),
    ];
    let realm = &realm;
    check_all_async(cases, |(what, token, want)| async move {
        assert_eq!(realm.account(token).await, want, "{what}");
    })
    .await;
    let short = Realm::start(RealmConfig {
        access_ttl: Duration::from_secs(1),
        ..RealmConfig::default()
    })
    .await;
    let (_, tokens) = short.token(POST, &password).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(short.account(access).await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(
        short.account(access).await,
        StatusCode::UNAUTHORIZED,
        "expired"
    );
    // Basic still works as before.
    let basic = realm
        .http
        .get(format!("{}/account", realm.sandbox.api_url()))
        .basic_auth(SAMPLE_USERNAME, Some(SAMPLE_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_are_signed_with_the_configured_alg_and_still_accepted() {
    for alg in [Algorithm::PS256, Algorithm::ES256] {
        let realm = Realm::start(RealmConfig {
            signing_alg: alg,
            ..RealmConfig::default()
        })
        .await;
        let tokens = realm.login(POST).await;
        for field in ["access_token", "refresh_token", "id_token"] {
            let header = jsonwebtoken::decode_header(tokens[field].as_str().unwrap()).unwrap();
            assert_eq!(header.alg, alg, "{field}");
            assert_eq!(header.kid.as_deref(), keys::kid_for(alg), "{field}");
        }
        let access = tokens["access_token"].as_str().unwrap();
        assert_eq!(realm.account(access).await, StatusCode::OK, "{alg:?}");
        let (status, _) = realm
            .refresh(POST, tokens["refresh_token"].as_str().unwrap())
            .await;
        assert_eq!(status, StatusCode::OK, "{alg:?}");
    }
}

#[tokio::test]
async fn token_errors_are_json_and_never_cached() {
    let realm = Realm::default().await;
    let response = realm
        .http
        .post(realm.oidc("token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", CLIENT_PUBLIC),
            ("grant_type", "password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request", "grant_type sent twice");
    assert!(body["error_description"].is_string());
}
