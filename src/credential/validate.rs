//! The rules every credential field is checked by, shared by the CLI, the
//! store and the app so that they refuse the same input in the same words:
//! names, ids and secrets (RFC 7617: no colon in a user-id, no control
//! characters), API and issuer URLs, redirect URIs (RFC 8252 loopback),
//! scope tokens (RFC 6749 §3.3), OAuth clients and sessions.

use url::Url;

use crate::sanitize::{has_unsafe_char, is_format, strip_controls};

use super::{CredentialError, OauthClient, Secret, Session};

/// Checks a credential name: `[A-Za-z0-9._-]{1,64}`.
pub fn validate_name(name: &str) -> Result<(), CredentialError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(CredentialError::BadName {
            name: strip_controls(name).chars().take(80).collect(),
        })
    }
}

/// Checks the user-id half of a Basic pair (a token id or a username).
pub fn validate_id(field: &'static str, value: &str) -> Result<(), CredentialError> {
    if value.is_empty() {
        Err(CredentialError::EmptyId { field })
    } else if value.contains(':') {
        Err(CredentialError::ColonInId { field })
    } else {
        check_text(field, value)
    }
}

/// Checks a free text field (an id, a scope): no control character and no
/// format character ([`crate::sanitize::is_format`]), so what is stored
/// prints as it reads.
pub fn check_text(field: &'static str, value: &str) -> Result<(), CredentialError> {
    if value.chars().any(char::is_control) {
        Err(CredentialError::ControlInId { field })
    } else if value.chars().any(is_format) {
        Err(CredentialError::FormatInValue { field })
    } else {
        Ok(())
    }
}

/// Checks the secret half of a Basic pair (a token or a password).
pub fn validate_secret(field: &'static str, value: &Secret) -> Result<(), CredentialError> {
    let value = value.expose();
    if value.is_empty() {
        Err(CredentialError::EmptySecret { field })
    } else if value.contains(['\r', '\n']) {
        Err(CredentialError::LineBreakInSecret { field })
    } else if value.chars().any(char::is_control) {
        Err(CredentialError::ControlInSecret { field })
    } else {
        Ok(())
    }
}

/// Normalises an API base: absolute https URL (plain http only on loopback),
/// no user info, query or fragment, no trailing slash.
pub fn normalize_api(raw: &str) -> Result<String, CredentialError> {
    let url = check_url(
        raw,
        "API base",
        "not an absolute URL such as https://api.sipgate.com/v2",
    )?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Checks an OAuth issuer by the same rules as an API base, but keeps it as
/// typed: OIDC Discovery compares issuers as exact strings, trailing slash
/// included.
pub fn normalize_issuer(raw: &str) -> Result<String, CredentialError> {
    let raw = raw.trim();
    check_url(
        raw,
        "issuer",
        "not an absolute URL such as https://login.sipgate.com/auth/realms/third-party",
    )?;
    Ok(raw.to_owned())
}

fn check_url(
    raw: &str,
    what: &'static str,
    unparsable: &'static str,
) -> Result<Url, CredentialError> {
    let raw = raw.trim();
    // The URL parser would percent-encode these, but the raw string is
    // what an issuer is kept and compared as.
    if has_unsafe_char(raw) {
        return Err(CredentialError::BadApi {
            what,
            host: None,
            why: "it contains a control or invisible format character",
        });
    }
    let url = Url::parse(raw).map_err(|_| CredentialError::BadApi {
        what,
        host: None,
        why: unparsable,
    })?;
    let bad = |why| CredentialError::BadApi {
        what,
        host: url.host_str().map(strip_controls),
        why,
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("put credentials in the store, not in the URL"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "plain http would send credentials in clear text; use https",
            ));
        }
        _ => return Err(bad("the scheme must be https")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL has no query or fragment"));
    }
    Ok(url)
}

/// Whether a URL points at this machine (127.0.0.0/8, ::1 or `localhost`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A scope token (RFC 6749 section 3.3): printable ASCII but space, `"`
/// and `\`, at most 200 bytes here.
pub fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

/// Checks an OAuth client: a client id without control characters (a colon
/// is fine: Basic client authentication form-encodes it first), a loopback
/// redirect URI, a clean secret.
pub fn validate_client(client: &OauthClient) -> Result<(), CredentialError> {
    let field = "client id";
    if client.client_id.is_empty() {
        return Err(CredentialError::EmptyId { field });
    }
    check_text(field, &client.client_id)?;
    normalize_issuer(&client.issuer)?;
    if let Some(secret) = &client.client_secret {
        validate_secret("client secret", secret)?;
    }
    if let Some(uri) = &client.redirect_uri {
        validate_redirect_uri(uri)?;
    }
    if let Some(scope) = &client.scope {
        check_text("scope", scope)?;
    }
    Ok(())
}

/// Checks a redirect URI for the loopback listener: `http://127.0.0.1:PORT/…`
/// or `http://[::1]:PORT/…` (or `localhost`), per RFC 8252 §7.3.
pub fn validate_redirect_uri(raw: &str) -> Result<Url, CredentialError> {
    if has_unsafe_char(raw) {
        return Err(CredentialError::BadRedirect {
            why: "it contains a control or invisible format character",
        });
    }
    let url = Url::parse(raw).map_err(|_| CredentialError::BadRedirect {
        why: "not an absolute URL such as http://127.0.0.1:8765/callback",
    })?;
    if url.scheme() != "http" || !is_loopback(&url) {
        return Err(CredentialError::BadRedirect {
            why: "the listener only binds loopback: use http://127.0.0.1:PORT/PATH",
        });
    }
    if url.port().is_none() {
        return Err(CredentialError::BadRedirect {
            why: "give the registered port explicitly, e.g. http://127.0.0.1:8765/callback",
        });
    }
    if url.fragment().is_some() {
        return Err(CredentialError::BadRedirect {
            why: "a redirect URI has no fragment (RFC 6749 §3.1.2)",
        });
    }
    Ok(url)
}

/// Checks a session: tokens present, and nothing that would break a
/// header line; a Bearer token type; a scope and session state that print
/// as they read.
pub fn validate_session(session: &Session) -> Result<(), CredentialError> {
    if !session.token_type.eq_ignore_ascii_case("bearer") {
        return Err(CredentialError::NotBearer);
    }
    if let Some(scope) = &session.scope {
        check_text("granted scope", scope)?;
    }
    if let Some(state) = &session.session_state {
        check_text("session state", state)?;
    }
    let tokens = [
        ("access token", Some(&session.access_token)),
        ("refresh token", session.refresh_token.as_ref()),
        ("id token", session.id_token.as_ref()),
    ];
    for (field, token) in tokens {
        if let Some(token) = token {
            validate_secret(field, token)?;
            if token.expose().contains(' ') {
                return Err(CredentialError::SpaceInToken { field });
            }
        }
    }
    Ok(())
}
