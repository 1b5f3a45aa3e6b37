//! OAuth2 / OpenID Connect client: endpoints, the token endpoint, and the
//! flows built on it.
//!
//! Every flow ends in one call, [`token::request`]: it authenticates the
//! client the way it is registered (form fields, HTTP Basic of the
//! form-encoded pair, or nothing but the id), reads at most
//! [`token::BODY_LIMIT`] bytes within the total timeout, and checks the
//! response field by field before anything is stored. A response that fails
//! any check is an error that says which field and why; the caller's store
//! is not touched. Endpoint URLs come from OIDC Discovery when the issuer
//! publishes it (and names itself correctly), else from Keycloak's layout
//! under the issuer ([`endpoints`]).
//!
//! Besides the authorization code flow, the grants a developer meets in the
//! wild are here too: password and client credentials ([`grants`]), the
//! device grant with its polling rules ([`device`]) and the implicit grant
//! by copy and paste ([`implicit`]).

use std::time::Duration;

use thiserror::Error;

use crate::net::{NetFailure, failure_text_at};

mod callback;
mod code_flow;
pub mod device;
mod endpoints;
pub mod grants;
pub mod implicit;
mod login_error;
pub mod pkce;
pub mod refresh;
mod revoke;
mod token;

pub use code_flow::{LoginOptions, PendingLogin, prepare};
pub use endpoints::{Endpoints, discover};
pub use login_error::{LoginError, LoginWarning};
pub use refresh::{RefreshError, RefreshOutcome, refresh};
pub use revoke::{Revoked, revoke};
pub use token::TokenResponse;
// The offline halves the fuzz targets (`crate::fuzz`) drive.
pub(crate) use callback::{Expect as CallbackExpect, judge_query};
pub(crate) use endpoints::from_body as endpoints_from_body;
pub(crate) use token::Answer;

/// Connect and total timeouts for calls to an authorization server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Until the TCP (and TLS) connection stands.
    pub connect: Duration,
    /// Until the whole response body has arrived.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(30),
        }
    }
}

/// An HTTP client for authorization servers: no redirects followed (a token
/// endpoint that redirects is misconfigured or hostile, and a redirect could
/// carry the client secret elsewhere), timeouts as given.
pub fn http_client(timeouts: Timeouts) -> Result<reqwest::Client, OauthError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .user_agent(concat!("sipauth-tui/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| OauthError::Client {
            detail: e.to_string(),
        })
}

/// Why an OAuth call failed. No variant carries a token, code or secret.
#[derive(Debug, Error)]
pub enum OauthError {
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {detail}")]
    Client {
        /// What reqwest said.
        detail: String,
    },
    /// The server could not be reached or did not answer in time.
    #[error("{what} failed: {}", net_hint(failure))]
    Network {
        /// Which call, e.g. "token request to https://…/token".
        what: String,
        /// What went wrong.
        failure: NetFailure,
    },
    /// The server answered with an OAuth error (RFC 6749 §5.2).
    #[error("{what} refused: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// Which call.
        what: String,
        /// HTTP status.
        status: u16,
        /// The `error` code, e.g. `invalid_grant`.
        error: String,
        /// `error_description`, cleaned of control characters.
        description: Option<String>,
    },
    /// The server answered with a status that is not a token response.
    #[error("{what} got HTTP {status}{}{}", content_type.as_ref().map(|c| format!(" ({c})")).unwrap_or_default(), status_advice(*status))]
    Status {
        /// Which call.
        what: String,
        /// HTTP status.
        status: u16,
        /// The response's content type.
        content_type: Option<String>,
    },
    /// The answer was not what the protocol requires.
    #[error("{what}: malformed response: {why}")]
    Malformed {
        /// Which call.
        what: String,
        /// What is wrong, naming the field.
        why: String,
    },
    /// The discovery document names another issuer: a misconfigured or
    /// spoofed server (OIDC Discovery §4.3).
    #[error(
        "discovery at {url} names issuer `{found}`, not `{expected}`; refusing to use it{}",
        issuer_slash_hint(expected, found)
    )]
    IssuerMismatch {
        /// The discovery URL.
        url: String,
        /// The configured issuer.
        expected: String,
        /// What the document says.
        found: String,
    },
    /// An endpoint URL that would expose credentials (plain http off loopback).
    #[error("{what} is not a safe endpoint: {why}")]
    UnsafeEndpoint {
        /// Which endpoint.
        what: String,
        /// Why.
        why: &'static str,
    },
}

impl OauthError {
    /// The OAuth `error` code when the server sent one.
    pub fn oauth_code(&self) -> Option<&str> {
        match self {
            OauthError::Refused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the refresh token (or code) was refused for good: only a new
    /// login helps (RFC 6749 §5.2 `invalid_grant`).
    pub fn is_invalid_grant(&self) -> bool {
        self.oauth_code() == Some("invalid_grant")
    }
}

/// A network failure's words (its fix is a face's business): the OAuth
/// calls go to hosts from the issuer (its discovery document names the
/// endpoints), so that is what a DNS failure says to check.
fn net_hint(failure: &NetFailure) -> String {
    failure_text_at(failure, "the issuer URL")
}

/// Advice when two issuers differ only by a trailing slash, the common
/// slip with `--issuer`: OIDC compares issuers as exact strings, so the
/// configured one must be re-entered as the server spells it.
pub(crate) fn issuer_slash_hint(expected: &str, found: &str) -> String {
    let has = if expected.strip_suffix('/') == Some(found) {
        "has a trailing slash that the server's lacks"
    } else if found.strip_suffix('/') == Some(expected) {
        "lacks the trailing slash the server's has"
    } else {
        return String::new();
    };
    format!("; the configured issuer {has}; OIDC compares issuers exactly")
}

fn status_advice(status: u16) -> &'static str {
    match status {
        300..=399 => {
            "; the endpoint redirects, which an OAuth endpoint must not: check the issuer URL"
        }
        404 => "; the endpoint does not exist: check the issuer URL or realm",
        405 => "; wrong method for this endpoint: check the issuer URL",
        500..=599 => "; the server failed: try again later, the stored session is unchanged",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issuer_mismatch_by_a_trailing_slash_says_how_to_fix_it() {
        let url = "https://id.example/r/.well-known/openid-configuration".to_owned();
        let cases = [
            (
                "https://id.example/r/",
                "https://id.example/r",
                Some("has a trailing slash that the server's lacks; OIDC compares issuers exactly"),
            ),
            (
                "https://id.example/r",
                "https://id.example/r/",
                Some("lacks the trailing slash the server's has; OIDC compares issuers exactly"),
            ),
            ("https://id.example/r", "https://evil.example/r", None),
            ("https://id.example/r//", "https://id.example/r", None),
        ];
        crate::testing::cases::check_all(cases, |(expected, found, hint)| {
            let message = OauthError::IssuerMismatch {
                url: url.clone(),
                expected: expected.into(),
                found: found.into(),
            }
            .to_string();
            assert!(message.contains("refusing to use it"), "{message}");
            match hint {
                Some(hint) => assert!(message.contains(hint), "{message}"),
                None => assert!(!message.contains("trailing slash"), "{message}"),
            }
        });
    }
}
