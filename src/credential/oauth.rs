//! The OAuth2 half of the credential model: a registered client and the
//! session (tokens) it obtained.
//!
//! These are plain data: what is stored. Talking to a server lives in
//! [`crate::oauth`]; working out lifetimes lives in [`crate::expiry`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Secret;

/// The issuer every OAuth client gets unless told otherwise.
pub const DEFAULT_ISSUER: &str = "https://login.sipgate.com/auth/realms/third-party";

/// Where a Keycloak realm's issuer lives under its server.
pub const KEYCLOAK_REALM_PREFIX: &str = "/auth/realms/";

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// `client_id` and `client_secret` as form fields, as sipgate documents.
    #[default]
    Post,
    /// HTTP Basic of the form-urlencoded `client_id:client_secret`.
    Basic,
    /// A public client: `client_id` only, PKCE protects the code.
    None,
}

impl AuthMethod {
    /// The key as stored and typed: `post`, `basic`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Post => "post",
            AuthMethod::Basic => "basic",
            AuthMethod::None => "none",
        }
    }

    /// The OIDC Discovery name (`token_endpoint_auth_methods_supported`).
    pub fn discovery_name(self) -> &'static str {
        match self {
            AuthMethod::Post => "client_secret_post",
            AuthMethod::Basic => "client_secret_basic",
            AuthMethod::None => "none",
        }
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuthMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "post" | "client_secret_post" => Ok(AuthMethod::Post),
            "basic" | "client_secret_basic" => Ok(AuthMethod::Basic),
            "none" => Ok(AuthMethod::None),
            _ => Err(format!(
                "`{s}` is not a client auth method: use post, basic or none"
            )),
        }
    }
}

/// A registered OAuth2 client.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct OauthClient {
    /// The issuer URL, e.g. `https://login.sipgate.com/auth/realms/third-party`.
    pub issuer: String,
    /// The client id.
    pub client_id: String,
    /// How the client authenticates at the token endpoint.
    #[serde(default)]
    pub auth_method: AuthMethod,
    /// The client secret (absent for public clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    /// Scopes to ask for, space separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// A registered redirect URI (loopback only); absent means an ephemeral port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
}

/// Tokens obtained from a token endpoint, and when.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Session {
    /// The access token (a JWT or opaque).
    pub access_token: Secret,
    /// The refresh token, when the grant gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// The OpenID Connect id token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<Secret>,
    /// `token_type` as sent (only Bearer is accepted).
    pub token_type: String,
    /// The granted scope, when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Keycloak's `session_state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_state: Option<String>,
    /// Unix seconds at which the token response arrived.
    pub obtained_at: i64,
    /// Access token lifetime in seconds, when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Refresh token lifetime in seconds, when the server said (Keycloak
    /// sends 0 for offline tokens that never expire by time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<u64>,
    /// The server refused the refresh token (`invalid_grant`): only a new
    /// login helps.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub login_required: bool,
    /// The token server's clock minus ours, in seconds, from the `Date`
    /// header of the last token response (RFC 9700 on clock skew).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_clock_offset: Option<i64>,
}

