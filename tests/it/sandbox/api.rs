//! The sandbox's sipgate endpoints spoken to over real sockets: each one
//! with and without its scope, unknown credentials, the wrong method; the
//! hooks (funds, rate limit) and the realm's tokens at the API.

mod hooks;
mod tokens;

use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode, redirect};
use serde_json::{Value, json};
use sipauth_tui::sandbox::realm::RealmConfig;
use sipauth_tui::sandbox::{
    NOSCOPE_TOKEN, NOSCOPE_TOKEN_ID, SAMPLE_PASSWORD, SAMPLE_PAT_SCOPES, SAMPLE_TOKEN,
    SAMPLE_TOKEN_ID, SAMPLE_USERNAME, Sandbox,
};

use crate::support::check_all_async;

/// Who a request authenticates as.
#[derive(Clone, Debug)]
pub enum Who {
    /// The sample PAT ([`SAMPLE_PAT_SCOPES`]).
    Pat,
    /// The PAT without scopes.
    NoScope,
    /// The Basic login John (`all`).
    John,
    /// A Basic pair the sandbox does not know.
    Stranger,
    /// `Authorization: Bearer` with this token.
    Bearer(String),
    /// No Authorization header.
    Nobody,
}

/// An answer: status, headers and the JSON body (`Null` if not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The `message` of an error body.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("<no message>")
    }

    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_default()
    }
}

/// A running sandbox and a client that never follows redirects.
pub struct Api {
    pub sandbox: Sandbox,
    pub http: Client,
}

impl Api {
    pub async fn start() -> Self {
        Self::start_with(RealmConfig::default()).await
    }

    pub async fn start_with(config: RealmConfig) -> Self {
        let sandbox = Sandbox::start_with(0, config).await.unwrap();
        let http = Client::builder()
            .redirect(redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        Self { sandbox, http }
    }

    /// `method {api}{path}` as `who`, with an optional raw body.
    pub async fn send(&self, method: Method, path: &str, who: &Who, body: Option<&str>) -> Answer {
        let url = format!("{}{path}", self.sandbox.api_url());
        let mut request = self.http.request(method, url);
        request = match who {
            Who::Pat => request.basic_auth(SAMPLE_TOKEN_ID, Some(SAMPLE_TOKEN)),
            Who::NoScope => request.basic_auth(NOSCOPE_TOKEN_ID, Some(NOSCOPE_TOKEN)),
            Who::John => request.basic_auth(SAMPLE_USERNAME, Some(SAMPLE_PASSWORD)),
            Who::Stranger => request.basic_auth(SAMPLE_TOKEN_ID, Some("not-the-token")),
            Who::Bearer(token) => request.bearer_auth(token),
            Who::Nobody => request,
        };
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// `GET {api}{path}` as `who`.
    pub async fn get(&self, path: &str, who: &Who) -> Answer {
        self.send(Method::GET, path, who, None).await
    }
}

/// A body `POST /sessions/sms` accepts.
pub const SMS: &str =
    r#"{"smsId":"s0","recipient":"+4915100000000","message":"Hello from the sandbox"}"#;

/// Each GET endpoint, the scope it needs, and a field its body must have.
const READS: [(&str, &str, &str); 6] = [
    ("/account", "account:read", "/company"),
    ("/balance", "balance:read", "/currency"),
    ("/history", "history:read", "/totalCount"),
    ("/users", "users:read", "/items/0/defaultDevice"),
    ("/numbers", "numbers:read", "/items/0/number"),
    ("/w0/devices", "devices:read", "/items/0/id"),
];

#[tokio::test]
async fn each_endpoint_answers_its_scope_and_names_it_when_missing() {
    let api = Api::start().await;
    let api = &api;
    check_all_async(READS, |(path, scope, field)| async move {
        assert!(SAMPLE_PAT_SCOPES.contains(&scope), "{scope}");
        for who in [Who::Pat, Who::John] {
            let ok = api.get(path, &who).await;
            assert_eq!(ok.status, StatusCode::OK, "{path} as {who:?}: {}", ok.body);
            assert!(ok.body.pointer(field).is_some(), "{path}: {}", ok.body);
        }
        let refused = api.get(path, &Who::NoScope).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            refused.body,
            json!({"status": 403, "message": format!("Forbidden: the token lacks the scope {scope}")}),
            "{path}"
        );
        let stranger = api.get(path, &Who::Stranger).await;
        assert_eq!(stranger.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(stranger.header("www-authenticate"), "Basic realm=\"sipgate sandbox\"");
        let nobody = api.get(path, &Who::Nobody).await;
        assert_eq!(nobody.status, StatusCode::UNAUTHORIZED, "{path}");
        let forged = api.get(path, &Who::Bearer("not-a-token".into())).await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            forged.header("www-authenticate").contains("error=\"invalid_token\""),
            "{path}: {:?}",
            forged.headers
        );
    })
    .await;
}

#[tokio::test]
async fn bodies_are_shaped_like_sipgates() {
    let api = Api::start().await;
    let balance = api.get("/balance", &Who::Pat).await;
    assert_eq!(balance.body, json!({"amount": 10000, "currency": "EUR"}));
    let history = api.get("/history", &Who::Pat).await;
    let items = history.body["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{}", history.body);
    assert_eq!(history.body["totalCount"], items.len());
    let users = api.get("/users", &Who::Pat).await;
    let user = &users.body["items"][0];
    for (field, want) in [
        ("id", json!("w0")),
        ("firstname", json!("Sandbox")),
        ("lastname", json!("User")),
        ("defaultDevice", json!("e0")),
        ("admin", json!(true)),
    ] {
        assert_eq!(user[field], want, "{field}: {user}");
    }
    assert!(user["email"].as_str().unwrap().contains('@'));
}

#[tokio::test]
async fn userinfo_needs_no_scope_but_a_valid_credential() {
    let api = Api::start().await;
    let want =
        json!({"sub": "w0", "domain": "sipgate.de", "masterSipId": "1234567", "locale": "de_DE"});
    for who in [Who::Pat, Who::NoScope, Who::John] {
        let answer = api.get("/authorization/userinfo", &who).await;
        assert_eq!(answer.status, StatusCode::OK, "{who:?}");
        assert_eq!(answer.body, want, "{who:?}");
    }
    for who in [Who::Stranger, Who::Nobody, Who::Bearer("x.y.z".into())] {
        let answer = api.get("/authorization/userinfo", &who).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{who:?}");
    }
}

#[tokio::test]
async fn devices_of_another_user_are_not_found_but_the_scope_comes_first() {
    let api = Api::start().await;
    assert_eq!(
        api.get("/w0/devices", &Who::Pat).await.status,
        StatusCode::OK
    );
    let other = api.get("/w1/devices", &Who::Pat).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    assert_eq!(other.body["status"], 404);
    let refused = api.get("/w1/devices", &Who::NoScope).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.message().ends_with("devices:read"),
        "{}",
        refused.message()
    );
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let api = Api::start().await;
    let cases = [
        (Method::DELETE, "/history", "GET"),
        (Method::PUT, "/account", "GET"),
        (Method::POST, "/balance", "GET"),
        (Method::POST, "/users", "GET"),
        (Method::POST, "/numbers", "GET"),
        (Method::POST, "/authorization/userinfo", "GET"),
        (Method::POST, "/w0/devices", "GET"),
        (Method::GET, "/sessions/sms", "POST"),
        (Method::GET, "/__funds", "POST"),
        (Method::GET, "/__rate_limit", "POST"),
    ];
    let api = &api;
    check_all_async(cases, |(method, path, allow)| async move {
        let answer = api.send(method.clone(), path, &Who::Pat, None).await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(answer.header("allow"), allow, "{method} {path}");
        assert_eq!(answer.body["status"], 405, "{method} {path}");
    })
    .await;
}

