//! Where an issuer's endpoints are: OIDC Discovery first, Keycloak's layout
//! second.
//!
//! Discovery (`{issuer}/.well-known/openid-configuration`) is trusted only
//! when its `issuer` equals the configured one exactly (OIDC Discovery §4.3);
//! a mismatch is an error, not a fallback, since it means a misconfigured or
//! spoofed server. Only when the issuer says it publishes no discovery
//! document (404 or 410) are the Keycloak paths under the issuer used:
//! `/protocol/openid-connect/{auth,token,certs,revoke,userinfo,logout}`.
//! Any other answer (a redirect, 429, 5xx, a body that is not JSON) is an
//! error: guessing paths then would send tokens where the server never said
//! and silently drop the RFC 9207 `iss` promise the document may carry.
//! Every endpoint must be https, or http on loopback, because secrets and
//! tokens are sent to it.

use serde_json::Value;
use url::Url;

use super::{OauthError, Timeouts};
use crate::issuer_url::{check_endpoint, discovery_url};
use crate::net::classify;
use crate::sanitize::strip_controls;

/// Discovery documents larger than this are refused.
const DISCOVERY_LIMIT: usize = 512 * 1024;

/// An issuer's endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The issuer, exactly as configured.
    pub issuer: String,
    /// The authorization endpoint (browser flows).
    pub authorization: Url,
    /// The token endpoint.
    pub token: Url,
    /// The JWKS (signing keys).
    pub jwks: Option<Url>,
    /// RFC 7009 token revocation.
    pub revocation: Option<Url>,
    /// OIDC userinfo.
    pub userinfo: Option<Url>,
    /// OIDC RP-initiated logout.
    pub end_session: Option<Url>,
    /// RFC 8628 device authorization.
    pub device_authorization: Option<Url>,
    /// Whether these came from a discovery document (else Keycloak's layout).
    pub discovered: bool,
    /// The server puts `iss` in every authorization response (RFC 9207),
    /// so one without it must be refused.
    pub iss_in_responses: bool,
}

impl Endpoints {
    /// Keycloak's endpoints under an issuer such as
    /// `https://login.sipgate.com/auth/realms/third-party`.
    pub fn keycloak(issuer: &str) -> Result<Self, OauthError> {
        let base = issuer.trim_end_matches('/');
        let at = |path: &str| -> Result<Url, OauthError> {
            secure_url("issuer", &format!("{base}/protocol/openid-connect/{path}"))
        };
        Ok(Self {
            issuer: issuer.to_owned(),
            authorization: at("auth")?,
            token: at("token")?,
            jwks: Some(at("certs")?),
            revocation: Some(at("revoke")?),
            userinfo: Some(at("userinfo")?),
            end_session: Some(at("logout")?),
            device_authorization: Some(at("auth/device")?),
            discovered: false,
            iss_in_responses: false,
        })
    }

