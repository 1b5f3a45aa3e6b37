//! Discovery documents and keys of each kind of issuer.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sipauth_tui::sandbox_keys as keys;

use super::Realm;

use crate::support::check_all;

#[tokio::test]
async fn keycloak_realm_discovery_names_keycloak_paths_and_capabilities() {
    let Realm { sandbox, http, .. } = Realm::default().await;
    for realm in ["third-party", "sipgate-apps"] {
        let issuer = sandbox.realm_url(realm);
        let doc: Value = http
            .get(format!("{issuer}/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let oidc = format!("{issuer}/protocol/openid-connect");
        let cases = [
            ("issuer", issuer.clone()),
            ("authorization_endpoint", format!("{oidc}/auth")),
            ("token_endpoint", format!("{oidc}/token")),
            ("jwks_uri", format!("{oidc}/certs")),
            ("revocation_endpoint", format!("{oidc}/revoke")),
            ("userinfo_endpoint", format!("{oidc}/userinfo")),
            ("end_session_endpoint", format!("{oidc}/logout")),
            (
                "device_authorization_endpoint",
                format!("{oidc}/auth/device"),
            ),
        ];
        check_all(cases, |(field, want)| {
            assert_eq!(doc[field], want.as_str(), "{realm} {field}");
        });
        assert_eq!(
            doc["code_challenge_methods_supported"],
            json!(["S256", "plain"])
        );
        assert_eq!(doc["response_types_supported"], json!(["code", "token"]));
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            json!(["client_secret_post", "client_secret_basic", "none"])
        );
        let grants = doc["grant_types_supported"].as_array().unwrap();
        let cases = [
            "authorization_code",
            "refresh_token",
            "password",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
        ];
        check_all(cases, |grant| {
            assert!(grants.contains(&json!(grant)), "{grant}");
        });
    }
}

#[tokio::test]
async fn other_issuer_discovery_names_its_own_paths() {
    let Realm { sandbox, http, .. } = Realm::default().await;
    let base = sandbox.base_url();
    let doc: Value = http
        .get(format!("{base}/other/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cases = [
        ("issuer", format!("{base}/other")),
        (
            "authorization_endpoint",
            format!("{base}/other/oauth/authorize"),
        ),
        ("token_endpoint", format!("{base}/other/api/oauth/token")),
        ("jwks_uri", format!("{base}/other/jwks.json")),
        ("revocation_endpoint", format!("{base}/other/oauth/revoke")),
        (
            "device_authorization_endpoint",
            format!("{base}/other/oauth/device"),
        ),
    ];
    check_all(cases, |(field, want)| {
        assert_eq!(doc[field], want.as_str(), "{field}");
    });
    // Nothing Keycloak-shaped exists under /other.
    let guessed = http
        .get(format!("{base}/other/protocol/openid-connect/certs"))
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_discovery_realm_404s_its_document_but_serves_keycloak_paths() {
    let Realm { sandbox, http, .. } = Realm::default().await;
    let issuer = sandbox.realm_url("no-discovery");
    let doc = http
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(doc.status(), StatusCode::NOT_FOUND);
    let certs = http
        .get(format!("{issuer}/protocol/openid-connect/certs"))
        .send()
        .await
        .unwrap();
    assert_eq!(certs.status(), StatusCode::OK);
}

#[tokio::test]
async fn liar_realm_discovery_names_another_issuer() {
    let Realm { sandbox, http, .. } = Realm::default().await;
    let issuer = sandbox.realm_url("liar");
    let doc: Value = http
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(doc["issuer"], issuer.as_str());
    assert!(doc["token_endpoint"].as_str().unwrap().starts_with(&issuer));
}

#[tokio::test]
async fn certs_serve_the_jwks_that_verifies_sandbox_tokens() {
    let Realm { sandbox, http, .. } = Realm::default().await;
    let base = sandbox.base_url();
    for url in [
        format!("{}/protocol/openid-connect/certs", sandbox.issuer_url()),
        format!("{base}/other/jwks.json"),
    ] {
        let set: JwkSet = http.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(set.keys.len(), 3, "{url}");
        for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256] {
            let token = keys::sign(alg, &json!({"exp": 4_000_000_000_u64}));
            let kid = keys::kid_for(alg).unwrap();
            let key = DecodingKey::from_jwk(set.find(kid).unwrap()).unwrap();
            jsonwebtoken::decode::<Value>(&token, &key, &Validation::new(alg)).unwrap();
        }
    }
}

#[tokio::test]
async fn discovery_falls_back_to_keycloak_paths_only_when_the_document_is_missing() {
    use sipauth_tui::oauth::{OauthError, Timeouts, discover, http_client};
    use sipauth_tui::sandbox::realm::{
        BROKEN_DISCOVERY_REALM, GARBLED_DISCOVERY_REALM, NO_DISCOVERY_REALM,
    };

    let Realm { sandbox, .. } = Realm::default().await;
    let http = http_client(Timeouts::default()).unwrap();
    // 404: the issuer publishes none, so Keycloak's layout is assumed.
    let missing = sandbox.realm_url(NO_DISCOVERY_REALM);
    let endpoints = discover(&http, Timeouts::default(), &missing)
        .await
        .unwrap();
    assert!(!endpoints.discovered);
    assert_eq!(
        endpoints.token.as_str(),
        format!("{missing}/protocol/openid-connect/token")
    );
    // 500: a failure to report, not a reason to guess.
    let broken = sandbox.realm_url(BROKEN_DISCOVERY_REALM);
    let before = sandbox.seen().len();
    let err = discover(&http, Timeouts::default(), &broken)
        .await
        .unwrap_err();
    assert!(
        matches!(err, OauthError::Status { status: 500, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("{broken}/.well-known/openid-configuration"))
            && message.contains("HTTP 500"),
        "{message}"
    );
    assert_eq!(sandbox.seen().len(), before + 1, "nothing else was asked");
    // A 200 that is not JSON (a login or portal page) is no document either.
    let garbled = sandbox.realm_url(GARBLED_DISCOVERY_REALM);
    let err = discover(&http, Timeouts::default(), &garbled)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OauthError::Malformed { why, .. } if why.contains("not JSON")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_issuer_that_does_not_resolve_is_named_as_the_issuer_not_the_api() {
    use sipauth_tui::oauth::{Timeouts, discover, http_client};
    let http = http_client(Timeouts::default()).unwrap();
    // `.invalid` never resolves (RFC 6761).
    let issuer = "https://login.sipauth-test.invalid/auth/realms/third-party";
    let err = discover(&http, Timeouts::default(), issuer)
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("cannot resolve `login.sipauth-test.invalid`")
            && message.contains("check the host in the issuer URL"),
        "{message}"
    );
    assert!(!message.contains("API base URL"), "{message}");
}
