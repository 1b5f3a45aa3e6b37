//! The token endpoint: one authenticated POST and a strict reading of its
//! answer (RFC 6749 §5).
//!
//! The response is checked field by field before anything is kept:
//! `access_token` a non-empty string without spaces or control characters,
//! `token_type` Bearer (any case; absent is read as Bearer, the only type we
//! can send), `expires_in` and `refresh_expires_in` whole seconds between 0
//! and ten years, the optional tokens strings like the access token. A body
//! over [`BODY_LIMIT`] or slower than the total timeout is an error, never a
//! partial read.
//!
//! Every form sent here records its secrets (all fields but the few public
//! ones, and the Basic header) in a [`Redactor`] that travels with the
//! answer: whatever the server says back (`error`, `error_description`, a
//! quoted `token_type`, the content type) is quoted through it, so an
//! endpoint that echoes the request cannot put a secret on the screen.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Map, Value};
use url::Url;
use url::form_urlencoded::byte_serialize;
use zeroize::Zeroizing;

use super::{OauthError, Timeouts};
use crate::credential::{AuthMethod, OauthClient, Secret, Session};
use crate::json_kind::json_kind;
use crate::net::classify;
use crate::redact::Redactor;
use crate::sanitize::strip_controls;

/// Token responses larger than this are refused (real ones are a few KB).
pub const BODY_LIMIT: usize = 1 << 20;

/// The longest lifetime believed: ten years. Anything longer is a bug or an
/// attack on arithmetic.
pub const MAX_LIFETIME: u64 = 10 * 365 * 24 * 3600;

/// A checked token response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: Secret,
    /// `token_type`, as sent (Bearer in some case).
    pub token_type: String,
    /// Seconds the access token lives, when said.
    pub expires_in: Option<u64>,
    /// A refresh token, when issued.
    pub refresh_token: Option<Secret>,
    /// Seconds the refresh token lives, when said (Keycloak).
    pub refresh_expires_in: Option<u64>,
    /// An OpenID Connect id token.
    pub id_token: Option<Secret>,
    /// The granted scope.
    pub scope: Option<String>,
    /// Keycloak's session id.
    pub session_state: Option<String>,
    /// The answer's `Date` header (Unix seconds), when it came over HTTP.
    pub server_date: Option<i64>,
}

impl TokenResponse {
    /// Checks a parsed JSON body; `Err` says which field and why (never its
    /// value).
    pub fn from_json(value: Value) -> Result<Self, String> {
        Self::read(value, &Redactor::default())
    }

    /// [`Self::from_json`] for the answer to a request that sent secrets:
    /// what an error quotes from the body is struck of them.
    pub(crate) fn read(value: Value, redactor: &Redactor) -> Result<Self, String> {
        let Value::Object(mut map) = value else {
            return Err("the body is JSON but not an object".into());
        };
        if !map.contains_key("access_token")
            && let Some(error) = map.get("error").and_then(Value::as_str)
        {
            return Err(format!(
                "the body is an OAuth error (`{}`) with status 200",
                redactor.quote(error, 40)
            ));
        }
        let access_token =
            token_field(&mut map, "access_token")?.ok_or("`access_token` is missing")?;
        let token_type = match map.remove("token_type") {
            None | Some(Value::Null) => "Bearer".to_owned(),
            Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => t,
            Some(Value::String(t)) => {
                return Err(format!(
                    "`token_type` is `{}`; only Bearer tokens can be sent (RFC 6750)",
                    redactor.quote(&t, 40)
                ));
            }
            Some(_) => return Err("`token_type` is not a string".into()),
        };
        Ok(Self {
            access_token,
            token_type,
            expires_in: lifetime(&map, "expires_in")?,
            refresh_token: token_field(&mut map, "refresh_token")?,
            refresh_expires_in: lifetime(&map, "refresh_expires_in")?,
            id_token: token_field(&mut map, "id_token")?,
            scope: match map.get("scope") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(strip_controls(&redactor.redact(s))),
                // Some servers send an array; RFC 6749 says space-delimited.
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|s| strip_controls(&redactor.redact(s)))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Some(_) => return Err("`scope` is not a string".into()),
            },
            session_state: map
                .get("session_state")
                .and_then(Value::as_str)
                .map(|s| strip_controls(&redactor.redact(s))),
            server_date: None,
        })
    }

    /// The session these tokens make, obtained at `now`. On a refresh,
    /// `previous` supplies what the server may leave out: a server that does
    /// not rotate refresh tokens sends none back (RFC 6749 §6).
    pub fn into_session(self, now: i64, previous: Option<&Session>) -> Session {
        let keep_refresh = self.refresh_token.is_none();
        Session {
            access_token: self.access_token,
            refresh_token: self
                .refresh_token
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            id_token: self
                .id_token
                .or_else(|| previous.and_then(|p| p.id_token.clone())),
            token_type: self.token_type,
            scope: self
                .scope
                .or_else(|| previous.and_then(|p| p.scope.clone())),
            session_state: self
                .session_state
                .or_else(|| previous.and_then(|p| p.session_state.clone())),
            obtained_at: now,
            expires_in: self.expires_in,
            refresh_expires_in: match (keep_refresh, previous) {
                // The old refresh token keeps its old deadline; 0 (no
                // deadline, e.g. an offline token) stays 0.
                (true, Some(p)) => p.refresh_expires_in.map(|s| match s {
                    0 => 0,
                    s => {
                        let deadline = p
                            .obtained_at
                            .saturating_add(i64::try_from(s).unwrap_or(i64::MAX));
                        u64::try_from(deadline.saturating_sub(now))
                            .unwrap_or(0)
                            .max(1)
                    }
                }),
                _ => self.refresh_expires_in,
            },
            login_required: false,
            server_clock_offset: self.server_date.map(|date| date.saturating_sub(now)),
        }
    }
}

