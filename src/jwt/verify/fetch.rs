//! Getting an issuer's signing keys: OIDC Discovery first, Keycloak's certs
//! endpoint when there is no discovery document.
//!
//! The discovery document must name exactly the issuer it was asked for: a
//! document that claims another issuer could hand out keys that "verify"
//! anything. Bodies are capped at [`BODY_LIMIT`]; redirects are followed only
//! within the same origin; every failure says which URL and why.

use std::time::Duration;

use reqwest::header::ACCEPT;
use reqwest::redirect;
use serde_json::Value;
use url::Url;

use crate::issuer_url::{check_endpoint, discovery_url};
use crate::net::{NetFailure, classify};

use super::claims_text;

/// The largest discovery document or key set read.
pub const BODY_LIMIT: usize = 1 << 20;

/// Timeouts for the key fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpOptions {
    /// Time to establish a connection (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Time for each whole request.
    pub timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: crate::net::DEFAULT_CONNECT_TIMEOUT,
            timeout: crate::net::DEFAULT_TIMEOUT,
        }
    }
}

/// An issuer's published keys, as fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct KeySet {
    /// The issuer the keys belong to.
    pub issuer: String,
    /// Where they came from.
    pub jwks_uri: String,
    /// Unix seconds of the fetch.
    pub fetched_at: i64,
    /// The JWKs as sent (each parsed when needed, so one odd key spoils nothing).
    pub keys: Vec<Value>,
}

/// Why no key set came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreachable {
    /// DNS, refused, TLS, timeout…
    Net(NetFailure),
    /// An HTTP status other than 200.
    Status(u16),
    /// A redirect to another origin, not followed.
    Redirect,
    /// The body is over [`BODY_LIMIT`].
    TooLarge,
    /// The body is not a JWK set (`{"keys": [...]}`).
    NotJwks,
    /// Discovery named a `jwks_uri` that is not https (or http on loopback).
    BadJwksUri,
}

impl Unreachable {
    /// What happened, in words.
    pub fn describe(&self) -> String {
        match self {
            Unreachable::Net(failure) => net_words(failure),
            Unreachable::Status(status) => format!("HTTP {status}"),
            Unreachable::Redirect => "redirected to another origin (not followed)".to_owned(),
            Unreachable::TooLarge => format!("the answer is over {} MiB", BODY_LIMIT >> 20),
            Unreachable::NotJwks => "the answer is not a JWK set ({\"keys\": [...]})".to_owned(),
            Unreachable::BadJwksUri => {
                "discovery names a jwks_uri that is not https (or http on loopback)".to_owned()
            }
        }
    }
}

/// Why fetching keys failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The discovery document names another issuer.
    DiscoveryMismatch {
        /// The `issuer` it names (cleaned), or `None` when it names none.
        found: Option<String>,
    },
    /// No key set came back from `url`.
    Unreachable {
        /// The URL asked.
        url: String,
        /// Why.
        why: Unreachable,
    },
}

/// An HTTP client for key fetches (same-origin redirects only).
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    options: HttpOptions,
}

