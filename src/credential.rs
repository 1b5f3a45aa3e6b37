//! Credential kinds, their validation, and the redacting [`Secret`].
//!
//! A credential is a name, the API base it is meant for, and one kind of
//! authentication. Validation lives here so that the CLI, the store and (later)
//! the TUI refuse the same bad input with the same words. Rules for the Basic
//! scheme come from RFC 7617: the user-id must not contain a colon, and
//! neither part may contain control characters.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use crate::sanitize::{has_unsafe_char, is_format, strip_controls};

mod extras;
mod oauth;
mod secret;

pub use extras::{LearnedScopes, ProbeTarget};
pub use oauth::{AuthMethod, DEFAULT_ISSUER, KEYCLOAK_REALM_PREFIX, OauthClient, Session};
pub use secret::{Sealed, Secret};

/// The sipgate REST API base every credential gets unless told otherwise.
pub const DEFAULT_API: &str = "https://api.sipgate.com/v2";

/// Why a credential (or one of its fields) was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CredentialError {
    /// The name is empty, too long or uses characters outside `[A-Za-z0-9._-]`.
    #[error("invalid name `{name}`: use 1 to 64 of A-Z a-z 0-9 . _ -")]
    BadName {
        /// The refused name (names are not secret).
        name: String,
    },
    /// A token id or username is empty.
    #[error("the {field} is empty")]
    EmptyId {
        /// Which field, e.g. "token id".
        field: &'static str,
    },
    /// A token id or username contains `:`, which would end it early in `id:secret`.
    #[error(
        "the {field} contains `:`; Basic authentication (RFC 7617) cannot carry a colon in the user-id"
    )]
    ColonInId {
        /// Which field.
        field: &'static str,
    },
    /// A token id or username contains a control character.
    #[error("the {field} contains a control character (RFC 7617 forbids them)")]
    ControlInId {
        /// Which field.
        field: &'static str,
    },
    /// A value contains an invisible or bidirectional format character,
    /// which would make it read differently than it is.
    #[error(
        "the {field} contains an invisible or bidirectional format character (such as U+200B or U+202E); type it without"
    )]
    FormatInValue {
        /// Which field.
        field: &'static str,
    },
    /// A session's `token_type` is not Bearer, the only type sent.
    #[error("the token type is not Bearer (RFC 6750)")]
    NotBearer,
    /// A secret is empty.
    #[error("the {field} is empty")]
    EmptySecret {
        /// Which field, e.g. "token".
        field: &'static str,
    },
    /// A secret contains CR or LF, most likely a paste that took two lines.
    #[error("the {field} contains a line break (CR/LF); paste it as one line")]
    LineBreakInSecret {
        /// Which field.
        field: &'static str,
    },
    /// A secret contains another control character.
    #[error("the {field} contains a control character (RFC 7617 forbids them)")]
    ControlInSecret {
        /// Which field.
        field: &'static str,
    },
    /// An OAuth entry with neither a client nor a session.
    #[error("an OAuth entry needs a client, a session or both")]
    EmptyOauth,
    /// A token contains a space, so it cannot be one header value.
    #[error("the {field} contains a space; a token is one word")]
    SpaceInToken {
        /// Which token.
        field: &'static str,
    },
    /// A learned scope is not an RFC 6749 scope token, or there are too many.
    #[error(
        "the learned scopes are not RFC 6749 scope tokens (printable ASCII without space, `\"` or `\\`, at most 500); learn them again"
    )]
    BadLearnedScopes,
    /// A credential's own probe that cannot be used.
    #[error("invalid probe: {why}")]
    BadProbe {
        /// What is wrong.
        why: &'static str,
    },
    /// A redirect URI the loopback listener cannot serve.
    #[error("invalid redirect URI: {why}")]
    BadRedirect {
        /// What is wrong with it.
        why: &'static str,
    },
    /// The API base is not an absolute http(s) URL fit to receive credentials.
    /// The URL itself is never echoed: a mistyped one may hold a password.
    #[error("invalid {what}{}: {why}", host.as_ref().map(|h| format!(" (host `{h}`)")).unwrap_or_default())]
    BadApi {
        /// Which URL: "API base" or "issuer".
        what: &'static str,
        /// The host, when the URL parsed far enough to have one.
        host: Option<String>,
        /// What is wrong with it.
        why: &'static str,
    },
}

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

