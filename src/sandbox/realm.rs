//! A Keycloak-like OpenID Connect realm inside the sandbox.
//!
//! Any realm name works: `{base}/auth/realms/{realm}` is an issuer with
//! Keycloak's paths (`/protocol/openid-connect/{auth,token,certs,revoke,
//! userinfo,logout}` and `/auth/device`) and a discovery document. Five
//! issuers behave differently on purpose, so clients can be tested against
//! them:
//!
//! - realm `no-discovery` answers 404 for its discovery document but serves
//!   everything else (a client must fall back to Keycloak's paths);
//! - realm `broken-discovery` answers 500 for its discovery document, and
//!   realm `garbled-discovery` a 200 HTML page, but both serve everything
//!   else (a client must report the failure, not guess);
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
//! signed with the keys in [`crate::sandbox_keys`]; an issuer's tokens are only good
//! at that issuer. Server-side expiry is tracked with
//! [`Instant`](std::time::Instant)s so a 1 s lifetime is exactly 1 s,
//! whatever the JWT `exp` (whole seconds) says.
//!
//! Test hooks, besides [`RealmConfig`] (lifetimes, device interval, signing
//! algorithm, clients): on the handle, [`SandboxHandle::set_token_fault`]
//! ([`TokenFault`]: bad status, arbitrary or huge body, delay, trickle),
//! [`SandboxHandle::token_requests`], [`SandboxHandle::revocations`],
//! [`SandboxHandle::approve_device`] / `deny_device`; over HTTP,
//! `sandbox_deny=1` on the authorization request refuses consent and
//! `POST {issuer}/device/approve?user_code=…[&deny=1]` decides a device
//! login. Nothing recorded ever holds a token, code or secret.
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

mod authorize;
mod client_auth;
mod config;
mod device;
mod discovery;
mod error;
mod fault;
mod grant_ctx;
mod mint;
mod session;
mod state;
mod token;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::routing::{get, post};

use super::SandboxHandle;

pub use config::{
    ACCOUNT_SCOPE, CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_NOSCOPE, CLIENT_NOSCOPE_SECRET,
    CLIENT_OPAQUE, CLIENT_OPAQUE_SECRET, CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC,
    CLIENT_SERVICE, CLIENT_SERVICE_SECRET, ClientConfig, DEVICE_GRANT_TYPE, Grant, RealmConfig,
    USERS, User,
};
pub use discovery::{Issuer, IssuerKind};
pub use fault::TokenFault;
pub(crate) use session::{InvalidToken, bearer_token, verify};
pub use state::{Revocation, Revoked, TokenRequest};

/// The realm `sipauth-tui sandbox` advertises (sipgate's realm name).
pub const DEFAULT_REALM: &str = "third-party";
/// A realm whose discovery document is missing (404).
pub const NO_DISCOVERY_REALM: &str = "no-discovery";
/// A realm whose discovery document fails with a 500.
pub const BROKEN_DISCOVERY_REALM: &str = "broken-discovery";
/// A realm whose discovery document is an HTML page (200).
pub const GARBLED_DISCOVERY_REALM: &str = "garbled-discovery";
/// A realm whose discovery document names another issuer.
pub const LIAR_REALM: &str = "liar";
/// Path of the non-Keycloak issuer under the sandbox base URL.
pub const OTHER_ISSUER_PATH: &str = "/other";

/// The realm's shared state: configuration plus everything issued so far.
pub(crate) struct Realm {
    pub(crate) base_url: String,
    pub(crate) config: RealmConfig,
    state: Mutex<state::State>,
}

impl Realm {
    pub(crate) fn new(base_url: String, config: RealmConfig) -> Self {
        Self {
            base_url,
            config,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the `Echo` fault is set (it answers beyond the token endpoint).
    fn echoes(&self) -> bool {
        self.state().fault == Some(TokenFault::Echo)
    }
}

/// Test hooks and counters of the realm.
impl SandboxHandle {
    /// Makes every token request fail as `fault` says, until set to `None`.
    pub fn set_token_fault(&self, fault: Option<TokenFault>) {
        self.shared.realm.state().fault = fault;
    }

    /// Mints tokens as if `ago` earlier (`iat`, `exp` and the sandbox's own
    /// deadlines), until set back to zero: the demo seeds sessions obtained
    /// minutes before start this way, so their tokens agree with the store.
    pub fn set_backdate(&self, ago: std::time::Duration) {
        self.shared.realm.state().backdate = ago;
    }

    /// Every token request so far (grant type and client id), oldest first.
    pub fn token_request_log(&self) -> Vec<TokenRequest> {
        self.shared.realm.state().token_requests.clone()
    }

    /// How many token requests had this `grant_type`.
    pub fn token_requests(&self, grant_type: &str) -> usize {
        let state = self.shared.realm.state();
        state
            .token_requests
            .iter()
            .filter(|r| r.grant_type == grant_type)
            .count()
    }

    /// Every accepted revocation request, oldest first.
    pub fn revocations(&self) -> Vec<Revocation> {
        self.shared.realm.state().revocations.clone()
    }

    /// Approves the pending device login with this user code (as John);
    /// whether there was one.
    pub fn approve_device(&self, user_code: &str) -> bool {
        device::decide(&mut self.shared.realm.state(), user_code, true)
    }

    /// Denies the pending device login with this user code.
    pub fn deny_device(&self, user_code: &str) -> bool {
        device::decide(&mut self.shared.realm.state(), user_code, false)
    }

    /// How many sessions (logins) are still alive.
    pub fn live_sessions(&self) -> usize {
        let state = self.shared.realm.state();
        state.sessions.values().filter(|s| s.alive).count()
    }
}

/// Every realm route, for any realm name and for the `/other` issuer.
pub(crate) fn router(realm: Arc<Realm>) -> Router {
    const KC: &str = "/auth/realms/{realm}";
    const OIDC: &str = "/auth/realms/{realm}/protocol/openid-connect";
    Router::new()
        .route(
            &format!("{KC}/.well-known/openid-configuration"),
            get(discovery::document),
        )
        .route(&format!("{OIDC}/certs"), get(discovery::certs))
        .route(&format!("{OIDC}/auth"), get(authorize::authorize))
        .route(&format!("{OIDC}/auth/device"), post(device::authorize))
        .route(&format!("{OIDC}/token"), post(token::token))
        .route(&format!("{OIDC}/revoke"), post(session::revoke))
        .route(
            &format!("{OIDC}/userinfo"),
            get(session::userinfo).post(session::userinfo),
        )
        .route(
            &format!("{OIDC}/logout"),
            get(session::logout).post(session::logout),
        )
        .route(&format!("{KC}/device"), get(device::page))
        .route(&format!("{KC}/device/approve"), post(device::approve))
        .route(
            "/other/.well-known/openid-configuration",
            get(discovery::document),
        )
        .route("/other/jwks.json", get(discovery::certs))
        .route("/other/oauth/authorize", get(authorize::authorize))
        .route("/other/oauth/device", post(device::authorize))
        .route("/other/api/oauth/token", post(token::token))
        .route("/other/oauth/revoke", post(session::revoke))
        .route(
            "/other/oauth/userinfo",
            get(session::userinfo).post(session::userinfo),
        )
        .route(
            "/other/oauth/logout",
            get(session::logout).post(session::logout),
        )
        .route("/other/device", get(device::page))
        .route("/other/device/approve", post(device::approve))
        .with_state(realm)
}
