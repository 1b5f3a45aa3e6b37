//! The sandbox as Keycloak's twin: one table of scenarios (discovery, token
//! responses, the claims of access, refresh and id tokens, error bodies,
//! revocation answers) run against both, comparing the shape of the answers
//! (status, keys, JSON types), not their values. Every difference found is
//! in [`KNOWN`] with its reason; a new one fails the test, and so does a
//! listed one that went away, so the list stays true.

use std::collections::BTreeMap;

use serde_json::Value;
use sipauth_tui::sandbox::realm::{
    CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC, CLIENT_SERVICE, CLIENT_SERVICE_SECRET,
};
use sipauth_tui::sandbox::{BackgroundSandbox, SAMPLE_PASSWORD, SAMPLE_USERNAME};

use crate::server::{CONFIDENTIAL, PUBLIC, SERVICE, USER, block_on, claims, http, keycloak};

/// Differences between the sandbox and Keycloak that are accepted, as
/// (scenario, key, difference), with the reason in the comment.
const KNOWN: &[(&str, &str, &str)] = &[
    // Keycloak sets `aud` only through an audience mapper or client roles;
    // sipgate's tokens carry one (the client id) and so does the sandbox,
    // these realms have no such mapper.
    ("access token claims", "aud", "only the sandbox"),
    // The sandbox gives every user the `account` client roles of a default
    // Keycloak realm; these realms have no client roles.
    ("access token claims", "resource_access", "only the sandbox"),
    (
        "access token claims",
        "resource_access.account",
        "only the sandbox",
    ),
    // Keycloak 26 dropped the `session_state` claim (`sid` says the same);
    // sipgate's tokens, from an older Keycloak, still carry it.
    ("access token claims", "session_state", "only the sandbox"),
    // Keycloak 26's refresh tokens name their rotation chain; nothing reads it.
    ("refresh token claims", "reuse_id", "only Keycloak"),
    ("refresh token claims", "session_state", "only the sandbox"),
    // The access token's hash in the id token (OIDC Core 3.1.3.6, optional
    // for the code flow); the tool does not check it.
    ("id token claims", "at_hash", "only Keycloak"),
    ("id token claims", "session_state", "only the sandbox"),
    // Keycloak answers a wrong password with 401, RFC 6749 5.2 says 400.
    (
        "invalid_grant: wrong password",
        "(status)",
        "sandbox 400 vs Keycloak 401",
    ),
    // Keycloak calls a wrong client secret `unauthorized_client` (401),
    // where RFC 6749 5.2 says `invalid_client`.
    (
        "invalid_client: wrong secret",
        "error",
        "sandbox \"invalid_client\" vs Keycloak \"unauthorized_client\"",
    ),
    // Keycloak answers a grant the client may not use with 401, RFC 6749
    // 5.2 says 400.
    (
        "unauthorized_client: no service account",
        "(status)",
        "sandbox 400 vs Keycloak 401",
    ),
    (
        "unauthorized_client: public client",
        "(status)",
        "sandbox 400 vs Keycloak 401",
    ),
    // Both answer 200 for an unknown token (RFC 7009 2.2); Keycloak adds
    // an `invalid_token` body, which the tool ignores.
    ("revocation of an unknown token", "error", "only Keycloak"),
    (
        "revocation of an unknown token",
        "error_description",
        "only Keycloak",
    ),
];

/// One server's side of the comparison.
struct Side {
    issuer: String,
    confidential: (String, String),
    public: String,
    service: (String, String),
    user: (String, String),
}

/// The answer to one request: status and JSON body (or `null`).
struct Answer {
    status: u16,
    body: Value,
}

impl Side {
    fn token_url(&self) -> String {
        format!("{}/protocol/openid-connect/token", self.issuer)
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let url = format!("{}/protocol/openid-connect/{path}", self.issuer);
        let (status, text) = block_on(async {
            let r = http().post(&url).form(form).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        });
        Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    fn password(&self, scope: &str) -> Answer {
        let (id, secret) = &self.confidential;
        self.post(
            "token",
            &[
                ("grant_type", "password"),
                ("client_id", id),
                ("client_secret", secret),
                ("username", &self.user.0),
                ("password", &self.user.1),
                ("scope", scope),
            ],
        )
    }

    /// Every scenario's answers, by name.
    fn scenarios(&self) -> Vec<(&'static str, Answer)> {
        let (id, secret) = &self.confidential;
        let discovery = block_on(async {
            let url = format!("{}/.well-known/openid-configuration", self.issuer);
            let r = http().get(url).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        });
        let login = self.password("openid account:read");
        let token = |key: &str| login.body[key].as_str().unwrap().to_owned();
        let refreshed = self.post(
            "token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", id),
                ("client_secret", secret),
                ("refresh_token", &token("refresh_token")),
            ],
        );
        let service = self.post(
            "token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &self.service.0),
                ("client_secret", &self.service.1),
            ],
        );
        let claims_of = |answer: &Answer, key: &str| Answer {
            status: 200,
            body: claims(answer.body[key].as_str().unwrap()),
        };
        let wrong_password = self.post(
            "token",
            &[
                ("grant_type", "password"),
                ("client_id", id),
                ("client_secret", secret),
                ("username", &self.user.0),
                ("password", "wrong"),
            ],
        );
        let bad_refresh = self.post(
            "token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", id),
                ("client_secret", secret),
                ("refresh_token", "not-a-refresh-token"),
            ],
        );
        let bad_secret = self.post(
            "token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", "wrong-secret"),
            ],
        );
        let not_allowed = self.post(
            "token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ],
        );
        let public_service = self.post(
            "token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &self.public),
            ],
        );
        let to_revoke = self.password("openid account:read");
        let revoke_token = to_revoke.body["refresh_token"].as_str().unwrap().to_owned();
        let revoke = |token: &str| {
            self.post(
                "revoke",
                &[
                    ("client_id", id),
                    ("client_secret", secret),
                    ("token", token),
                    ("token_type_hint", "refresh_token"),
                ],
            )
        };
        let revoked = revoke(&revoke_token);
        let revoked_unknown = revoke("not-a-token");
        let after_revoke = self.post(
            "token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", id),
                ("client_secret", secret),
                ("refresh_token", &revoke_token),
            ],
        );
        vec![
            (
                "discovery",
                Answer {
                    status: discovery.0,
                    body: discovery_subset(discovery.1),
                },
            ),
            ("access token claims", claims_of(&login, "access_token")),
            ("refresh token claims", claims_of(&login, "refresh_token")),
            ("id token claims", claims_of(&login, "id_token")),
            ("password response", login),
            ("refresh response", refreshed),
            ("client credentials response", service),
            ("invalid_grant: wrong password", wrong_password),
            ("invalid_grant: unknown refresh token", bad_refresh),
            ("invalid_grant: revoked refresh token", after_revoke),
            ("invalid_client: wrong secret", bad_secret),
            ("unauthorized_client: no service account", not_allowed),
            ("unauthorized_client: public client", public_service),
            ("revocation of a refresh token", revoked),
            ("revocation of an unknown token", revoked_unknown),
        ]
    }
}