/// How a credential authenticates.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
// A store holds a handful of these; boxing the OAuth variant would buy
// nothing but noisier matches.
#[allow(clippy::large_enum_variant)]
pub enum Auth {
    /// A sipgate Personal Access Token, sent as Basic `tokenid:token`.
    Pat {
        /// The token id, e.g. `token-ABC123`.
        token_id: String,
        /// The token itself.
        token: Secret,
    },
    /// A legacy username:password Basic login.
    Basic {
        /// The username.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An OAuth2 client and its session; either may be missing (a client
    /// not logged in yet, or a bearer token imported without its client).
    Oauth {
        /// The registered client.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client: Option<OauthClient>,
        /// The tokens, once logged in. Boxed: inline, the session's 192
        /// bytes would make every credential of every kind that large (a
        /// 10,000-credential app holds 1.8 MB less).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<Box<Session>>,
    },
}

impl Auth {
    /// The kind's key as stored and accepted on the command line.
    pub fn kind(&self) -> &'static str {
        match self {
            Auth::Pat { .. } => "pat",
            Auth::Basic { .. } => "basic",
            Auth::Oauth { .. } => "oauth",
        }
    }

    /// The kind as a person reads it.
    pub fn kind_label(&self) -> &'static str {
        match self {
            Auth::Pat { .. } => "PAT",
            Auth::Basic { .. } => "Basic login",
            Auth::Oauth { session: None, .. } => "OAuth client",
            Auth::Oauth { client: None, .. } => "Bearer token",
            Auth::Oauth { .. } => "OAuth session",
        }
    }

    /// The non-secret identifier (token id, username or client id; empty
    /// for a bearer token imported without its client).
    pub fn id(&self) -> &str {
        match self {
            Auth::Pat { token_id, .. } => token_id,
            Auth::Basic { username, .. } => username,
            Auth::Oauth { client, .. } => client.as_ref().map_or("", |c| c.client_id.as_str()),
        }
    }

    /// The stored secret: token, password or client secret.
    pub fn secret(&self) -> Option<&Secret> {
        match self {
            Auth::Pat { token, .. } => Some(token),
            Auth::Basic { password, .. } => Some(password),
            Auth::Oauth { client, .. } => client.as_ref()?.client_secret.as_ref(),
        }
    }

    /// The `id:secret` pair of the Basic kinds.
    pub fn basic_pair(&self) -> Option<(&str, &Secret)> {
        match self {
            Auth::Pat { token_id, token } => Some((token_id, token)),
            Auth::Basic { username, password } => Some((username, password)),
            Auth::Oauth { .. } => None,
        }
    }

    /// Every secret this credential holds.
    pub fn secrets(&self) -> Vec<&Secret> {
        let mut out = Vec::with_capacity(4);
        match self {
            Auth::Pat { token, .. } => out.push(token),
            Auth::Basic { password, .. } => out.push(password),
            Auth::Oauth { client, session } => {
                out.extend(client.as_ref().and_then(|c| c.client_secret.as_ref()));
                if let Some(s) = session {
                    out.push(&s.access_token);
                    out.extend(s.refresh_token.as_ref());
                    out.extend(s.id_token.as_ref());
                }
            }
        }
        out
    }

    /// Every secret field with its stored name, for sealing and opening.
    pub fn secrets_mut(&mut self) -> Vec<(&'static str, &mut Secret)> {
        match self {
            Auth::Pat { token, .. } => vec![("token", token)],
            Auth::Basic { password, .. } => vec![("password", password)],
            Auth::Oauth { client, session } => {
                let mut out = Vec::with_capacity(4);
                if let Some(secret) = client.as_mut().and_then(|c| c.client_secret.as_mut()) {
                    out.push(("client_secret", secret));
                }
                if let Some(session) = session {
                    let Session {
                        access_token,
                        refresh_token,
                        id_token,
                        ..
                    } = session.as_mut();
                    out.push(("access_token", access_token));
                    out.extend(refresh_token.as_mut().map(|t| ("refresh_token", t)));
                    out.extend(id_token.as_mut().map(|t| ("id_token", t)));
                }
                out
            }
        }
    }

    /// The OAuth session, if this is one.
    pub fn session(&self) -> Option<&Session> {
        match self {
            Auth::Oauth { session, .. } => session.as_deref(),
            _ => None,
        }
    }

    /// The OAuth client, if this is one.
    pub fn client(&self) -> Option<&OauthClient> {
        match self {
            Auth::Oauth { client, .. } => client.as_ref(),
            _ => None,
        }
    }

    /// Field names for messages: (id field, secret field).
    pub fn field_names(&self) -> (&'static str, &'static str) {
        match self {
            Auth::Pat { .. } => ("token id", "token"),
            Auth::Basic { .. } => ("username", "password"),
            Auth::Oauth { .. } => ("client id", "client secret"),
        }
    }
}

