//! Recognising credentials that were exported or pasted elsewhere: a token
//! response, a sipgate `.env` file, an `Authorization` header line.
//!
//! [`parse`] is pure: it takes the text and `now` and returns what it found
//! as an [`Auth`] ready to store, or an error that says what the input looked
//! like and what is accepted. Errors never quote the input, which is full of
//! secrets. The formats are told apart by their first meaningful line:
//!
//! - `{` starts a token response (RFC 6749 §5.1), checked by
//!   [`TokenResponse::from_json`]. It was obtained when the access token's
//!   JWT `iat` says, else (opaque) at an unknown time taken as `now`; the
//!   access token's JWT `exp`, when earlier, wins (see
//!   [`crate::expiry::access_expiry`]), so an old response reads as expired;
//!   `refresh_expires_in` is likewise capped by the refresh token's `exp`.
//!   When the access token is a JWT naming `iss` and `azp`, the client is
//!   derived from them as a public client (auth method `none`, no secret:
//!   the response does not carry one), so `refresh` and `login` know where
//!   to go; otherwise the session stands alone (bearer only). Attached to
//!   an existing entry instead, its tokens must name that entry's issuer
//!   ([`foreign_issuer`]).
//! - `Authorization: Basic …` or `Basic …` is decoded: a user part that
//!   starts with `token-` (a sipgate token id) makes a PAT, anything else a
//!   Basic login.
//! - `Authorization: Bearer …` or `Bearer …` is a bearer-only session whose
//!   expiry comes from the JWT `exp` when there is one, else is unknown.
//! - `curl …` (a pasted command line: quotes, `\` line continuations) is
//!   read for `-u/--user`, `-H/--header 'Authorization: …'`,
//!   `--oauth2-bearer` and its URL ([`curl`]).
//! - `KEY=VALUE` lines are a `.env` file; the token id and token are taken
//!   from the first complete pair of [`ENV_KEYS`]. `export ` prefixes,
//!   spaces around `=`, single or double quotes, `#` comments, blank lines
//!   and CRLF line ends are understood.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::credential::{
    Auth, AuthMethod, CredentialError, OauthClient, Secret, Session, validate_client, validate_id,
    validate_secret, validate_session,
};
use crate::jwt;
use crate::oauth::TokenResponse;
use crate::sanitize::strip_controls;

/// Inputs larger than this are refused (a token response is a few KB).
pub const MAX_INPUT: usize = 1 << 20;

/// The prefix of sipgate token ids.
const TOKEN_ID_PREFIX: &str = "token-";

/// What the input was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A token-response JSON object.
    TokenResponse,
    /// A `.env` file with a token id and a token.
    EnvFile,
    /// An `Authorization: Basic` line.
    BasicHeader,
    /// An `Authorization: Bearer` line.
    BearerHeader,
    /// A curl command line.
    CurlCommand,
}

impl Format {
    /// How the format is named in messages.
    pub fn label(self) -> &'static str {
        match self {
            Format::TokenResponse => "token response",
            Format::EnvFile => ".env file",
            Format::BasicHeader => "Basic header",
            Format::BearerHeader => "Bearer header",
            Format::CurlCommand => "curl command",
        }
    }
}

/// A recognised credential, ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// What the input was.
    pub format: Format,
    /// The credential it holds.
    pub auth: Auth,
    /// The API base the input names, when it is a known API (a curl
    /// command's URL under `https://api.sipgate.com/v2`).
    pub api: Option<String>,
}