fn token_field(map: &mut Map<String, Value>, field: &str) -> Result<Option<Secret>, String> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let s = Zeroizing::new(s);
            if s.is_empty() {
                Err(format!("`{field}` is empty"))
            } else if s.len() > 64 * 1024 {
                Err(format!("`{field}` is longer than 64 KiB"))
            } else if s.chars().any(|c| c.is_control() || c == ' ') {
                Err(format!("`{field}` contains spaces or control characters"))
            } else {
                Ok(Some(Secret::new(s.to_string())))
            }
        }
        Some(other) => Err(format!("`{field}` is {}, not a string", json_kind(&other))),
    }
}

fn lifetime(map: &Map<String, Value>, field: &str) -> Result<Option<u64>, String> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(s) if s <= MAX_LIFETIME => Ok(Some(s)),
            Some(_) => Err(format!("`{field}` is more than ten years")),
            None if n.as_i64().is_some_and(|s| s < 0) => Err(format!("`{field}` is negative")),
            None if n.as_f64().is_some_and(|f| f < 0.0) => Err(format!("`{field}` is negative")),
            None if n.as_f64().is_some_and(|f| f > MAX_LIFETIME as f64) => {
                Err(format!("`{field}` is more than ten years"))
            }
            None => Err(format!("`{field}` is not a whole number of seconds")),
        },
        Some(other) => Err(format!(
            "`{field}` is {}, not a number of seconds",
            json_kind(other)
        )),
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))`, the client
/// authentication of RFC 6749 §2.3.1 (reqwest's `basic_auth` does not
/// form-encode, which breaks ids and secrets with `:`, `+`, `%`…).
pub fn client_basic(client_id: &str, secret: &Secret) -> Secret {
    let id: String = byte_serialize(client_id.as_bytes()).collect();
    let secret: Zeroizing<String> =
        Zeroizing::new(byte_serialize(secret.expose().as_bytes()).collect());
    let pair = Zeroizing::new(format!("{id}:{}", secret.as_str()));
    Secret::new(format!("Basic {}", STANDARD.encode(pair.as_bytes())))
}

/// Adds the client's authentication to a token-endpoint (or revocation)
/// form: form fields for `post`, the header for `basic`, the id alone for
/// `none`. Returns the Authorization header value, if any.
pub fn authenticate(
    client: &OauthClient,
    form: &mut Vec<(&'static str, Secret)>,
) -> Option<Secret> {
    let id = Secret::new(client.client_id.clone());
    match (client.auth_method, &client.client_secret) {
        (AuthMethod::Basic, Some(secret)) => Some(client_basic(&client.client_id, secret)),
        (AuthMethod::Post, Some(secret)) => {
            form.push(("client_id", id));
            form.push(("client_secret", secret.clone()));
            None
        }
        _ => {
            form.push(("client_id", id));
            None
        }
    }
}

/// POSTs `form` (plus the client's authentication) to the token endpoint
/// and checks the answer. `what` names the call in errors.
pub async fn request(
    http: &reqwest::Client,
    timeouts: Timeouts,
    token_endpoint: &Url,
    client: &OauthClient,
    mut form: Vec<(&'static str, Secret)>,
) -> Result<TokenResponse, OauthError> {
    let what = format!("token request to {token_endpoint}");
    let reply = post_form(http, timeouts, token_endpoint, client, &mut form, &what).await?;
    let mut response = TokenResponse::read(reply.value, &reply.redactor)
        .map_err(|why| OauthError::Malformed { what, why })?;
    response.server_date = reply.date;
    Ok(response)
}

/// The JSON of a 2xx answer, with the secrets its request sent.
#[derive(Debug)]
pub struct Reply {
    /// The body.
    pub value: Value,
    /// The request's secrets, for anything quoted from the body.
    pub redactor: Redactor,
    /// The answer's `Date` header, in Unix seconds.
    pub date: Option<i64>,
}

/// POSTs a client-authenticated form and returns the JSON of a 2xx answer;
/// an OAuth error body becomes [`OauthError::Refused`]. Shared by the token,
/// device and revocation endpoints.
pub async fn post_form(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoint: &Url,
    client: &OauthClient,
    form: &mut Vec<(&'static str, Secret)>,
    what: &str,
) -> Result<Reply, OauthError> {
    let answer = send_form(http, timeouts, endpoint, client, form, what).await?;
    let json = serde_json::from_slice::<Value>(&answer.body);
    let malformed = |why: String| OauthError::Malformed {
        what: what.to_owned(),
        why,
    };
    match (answer.status, json) {
        (200..=299, Ok(value)) => Ok(Reply {
            value,
            redactor: answer.redactor,
            date: answer.date,
        }),
        (200..=299, Err(e)) if answer.body.is_empty() || e.is_eof() => Err(malformed(
            "the body ends before the JSON does (truncated)".into(),
        )),
        (200..=299, Err(_)) => Err(malformed(format!(
            "the body is not JSON{}",
            answer
                .content_type
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ))),
        _ => Err(answer.into_error(what)),
    }
}

/// A raw answer from an OAuth endpoint, body read within the limit. Its
/// `Debug` shows the body's length only: the body may hold tokens.
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The content type, cleaned, struck of secrets and cut short.
    pub content_type: Option<String>,
    /// The body (zeroed when dropped: it may hold tokens).
    pub body: Zeroizing<Vec<u8>>,
    /// The secrets the request sent, struck from anything quoted.
    pub redactor: Redactor,
    /// The `Date` header, in Unix seconds, when it parses.
    pub date: Option<i64>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Answer {
    /// The error a non-2xx answer amounts to: [`OauthError::Refused`] for
    /// an OAuth error body, else [`OauthError::Status`]. What it quotes of
    /// the body is struck of the request's secrets.
    pub fn into_error(self, what: &str) -> OauthError {
        let error = self.quoted_error(what);
        tracing::debug!(%error, "endpoint answered with an error");
        error
    }

    fn quoted_error(self, what: &str) -> OauthError {
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(map)) if map.get("error").is_some_and(Value::is_string) => {
                let text = |k: &str| {
                    map.get(k)
                        .and_then(Value::as_str)
                        .map(|s| self.redactor.quote(s, 300))
                };
                OauthError::Refused {
                    what: what.to_owned(),
                    status: self.status,
                    error: text("error").unwrap_or_default(),
                    description: text("error_description"),
                }
            }
            _ => OauthError::Status {
                what: what.to_owned(),
                status: self.status,
                content_type: self.content_type,
            },
        }
    }
}

/// Form fields that carry no secret: everything else a form sends (client
/// secret, code, verifier, refresh token, password, device code, a token
/// to revoke, and whatever a new grant adds) is struck from the answer.
const PUBLIC_FIELDS: [&str; 8] = [
    "grant_type",
    "client_id",
    "scope",
    "redirect_uri",
    "username",
    "token_type_hint",
    "code_challenge",
    "code_challenge_method",
];

/// The secrets a form and its Authorization header carry.
fn redactor(form: &[(&'static str, Secret)], authorization: Option<&Secret>) -> Redactor {
    let mut redactor = Redactor::default();
    for (_, value) in form.iter().filter(|(k, _)| !PUBLIC_FIELDS.contains(k)) {
        redactor.add(value.expose());
    }
    if let Some(value) = authorization {
        redactor.add_authorization(value.expose());
    }
    redactor
}

/// POSTs a client-authenticated form and reads the answer, whatever its
/// status, up to [`BODY_LIMIT`] within the total timeout.
pub async fn send_form(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoint: &Url,
    client: &OauthClient,
    form: &mut Vec<(&'static str, Secret)>,
    what: &str,
) -> Result<Answer, OauthError> {
    let authorization = authenticate(client, form);
    let redactor = redactor(form, authorization.as_ref());
    let body: Zeroizing<String> = Zeroizing::new(
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (*k, v.expose())))
            .finish(),
    );
    let mut builder = http
        .post(endpoint.clone())
        .header(ACCEPT, "application/json")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.to_string());
    if let Some(value) = authorization {
        builder = builder.header(AUTHORIZATION, value.expose());
    }
    let network = |e: reqwest::Error| OauthError::Network {
        what: what.to_owned(),
        failure: classify(&e, endpoint, timeouts.connect, timeouts.total),
    };
    let mut response = builder.send().await.map_err(network)?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| redactor.quote(v, 80));
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    let mut bytes = Zeroizing::new(Vec::new());
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if bytes.len() + chunk.len() > BODY_LIMIT {
            return Err(OauthError::Malformed {
                what: what.to_owned(),
                why: format!("the body is larger than {} KiB", BODY_LIMIT / 1024),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        content_type,
        body: bytes,
        redactor,
        date,
    })
}

#[cfg(test)]
mod tests;
