//! A Keycloak-like OpenID Connect realm inside the sandbox.
//!
//! Any realm name works: `{base}/auth/realms/{realm}` is an issuer with
//! Keycloak's paths (`/protocol/openid-connect/{auth,token,certs,revoke,
//! userinfo,logout}` and `/auth/device`) and a discovery document. Three
//! issuers behave differently on purpose, so clients can be tested against
//! them:
//!
//! - realm `no-discovery` answers 404 for its discovery document but serves
//!   everything else (a client must fall back to Keycloak's paths);
//! - realm `liar` publishes a discovery document whose `issuer` is not its
//!   URL (a client must refuse it, OIDC Discovery §4.3);
//! - `{base}/other` is not Keycloak at all: its discovery document names
//!   other paths (`/other/oauth/authorize`, `/other/api/oauth/token`,
//!   `/other/jwks.json`, `/other/oauth/revoke`, `/other/oauth/device`), served
//!   by the same logic, so a client that follows discovery works and one that
//!   guesses Keycloak paths does not.
//!
//! All issuers share one [`RealmConfig`] (clients, users, lifetimes) and one
//! token state: codes, sessions, refresh tokens, device codes. Tokens are
//! signed with the keys in [`super::keys`]; an issuer's tokens are only good
//! at that issuer. Server-side expiry is tracked with [`Instant`]s so a 1 s
//! lifetime is exactly 1 s, whatever the JWT `exp` (whole seconds) says.
//!
//! The default clients ([`RealmConfig::default`]):
//!
//! | client id | auth | what it is for |
//! |---|---|---|
//! | [`CLIENT_POST`] | `client_secret_post` | the usual confidential client |
//! | [`CLIENT_BASIC`] | `client_secret_basic` | id and secret need url-encoding |
//! | [`CLIENT_PUBLIC`] | none, PKCE required | a public (native) client |
//! | [`CLIENT_SERVICE`] | `client_secret_post` | `client_credentials` only |
//! | [`CLIENT_OPAQUE`] | `client_secret_post` | opaque refresh tokens, no `expires_in` |
//! | [`CLIENT_NOSCOPE`] | `client_secret_post` | tokens lack `account:read` (403) |
//!
//! Users for the password grant and for approving logins: [`USERS`].

mod discovery;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::routing::get;

use crate::credential::AuthMethod;

pub use discovery::{Issuer, IssuerKind};

/// The realm `sipauth-tui sandbox` advertises (sipgate's realm name).
pub const DEFAULT_REALM: &str = "third-party";
/// A realm whose discovery document is missing (404).
pub const NO_DISCOVERY_REALM: &str = "no-discovery";
/// A realm whose discovery document names another issuer.
pub const LIAR_REALM: &str = "liar";
/// Path of the non-Keycloak issuer under the sandbox base URL.
pub const OTHER_ISSUER_PATH: &str = "/other";

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

/// The realm's shared state: configuration plus everything issued so far.
#[allow(dead_code)] // the token endpoints (next) read the config and state
pub(crate) struct Realm {
    pub(crate) base_url: String,
    pub(crate) config: RealmConfig,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {}

impl Realm {
    pub(crate) fn new(base_url: String, config: RealmConfig) -> Self {
        Self {
            base_url,
            config,
            state: Mutex::new(State::default()),
        }
    }

    #[allow(dead_code)]
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Every realm route, for any realm name and for the `/other` issuer.
pub(crate) fn router(realm: Arc<Realm>) -> Router {
    const KC: &str = "/auth/realms/{realm}";
    Router::new()
        .route(
            &format!("{KC}/.well-known/openid-configuration"),
            get(discovery::document),
        )
        .route(
            &format!("{KC}/protocol/openid-connect/certs"),
            get(discovery::certs),
        )
        .route(
            "/other/.well-known/openid-configuration",
            get(discovery::document),
        )
        .route("/other/jwks.json", get(discovery::certs))
        .with_state(realm)
}
