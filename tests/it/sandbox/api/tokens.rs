//! The realm's access tokens at the API: their granted sipgate scopes are
//! realm roles, as in sipgate's tokens, and are what the API checks; and
//! the demo's sessions, which lack `history:read`.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sipauth_tui::expiry;
use sipauth_tui::sandbox::demo;
use sipauth_tui::sandbox::realm::{
    CLIENT_NOSCOPE, CLIENT_NOSCOPE_SECRET, CLIENT_POST, CLIENT_POST_SECRET, RealmConfig,
};

use super::{Api, Who};

/// The realm's answer to a token request of `form`: status and body.
async fn token_request(api: &Api, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = api
        .http
        .post(format!(
            "{}/protocol/openid-connect/token",
            api.sandbox.issuer_url()
        ))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// An access token for John from the password grant of `client`.
async fn access_token(api: &Api, client: &str, secret: &str) -> String {
    let form = [
        ("grant_type", "password"),
        ("client_id", client),
        ("client_secret", secret),
        ("username", "John"),
        ("password", "topsecret"),
    ];
    let (status, body) = token_request(api, &form).await;
    assert_eq!(status, StatusCode::OK);
    body["access_token"].as_str().unwrap().to_owned()
}

fn roles(token: &str) -> Value {
    sipauth_tui::jwt::decode(token).unwrap().claims["realm_access"]["roles"].clone()
}

#[tokio::test]
async fn a_realm_token_carries_its_scopes_as_roles_and_the_api_checks_them() {
    let mut config = RealmConfig::default();
    for client in config.clients.iter_mut().filter(|c| c.id == CLIENT_POST) {
        client.scope = "openid profile email account:read balance:read".into();
    }
    let api = Api::start_with(config).await;
    let token = access_token(&api, CLIENT_POST, CLIENT_POST_SECRET).await;
    assert_eq!(
        roles(&token),
        json!([
            "account:read",
            "balance:read",
            "offline_access",
            "uma_authorization",
            "default-roles-third-party"
        ])
    );
    let claims = sipauth_tui::jwt::decode(&token).unwrap().claims;
    assert_eq!(claims["scope"], "profile email account:read balance:read");
    let bearer = Who::Bearer(token);
    let balance = api.get("/balance", &bearer).await;
    assert_eq!(balance.status, StatusCode::OK, "{}", balance.body);
    assert_eq!(balance.body["currency"], "EUR");
    let history = api.get("/history", &bearer).await;
    assert_eq!(history.status, StatusCode::FORBIDDEN);
    assert_eq!(
        history.message(),
        "Forbidden: the token lacks the scope history:read"
    );
    assert_eq!(
        api.get("/authorization/userinfo", &bearer).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_token_without_sipgate_scopes_has_only_the_default_roles() {
    let api = Api::start().await;
    let token = access_token(&api, CLIENT_NOSCOPE, CLIENT_NOSCOPE_SECRET).await;
    assert_eq!(
        roles(&token),
        json!([
            "offline_access",
            "uma_authorization",
            "default-roles-third-party"
        ])
    );
    let bearer = Who::Bearer(token);
    let account = api.get("/account", &bearer).await;
    assert_eq!(account.status, StatusCode::FORBIDDEN);
    assert!(
        account.message().ends_with("account:read"),
        "{}",
        account.message()
    );
    let default = Who::Bearer(access_token(&api, CLIENT_POST, CLIENT_POST_SECRET).await);
    assert_eq!(api.get("/account", &default).await.status, StatusCode::OK);
    let balance = api.get("/balance", &default).await;
    assert_eq!(balance.status, StatusCode::FORBIDDEN);
    assert!(
        balance.message().ends_with("balance:read"),
        "{}",
        balance.message()
    );
}

/// The demo's realm and its seeded store, and the `now` it was seeded at.
async fn seeded() -> (Api, sipauth_tui::store::StoreData, i64) {
    let api = Api::start_with(demo::realm()).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let data = demo::seed(&api.sandbox, now).await.unwrap();
    (api, data, now)
}

#[tokio::test]
async fn the_demo_session_lacks_history_read_where_the_demo_pat_has_it() {
    let (api, data, _) = seeded().await;
    let session = data.get("third-party").unwrap().auth.session().unwrap();
    let bearer = Who::Bearer(session.access_token.expose().to_owned());
    assert_eq!(api.get("/account", &bearer).await.status, StatusCode::OK);
    assert_eq!(api.get("/balance", &bearer).await.status, StatusCode::OK);
    let history = api.get("/history", &bearer).await;
    assert_eq!(history.status, StatusCode::FORBIDDEN);
    assert_eq!(
        history.message(),
        "Forbidden: the token lacks the scope history:read"
    );
    assert!(data.get("sandbox-pat").is_ok());
    assert_eq!(api.get("/history", &Who::Pat).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_demo_sessions_tell_one_story_of_when_they_were_obtained() {
    let (api, data, now) = seeded().await;
    let ages = [
        ("third-party", 0),
        ("expiring-soon", 300 - demo::EXPIRING_LEFT),
        ("expired-login", demo::EXPIRED_AGO),
    ];
    for (name, ago) in ages {
        let session = data.get(name).unwrap().auth.session().unwrap();
        let token = session.access_token.expose();
        let iat = expiry::jwt_time(token, "iat").unwrap();
        // Seeding may straddle a second.
        assert!((iat - (now - ago)).abs() <= 1, "{name}: iat {iat}");
        assert_eq!(session.obtained_at, now - ago, "{name}");
        // No skew to read: the gauge's deadline is the token's own exp.
        let exp = expiry::jwt_exp(token).unwrap();
        assert_eq!(
            expiry::access_expiry(session),
            Some(exp.min(now - ago + 300))
        );
        assert!((exp - (now - ago + 300)).abs() <= 1, "{name}: exp {exp}");
    }
    let ended = data.get("expired-login").unwrap().auth.session().unwrap();
    assert!(ended.login_required);
    // The sandbox refuses it too: its refresh token was revoked.
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", CLIENT_POST),
        ("client_secret", CLIENT_POST_SECRET),
        (
            "refresh_token",
            ended.refresh_token.as_ref().unwrap().expose(),
        ),
    ];
    let (status, body) = token_request(&api, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
}
