//! The URLs of an authorization server (an issuer) and the rules for them
//! every client follows: where its discovery document is, and which of its
//! endpoint URLs may be sent secrets and tokens (https, or http on loopback;
//! no user info). The OAuth client ([`crate::oauth`]) and the JWKS fetch
//! ([`crate::jwt::verify`]) share them.

use url::Url;

use crate::credential::is_loopback;

/// The discovery URL for an issuer (OIDC Discovery §4.1: the well-known
/// path appended to the issuer, after removing a trailing slash).
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Parses an endpoint URL, or says why it may not receive secrets: plain
/// http off loopback would send them in clear text, user info would leak.
pub fn check_endpoint(raw: &str) -> Result<Url, &'static str> {
    let url = Url::parse(raw).map_err(|_| "not an absolute URL")?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err("plain http off loopback would expose secrets"),
        _ => return Err("the scheme must be https"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries user info");
    }
    Ok(url)
}