/// Why an input could not be imported. No variant carries any of the input's
/// values except `.env` key names.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ImportError {
    /// Nothing but whitespace.
    #[error("the input is empty")]
    Empty,
    /// Over [`MAX_INPUT`].
    #[error("the input is larger than {} KiB; that is no credential", MAX_INPUT / 1024)]
    TooLarge,
    /// Starts like JSON but does not parse.
    #[error("the input starts like JSON but is not valid JSON ({why})")]
    Json {
        /// Where the parser stopped (line and column, never the content).
        why: String,
    },
    /// JSON, but not a usable token response.
    #[error("the JSON is not a usable token response: {why}")]
    TokenResponse {
        /// Which field and why.
        why: String,
    },
    /// An Authorization line that cannot be used.
    #[error("the {scheme} header cannot be used: {why}")]
    Header {
        /// `Basic` or `Bearer`.
        scheme: &'static str,
        /// What is wrong.
        why: &'static str,
    },
    /// An Authorization line with a scheme other than Basic or Bearer.
    #[error("the Authorization header {}; only Basic and Bearer can be imported", scheme_text(scheme.as_deref()))]
    Scheme {
        /// The scheme as written, when it is one: a short RFC 7235 token
        /// with credentials after it. Anything else (a bare token pasted
        /// without `Bearer`, say) may be the secret itself and is not quoted.
        scheme: Option<String>,
    },
    /// A `.env` file without a token id and token.
    #[error(
        "the .env file has no token id and token: it sets {}; expected SIPGATE_TOKEN_ID and SIPGATE_TOKEN (or TOKEN_ID and TOKEN)",
        if keys.is_empty() { "no keys".to_owned() } else { keys.join(", ") }
    )]
    EnvKeys {
        /// The keys it does set (names only).
        keys: Vec<String>,
    },
    /// A `.env` value that is still the example's placeholder.
    #[error("`{key}` in the .env file still holds the example placeholder; fill in the real value")]
    Placeholder {
        /// The key.
        key: String,
    },
    /// A `.env` line that cannot be read.
    #[error("line {line} of the .env file is not KEY=VALUE{}", if *unterminated { " (a quote is not closed)" } else { "" })]
    EnvLine {
        /// 1-based line number.
        line: usize,
        /// Whether a quoted value lacks its closing quote.
        unterminated: bool,
    },
    /// A curl command that cannot be read or used.
    #[error("the curl command {why}")]
    Curl {
        /// What is wrong (never a value from it).
        why: &'static str,
    },
    /// A curl `-u USER` without a password: it must be asked for, not
    /// stored empty.
    #[error(
        "the curl command's -u gives the {field} `{user}` but no {secret}; run `import` on a terminal to be asked for it, or add `:{secret}` after the {field}"
    )]
    CurlNoPassword {
        /// The user-id (a token id or username, not secret).
        user: String,
        /// "token id" or "username".
        field: &'static str,
        /// "token" or "password".
        secret: &'static str,
    },
    /// A field failed the credential checks.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// None of the accepted formats.
    #[error(
        "the input is not a format `import` understands{hint}; accepted: a token-response JSON object, a .env file with SIPGATE_TOKEN_ID and SIPGATE_TOKEN, an `Authorization: Basic …` / `Authorization: Bearer …` line, or a curl command with curl's -u, -H 'Authorization: …' or --oauth2-bearer"
    )]
    Unrecognised {
        /// What it did look like, as ` (…)`, or empty.
        hint: &'static str,
    },
}

/// Recognises `input` and turns it into a credential obtained at `now`.
pub fn parse(input: &str, now: i64) -> Result<Imported, ImportError> {
    if input.len() > MAX_INPUT {
        return Err(ImportError::TooLarge);
    }
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ImportError::Empty);
    }
    if trimmed.starts_with('{') {
        return token_response(trimmed, now);
    }
    if curl::looks_like(trimmed) {
        return curl::parse(trimmed, now);
    }
    let meaningful: Vec<&str> = trimmed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if let [line] = meaningful.as_slice()
        && let Some((scheme, value)) = header_parts(line)
    {
        return header(scheme, value, now);
    }
    if meaningful.iter().any(|l| env::key(l).is_some()) {
        return env::parse(input);
    }
    let hint = if jwt::looks_like_jwt(trimmed) {
        " (it looks like a bare JWT: prefix it with `Bearer `)"
    } else if meaningful.len() > 1 && meaningful.iter().any(|l| header_parts(l).is_some()) {
        " (an Authorization line must be the only line)"
    } else {
        ""
    };
    Err(ImportError::Unrecognised { hint })
}