/// One stored credential.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Credential {
    /// Unique name, `[A-Za-z0-9._-]{1,64}`.
    pub name: String,
    /// The API base URL, without trailing slash.
    pub api: String,
    /// Kind and secrets.
    #[serde(flatten)]
    pub auth: Auth,
    /// The scopes a scope-learning run learned for a PAT or Basic
    /// login (no secret in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned_scopes: Option<LearnedScopes>,
    /// What a probe of this credential asks for, when not the config's
    /// `probe_path` (a Keycloak client of another API has nothing at
    /// `/account`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeTarget>,
}

impl Credential {
    /// Builds a credential, validating every field.
    pub fn new(name: &str, api: &str, auth: Auth) -> Result<Self, CredentialError> {
        let credential = Self {
            name: name.to_owned(),
            api: normalize_api(api)?,
            auth,
            learned_scopes: None,
            probe: None,
        };
        credential.validate_fields()?;
        Ok(credential)
    }

    /// Checks everything but the API base, which `new` normalises and a
    /// store load checks once per distinct URL.
    pub fn validate_fields(&self) -> Result<(), CredentialError> {
        validate_name(&self.name)?;
        let (id_field, secret_field) = self.auth.field_names();
        match &self.auth {
            Auth::Pat { .. } | Auth::Basic { .. } => {
                validate_id(id_field, self.auth.id())?;
                if let Some(secret) = self.auth.secret() {
                    validate_secret(secret_field, secret)?;
                }
            }
            Auth::Oauth { client, session } => {
                if client.is_none() && session.is_none() {
                    return Err(CredentialError::EmptyOauth);
                }
                if let Some(client) = client {
                    validate_client(client)?;
                }
                if let Some(session) = session {
                    validate_session(session)?;
                }
            }
        }
        if let Some(probe) = &self.probe {
            probe.validate()?;
        }
        if let Some(learned) = &self.learned_scopes {
            learned.validate()?;
        }
        Ok(())
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

/// Masks an identifier for lists: enough to tell two apart, not to copy one.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "****".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> Secret {
        Secret::new(s.to_owned())
    }

