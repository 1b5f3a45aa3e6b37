//! Each injected token-endpoint fault does what it claims, and clearing it
//! restores normal answers.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sipauth_tui::sandbox::realm::TokenFault;
use sipauth_tui::sandbox::{SAMPLE_PASSWORD, SAMPLE_USERNAME};

use crate::support::check_all_async;

use super::{POST, Realm};

const PASSWORD: [(&str, &str); 3] = [
    ("grant_type", "password"),
    ("username", SAMPLE_USERNAME),
    ("password", SAMPLE_PASSWORD),
];

async fn raw_token(realm: &Realm) -> reqwest::Response {
    realm
        .http
        .post(realm.oidc("token"))
        .form(&[
            PASSWORD[0],
            PASSWORD[1],
            PASSWORD[2],
            ("client_id", "sandbox-post"),
            ("client_secret", "sandbox-post-secret"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn status_and_body_faults_answer_exactly_what_was_set() {
    let realm = Realm::default().await;
    let html = "<html><body>502 Bad Gateway</body></html>".to_owned();
    let cases = [
        (
            TokenFault::Status(502, html.clone(), "text/html"),
            502,
            "text/html",
            html,
        ),
        (
            TokenFault::Body("{}".into()),
            200,
            "application/json",
            "{}".into(),
        ),
        (
            TokenFault::Body("{\"access_token\":\"ab".into()),
            200,
            "application/json",
            "{\"access_token\":\"ab".into(),
        ),
        (
            TokenFault::Body(r#"{"access_token":5,"token_type":"mac","expires_in":-1}"#.into()),
            200,
            "application/json",
            r#"{"access_token":5,"token_type":"mac","expires_in":-1}"#.into(),
        ),
        (
            TokenFault::Body(
                r#"{"access_token":"x","token_type":"Bearer","expires_in":1e20}"#.into(),
            ),
            200,
            "application/json",
            r#"{"access_token":"x","token_type":"Bearer","expires_in":1e20}"#.into(),
        ),
    ];
    let realm = &realm;
    check_all_async(cases, |(fault, status, content_type, body)| async move {
        realm.sandbox.set_token_fault(Some(fault.clone()));
        let response = raw_token(realm).await;
        assert_eq!(response.status().as_u16(), status, "{fault:?}");
        assert_eq!(
            response.headers()["content-type"],
            content_type,
            "{fault:?}"
        );
        assert_eq!(response.text().await.unwrap(), body, "{fault:?}");
    })
    .await;
    realm.sandbox.set_token_fault(None);
    let (status, _) = realm.token(POST, &PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        realm.sandbox.token_requests("password"),
        6,
        "faulty requests count too"
    );
}

#[tokio::test]
async fn a_replacing_fault_does_not_use_up_the_code() {
    let realm = Realm::default().await;
    let code = realm.code("sandbox-public").await;
    let params = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", super::REDIRECT),
        ("code_verifier", super::VERIFIER),
    ];
    realm
        .sandbox
        .set_token_fault(Some(TokenFault::Status(503, "down".into(), "text/plain")));
    let (status, _) = realm.token(super::PUBLIC, &params).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    realm.sandbox.set_token_fault(None);
    let (status, body) = realm.token(super::PUBLIC, &params).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn huge_fault_sends_a_body_of_the_asked_size() {
    let realm = Realm::default().await;
    let size = 10 * 1024 * 1024;
    realm.sandbox.set_token_fault(Some(TokenFault::Huge(size)));
    let body = raw_token(&realm).await.bytes().await.unwrap();
    assert_eq!(body.len(), size);
    assert!(body.starts_with(b"{\"access_token\":\"AAAA"));
}

#[tokio::test]
async fn delay_fault_answers_normally_but_late() {
    let realm = Realm::default().await;
    realm
        .sandbox
        .set_token_fault(Some(TokenFault::Delay(Duration::from_millis(400))));
    let started = Instant::now();
    let (status, body) = realm.token(POST, &PASSWORD).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(status, StatusCode::OK);
    assert!(body["access_token"].is_string());
}

#[tokio::test]
async fn trickle_fault_streams_a_valid_response_slowly_in_chunks() {
    let realm = Realm::default().await;
    let tick = Duration::from_millis(20);
    realm.sandbox.set_token_fault(Some(TokenFault::Trickle {
        bytes_per_tick: 256,
        tick,
    }));
    let started = Instant::now();
    let mut response = raw_token(&realm).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        assert!(chunk.len() <= 256);
        body.extend_from_slice(&chunk);
        chunks += 1;
    }
    let ticks = body.len().div_ceil(256);
    assert!(chunks >= 2, "{chunks} chunks");
    assert!(
        started.elapsed() >= tick * ticks as u32,
        "{:?}",
        started.elapsed()
    );
    let tokens: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(tokens["access_token"].is_string());
}
