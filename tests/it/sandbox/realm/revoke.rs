//! Revocation (RFC 7009), userinfo and logout.

use reqwest::StatusCode;
use sipauth_tui::sandbox::realm::{CLIENT_POST, Revoked};

use crate::support::check_all_async;

use super::{Auth, NOSCOPE, POST, PUBLIC, REDIRECT, Realm, error, s};

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_session() {
    let realm = Realm::default().await;
    let tokens = realm.login(POST).await;
    let refresh = s(&tokens["refresh_token"]);
    let (status, _) = realm
        .post(
            &realm.oidc("revoke"),
            POST,
            &[("token", &refresh), ("token_type_hint", "refresh_token")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        realm.account(&s(&tokens["access_token"])).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = realm.refresh(POST, &refresh).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    let revocations = realm.sandbox.revocations();
    assert_eq!(revocations.len(), 1);
    assert_eq!(revocations[0].client_id, CLIENT_POST);
    assert_eq!(
        revocations[0].token_type_hint.as_deref(),
        Some("refresh_token")
    );
    assert_eq!(revocations[0].revoked, Revoked::RefreshToken);
}

#[tokio::test]
async fn revoking_an_access_token_leaves_the_refresh_token_working() {
    let realm = Realm::default().await;
    let tokens = realm.login(PUBLIC).await;
    let (status, _) = realm
        .post(
            &realm.oidc("revoke"),
            PUBLIC,
            &[("token", &s(&tokens["access_token"]))],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        realm.account(&s(&tokens["access_token"])).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = realm.refresh(PUBLIC, &s(&tokens["refresh_token"])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(realm.sandbox.revocations()[0].revoked, Revoked::AccessToken);
}

#[tokio::test]
async fn revocation_authenticates_the_client_and_ignores_unknown_tokens() {
    let realm = Realm::default().await;
    let tokens = realm.login(POST).await;
    let refresh = s(&tokens["refresh_token"]);
    let cases = [
        (
            "unknown token",
            POST,
            "not-a-token-we-issued",
            StatusCode::OK,
        ),
        (
            "wrong secret",
            Auth::Post(CLIENT_POST, "nope"),
            refresh.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another client's token",
            NOSCOPE,
            refresh.as_str(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    let realm = &realm;
    check_all_async(cases, |(what, auth, token, want)| async move {
        let (status, _) = realm
            .post(&realm.oidc("revoke"), auth, &[("token", token)])
            .await;
        assert_eq!(status, want, "{what}");
    })
    .await;
    let revocations = realm.sandbox.revocations();
    assert_eq!(revocations.len(), 1, "{revocations:?}");
    assert_eq!(revocations[0].revoked, Revoked::Unknown);
    let (status, _) = realm.refresh(POST, &refresh).await;
    assert_eq!(status, StatusCode::OK, "failed revocations revoke nothing");
}

#[tokio::test]
async fn userinfo_answers_bearer_tokens_only() {
    let realm = Realm::default().await;
    let tokens = realm.login(POST).await;
    let response = realm
        .http
        .get(realm.oidc("userinfo"))
        .bearer_auth(s(&tokens["access_token"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let info: serde_json::Value = response.json().await.unwrap();
    assert_eq!(info["preferred_username"], "john");
    assert_eq!(info["email"], "john@sandbox.invalid");
    assert!(info["sub"].is_string());
    let response = realm.http.get(realm.oidc("userinfo")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_ends_the_session_and_redirects_to_a_loopback_uri() {
    let realm = Realm::default().await;
    let tokens = realm.login(POST).await;
    let response = realm
        .http
        .get(super::with_query(
            &realm.oidc("logout"),
            &[
                ("id_token_hint", s(&tokens["id_token"]).as_str()),
                ("post_logout_redirect_uri", REDIRECT),
                ("state", "bye"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()["location"],
        format!("{REDIRECT}?state=bye").as_str()
    );
    assert_eq!(
        realm.account(&s(&tokens["access_token"])).await,
        StatusCode::UNAUTHORIZED
    );
    let plain = realm.http.get(realm.oidc("logout")).send().await.unwrap();
    assert_eq!(plain.status(), StatusCode::OK);
}

#[tokio::test]
async fn request_log_never_holds_codes_tokens_or_secrets() {
    let realm = Realm::default().await;
    let code = realm.code(CLIENT_POST).await;
    let (_, tokens) = realm.exchange(POST, &code).await;
    let (_, refreshed) = realm.refresh(POST, &s(&tokens["refresh_token"])).await;
    realm
        .post(
            &realm.oidc("revoke"),
            POST,
            &[("token", &s(&refreshed["refresh_token"]))],
        )
        .await;
    realm.account(&s(&refreshed["access_token"])).await;
    let log = format!("{:?}", realm.sandbox.seen());
    let secrets = [
        code.as_str(),
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
        refreshed["refresh_token"].as_str().unwrap(),
        "sandbox-post-secret",
        "st-1",
        &super::s256(super::VERIFIER),
    ];
    for secret in secrets {
        assert!(!log.contains(secret), "{secret:.12}… is in the log");
    }
    assert!(log.contains("/protocol/openid-connect/token"), "{log}");
    let token_requests = realm.sandbox.token_request_log();
    assert_eq!(token_requests.len(), 2);
    assert!(token_requests.iter().all(|r| r.client_id == CLIENT_POST));
}