impl Session {
    /// A session holding only an access token obtained at `obtained_at`:
    /// Bearer, nothing else known. Grants and imports fill in the rest.
    pub fn bearer(access_token: Secret, obtained_at: i64) -> Self {
        Self {
            access_token,
            refresh_token: None,
            id_token: None,
            token_type: "Bearer".into(),
            scope: None,
            session_state: None,
            obtained_at,
            expires_in: None,
            refresh_expires_in: None,
            login_required: false,
            server_clock_offset: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Auth, Credential, CredentialError};
    use super::*;

    fn client() -> OauthClient {
        OauthClient {
            issuer: DEFAULT_ISSUER.into(),
            client_id: "2477148-0-7475b8d2".into(),
            auth_method: AuthMethod::Post,
            client_secret: Some(Secret::new("cs".into())),
            scope: Some("account:read openid".into()),
            redirect_uri: Some("http://127.0.0.1:8765/callback".into()),
        }
    }

    fn session(access: &str) -> Session {
        Session {
            refresh_token: Some(Secret::new("r".into())),
            session_state: Some("s".into()),
            expires_in: Some(300),
            ..Session::bearer(Secret::new(access.into()), 1_700_000_000)
        }
    }

    fn oauth(
        client: Option<OauthClient>,
        session: Option<Session>,
    ) -> Result<Credential, CredentialError> {
        Credential::new(
            "work",
            super::super::DEFAULT_API,
            Auth::Oauth {
                client,
                session: session.map(Box::new),
            },
        )
    }

    #[test]
    fn oauth_entries_round_trip_through_json_in_the_stored_shape() {
        let c = oauth(Some(client()), Some(session("a.b.c"))).unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["kind"], "oauth");
        assert_eq!(json["client"]["auth_method"], "post");
        assert_eq!(json["session"]["access_token"], "a.b.c");
        assert!(json["session"].get("login_required").is_none());
        let back: Credential = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
        assert_eq!(c.auth.kind_label(), "OAuth session");
        assert!(!format!("{c:?}").contains("a.b.c"));
    }

    #[test]
    fn oauth_entries_are_validated() {
        assert_eq!(oauth(None, None).unwrap_err(), CredentialError::EmptyOauth);
        let mut remote = client();
        remote.redirect_uri = Some("https://example.com/cb".into());
        assert!(matches!(
            oauth(Some(remote), None),
            Err(CredentialError::BadRedirect { .. })
        ));
        let mut portless = client();
        portless.redirect_uri = Some("http://127.0.0.1/cb".into());
        assert!(matches!(
            oauth(Some(portless), None),
            Err(CredentialError::BadRedirect { .. })
        ));
        let mut plain = client();
        plain.issuer = "http://login.example.com/auth/realms/x".into();
        assert!(matches!(
            oauth(Some(plain), None),
            Err(CredentialError::BadApi { what: "issuer", .. })
        ));
        assert_eq!(
            oauth(None, Some(session("a b"))).unwrap_err(),
            CredentialError::SpaceInToken {
                field: "access token"
            }
        );
        assert!(oauth(None, Some(session("opaque-token"))).is_ok());
        let mut bidi = client();
        bidi.client_id = "2477148-\u{202e}0".into();
        assert_eq!(
            oauth(Some(bidi), None).unwrap_err(),
            CredentialError::FormatInValue { field: "client id" }
        );
        let mut escaped_scope = client();
        escaped_scope.scope = Some("openid\u{1b}]52;c;aGk=\u{7}".into());
        assert_eq!(
            oauth(Some(escaped_scope), None).unwrap_err(),
            CredentialError::ControlInId { field: "scope" }
        );
        type Spoil = fn(&mut Session);
        let cases: [(Spoil, CredentialError); 4] = [
            (
                |s| s.scope = Some("account:read\u{1b}[2J".into()),
                CredentialError::ControlInId {
                    field: "granted scope",
                },
            ),
            (
                |s| s.session_state = Some("\u{1b}]0;pwned\u{7}".into()),
                CredentialError::ControlInId {
                    field: "session state",
                },
            ),
            (
                |s| s.session_state = Some("abc\u{2066}".into()),
                CredentialError::FormatInValue {
                    field: "session state",
                },
            ),
            (|s| s.token_type = "mac".into(), CredentialError::NotBearer),
        ];
        for (spoil, want) in cases {
            let mut s = session("a.b.c");
            spoil(&mut s);
            assert_eq!(oauth(None, Some(s)).unwrap_err(), want);
        }
        let mut lower = session("a.b.c");
        lower.token_type = "bearer".into();
        assert!(oauth(None, Some(lower)).is_ok());
        assert_eq!(
            "client_secret_basic".parse::<AuthMethod>(),
            Ok(AuthMethod::Basic)
        );
        assert!("jwt".parse::<AuthMethod>().is_err());
    }
}
