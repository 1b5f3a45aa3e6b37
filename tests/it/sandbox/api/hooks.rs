//! `POST /v2/sessions/sms` with its body check and the funds switch, and
//! the rate-limit hook.

use reqwest::{Method, StatusCode};
use sipauth_tui::sandbox::Credit;

use super::{Api, SMS, Who};

/// `POST {api}{hook}` without credentials: the status.
async fn hook(api: &Api, hook: &str) -> StatusCode {
    api.send(Method::POST, hook, &Who::Nobody, None)
        .await
        .status
}

async fn sms(api: &Api, who: &Who, body: Option<&str>) -> super::Answer {
    api.send(Method::POST, "/sessions/sms", who, body).await
}

#[tokio::test]
async fn sms_is_sent_with_the_scope_and_a_full_body() {
    let api = Api::start().await;
    for who in [Who::Pat, Who::John] {
        let sent = sms(&api, &who, Some(SMS)).await;
        assert_eq!(
            sent.status,
            StatusCode::NO_CONTENT,
            "{who:?}: {}",
            sent.body
        );
    }
    let refused = sms(&api, &Who::NoScope, Some(SMS)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .message()
            .contains("lacks the scope sessions:sms:write"),
        "{}",
        refused.message()
    );
    let stranger = sms(&api, &Who::Stranger, Some(SMS)).await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bad_sms_body_is_400_saying_what_is_wrong() {
    let api = Api::start().await;
    let cases = [
        (None, "the body is missing"),
        (Some("recipient=+49151"), "not JSON"),
        (Some(r#"["s0"]"#), "JSON object"),
        (Some(r#"{"smsId":"s0"}"#), "lacks recipient, message"),
        (
            Some(r#"{"smsId":"s0","recipient":"+49151","message":""}"#),
            "lacks message",
        ),
    ];
    for (body, want) in cases {
        let answer = sms(&api, &Who::Pat, body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(answer.body["status"], 400, "{body:?}");
        assert!(
            answer.message().contains(want),
            "{body:?}: {}",
            answer.message()
        );
    }
}

#[tokio::test]
async fn empty_credit_makes_sms_402_until_it_is_ok_again() {
    let api = Api::start().await;
    assert_eq!(
        hook(&api, "/__funds?credit=empty").await,
        StatusCode::NO_CONTENT
    );
    let broke = sms(&api, &Who::Pat, Some(SMS)).await;
    assert_eq!(broke.status, StatusCode::PAYMENT_REQUIRED, "{}", broke.body);
    assert_eq!(broke.body["status"], 402);
    // The scope and the body are checked before the credit.
    assert_eq!(
        sms(&api, &Who::NoScope, Some(SMS)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sms(&api, &Who::Pat, None).await.status,
        StatusCode::BAD_REQUEST
    );
    // Reads do not cost anything.
    assert_eq!(api.get("/balance", &Who::Pat).await.status, StatusCode::OK);
    assert_eq!(
        hook(&api, "/__funds?credit=ok").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sms(&api, &Who::Pat, Some(SMS)).await.status,
        StatusCode::NO_CONTENT
    );
    // The same switch on the handle.
    api.sandbox.set_credit(Credit::Empty);
    assert_eq!(
        sms(&api, &Who::Pat, Some(SMS)).await.status,
        StatusCode::PAYMENT_REQUIRED
    );
    api.sandbox.set_credit(Credit::Ok);
    assert_eq!(
        sms(&api, &Who::Pat, Some(SMS)).await.status,
        StatusCode::NO_CONTENT
    );
    for bad in ["/__funds", "/__funds?credit=maybe"] {
        assert_eq!(hook(&api, bad).await, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn the_rate_limit_answers_n_requests_then_429_until_off() {
    let api = Api::start().await;
    assert_eq!(
        hook(&api, "/__rate_limit?after=3").await,
        StatusCode::NO_CONTENT
    );
    let statuses = [
        api.get("/authorization/userinfo", &Who::Pat).await.status,
        api.get("/balance", &Who::NoScope).await.status,
        api.get("/nowhere", &Who::Pat).await.status,
    ];
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND],
        "the first 3 are answered as usual, whatever their answer"
    );
    for path in ["/balance", "/authorization/userinfo", "/account"] {
        let limited = api.get(path, &Who::Pat).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert_eq!(limited.header("retry-after"), "1", "{path}");
        assert_eq!(limited.body["status"], 429, "{path}");
    }
    let limited = sms(&api, &Who::Pat, Some(SMS)).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    // Hooks and the realm are not limited.
    assert_eq!(
        api.get("/__status/418", &Who::Nobody).await.status,
        StatusCode::IM_A_TEAPOT
    );
    let discovery = api
        .http
        .get(format!(
            "{}/.well-known/openid-configuration",
            api.sandbox.issuer_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(discovery.status(), StatusCode::OK);
    assert_eq!(
        hook(&api, "/__rate_limit?after=off").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(api.get("/balance", &Who::Pat).await.status, StatusCode::OK);
    // after=0 limits at once; the handle sets the same switch.
    assert_eq!(
        hook(&api, "/__rate_limit?after=0").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.get("/balance", &Who::Pat).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    api.sandbox.set_rate_limit(Some(1));
    assert_eq!(api.get("/balance", &Who::Pat).await.status, StatusCode::OK);
    assert_eq!(
        api.get("/balance", &Who::Pat).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    api.sandbox.set_rate_limit(None);
    assert_eq!(api.get("/balance", &Who::Pat).await.status, StatusCode::OK);
    for bad in [
        "/__rate_limit",
        "/__rate_limit?after=-1",
        "/__rate_limit?after=soon",
    ] {
        assert_eq!(hook(&api, bad).await, StatusCode::BAD_REQUEST, "{bad}");
    }
}
