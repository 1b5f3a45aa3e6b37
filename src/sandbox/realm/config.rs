//! Who and what the realm knows: its clients, users, lifetimes and grants.
//!
//! The defaults are the sandbox's public sample values; tests build their
//! own [`RealmConfig`] with struct-update syntax to shorten lifetimes.

use std::time::Duration;

use crate::credential::AuthMethod;

/// Confidential client authenticating with `client_secret_post`.
pub const CLIENT_POST: &str = "sandbox-post";
/// Secret of [`CLIENT_POST`] (a public sandbox value).
pub const CLIENT_POST_SECRET: &str = "sandbox-post-secret";
/// Confidential client with `client_secret_basic` only; its id and secret
/// contain characters that must be form-urlencoded in the Basic header.
pub const CLIENT_BASIC: &str = "sandbox:basic";
/// Secret of [`CLIENT_BASIC`].
pub const CLIENT_BASIC_SECRET: &str = "s3cr/t+&=x";
/// Public client (no secret); PKCE is mandatory.
pub const CLIENT_PUBLIC: &str = "sandbox-public";
/// Confidential client for the `client_credentials` grant only.
pub const CLIENT_SERVICE: &str = "sandbox-service";
/// Secret of [`CLIENT_SERVICE`].
pub const CLIENT_SERVICE_SECRET: &str = "sandbox-service-secret";
/// Confidential client whose refresh tokens are opaque and whose token
/// responses carry no `expires_in` / `refresh_expires_in`.
pub const CLIENT_OPAQUE: &str = "sandbox-opaque";
/// Secret of [`CLIENT_OPAQUE`].
pub const CLIENT_OPAQUE_SECRET: &str = "sandbox-opaque-secret";
/// Confidential client whose tokens lack `account:read` (the probe gets 403).
pub const CLIENT_NOSCOPE: &str = "sandbox-noscope";
/// Secret of [`CLIENT_NOSCOPE`].
pub const CLIENT_NOSCOPE_SECRET: &str = "sandbox-noscope-secret";

/// The scope the sandbox's `/v2/account` requires of bearer tokens.
pub const ACCOUNT_SCOPE: &str = "account:read";

/// A user of the realm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    /// Login name (`preferred_username`).
    pub username: &'static str,
    /// Password for the password grant.
    pub password: &'static str,
    /// Stable subject id (`sub`).
    pub sub: &'static str,
    /// E-mail address.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
}

/// The realm's users: John (the sipgate documentation's sample login; he
/// approves browser and device logins) and Jane.
pub const USERS: [User; 2] = [
    User {
        username: "John",
        password: "topsecret",
        sub: "5f1c7a52-1b6e-4a8e-9d1e-000000000001",
        email: "john@sandbox.invalid",
        name: "John Sandbox",
    },
    User {
        username: "Jane",
        password: "sandbox-jane-pw",
        sub: "5f1c7a52-1b6e-4a8e-9d1e-000000000002",
        email: "jane@sandbox.invalid",
        name: "Jane Sandbox",
    },
];

/// Grant types a client may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Grant {
    /// `authorization_code` (and `response_type=code`).
    AuthorizationCode,
    /// `response_type=token` at the authorization endpoint.
    Implicit,
    /// `refresh_token`.
    RefreshToken,
    /// `password` (resource owner password credentials).
    Password,
    /// `client_credentials`.
    ClientCredentials,
    /// `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628).
    DeviceCode,
}

/// The `grant_type` value of the device grant.
pub const DEVICE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

impl Grant {
    /// The `grant_type` form value (`implicit` for the implicit flow).
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::Implicit => "implicit",
            Grant::RefreshToken => "refresh_token",
            Grant::Password => "password",
            Grant::ClientCredentials => "client_credentials",
            Grant::DeviceCode => DEVICE_GRANT_TYPE,
        }
    }

    /// Every grant, in discovery order.
    pub const ALL: [Grant; 6] = [
        Grant::AuthorizationCode,
        Grant::Implicit,
        Grant::RefreshToken,
        Grant::Password,
        Grant::ClientCredentials,
        Grant::DeviceCode,
    ];
}

