//! The Keycloak under test: its URL from the environment (checked once, and
//! every test fails when it is missing or unreachable), the realms and
//! clients of the fixtures, and the admin REST API for what a test must see
//! from the server's side (events, introspection, key rotation).

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};

/// The test user with every API role and `offline_access`.
pub const USER: (&str, &str) = ("john", "topsecret");

/// A client of the fixtures: id, secret (none for a public one).
#[derive(Clone, Copy, Debug)]
pub struct Client {
    pub id: &'static str,
    pub secret: Option<&'static str>,
}

/// Confidential, PKCE S256 required, password grant on.
pub const CONFIDENTIAL: Client = Client {
    id: "kc-confidential",
    secret: Some("kc-confidential-secret"),
};
/// Public, PKCE S256 required, implicit, password and device grants on.
pub const PUBLIC: Client = Client {
    id: "kc-public",
    secret: None,
};
/// Public, device grant only, PKCE not required (the device grant of a
/// client that requires PKCE is tested with [`PUBLIC`]).
pub const DEVICE: Client = Client {
    id: "kc-device",
    secret: None,
};
/// Service account only (client credentials).
pub const SERVICE: Client = Client {
    id: "kc-service",
    secret: Some("kc-service-secret"),
};

/// The running server.
pub struct Keycloak {
    /// e.g. `http://127.0.0.1:8080/auth`.
    pub base: String,
    admin: (String, String),
}

/// The server named by `SIPAUTH_KEYCLOAK_URL`; panics (fails the test)
/// unless it is set and both realms answer.
pub fn keycloak() -> &'static Keycloak {
    static SERVER: OnceLock<Keycloak> = OnceLock::new();
    SERVER.get_or_init(|| {
        let base = std::env::var("SIPAUTH_KEYCLOAK_URL").unwrap_or_else(|_| {
            panic!("SIPAUTH_KEYCLOAK_URL is not set: run this suite with `bash .ci/keycloak`")
        });
        let base = base.trim_end_matches('/').to_owned();
        let admin = (
            std::env::var("SIPAUTH_KEYCLOAK_ADMIN_USERNAME").unwrap_or_else(|_| "admin".into()),
            std::env::var("SIPAUTH_KEYCLOAK_ADMIN_PASSWORD").unwrap_or_else(|_| "admin".into()),
        );
        let server = Keycloak { base, admin };
        for realm in ["third-party", "sipgate-apps"] {
            let url = format!("{}/.well-known/openid-configuration", server.issuer(realm));
            match block_on(async { http().get(&url).send().await }) {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => panic!("Keycloak at {url} answers {}", r.status()),
                Err(e) => panic!("Keycloak is not reachable at {url}: {e}"),
            }
        }
        server
    })
}

impl Keycloak {
    /// The issuer URL of `realm`.
    pub fn issuer(&self, realm: &str) -> String {
        format!("{}/realms/{realm}", self.base)
    }

    /// `{issuer}/protocol/openid-connect/{path}`.
    pub fn endpoint(&self, realm: &str, path: &str) -> String {
        format!("{}/protocol/openid-connect/{path}", self.issuer(realm))
    }

    /// A fresh admin access token (master realm, admin-cli).
    pub fn admin_token(&self) -> String {
        let form = [
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", self.admin.0.as_str()),
            ("password", self.admin.1.as_str()),
        ];
        let body = self.post_form(&self.endpoint("master", "token"), &form, None);
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no admin token: {body}"))
            .to_owned()
    }

    /// GET on the admin API of `realm` (`path` after `/admin/realms/{realm}`).
    pub fn admin_get(&self, realm: &str, path: &str) -> Value {
        let url = format!("{}/admin/realms/{realm}{path}", self.base);
        let token = self.admin_token();
        block_on(async {
            let response = http().get(&url).bearer_auth(token).send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert!(status.is_success(), "GET {url}: {status} {text}");
            serde_json::from_str(&text).unwrap()
        })
    }

    /// POST JSON on the admin API of `realm`; returns the status.
    pub fn admin_post(&self, realm: &str, path: &str, body: &Value) -> u16 {
        let url = format!("{}/admin/realms/{realm}{path}", self.base);
        let token = self.admin_token();
        block_on(async {
            let response = http()
                .post(&url)
                .bearer_auth(token)
                .json(body)
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        })
    }

    /// POSTs a form (with Basic client auth when `basic` is given) and
    /// returns the JSON answer, whatever the status.
    pub fn post_form(&self, url: &str, form: &[(&str, &str)], basic: Option<Client>) -> Value {
        let (_, body) = self.post_form_status(url, form, basic);
        serde_json::from_str(&body).unwrap_or(Value::String(body))
    }

    /// Like `post_form`, with the status and the raw body.
    pub fn post_form_status(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<Client>,
    ) -> (u16, String) {
        block_on(async {
            let mut request = http().post(url).form(form);
            if let Some(c) = basic {
                request = request.basic_auth(c.id, c.secret);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        })
    }

    /// Token introspection (RFC 7662) by the confidential client.
    pub fn introspect(&self, realm: &str, token: &str) -> Value {
        let url = self.endpoint(realm, "token/introspect");
        self.post_form(&url, &[("token", token)], Some(CONFIDENTIAL))
    }

    /// The realm's user events of `kind` for the session `sid`.
    pub fn events(&self, realm: &str, kind: &str, sid: &str) -> Vec<Value> {
        let all = self.admin_get(realm, &format!("/events?type={kind}&max=1000"));
        all.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["sessionId"] == sid)
            .cloned()
            .collect()
    }

    /// Adds a new RSA signing key with a higher priority than any so far:
    /// new tokens are signed with it, under a new `kid`.
    pub fn rotate_keys(&self, realm: &str) {
        let realm_id = self.admin_get(realm, "")["id"].as_str().unwrap().to_owned();
        let priority = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let component = json!({
            "name": format!("rotated-{priority}"),
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {"priority": [priority], "keySize": ["2048"], "algorithm": ["RS256"],
                       "active": ["true"], "enabled": ["true"]},
        });
        assert_eq!(self.admin_post(realm, "/components", &component), 201);
    }
}

/// An HTTP client with short timeouts and no redirects followed.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Runs a future to completion on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// The claims of a JWT, unverified.
pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap_or_else(|| panic!("not a JWT"));
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}