impl Fetcher {
    /// Builds the client.
    pub fn new(options: HttpOptions) -> Result<Self, reqwest::Error> {
        let policy = redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if same_origin {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let client = reqwest::Client::builder()
            .redirect(policy)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .user_agent(concat!("sipauth-tui/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, options })
    }

    /// Fetches the key set of `issuer` (already checked to be https or
    /// loopback http) at `now`.
    pub async fn fetch(&self, issuer: &str, now: i64) -> Result<KeySet, FetchError> {
        let base = issuer.trim_end_matches('/');
        let discovery = discovery_url(issuer);
        let jwks_uri = match self.get(&discovery).await {
            Ok(Got::Json(doc)) => jwks_uri_in(&doc, issuer, &discovery)?,
            // No discovery document: Keycloak serves its keys here anyway.
            Ok(Got::NotJson) | Err(Unreachable::Status(404)) => keycloak_certs(base),
            Err(why) => {
                return Err(FetchError::Unreachable {
                    url: discovery,
                    why,
                });
            }
        };
        let set = match self.get(&jwks_uri).await {
            Ok(Got::Json(doc)) => key_set(&doc, issuer, &jwks_uri, now),
            Ok(Got::NotJson) => Err(Unreachable::NotJwks),
            Err(why) => Err(why),
        };
        set.map_err(|why| FetchError::Unreachable {
            url: jwks_uri.clone(),
            why,
        })
    }

    async fn get(&self, url: &str) -> Result<Got, Unreachable> {
        let parsed = Url::parse(url).map_err(|_| Unreachable::BadJwksUri)?;
        let net = |e: reqwest::Error| {
            Unreachable::Net(classify(
                &e,
                &parsed,
                self.options.connect_timeout,
                self.options.timeout,
            ))
        };
        let mut response = self
            .client
            .get(parsed.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(net)?;
        let status = response.status();
        if status.is_redirection() {
            return Err(Unreachable::Redirect);
        }
        if status.as_u16() != 200 {
            return Err(Unreachable::Status(status.as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(net)? {
            if body.len() + chunk.len() > BODY_LIMIT {
                return Err(Unreachable::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Got::from_body(&body))
    }
}

/// Where the keys of `issuer` are, by its discovery document `doc` (asked
/// at `discovery`): its `jwks_uri` when it names exactly that issuer.
pub(super) fn jwks_uri_in(
    doc: &Value,
    issuer: &str,
    discovery: &str,
) -> Result<String, FetchError> {
    match doc.get("issuer") {
        Some(Value::String(named)) if named == issuer => {
            match doc.get("jwks_uri").and_then(Value::as_str) {
                Some(uri) => checked_uri(uri).ok_or_else(|| FetchError::Unreachable {
                    url: discovery.to_owned(),
                    why: Unreachable::BadJwksUri,
                }),
                None => Ok(keycloak_certs(issuer.trim_end_matches('/'))),
            }
        }
        other => Err(FetchError::DiscoveryMismatch {
            found: other.map(claims_text),
        }),
    }
}

/// The key set a JWKS document `doc` fetched from `jwks_uri` at `now` holds.
pub(super) fn key_set(
    doc: &Value,
    issuer: &str,
    jwks_uri: &str,
    now: i64,
) -> Result<KeySet, Unreachable> {
    let Some(Value::Array(keys)) = doc.get("keys") else {
        return Err(Unreachable::NotJwks);
    };
    tracing::debug!(issuer, jwks_uri, keys = keys.len(), "fetched JWKS");
    Ok(KeySet {
        issuer: issuer.to_owned(),
        jwks_uri: jwks_uri.to_owned(),
        fetched_at: now,
        keys: keys.clone(),
    })
}

/// A network failure in words about fetching keys (the probe's hints talk
/// about API bases and credentials, which do not apply here).
fn net_words(failure: &NetFailure) -> String {
    match failure {
        NetFailure::Dns { host, detail } => format!("DNS cannot resolve `{host}` ({detail})"),
        NetFailure::Refused { target } => format!("connection refused by {target}"),
        NetFailure::Tls { host, detail } => format!("TLS with {host} failed: {detail}"),
        NetFailure::ConnectTimeout { host, after } => {
            format!("no connection to {host} within {} s", after.as_secs_f64())
        }
        NetFailure::Timeout { after } => {
            format!("no complete answer within {} s", after.as_secs_f64())
        }
        NetFailure::Other { detail } => detail.clone(),
    }
}

/// A body read: a JSON object, or anything else.
pub(super) enum Got {
    Json(Value),
    NotJson,
}

impl Got {
    /// A JSON object, or not.
    pub(super) fn from_body(body: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(body) {
            Ok(doc @ Value::Object(_)) => Got::Json(doc),
            _ => Got::NotJson,
        }
    }
}

pub(super) fn keycloak_certs(base: &str) -> String {
    format!("{base}/protocol/openid-connect/certs")
}

/// A jwks_uri is fetched only over https (plain http only on loopback), the
/// rule every endpoint follows.
fn checked_uri(raw: &str) -> Option<String> {
    check_endpoint(raw).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwks_uris_must_be_https_or_loopback_http() {
        let cases = [
            ("https://idp.example/certs", true),
            ("http://127.0.0.1:8080/certs", true),
            ("http://localhost/certs", true),
            ("http://idp.example/certs", false),
            ("file:///etc/passwd", false),
            ("https://u:p@idp.example/certs", false),
            ("not a url", false),
        ];
        crate::testing::cases::check_all(cases, |(uri, ok)| {
            assert_eq!(checked_uri(uri).is_some(), ok, "{uri}");
        });
    }
}