/// One registered client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// `client_id`.
    pub id: String,
    /// The secret; `None` for a public client.
    pub secret: Option<String>,
    /// The one way it must authenticate at the token endpoint.
    pub method: AuthMethod,
    /// Scopes granted (`openid` only when asked for), space separated.
    pub scope: String,
    /// Grants it may use.
    pub grants: Vec<Grant>,
    /// Refresh tokens are opaque strings instead of JWTs.
    pub opaque_refresh: bool,
    /// Token responses leave out `expires_in` and `refresh_expires_in`.
    pub omit_expires_in: bool,
}

impl ClientConfig {
    /// A confidential `client_secret_post` client with the interactive grants.
    pub fn confidential(id: &str, secret: &str) -> Self {
        Self {
            id: id.to_owned(),
            secret: Some(secret.to_owned()),
            method: AuthMethod::Post,
            scope: format!("openid profile email {ACCOUNT_SCOPE}"),
            grants: vec![
                Grant::AuthorizationCode,
                Grant::Implicit,
                Grant::RefreshToken,
                Grant::Password,
                Grant::DeviceCode,
            ],
            opaque_refresh: false,
            omit_expires_in: false,
        }
    }

    /// Whether it has no secret.
    pub fn is_public(&self) -> bool {
        self.secret.is_none()
    }

    /// Whether it may use `grant`.
    pub fn allows(&self, grant: Grant) -> bool {
        self.grants.contains(&grant)
    }
}

/// Lifetimes and clients of the sandbox realm.
#[derive(Clone, Debug)]
pub struct RealmConfig {
    /// Access (and id) token lifetime; default 300 s.
    pub access_ttl: Duration,
    /// Refresh token lifetime; default 30 days.
    pub refresh_ttl: Duration,
    /// Authorization code lifetime; default 60 s.
    pub code_ttl: Duration,
    /// Device code lifetime; default 600 s.
    pub device_ttl: Duration,
    /// Minimum time between device-code polls; default 5 s (0 for tests).
    pub device_interval: Duration,
    /// How much each `slow_down` adds to the interval; RFC 8628 says 5 s.
    pub slow_down_step: Duration,
    /// Algorithm of every token minted: RS256 (default), PS256 or ES256
    /// (anything else falls back to RS256).
    pub signing_alg: jsonwebtoken::Algorithm,
    /// The registered clients.
    pub clients: Vec<ClientConfig>,
}

impl Default for RealmConfig {
    fn default() -> Self {
        let mut basic = ClientConfig::confidential(CLIENT_BASIC, CLIENT_BASIC_SECRET);
        basic.method = AuthMethod::Basic;
        let mut public = ClientConfig::confidential(CLIENT_PUBLIC, "");
        public.secret = None;
        public.method = AuthMethod::None;
        let mut service = ClientConfig::confidential(CLIENT_SERVICE, CLIENT_SERVICE_SECRET);
        service.grants = vec![Grant::ClientCredentials];
        service.scope = format!("profile email {ACCOUNT_SCOPE}");
        let mut opaque = ClientConfig::confidential(CLIENT_OPAQUE, CLIENT_OPAQUE_SECRET);
        opaque.opaque_refresh = true;
        opaque.omit_expires_in = true;
        let mut noscope = ClientConfig::confidential(CLIENT_NOSCOPE, CLIENT_NOSCOPE_SECRET);
        noscope.scope = "openid profile email".to_owned();
        Self {
            access_ttl: Duration::from_secs(300),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            code_ttl: Duration::from_secs(60),
            device_ttl: Duration::from_secs(600),
            device_interval: Duration::from_secs(5),
            slow_down_step: Duration::from_secs(5),
            signing_alg: jsonwebtoken::Algorithm::RS256,
            clients: vec![
                ClientConfig::confidential(CLIENT_POST, CLIENT_POST_SECRET),
                basic,
                public,
                service,
                opaque,
                noscope,
            ],
        }
    }
}

impl RealmConfig {
    /// The client with this id.
    pub fn client(&self, id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.id == id)
    }
}
