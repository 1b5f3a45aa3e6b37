//! Why a browser login did not produce tokens: the one error the loopback
//! listener ([`super::callback`]), the code flow ([`super::code_flow`]) and
//! the implicit flow ([`super::implicit`]) all report; and the warnings a
//! waiting login gives about redirects that ended nothing.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use thiserror::Error;

use super::OauthError;
use super::pkce::RandomError;
use crate::credential::CredentialError;
use crate::time_text::humanize;

/// Why a browser login did not produce tokens. No variant carries a token,
/// code, verifier or secret.
#[derive(Debug, Error)]
pub enum LoginError {
    /// No callback completed the login in time.
    #[error("no login arrived within {}; the listener is closed{}", humanize(after.as_secs()), last.as_ref().map(|w| format!("; the last redirect: {w}")).unwrap_or_default())]
    Timeout {
        /// The time waited.
        after: Duration,
        /// The last redirect with this login's state that ended nothing.
        last: Option<LoginWarning>,
    },
    /// The user cancelled (Ctrl-C).
    #[error("login cancelled; nothing was stored")]
    Cancelled,
    /// The id token answers another request: replayed or injected.
    #[error(
        "the id token's nonce does not match this login (a replayed or injected response); nothing was stored"
    )]
    NonceMismatch,
    /// The id token could not be read.
    #[error("the id token is not a readable JWT: {0}")]
    IdToken(String),
    /// The port is taken by another program.
    #[error(
        "cannot listen on {addr} for the login callback: the port is in use by another program; close it, or pick another port (and register the redirect URI)"
    )]
    PortInUse {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// Binding failed for another reason.
    #[error("cannot listen on {addr} for the login callback")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The port asked for differs from the configured redirect URI's port.
    #[error(
        "the port {given} asked for conflicts with the registered redirect URI's port {configured}"
    )]
    PortConflict {
        /// The port asked for.
        given: u16,
        /// The redirect URI's port.
        configured: u16,
    },
    /// The listener failed while waiting.
    #[error("the login listener failed: {0}")]
    Listener(String),
    /// The configured redirect URI is unusable.
    #[error(transparent)]
    Redirect(#[from] CredentialError),
    /// No randomness for state, nonce or verifier.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The code exchange failed.
    #[error(transparent)]
    Oauth(#[from] OauthError),
}

/// A redirect with this login's `state` that ended nothing. Anyone who can
/// read the authorization URL (another local user, from the browser's
/// command line) can send one, so it cannot end the login: the listener
/// keeps waiting and the face shows this. Its words come from the browser's
/// redirect (or, for a refused code, from the token endpoint), never from
/// this program.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum LoginWarning {
    /// `error=…` on the redirect (the user may have denied consent, or a
    /// forger wants the login to end).
    #[error("the browser redirect said: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Redirect {
        /// The `error` parameter, cleaned.
        error: String,
        /// `error_description`, cleaned.
        description: Option<String>,
    },
    /// The redirect's `iss` names another issuer (RFC 9207).
    #[error(
        "a browser redirect comes from issuer `{found}`, not `{expected}` (RFC 9207: a mix-up attack or a misconfigured server); its code was not used"
    )]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// The `iss` parameter, cleaned.
        found: String,
    },
    /// The server promises `iss` (RFC 9207) but the redirect has none.
    #[error(
        "a browser redirect has no `iss` although {expected} promises one (RFC 9207: a mix-up attack or a misconfigured server); its code was not used"
    )]
    IssuerMissing {
        /// The configured issuer.
        expected: String,
    },
    /// The token endpoint refused the redirect's code (`invalid_grant`):
    /// forged, stale or already used.
    #[error("the token endpoint refused the code of a browser redirect: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    CodeRefused {
        /// The OAuth `error`.
        error: String,
        /// `error_description`, struck of secrets and cleaned.
        description: Option<String>,
    },
}