#[tokio::test]
async fn api_requests_are_recorded_without_their_credentials() {
    let api = Api::start().await;
    api.get("/balance", &Who::Pat).await;
    api.send(Method::POST, "/sessions/sms", &Who::Nobody, Some(SMS))
        .await;
    let seen = api.sandbox.seen();
    let tail: Vec<_> = seen
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.had_authorization))
        .collect();
    assert_eq!(
        tail,
        [
            ("GET", "/v2/balance", true),
            ("POST", "/v2/sessions/sms", false)
        ]
    );
}

#[tokio::test]
async fn other_documented_operations_check_scopes_then_answer_501() {
    let api = Api::start().await;
    let refused = api.get("/voicemails", &Who::Pat).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(
        refused.message(),
        "Forbidden: the token lacks the scope voicemails:read"
    );
    let write = api
        .send(Method::POST, "/contacts", &Who::Pat, Some("{}"))
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    assert!(
        write.message().ends_with("contacts:write"),
        "{}",
        write.message()
    );
    let granted = api.get("/w0/phonelines", &Who::John).await;
    assert_eq!(
        granted.status,
        StatusCode::NOT_IMPLEMENTED,
        "{}",
        granted.body
    );
    assert!(
        granted.message().contains("GET /{userId}/phonelines"),
        "{}",
        granted.message()
    );
    let stranger = api.get("/voicemails", &Who::Stranger).await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
    let wrong = api.send(Method::PUT, "/contacts", &Who::John, None).await;
    assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong.header("allow"), "DELETE, GET, POST");
    for path in ["/nowhere", "/__nope", ""] {
        let unknown = api.get(path, &Who::John).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{path:?}");
    }
    let outside = api
        .http
        .get(format!("{}/elsewhere", api.sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
    let realm = api
        .http
        .get(format!(
            "{}/protocol/openid-connect/nope",
            api.sandbox.issuer_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(realm.status(), StatusCode::NOT_FOUND);
}
