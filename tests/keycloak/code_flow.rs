//! The authorization code grant with PKCE against Keycloak's real login
//! page: each way a client authenticates, both realms, the `iss` of the
//! authorization response (RFC 9207), the id token's nonce, and a plain
//! OAuth2 scope that sends no nonce.

use std::process::ExitStatus;

use url::Url;

use crate::browser::Browser;
use crate::cli::{Env, Method, assert_no_secrets};
use crate::server::{CONFIDENTIAL, Client, PUBLIC, USER, block_on, claims, http, keycloak};

/// A finished code-flow login: what the tool sent and what came back.
pub struct CodeLogin {
    /// The authorization URL the tool printed.
    pub url: Url,
    /// Where Keycloak sent the browser: the tool's callback.
    pub callback: Url,
    /// The callback page's status.
    pub page: u16,
    pub status: ExitStatus,
    pub stderr: String,
}

impl CodeLogin {
    /// A query parameter of the authorization URL.
    pub fn sent(&self, key: &str) -> Option<String> {
        param(&self.url, key)
    }

    /// A query parameter of the callback.
    pub fn returned(&self, key: &str) -> Option<String> {
        param(&self.callback, key)
    }
}

fn param(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// `login NAME` with the browser played by [`Browser`] as `user`; the
/// callback is changed by `tamper` before it reaches the tool.
pub fn code_login_with(
    env: &Env,
    name: &str,
    user: (&'static str, &'static str),
    tamper: impl FnOnce(Url) -> Url,
) -> CodeLogin {
    let mut login = env.spawn_login(name, &[]);
    let url = Url::parse(&login.url()).unwrap();
    let callback = Url::parse(&Browser::new(user).authorize(url.as_str())).unwrap();
    assert_eq!(callback.host_str(), Some("127.0.0.1"), "{callback}");
    let sent = tamper(callback.clone());
    let page = block_on(async { http().get(sent.as_str()).send().await.unwrap().status() });
    let (status, stderr) = login.finish();
    CodeLogin {
        url,
        callback,
        page: page.as_u16(),
        status,
        stderr,
    }
}

/// A successful code-flow login as the test user; panics otherwise.
pub fn code_login(env: &Env, name: &str) -> CodeLogin {
    let login = code_login_with(env, name, USER, |u| u);
    assert!(login.status.success(), "{}", login.stderr);
    login
}

#[test]
fn code_flow_with_pkce_logs_in_with_post_basic_and_public_clients_in_both_realms() {
    let cases: [(&str, Client, Method); 4] = [
        ("third-party", CONFIDENTIAL, Method::Post),
        ("third-party", CONFIDENTIAL, Method::Basic),
        ("third-party", PUBLIC, Method::None),
        ("sipgate-apps", CONFIDENTIAL, Method::Post),
    ];
    for (realm, client, method) in cases {
        let env = Env::new();
        env.add_client(
            "c",
            realm,
            client,
            method,
            "openid balance:read history:read",
        );
        let login = code_login(&env, "c");
        let case = format!("{realm} {} {method:?}", client.id);
        assert_eq!(login.page, 200, "{case}");
        assert_eq!(login.sent("code_challenge_method").as_deref(), Some("S256"));
        assert!(
            login.stderr.contains("Logged in `c`."),
            "{case}: {}",
            login.stderr
        );
        let secrets: Vec<&str> = client.secret.into_iter().chain([USER.1]).collect();
        assert_no_secrets(&login.stderr, &secrets);
        // RFC 9207: Keycloak names itself in the callback, and it is our issuer.
        assert_eq!(
            login.returned("iss"),
            Some(keycloak().issuer(realm)),
            "{case}"
        );
        let access = claims(&env.token("c", "access_token").unwrap());
        assert_eq!(access["iss"], keycloak().issuer(realm));
        assert_eq!(access["azp"], client.id);
        assert_eq!(access["preferred_username"], "john");
        let roles = access["realm_access"]["roles"].as_array().unwrap().clone();
        for role in ["balance:read", "history:read"] {
            assert!(roles.iter().any(|r| r == role), "{case}: {roles:?}");
        }
        assert!(
            !roles.iter().any(|r| r == "account:read"),
            "{case}: {roles:?}"
        );
        // The id token carries the nonce this login sent.
        let id = claims(&env.token("c", "id_token").unwrap());
        assert_eq!(
            id["nonce"].as_str(),
            login.sent("nonce").as_deref(),
            "{case}"
        );
        assert!(env.token("c", "refresh_token").is_some(), "{case}");
        let header = env.ok(&["header", "c"], "");
        assert!(header.starts_with("Authorization: Bearer eyJ"), "{header}");
    }
}

#[test]
fn a_plain_oauth2_scope_logs_in_without_a_nonce() {
    let env = Env::new();
    env.add_client("plain", "third-party", PUBLIC, Method::None, "balance:read");
    let login = code_login(&env, "plain");
    assert_eq!(login.sent("nonce"), None, "{}", login.url);
    assert_eq!(login.sent("scope").as_deref(), Some("balance:read"));
    let session = env.session("plain");
    assert_eq!(session["id_token"], serde_json::Value::Null);
    let access = claims(session["access_token"].as_str().unwrap());
    assert_eq!(
        access["realm_access"]["roles"],
        serde_json::json!(["balance:read"])
    );
    // Keycloak adds the client's default scopes, but not `openid`.
    let scope: Vec<&str> = access["scope"].as_str().unwrap().split(' ').collect();
    assert!(
        scope.contains(&"balance:read") && !scope.contains(&"openid"),
        "{scope:?}"
    );
}

#[test]
fn a_callback_whose_iss_is_changed_or_dropped_is_a_warning_and_the_real_one_logs_in() {
    type Tamper = fn(Url) -> Url;
    let cases: [(Tamper, &str); 2] = [
        (
            |mut u| {
                let pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .map(|(k, v)| match k.as_ref() {
                        "iss" => (k.into_owned(), format!("{v}-evil")),
                        _ => (k.into_owned(), v.into_owned()),
                    })
                    .collect();
                u.query_pairs_mut().clear().extend_pairs(pairs);
                u
            },
            "-evil`, not",
        ),
        (
            |mut u| {
                let pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .filter(|(k, _)| k != "iss")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                u.query_pairs_mut().clear().extend_pairs(pairs);
                u
            },
            "has no `iss`",
        ),
    ];
    for (tamper, needle) in cases {
        let env = Env::new();
        env.add_client(
            "c",
            "third-party",
            PUBLIC,
            Method::None,
            "openid balance:read",
        );
        // A forged redirect (anyone who reads the browser's command line
        // knows the state) is a warning, never the end of the login: the
        // real redirect that follows still logs in.
        let mut login = env.spawn_login("c", &[]);
        let url = Url::parse(&login.url()).unwrap();
        let callback = Url::parse(&Browser::new(USER).authorize(url.as_str())).unwrap();
        let forged = tamper(callback.clone());
        block_on(async { http().get(forged.as_str()).send().await.unwrap().status() });
        let page = block_on(async { http().get(callback.as_str()).send().await.unwrap().status() });
        let (status, stderr) = login.finish();
        assert!(status.success(), "{needle}: {stderr}");
        assert_eq!(page.as_u16(), 200, "{needle}");
        assert!(stderr.contains(needle), "`{needle}` not in {stderr}");
        assert!(stderr.contains("still waiting"), "{stderr}");
        assert!(env.session("c")["access_token"].is_string(), "{needle}");
    }
}