    #[test]
    fn secret_never_prints_its_value() {
        let s = secret("hunter2");
        assert_eq!(format!("{s}"), "[REDACTED]");
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        let auth = Auth::Pat {
            token_id: "token-X".into(),
            token: s,
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }

    #[test]
    fn names_follow_the_allowed_alphabet() {
        for ok in ["a", "work", "sipgate.prod-1_x", &"n".repeat(64)] {
            assert_eq!(validate_name(ok), Ok(()), "{ok}");
        }
        for bad in ["", "has space", "slash/", "ümlaut", "a:b", &"n".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_and_secrets_are_checked_per_rfc7617() {
        let cases: &[(&str, &str, Option<CredentialError>)] = &[
            ("token-ABC", "s3cret", None),
            (
                "",
                "s3cret",
                Some(CredentialError::EmptyId { field: "token id" }),
            ),
            (
                "to:ken",
                "s3cret",
                Some(CredentialError::ColonInId { field: "token id" }),
            ),
            (
                "tok\u{7}",
                "s3cret",
                Some(CredentialError::ControlInId { field: "token id" }),
            ),
            (
                "token-\u{202e}CBA",
                "s3cret",
                Some(CredentialError::FormatInValue { field: "token id" }),
            ),
            (
                "token\u{200b}-ABC",
                "s3cret",
                Some(CredentialError::FormatInValue { field: "token id" }),
            ),
            (
                "token-\u{feff}ABC",
                "s3cret",
                Some(CredentialError::FormatInValue { field: "token id" }),
            ),
            (
                "token-ABC",
                "",
                Some(CredentialError::EmptySecret { field: "token" }),
            ),
            (
                "token-ABC",
                "a\nb",
                Some(CredentialError::LineBreakInSecret { field: "token" }),
            ),
            (
                "token-ABC",
                "a\rb",
                Some(CredentialError::LineBreakInSecret { field: "token" }),
            ),
            (
                "token-ABC",
                "a\u{1b}b",
                Some(CredentialError::ControlInSecret { field: "token" }),
            ),
            // A colon is fine in the secret half.
            ("token-ABC", "pa:ss", None),
        ];
        crate::testing::cases::check_all(cases, |(id, sec, want)| {
            let got = Credential::new(
                "x",
                DEFAULT_API,
                Auth::Pat {
                    token_id: (*id).into(),
                    token: secret(sec),
                },
            )
            .err();
            assert_eq!(&got, want, "id={id:?}");
        });
    }

    #[test]
    fn format_characters_are_refused_in_usernames_and_urls() {
        let basic = Credential::new(
            "x",
            DEFAULT_API,
            Auth::Basic {
                username: "adm\u{202e}nimda".into(),
                password: secret("pw"),
            },
        );
        let err = basic.unwrap_err();
        assert_eq!(err, CredentialError::FormatInValue { field: "username" });
        assert!(err.to_string().contains("username"), "{err}");
        for raw in ["https://x/v2\u{202e}", "https://x/\u{1b}]0;t\u{7}"] {
            assert!(normalize_api(raw).is_err(), "{raw:?}");
            assert!(normalize_issuer(raw).is_err(), "{raw:?}");
            assert!(
                validate_redirect_uri(&raw.replace("https://x", "http://127.0.0.1:1")).is_err()
            );
        }
        let err = validate_name("a\u{1b}]0;x\u{7}\u{202e}")
            .unwrap_err()
            .to_string();
        assert!(err.chars().all(crate::sanitize::is_shown), "{err:?}");
    }

    #[test]
    fn errors_never_contain_the_secret() {
        let err = Credential::new(
            "x",
            DEFAULT_API,
            Auth::Basic {
                username: "u".into(),
                password: secret("top\nsecret"),
            },
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("password") && !text.contains("top"), "{text}");
    }

    #[test]
    fn api_bases_are_normalised_or_refused() {
        assert_eq!(
            normalize_api("https://api.sipgate.com/v2/").unwrap(),
            DEFAULT_API
        );
        assert_eq!(
            normalize_api("http://127.0.0.1:8080/v2").unwrap(),
            "http://127.0.0.1:8080/v2"
        );
        assert_eq!(
            normalize_api("http://localhost/v2").unwrap(),
            "http://localhost/v2"
        );
        let cases = [
            "api.sipgate.com/v2",
            "http://api.sipgate.com/v2",
            "ftp://x/v2",
            "https://x/v2?q=1",
            "https://x/v2#f",
        ];
        crate::testing::cases::check_all(cases, |bad| {
            assert!(normalize_api(bad).is_err(), "{bad}");
        });
        let err = normalize_api("https://user:pw@x/v2")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("pw"), "{err}");
    }

    #[test]
    fn ids_are_masked_for_lists() {
        assert_eq!(mask_id("token-ABC123"), "toke…23");
        assert_eq!(mask_id("John"), "****");
    }
}
