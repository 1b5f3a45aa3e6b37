//! The sandbox realm spoken to as a client would: raw HTTP over real
//! sockets, redirects never followed, so every status, header and body the
//! realm sends is what the test sees.

mod code_flow;
mod device;
mod discovery;
mod faults;
mod grants;
mod refresh;
mod revoke;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::{Client, StatusCode, redirect};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sipauth_tui::sandbox::Sandbox;
use sipauth_tui::sandbox::realm::{
    CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_NOSCOPE, CLIENT_NOSCOPE_SECRET, CLIENT_OPAQUE,
    CLIENT_OPAQUE_SECRET, CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC, CLIENT_SERVICE,
    CLIENT_SERVICE_SECRET, RealmConfig,
};
use url::Url;

/// A redirect URI on the loopback interface, as a native app would use.
pub const REDIRECT: &str = "http://127.0.0.1:53682/callback";
/// A PKCE verifier (43 characters of the unreserved set).
pub const VERIFIER: &str = "sandbox-test-verifier-0123456789-abcdefghijk";

/// BASE64URL(SHA256(verifier)).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Form or query parameters.
pub type Params<'a> = &'a [(&'a str, &'a str)];

/// How a test client authenticates.
#[derive(Clone, Copy, Debug)]
pub enum Auth {
    /// `client_id` + `client_secret` in the form.
    Post(&'static str, &'static str),
    /// HTTP Basic of the form-urlencoded id and secret.
    Basic(&'static str, &'static str),
    /// `client_id` only.
    Public(&'static str),
}

impl Auth {
    pub fn id(self) -> &'static str {
        match self {
            Auth::Post(id, _) | Auth::Basic(id, _) | Auth::Public(id) => id,
        }
    }
}

/// The default clients, each with its registered method.
pub const POST: Auth = Auth::Post(CLIENT_POST, CLIENT_POST_SECRET);
pub const BASIC: Auth = Auth::Basic(CLIENT_BASIC, CLIENT_BASIC_SECRET);
pub const PUBLIC: Auth = Auth::Public(CLIENT_PUBLIC);
pub const SERVICE: Auth = Auth::Post(CLIENT_SERVICE, CLIENT_SERVICE_SECRET);
pub const OPAQUE: Auth = Auth::Post(CLIENT_OPAQUE, CLIENT_OPAQUE_SECRET);
pub const NOSCOPE: Auth = Auth::Post(CLIENT_NOSCOPE, CLIENT_NOSCOPE_SECRET);

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A running sandbox, a client that never follows redirects, and an issuer.
pub struct Realm {
    pub sandbox: Sandbox,
    pub http: Client,
    pub issuer: String,
}

impl Realm {
    /// A sandbox with `config`; the issuer is the default realm.
    pub async fn start(config: RealmConfig) -> Self {
        let sandbox = Sandbox::start_with(0, config).await.unwrap();
        let http = Client::builder()
            .redirect(redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let issuer = sandbox.issuer_url();
        Self {
            sandbox,
            http,
            issuer,
        }
    }

    /// A sandbox with the default configuration.
    pub async fn default() -> Self {
        Self::start(RealmConfig::default()).await
    }

    /// A Keycloak endpoint of the current issuer, e.g. `token`.
    pub fn oidc(&self, endpoint: &str) -> String {
        format!("{}/protocol/openid-connect/{endpoint}", self.issuer)
    }

    /// POSTs a form to `url`, authenticated as `auth`; status and JSON body
    /// (`Null` when the body is not JSON).
    pub async fn post(
        &self,
        url: &str,
        auth: Auth,
        params: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut form: Vec<(&str, &str)> = params.to_vec();
        let mut request = self.http.post(url);
        match auth {
            Auth::Post(id, secret) => {
                form.push(("client_id", id));
                form.push(("client_secret", secret));
            }
            Auth::Basic(id, secret) => {
                let pair = format!("{}:{}", form_encode(id), form_encode(secret));
                request =
                    request.header("Authorization", format!("Basic {}", STANDARD.encode(pair)));
            }
            Auth::Public(id) => form.push(("client_id", id)),
        }
        let response = request.form(&form).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A token request at the current issuer.
    pub async fn token(&self, auth: Auth, params: &[(&str, &str)]) -> (StatusCode, Value) {
        self.post(&self.oidc("token"), auth, params).await
    }

    /// GETs the authorization endpoint and returns the redirect target
    /// (panics unless it is a 302).
    pub async fn authorize(&self, params: &[(&str, &str)]) -> Url {
        let response = self
            .http
            .get(with_query(&self.oidc("auth"), params))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{params:?}");
        let location = response.headers()["location"].to_str().unwrap();
        Url::parse(location).unwrap()
    }

    /// A code from the authorization endpoint for `client`, with an S256
    /// challenge of [`VERIFIER`] and scope `openid`.
    pub async fn code(&self, client: &str) -> String {
        let challenge = s256(VERIFIER);
        let target = self
            .authorize(&[
                ("client_id", client),
                ("redirect_uri", REDIRECT),
                ("response_type", "code"),
                ("scope", "openid"),
                ("state", "st-1"),
                ("nonce", "n-1"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        query(&target, "code").unwrap()
    }

    /// Exchanges `code` the way the client of `auth` would (redirect URI
    /// and PKCE verifier of the test's authorization request).
    pub async fn exchange(&self, auth: Auth, code: &str) -> (StatusCode, Value) {
        self.token(
            auth,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
            ],
        )
        .await
    }

    /// The whole code flow for `auth`: tokens (asserts 200).
    pub async fn login(&self, auth: Auth) -> Value {
        let code = self.code(auth.id()).await;
        let (status, body) = self.exchange(auth, &code).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A refresh request with `token`.
    pub async fn refresh(&self, auth: Auth, token: &str) -> (StatusCode, Value) {
        self.token(
            auth,
            &[("grant_type", "refresh_token"), ("refresh_token", token)],
        )
        .await
    }

    /// GET /v2/account with a bearer token: the status.
    pub async fn account(&self, access_token: &str) -> StatusCode {
        self.http
            .get(format!("{}/account", self.sandbox.api_url()))
            .bearer_auth(access_token)
            .send()
            .await
            .unwrap()
            .status()
    }
}

/// `url` with `params` as its query.
pub fn with_query<K: AsRef<str>, V: AsRef<str>>(url: &str, params: &[(K, V)]) -> String {
    Url::parse_with_params(url, params.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
        .unwrap()
        .to_string()
}

/// A query parameter of a URL.
pub fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A parameter of a URL's fragment.
pub fn fragment(url: &Url, name: &str) -> Option<String> {
    url::form_urlencoded::parse(url.fragment().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The claims of a JWT, unverified.
pub fn claims(token: &Value) -> serde_json::Map<String, Value> {
    sipauth_tui::jwt::decode(token.as_str().unwrap())
        .unwrap()
        .claims
}

/// The string `v` holds (panics on anything else).
pub fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

/// The `error` of an OAuth error body.
pub fn error(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("<no error field>")
}
