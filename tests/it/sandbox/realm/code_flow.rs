//! The authorization endpoint and the authorization_code grant.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use sipauth_tui::sandbox::realm::{
    CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_POST, CLIENT_PUBLIC, RealmConfig,
};

use crate::support::check_all_async;

use super::{
    Auth, BASIC, POST, PUBLIC, Params, REDIRECT, Realm, VERIFIER, claims, error, fragment, query,
    s256,
};

#[tokio::test]
async fn code_flow_issues_keycloak_shaped_tokens_for_each_auth_method() {
    let realm = Realm::default().await;
    for auth in [POST, BASIC, PUBLIC] {
        let body = realm.login(auth).await;
        let id = auth.id();
        assert_eq!(body["token_type"], "Bearer", "{id}");
        assert_eq!(body["expires_in"], 300, "{id}");
        assert_eq!(body["refresh_expires_in"], 2_592_000, "{id}");
        assert_eq!(body["not-before-policy"], 0, "{id}");
        assert!(body["session_state"].is_string(), "{id}");
        assert_eq!(body["scope"], "openid profile email account:read", "{id}");

        let access = claims(&body["access_token"]);
        assert_eq!(access["typ"], "Bearer");
        assert_eq!(access["iss"], realm.issuer.as_str());
        assert_eq!(access["aud"], "account");
        assert_eq!(access["azp"], id);
        assert_eq!(access["session_state"], body["session_state"]);
        assert_eq!(access["preferred_username"], "john");
        assert!(access["realm_access"]["roles"].is_array());
        assert_eq!(
            access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
            300
        );
        let refresh = claims(&body["refresh_token"]);
        assert_eq!(refresh["typ"], "Refresh");
        let id_token = claims(&body["id_token"]);
        assert_eq!(id_token["typ"], "ID");
        assert_eq!(id_token["aud"], id);
        assert_eq!(id_token["nonce"], "n-1");

        let access_token = body["access_token"].as_str().unwrap();
        assert_eq!(realm.account(access_token).await, StatusCode::OK, "{id}");
    }
}

#[tokio::test]
async fn authorization_redirect_carries_code_state_session_state_and_iss() {
    let realm = Realm::default().await;
    let target = realm
        .authorize(&[
            ("client_id", CLIENT_POST),
            ("redirect_uri", "http://localhost:4711/cb?keep=1"),
            ("response_type", "code"),
            ("state", "a b&c"),
        ])
        .await;
    assert_eq!(target.host_str(), Some("localhost"));
    assert_eq!(target.path(), "/cb");
    assert_eq!(query(&target, "keep").as_deref(), Some("1"));
    assert_eq!(query(&target, "state").as_deref(), Some("a b&c"));
    assert_eq!(query(&target, "iss"), Some(realm.issuer.clone()));
    assert!(query(&target, "code").is_some());
    assert!(query(&target, "session_state").is_some());
    // The request log keeps the path, never the query with its state.
    let seen = realm.sandbox.seen();
    assert!(seen.iter().all(|r| !r.path.contains('?')), "{seen:?}");
}

#[tokio::test]
async fn wrong_secret_or_wrong_method_is_invalid_client_401() {
    let realm = Realm::default().await;
    let cases = [
        ("wrong secret", Auth::Post(CLIENT_POST, "not-the-secret")),
        (
            "post client via basic",
            Auth::Basic(CLIENT_POST, "sandbox-post-secret"),
        ),
        (
            "basic client via post",
            Auth::Post(CLIENT_BASIC, CLIENT_BASIC_SECRET),
        ),
        (
            "public client with a secret",
            Auth::Post(CLIENT_PUBLIC, "x"),
        ),
        ("unknown client", Auth::Public("stranger")),
    ];
    let realm = &realm;
    check_all_async(cases, |(what, auth)| async move {
        let code = realm.code(CLIENT_POST).await;
        let (status, body) = realm.exchange(auth, &code).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        assert_eq!(error(&body), "invalid_client", "{what}");
    })
    .await;
}