    /// Reads the endpoints from a discovery document that has already been
    /// checked to name `issuer`.
    pub fn from_discovery(issuer: &str, doc: &Value) -> Result<Self, OauthError> {
        let required = |field: &str| -> Result<Url, OauthError> {
            let raw =
                doc.get(field)
                    .and_then(Value::as_str)
                    .ok_or_else(|| OauthError::Malformed {
                        what: "discovery".into(),
                        why: format!("`{field}` is missing or not a string"),
                    })?;
            secure_url(field, raw)
        };
        let optional = |field: &str| -> Result<Option<Url>, OauthError> {
            match doc.get(field).and_then(Value::as_str) {
                Some(raw) => secure_url(field, raw).map(Some),
                None => Ok(None),
            }
        };
        Ok(Self {
            issuer: issuer.to_owned(),
            // Servers for machine-only grants may publish no authorization
            // endpoint; fall back to Keycloak's path so the field is total.
            authorization: match optional("authorization_endpoint")? {
                Some(url) => url,
                None => Self::keycloak(issuer)?.authorization,
            },
            token: required("token_endpoint")?,
            jwks: optional("jwks_uri")?,
            revocation: optional("revocation_endpoint")?,
            userinfo: optional("userinfo_endpoint")?,
            end_session: optional("end_session_endpoint")?,
            device_authorization: optional("device_authorization_endpoint")?,
            discovered: true,
            iss_in_responses: doc
                .get("authorization_response_iss_parameter_supported")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }
}

/// Finds an issuer's endpoints: discovery when published, else Keycloak's.
pub async fn discover(
    http: &reqwest::Client,
    timeouts: Timeouts,
    issuer: &str,
) -> Result<Endpoints, OauthError> {
    let url = secure_url("issuer", &discovery_url(issuer))?;
    let what = format!("discovery at {url}");
    let network = |e: reqwest::Error| OauthError::Network {
        what: what.clone(),
        failure: classify(&e, &url, timeouts.connect, timeouts.total),
    };
    let mut response = http.get(url.clone()).send().await.map_err(network)?;
    let status = response.status().as_u16();
    if is_absent(status) {
        tracing::debug!(status, "no discovery document; using Keycloak paths");
        return Endpoints::keycloak(issuer);
    }
    if status != 200 {
        return Err(OauthError::Status {
            what,
            status,
            content_type: response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|c| strip_controls(c).chars().take(100).collect()),
        });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if body.len() + chunk.len() > DISCOVERY_LIMIT {
            return Err(OauthError::Malformed {
                what,
                why: format!("the document is larger than {} KiB", DISCOVERY_LIMIT / 1024),
            });
        }
        body.extend_from_slice(&chunk);
    }
    from_body(issuer, &url, &body)
}

/// The endpoints a discovery document `body` fetched from `url` names,
/// once it is JSON and names exactly `issuer` (the offline half of
/// [`discover`], which the fuzz targets drive).
pub(crate) fn from_body(issuer: &str, url: &Url, body: &[u8]) -> Result<Endpoints, OauthError> {
    let Ok(doc) = serde_json::from_slice::<Value>(body) else {
        return Err(OauthError::Malformed {
            what: format!("discovery at {url}"),
            why: "the document is not JSON".into(),
        });
    };
    let found = doc
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if found != issuer {
        return Err(OauthError::IssuerMismatch {
            url: url.to_string(),
            expected: issuer.to_owned(),
            found: strip_controls(found).chars().take(200).collect(),
        });
    }
    Endpoints::from_discovery(issuer, &doc)
}

/// Whether a discovery status says the document does not exist, the one
/// case where Keycloak's layout may be assumed.
fn is_absent(status: u16) -> bool {
    matches!(status, 404 | 410)
}

/// Parses an endpoint URL and refuses one that would send secrets in clear
/// text (http off loopback) or carries user info.
pub fn secure_url(what: &str, raw: &str) -> Result<Url, OauthError> {
    check_endpoint(raw).map_err(|why| OauthError::UnsafeEndpoint {
        what: what.to_owned(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keycloak_paths_hang_under_the_issuer() {
        let e = Endpoints::keycloak("https://login.sipgate.com/auth/realms/third-party").unwrap();
        assert_eq!(
            e.token.as_str(),
            "https://login.sipgate.com/auth/realms/third-party/protocol/openid-connect/token"
        );
        assert_eq!(
            e.authorization.as_str(),
            "https://login.sipgate.com/auth/realms/third-party/protocol/openid-connect/auth"
        );
        assert!(!e.discovered);
    }

    #[test]
    fn discovery_documents_name_their_endpoints() {
        let doc = serde_json::json!({
            "issuer": "https://id.example.com/",
            "authorization_endpoint": "https://id.example.com/oauth/authorize",
            "token_endpoint": "https://id.example.com/api/oauth/token",
        });
        let e = Endpoints::from_discovery("https://id.example.com/", &doc).unwrap();
        assert_eq!(e.token.path(), "/api/oauth/token");
        assert_eq!(e.revocation, None);
        assert_eq!(
            discovery_url("https://id.example.com/"),
            "https://id.example.com/.well-known/openid-configuration"
        );
    }

    #[test]
    fn only_a_missing_discovery_document_falls_back_to_keycloak_paths() {
        let cases = [
            (404, true),
            (410, true),
            (200, false),
            (301, false),
            (302, false),
            (401, false),
            (429, false),
            (500, false),
            (503, false),
        ];
        crate::testing::cases::check_all(cases, |(status, absent)| {
            assert_eq!(is_absent(status), absent, "{status}");
        });
    }

    #[test]
    fn endpoints_that_would_leak_secrets_are_refused() {
        let cases = [
            "http://id.example.com/token",
            "ftp://x/token",
            "https://u:p@x/token",
            "/token",
        ];
        crate::testing::cases::check_all(cases, |bad| {
            assert!(secure_url("token_endpoint", bad).is_err(), "{bad}");
        });
        assert!(secure_url("token_endpoint", "http://127.0.0.1:9/token").is_ok());
    }
}