fn token_response(text: &str, now: i64) -> Result<Imported, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::Json {
        why: format!(
            "{} at line {} column {}",
            category(&e),
            e.line(),
            e.column()
        ),
    })?;
    let response =
        TokenResponse::from_json(value).map_err(|why| ImportError::TokenResponse { why })?;
    // Obtained when issued, if the access token says (and not in the
    // future): `expires_in` then counts from the right moment.
    let issued = crate::expiry::jwt_time(response.access_token.expose(), "iat")
        .filter(|&iat| iat > 0 && iat <= now);
    let mut session = response.into_session(issued.unwrap_or(now), None);
    // `refresh_expires_in` counts from the import, but the token may be
    // much older: its JWT `exp` caps it (expired: let `exp` speak alone).
    let refresh_exp = session
        .refresh_token
        .as_ref()
        .and_then(|t| crate::expiry::jwt_exp(t.expose()))
        .filter(|&exp| exp > 0);
    if let Some(exp) = refresh_exp {
        let left = exp.saturating_sub(now);
        session.refresh_expires_in = match session.refresh_expires_in {
            // Never (0) or not said: nothing to cap.
            same @ (None | Some(0)) => same,
            Some(s) if s as i64 <= left => Some(s),
            Some(_) if left > 0 => Some(left as u64),
            Some(_) => None,
        };
    }
    validate_session(&session)?;
    let client = client_from_jwt(session.access_token.expose());
    Ok(Imported {
        format: Format::TokenResponse,
        auth: Auth::Oauth {
            client,
            session: Some(Box::new(session)),
        },
        api: None,
    })
}

/// The public client an access token names by `iss` and `azp`, when it is
/// a JWT that names both and they pass the client checks.
pub fn client_from_jwt(access_token: &str) -> Option<OauthClient> {
    if !jwt::looks_like_jwt(access_token) {
        return None;
    }
    let token = jwt::decode(access_token).ok()?;
    let client = OauthClient {
        issuer: token.claim_str("iss")?.to_owned(),
        client_id: token.claim_str("azp")?.to_owned(),
        auth_method: AuthMethod::None,
        client_secret: None,
        scope: None,
        redirect_uri: None,
    };
    validate_client(&client).ok()?;
    Some(client)
}

/// What is already over in an imported session ([`stale`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stale {
    /// The refresh token expired (else the access token did, and there is
    /// no refresh token to renew it).
    pub refresh: bool,
    /// When it expired.
    pub at: i64,
    /// The time it was checked at.
    pub now: i64,
}

impl Stale {
    /// The short form, for a status line: "its refresh token expired 3 y
    /// ago".
    pub fn short(&self) -> String {
        let token = if self.refresh { "refresh" } else { "access" };
        let when = crate::time_text::relative(self.at, self.now, true);
        format!("its {token} token {when}")
    }
}

/// The whole of it, for a warning before saving: "its refresh token
/// expired 3 y ago (2023-05-02 14:42:21 UTC): it cannot be refreshed".
impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = crate::time_text::utc(self.at);
        match self.refresh {
            true => write!(f, "{} ({at}): it cannot be refreshed", self.short()),
            false => write!(f, "{} ({at}) and there is no refresh token", self.short()),
        }
    }
}

/// What is already over in an imported session at `now`: its refresh
/// token expired, or its access token expired with no refresh token to
/// renew it. `None` when it is usable or can be refreshed, and for
/// anything but a session. Each face adds its own fix (a key, a command).
pub fn stale(auth: &Auth, now: i64) -> Option<Stale> {
    use crate::expiry::{Refresh, access_expiry, refresh_expiry};
    let session = auth.session()?;
    let over = |refresh: bool| move |at: i64| Stale { refresh, at, now };
    match refresh_expiry(session) {
        Refresh::At(at) if at <= now => Some(over(true)(at)),
        Refresh::None => access_expiry(session)
            .filter(|&at| at <= now)
            .map(over(false)),
        _ => None,
    }
}