/// The discovery keys a client of ours reads or may read.
fn discovery_subset(doc: Value) -> Value {
    const KEYS: [&str; 16] = [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
        "revocation_endpoint",
        "end_session_endpoint",
        "device_authorization_endpoint",
        "grant_types_supported",
        "response_types_supported",
        "scopes_supported",
        "code_challenge_methods_supported",
        "token_endpoint_auth_methods_supported",
        "id_token_signing_alg_values_supported",
        "authorization_response_iss_parameter_supported",
        "subject_types_supported",
    ];
    let mut out = serde_json::Map::new();
    for key in KEYS {
        if let Some(v) = doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// key → JSON type, one level into objects (`realm_access.roles`).
fn shape(value: &Value) -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    if let Value::Object(map) = value {
        for (key, v) in map {
            out.insert(key.clone(), kind(v));
            if let Value::Object(inner) = v {
                for (k, w) in inner {
                    out.insert(format!("{key}.{k}"), kind(w));
                }
            }
        }
    }
    out
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The differences of one scenario, as (key, difference).
fn compare(sandbox: &Answer, keycloak: &Answer) -> Vec<(String, String)> {
    let mut diffs = Vec::new();
    if sandbox.status != keycloak.status {
        diffs.push((
            "(status)".into(),
            format!("sandbox {} vs Keycloak {}", sandbox.status, keycloak.status),
        ));
    }
    let (s, k) = (shape(&sandbox.body), shape(&keycloak.body));
    for (key, kk) in &k {
        match s.get(key) {
            None => diffs.push((key.clone(), "only Keycloak".into())),
            Some(sk) if sk != kk => {
                diffs.push((key.clone(), format!("sandbox {sk} vs Keycloak {kk}")))
            }
            _ => {}
        }
    }
    for key in s.keys().filter(|key| !k.contains_key(*key)) {
        diffs.push((key.clone(), "only the sandbox".into()));
    }
    // Error codes are values, but they are the whole point of an error body.
    if let (Some(a), Some(b)) = (sandbox.body.get("error"), keycloak.body.get("error"))
        && a != b
    {
        diffs.push(("error".into(), format!("sandbox {a} vs Keycloak {b}")));
    }
    diffs
}

#[test]
fn the_sandbox_answers_in_the_shape_keycloak_does() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let ours = Side {
        issuer: sandbox.issuer_url(),
        confidential: (CLIENT_POST.into(), CLIENT_POST_SECRET.into()),
        public: CLIENT_PUBLIC.into(),
        service: (CLIENT_SERVICE.into(), CLIENT_SERVICE_SECRET.into()),
        user: (SAMPLE_USERNAME.into(), SAMPLE_PASSWORD.into()),
    };
    let theirs = Side {
        issuer: keycloak().issuer("third-party"),
        confidential: (CONFIDENTIAL.id.into(), CONFIDENTIAL.secret.unwrap().into()),
        public: PUBLIC.id.into(),
        service: (SERVICE.id.into(), SERVICE.secret.unwrap().into()),
        user: (USER.0.into(), USER.1.into()),
    };
    assert!(ours.token_url().starts_with("http://127.0.0.1"));
    let mut found: Vec<(String, String, String)> = Vec::new();
    for ((name, s), (_, k)) in ours.scenarios().into_iter().zip(theirs.scenarios()) {
        for (key, diff) in compare(&s, &k) {
            found.push((name.into(), key, diff));
        }
    }
    let table: Vec<String> = found
        .iter()
        .map(|(s, k, d)| format!("| {s} | `{k}` | {d} |"))
        .collect();
    println!("{}", table.join("\n"));
    let known: Vec<(String, String, String)> = KNOWN
        .iter()
        .map(|(s, k, d)| ((*s).into(), (*k).into(), (*d).into()))
        .collect();
    assert_eq!(
        found,
        known,
        "the differences changed:\n{}",
        table.join("\n")
    );
}