#[tokio::test]
async fn basic_credentials_must_be_form_urlencoded_before_base64() {
    let realm = Realm::default().await;
    let raw = STANDARD.encode(format!("{CLIENT_BASIC}:{CLIENT_BASIC_SECRET}"));
    let response = realm
        .http
        .post(realm.oidc("token"))
        .header("Authorization", format!("Basic {raw}"))
        .form(&[
            ("grant_type", "password"),
            ("username", "John"),
            ("password", "topsecret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (status, _) = realm
        .token(
            BASIC,
            &[
                ("grant_type", "password"),
                ("username", "John"),
                ("password", "topsecret"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_verifier_reused_code_or_other_redirect_is_invalid_grant() {
    let realm = Realm::default().await;
    let cases: [(&str, Params, &str); 4] = [
        (
            "wrong verifier",
            &[
                ("redirect_uri", REDIRECT),
                (
                    "code_verifier",
                    "another-verifier-0123456789-abcdefghijklmno",
                ),
            ],
            "PKCE verification failed",
        ),
        (
            "no verifier",
            &[("redirect_uri", REDIRECT)],
            "PKCE code verifier not specified",
        ),
        (
            "other redirect_uri",
            &[
                ("redirect_uri", "http://127.0.0.1:1/x"),
                ("code_verifier", VERIFIER),
            ],
            "Incorrect redirect_uri",
        ),
        (
            "no redirect_uri",
            &[("code_verifier", VERIFIER)],
            "Incorrect redirect_uri",
        ),
    ];
    let realm = &realm;
    check_all_async(cases, |(what, extra, description)| async move {
        let code = realm.code(CLIENT_PUBLIC).await;
        let mut params = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ];
        params.extend_from_slice(extra);
        let (status, body) = realm.token(PUBLIC, &params).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}");
        assert_eq!(error(&body), "invalid_grant", "{what}");
        assert_eq!(body["error_description"], description, "{what}");
    })
    .await;
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_their_client() {
    let realm = Realm::default().await;
    let code = realm.code(CLIENT_PUBLIC).await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let (status, _) = realm.token(PUBLIC, &params).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = realm.token(PUBLIC, &params).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );

    let code = realm.code(CLIENT_PUBLIC).await;
    let mut params = params;
    params[1].1 = &code;
    let (status, body) = realm.token(POST, &params).await;
    assert_eq!(
        (status, error(&body)),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
}

#[tokio::test]
async fn expired_code_is_invalid_grant() {
    let realm = Realm::start(RealmConfig {
        code_ttl: Duration::from_millis(300),
        ..RealmConfig::default()
    })
    .await;
    let code = realm.code(CLIENT_PUBLIC).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, body) = realm.exchange(PUBLIC, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_description"], "Code is expired");
}

#[tokio::test]
async fn errors_after_a_good_redirect_uri_go_back_to_the_client() {
    let realm = Realm::default().await;
    let challenge = s256(VERIFIER);
    let cases: [(&str, Params, &str); 4] = [
        (
            "denied consent",
            &[
                ("client_id", CLIENT_POST),
                ("response_type", "code"),
                ("sandbox_deny", "1"),
            ],
            "access_denied",
        ),
        (
            "public without PKCE",
            &[("client_id", CLIENT_PUBLIC), ("response_type", "code")],
            "invalid_request",
        ),
        (
            "unknown PKCE method",
            &[
                ("client_id", CLIENT_PUBLIC),
                ("response_type", "code"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S512"),
            ],
            "invalid_request",
        ),
        (
            "bad response_type",
            &[("client_id", CLIENT_POST), ("response_type", "id_token")],
            "unsupported_response_type",
        ),
    ];
    let realm = &realm;
    check_all_async(cases, |(what, params, want)| async move {
        let mut params = params.to_vec();
        params.extend([("redirect_uri", REDIRECT), ("state", "st-9")]);
        let target = realm.authorize(&params).await;
        assert_eq!(query(&target, "error").as_deref(), Some(want), "{what}");
        assert!(query(&target, "error_description").is_some(), "{what}");
        assert_eq!(query(&target, "state").as_deref(), Some("st-9"), "{what}");
        assert!(query(&target, "code").is_none(), "{what}");
    })
    .await;
}

#[tokio::test]
async fn bad_client_or_redirect_uri_is_a_400_page_not_a_redirect() {
    let realm = Realm::default().await;
    let cases = [
        ("stranger", REDIRECT),
        (CLIENT_POST, "https://127.0.0.1:53682/callback"),
        (CLIENT_POST, "http://evil.example/callback"),
        (CLIENT_POST, ""),
    ];
    let realm = &realm;
    check_all_async(cases, |(client, redirect)| async move {
        let response = realm
            .http
            .get(super::with_query(
                &realm.oidc("auth"),
                &[
                    ("client_id", client),
                    ("redirect_uri", redirect),
                    ("response_type", "code"),
                ],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{client} {redirect}"
        );
        assert!(response.headers().get("location").is_none());
    })
    .await;
}

#[tokio::test]
async fn implicit_flow_puts_the_token_in_the_fragment() {
    let realm = Realm::default().await;
    let target = realm
        .authorize(&[
            ("client_id", CLIENT_PUBLIC),
            ("redirect_uri", REDIRECT),
            ("response_type", "token"),
            ("state", "st-2"),
        ])
        .await;
    assert!(target.query().is_none(), "{target}");
    assert_eq!(fragment(&target, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(fragment(&target, "expires_in").as_deref(), Some("300"));
    assert_eq!(fragment(&target, "state").as_deref(), Some("st-2"));
    assert!(fragment(&target, "session_state").is_some());
    let token = fragment(&target, "access_token").unwrap();
    assert_eq!(realm.account(&token).await, StatusCode::OK);
}

#[tokio::test]
async fn other_issuer_serves_the_code_flow_at_its_discovered_paths() {
    let mut realm = Realm::default().await;
    let base = realm.sandbox.base_url();
    realm.issuer = realm.sandbox.other_issuer_url();
    let response = realm
        .http
        .get(super::with_query(
            &format!("{base}/other/oauth/authorize"),
            &[
                ("client_id", CLIENT_POST),
                ("redirect_uri", REDIRECT),
                ("response_type", "code"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let target = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(query(&target, "iss"), Some(realm.issuer.clone()));
    let code = query(&target, "code").unwrap();
    let (status, body) = realm
        .post(
            &format!("{base}/other/api/oauth/token"),
            POST,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(claims(&body["access_token"])["iss"], realm.issuer.as_str());
    // A Keycloak path guessed under /other does not exist.
    let (status, _) = realm.token(POST, &[("grant_type", "password")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