/// The first issuer other than `issuer` that one of the session's JWTs
/// names (`iss`, cleaned), trailing slashes aside. Attaching such a session
/// to an entry of `issuer` would send its refresh token to a server that
/// did not issue it.
pub fn foreign_issuer(session: &Session, issuer: &str) -> Option<String> {
    let tokens = [
        Some(&session.access_token),
        session.refresh_token.as_ref(),
        session.id_token.as_ref(),
    ];
    tokens
        .into_iter()
        .flatten()
        .filter(|t| jwt::looks_like_jwt(t.expose()))
        .filter_map(|t| jwt::decode(t.expose()).ok())
        .filter_map(|t| t.claim_str("iss").map(str::to_owned))
        .find(|iss| iss.trim_end_matches('/') != issuer.trim_end_matches('/'))
        .map(|iss| strip_controls(&iss).chars().take(200).collect())
}

fn category(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "unexpected end",
        _ => "syntax error",
    }
}

fn scheme_text(scheme: Option<&str>) -> String {
    match scheme {
        Some(s) => format!("uses the `{s}` scheme"),
        None => "names no scheme before its credentials (a bare token needs `Bearer ` before it)"
            .to_owned(),
    }
}

/// Splits `Authorization: Scheme value` or `Scheme value` into scheme and
/// value; `None` when the line is neither.
fn header_parts(line: &str) -> Option<(&str, &str)> {
    let named = line
        .split_once(':')
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"));
    let rest = named.map_or(line, |(_, rest)| rest.trim());
    let (scheme, value) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    let known = ["basic", "bearer"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    (known || named.is_some()).then_some((scheme, value.trim()))
}

fn header(scheme: &str, value: &str, now: i64) -> Result<Imported, ImportError> {
    if scheme.eq_ignore_ascii_case("basic") {
        basic(value)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        bearer(value, now)
    } else {
        let word = !value.is_empty()
            && (1..=20).contains(&scheme.len())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        Err(ImportError::Scheme {
            scheme: word.then(|| scheme.to_owned()),
        })
    }
}

fn basic(value: &str) -> Result<Imported, ImportError> {
    let bad = |why| ImportError::Header {
        scheme: "Basic",
        why,
    };
    if value.is_empty() {
        return Err(bad("it has no value after `Basic`"));
    }
    let bytes = Zeroizing::new(
        STANDARD
            .decode(value)
            .map_err(|_| bad("the value is not base64"))?,
    );
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("the decoded value is not UTF-8"))?;
    let (id, secret) = text.split_once(':').ok_or(bad(
        "the decoded value has no `:` between user and password",
    ))?;
    Ok(Imported {
        format: Format::BasicHeader,
        auth: pair(id, Secret::new(secret.to_owned()))?,
        api: None,
    })
}

/// A user-id and secret as a credential: a PAT when the id is a sipgate
/// token id (`token-…`), else a Basic login; both fields checked.
pub fn pair(id: &str, secret: Secret) -> Result<Auth, ImportError> {
    Ok(if id.starts_with(TOKEN_ID_PREFIX) {
        validate_id("token id", id)?;
        validate_secret("token", &secret)?;
        Auth::Pat {
            token_id: id.to_owned(),
            token: secret,
        }
    } else {
        validate_id("username", id)?;
        validate_secret("password", &secret)?;
        Auth::Basic {
            username: id.to_owned(),
            password: secret,
        }
    })
}

fn bearer(value: &str, now: i64) -> Result<Imported, ImportError> {
    if value.is_empty() {
        return Err(ImportError::Header {
            scheme: "Bearer",
            why: "it has no token after `Bearer`",
        });
    }
    if value.contains(char::is_whitespace) {
        return Err(ImportError::Header {
            scheme: "Bearer",
            why: "the token contains a space; a token is one word",
        });
    }
    let session = Session::bearer(Secret::new(value.to_owned()), now);
    validate_session(&session)?;
    Ok(Imported {
        format: Format::BearerHeader,
        auth: Auth::Oauth {
            client: None,
            session: Some(Box::new(session)),
        },
        api: None,
    })
}

mod curl;
mod env;

pub use env::ENV_KEYS;

#[cfg(test)]
mod tests;
