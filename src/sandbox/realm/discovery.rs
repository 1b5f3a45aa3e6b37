//! Which issuer a request is for, where that issuer's endpoints are, and
//! the discovery document and JWKS that say so.
//!
//! The issuer is worked out from the request path alone, so every handler
//! serves every realm and the `/other` issuer with the same code; only the
//! endpoint URLs differ.

use std::sync::Arc;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    BROKEN_DISCOVERY_REALM, GARBLED_DISCOVERY_REALM, Grant, LIAR_REALM, NO_DISCOVERY_REALM,
    OTHER_ISSUER_PATH, Realm,
};
use crate::credential::KEYCLOAK_REALM_PREFIX;
use crate::sandbox_keys as keys;

/// How an issuer lays out its endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerKind {
    /// A Keycloak realm with this name.
    Keycloak(String),
    /// The non-Keycloak issuer at `/other`.
    Other,
}

/// The issuer a request was made to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    /// The issuer URL (`iss` of its tokens).
    pub url: String,
    /// Its layout.
    pub kind: IssuerKind,
}

/// The endpoint URLs of one issuer.
pub(crate) struct Endpoints {
    pub(crate) authorization: String,
    pub(crate) token: String,
    pub(crate) jwks: String,
    pub(crate) revocation: String,
    pub(crate) userinfo: String,
    pub(crate) end_session: String,
    pub(crate) device_authorization: String,
    pub(crate) device_verification: String,
}

impl Issuer {
    /// The issuer of a request path, if it is under a realm or `/other`.
    pub fn from_path(base_url: &str, path: &str) -> Option<Self> {
        if let Some(rest) = path.strip_prefix(KEYCLOAK_REALM_PREFIX) {
            let name = rest.split('/').next().filter(|n| !n.is_empty())?;
            return Some(Self {
                url: format!("{base_url}{KEYCLOAK_REALM_PREFIX}{name}"),
                kind: IssuerKind::Keycloak(name.to_owned()),
            });
        }
        let rest = path.strip_prefix(OTHER_ISSUER_PATH)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| Self {
            url: format!("{base_url}{OTHER_ISSUER_PATH}"),
            kind: IssuerKind::Other,
        })
    }

    /// Where its endpoints are.
    pub(crate) fn endpoints(&self, base_url: &str) -> Endpoints {
        match self.kind {
            IssuerKind::Keycloak(_) => {
                let oidc = format!("{}/protocol/openid-connect", self.url);
                Endpoints {
                    authorization: format!("{oidc}/auth"),
                    token: format!("{oidc}/token"),
                    jwks: format!("{oidc}/certs"),
                    revocation: format!("{oidc}/revoke"),
                    userinfo: format!("{oidc}/userinfo"),
                    end_session: format!("{oidc}/logout"),
                    device_authorization: format!("{oidc}/auth/device"),
                    device_verification: format!("{}/device", self.url),
                }
            }
            IssuerKind::Other => {
                let other = format!("{base_url}{OTHER_ISSUER_PATH}");
                Endpoints {
                    authorization: format!("{other}/oauth/authorize"),
                    token: format!("{other}/api/oauth/token"),
                    jwks: format!("{other}/jwks.json"),
                    revocation: format!("{other}/oauth/revoke"),
                    userinfo: format!("{other}/oauth/userinfo"),
                    end_session: format!("{other}/oauth/logout"),
                    device_authorization: format!("{other}/oauth/device"),
                    device_verification: format!("{other}/device"),
                }
            }
        }
    }

    fn is_realm(&self, name: &str) -> bool {
        matches!(&self.kind, IssuerKind::Keycloak(n) if n == name)
    }
}

impl FromRequestParts<Arc<Realm>> for Issuer {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, realm: &Arc<Realm>) -> Result<Self, StatusCode> {
        Issuer::from_path(&realm.base_url, parts.uri.path()).ok_or(StatusCode::NOT_FOUND)
    }
}

/// `GET …/.well-known/openid-configuration`.
pub(crate) async fn document(State(realm): State<Arc<Realm>>, issuer: Issuer) -> Response {
    if issuer.is_realm(NO_DISCOVERY_REALM) {
        let body = json!({"error": "Realm does not publish a discovery document"});
        return (StatusCode::NOT_FOUND, axum::Json(body)).into_response();
    }
    if issuer.is_realm(BROKEN_DISCOVERY_REALM) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
    }
    if issuer.is_realm(GARBLED_DISCOVERY_REALM) {
        return axum::response::Html("<!doctype html><title>Sign in</title>").into_response();
    }
    let mut doc = discovery_json(&issuer, &realm.base_url);
    if issuer.is_realm(LIAR_REALM) {
        doc["issuer"] = Value::from(format!(
            "{}{KEYCLOAK_REALM_PREFIX}someone-else",
            realm.base_url
        ));
    }
    axum::Json(doc).into_response()
}

fn discovery_json(issuer: &Issuer, base_url: &str) -> Value {
    let e = issuer.endpoints(base_url);
    let grants: Vec<&str> = Grant::ALL
        .iter()
        .filter(|g| **g != Grant::Implicit)
        .map(|g| g.as_str())
        .chain(["implicit"])
        .collect();
    json!({
        "issuer": issuer.url,
        "authorization_endpoint": e.authorization,
        "token_endpoint": e.token,
        "jwks_uri": e.jwks,
        "revocation_endpoint": e.revocation,
        "userinfo_endpoint": e.userinfo,
        "end_session_endpoint": e.end_session,
        "device_authorization_endpoint": e.device_authorization,
        "grant_types_supported": grants,
        "response_types_supported": ["code", "token"],
        "response_modes_supported": ["query", "fragment"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "token_endpoint_auth_methods_supported":
            ["client_secret_post", "client_secret_basic", "none"],
        "revocation_endpoint_auth_methods_supported":
            ["client_secret_post", "client_secret_basic", "none"],
        "scopes_supported": ["openid", "profile", "email", super::ACCOUNT_SCOPE],
        "authorization_response_iss_parameter_supported": true,
    })
}

/// `GET …/protocol/openid-connect/certs` (and `/other/jwks.json`).
pub(crate) async fn certs() -> Response {
    axum::Json(keys::jwks()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:1";

    #[test]
    fn issuer_is_taken_from_the_path() {
        let cases = [
            (
                "/auth/realms/third-party/protocol/openid-connect/token",
                Some("http://127.0.0.1:1/auth/realms/third-party"),
            ),
            (
                "/auth/realms/x/.well-known/openid-configuration",
                Some("http://127.0.0.1:1/auth/realms/x"),
            ),
            ("/other/api/oauth/token", Some("http://127.0.0.1:1/other")),
            ("/otherwise", None),
            ("/auth/realms//token", None),
            ("/v2/account", None),
        ];
        crate::testing::cases::check_all(cases, |(path, want)| {
            let got = Issuer::from_path(BASE, path).map(|i| i.url);
            assert_eq!(got.as_deref(), want, "{path}");
        });
    }

    #[test]
    fn other_issuer_names_its_own_paths() {
        let issuer = Issuer::from_path(BASE, "/other/x").unwrap();
        let doc = discovery_json(&issuer, BASE);
        assert_eq!(
            doc["token_endpoint"],
            "http://127.0.0.1:1/other/api/oauth/token"
        );
        assert_eq!(doc["jwks_uri"], "http://127.0.0.1:1/other/jwks.json");
    }
}
