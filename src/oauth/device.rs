//! The device authorization grant (RFC 8628): log in on another screen.
//!
//! [`start`] asks the device authorization endpoint for a device code and a
//! user code (§3.1–3.2); the user opens the verification URI and types the
//! code (or opens the complete URI). [`poll`] then asks the token endpoint
//! until the user has approved (§3.4–3.5): `authorization_pending` waits
//! another interval, `slow_down` adds 5 seconds to it for good,
//! `access_denied` and `expired_token` end it, and so does the caller's
//! timeout or the device code's own `expires_in`, whichever comes first.
//! The interval is what the server says, however long (§3.5: the client
//! must not poll faster, and a cap would do exactly that after enough
//! `slow_down`s); 5 s when it says nothing. Intervals are whole seconds, so
//! the 100 ms floor only turns an explicit 0 (a test realm) into a gentle
//! loop instead of a busy one; 100 ms rather than 1 s keeps such tests fast.

use std::time::Duration;

use serde_json::Value;
use thiserror::Error;
use url::Url;

use super::endpoints::secure_url;
use super::grants::push_scope;
use super::pkce::{Pkce, RandomError};
use super::token::{self, MAX_LIFETIME, TokenResponse};
use super::{Endpoints, OauthError, Timeouts};
use crate::credential::{OauthClient, Secret};
use crate::sanitize::strip_controls;

/// The `grant_type` of the device grant.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The polling interval when the server names none (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// What each `slow_down` adds to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The shortest interval kept: a server saying 0 (a test realm) is polled
/// every 100 ms, not in a busy loop.
const MIN_INTERVAL: Duration = Duration::from_millis(100);

/// The polling interval for the server's `interval` field, in seconds.
fn first_interval(seconds: Option<u64>) -> Duration {
    seconds
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
        .max(MIN_INTERVAL)
}

/// The interval after a `slow_down`: 5 s more, for good (RFC 8628 §3.5).
fn slowed_down(interval: Duration) -> Duration {
    interval.saturating_add(SLOW_DOWN_STEP)
}

/// A device authorization response (RFC 8628 §3.2), checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorization {
    /// The device code, sent back while polling (secret).
    pub device_code: Secret,
    /// The code the user types (cleaned of control characters).
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: Url,
    /// The same with the code filled in, when the server offers it.
    pub verification_uri_complete: Option<Url>,
    /// How long the codes live.
    pub expires_in: Duration,
    /// How long to wait between polls.
    pub interval: Duration,
    /// The PKCE verifier for the challenge the request carried, sent back
    /// with every poll (never part of the server's answer).
    pub code_verifier: Option<Secret>,
}

impl DeviceAuthorization {
    /// Checks a parsed device authorization response.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let text = |field: &str| -> Result<&str, String> {
            match value.get(field) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s),
                Some(Value::String(_)) => Err(format!("`{field}` is empty")),
                None | Some(Value::Null) => Err(format!("`{field}` is missing")),
                Some(_) => Err(format!("`{field}` is not a string")),
            }
        };
        let seconds = |field: &str| -> Result<Option<u64>, String> {
            match value.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .filter(|&s| s <= MAX_LIFETIME)
                    .map(Some)
                    .ok_or_else(|| format!("`{field}` is not a number of seconds")),
            }
        };
        let device_code = text("device_code")?;
        if device_code.chars().any(|c| c.is_control() || c == ' ') {
            return Err("`device_code` contains spaces or control characters".into());
        }
        let user_code = strip_controls(text("user_code")?);
        if user_code.chars().count() > 64 {
            return Err("`user_code` is longer than 64 characters".into());
        }
        let uri =
            |field: &str, raw: &str| secure_url(field, raw).map_err(|e| format!("`{field}`: {e}"));
        // Some servers (Google) spell it `verification_url`.
        let verification_uri = match text("verification_uri") {
            Ok(raw) => uri("verification_uri", raw)?,
            Err(e) => match text("verification_url") {
                Ok(raw) => uri("verification_url", raw)?,
                Err(_) => return Err(e),
            },
        };
        let verification_uri_complete = match text("verification_uri_complete") {
            Ok(raw) => Some(uri("verification_uri_complete", raw)?),
            Err(_) => None,
        };
        Ok(Self {
            device_code: Secret::new(device_code.to_owned()),
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in: Duration::from_secs(
                seconds("expires_in")?.ok_or("`expires_in` is missing")?,
            ),
            interval: first_interval(seconds("interval")?),
            code_verifier: None,
        })
    }
}

/// Why a device login did not end with tokens.
#[derive(Debug, Error)]
pub enum DeviceError {
    /// The client has no device authorization endpoint to talk to.
    #[error(
        "the issuer publishes no device authorization endpoint; the device grant is not available there"
    )]
    Unsupported,
    /// The user said no (`access_denied`).
    #[error("the login was denied at the verification page (access_denied)")]
    Denied,
    /// The device code expired before the user approved (`expired_token`).
    #[error("the device code expired before the login was approved (expired_token); start again")]
    Expired,
    /// The caller's timeout passed before the code's lifetime did.
    #[error("no approval within {} s; start again", limit.as_secs())]
    TimedOut {
        /// The timeout.
        limit: Duration,
    },
    /// No randomness for the PKCE verifier.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Any other failure of a request.
    #[error(transparent)]
    Oauth(#[from] OauthError),
}

/// Asks for a device code and a user code (RFC 8628 §3.1). The request
/// carries a PKCE challenge (RFC 7636, S256): Keycloak demands one from a
/// client that requires PKCE, for this grant too, and a server that does
/// not know PKCE here ignores the parameters (RFC 6749 §3.2).
pub async fn start(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoints: &Endpoints,
    client: &OauthClient,
) -> Result<DeviceAuthorization, DeviceError> {
    let endpoint = endpoints
        .device_authorization
        .as_ref()
        .ok_or(DeviceError::Unsupported)?;
    let what = format!("device authorization request to {endpoint}");
    let pkce = Pkce::generate()?;
    let mut form = vec![
        ("code_challenge", Secret::new(pkce.challenge.clone())),
        ("code_challenge_method", Secret::new("S256".into())),
    ];
    push_scope(client, &mut form);
    let reply = token::post_form(http, timeouts, endpoint, client, &mut form, &what).await?;
    let malformed = |why| {
        DeviceError::from(OauthError::Malformed {
            what: what.clone(),
            why,
        })
    };
    let mut authorization = DeviceAuthorization::from_json(&reply.value).map_err(malformed)?;
    // What is shown and opened must not repeat a secret the request sent
    // (the client secret, for a confidential client).
    authorization.user_code = reply.redactor.quote(&authorization.user_code, 64);
    let uris = [
        Some(&authorization.verification_uri),
        authorization.verification_uri_complete.as_ref(),
    ];
    if uris
        .into_iter()
        .flatten()
        .any(|u| reply.redactor.reveals(u.as_str()))
    {
        return Err(malformed(
            "the verification URI carries a secret this request sent".into(),
        ));
    }
    authorization.code_verifier = Some(pkce.verifier);
    Ok(authorization)
}

/// One answer of the token endpoint while polling.
#[derive(Debug)]
pub enum Poll {
    /// The user has not approved yet.
    Pending,
    /// Poll less often: add [`SLOW_DOWN_STEP`].
    SlowDown,
    /// Approved: the tokens.
    Done(Box<TokenResponse>),
}

/// Asks the token endpoint once (RFC 8628 §3.4).
pub async fn poll_once(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoints: &Endpoints,
    client: &OauthClient,
    device_code: &Secret,
    code_verifier: Option<&Secret>,
) -> Result<Poll, DeviceError> {
    let mut form = vec![
        ("grant_type", Secret::new(GRANT_TYPE.into())),
        ("device_code", device_code.clone()),
    ];
    if let Some(verifier) = code_verifier {
        form.push(("code_verifier", verifier.clone()));
    }
    match token::request(http, timeouts, &endpoints.token, client, form).await {
        Ok(response) => Ok(Poll::Done(Box::new(response))),
        Err(e) => match e.oauth_code() {
            Some("authorization_pending") => Ok(Poll::Pending),
            Some("slow_down") => Ok(Poll::SlowDown),
            Some("access_denied") => Err(DeviceError::Denied),
            Some("expired_token") => Err(DeviceError::Expired),
            _ => Err(e.into()),
        },
    }
}

/// Polls until the user approves, refuses, or `timeout` (capped by the
/// code's lifetime) passes. `on_slow_down` hears each new interval after a
/// `slow_down`, for the user's information.
pub async fn poll(
    http: &reqwest::Client,
    timeouts: Timeouts,
    endpoints: &Endpoints,
    client: &OauthClient,
    authorization: &DeviceAuthorization,
    timeout: Duration,
    mut on_slow_down: impl FnMut(Duration),
) -> Result<TokenResponse, DeviceError> {
    let limit = timeout.min(authorization.expires_in);
    let deadline = tokio::time::Instant::now() + limit;
    // When the code's lifetime is the shorter limit, running out of it is
    // the code expiring, whoever notices first.
    let out_of_time = || {
        if authorization.expires_in <= timeout {
            DeviceError::Expired
        } else {
            DeviceError::TimedOut { limit }
        }
    };
    let mut interval = authorization.interval;
    loop {
        // The first poll waits too: the user cannot have approved yet.
        let wake = tokio::time::Instant::now() + interval;
        if wake > deadline {
            return Err(out_of_time());
        }
        tokio::time::sleep_until(wake).await;
        let device_code = &authorization.device_code;
        let answer = tokio::time::timeout_at(
            deadline,
            poll_once(
                http,
                timeouts,
                endpoints,
                client,
                device_code,
                authorization.code_verifier.as_ref(),
            ),
        )
        .await
        .map_err(|_| out_of_time())??;
        match answer {
            Poll::Pending => {}
            Poll::SlowDown => {
                interval = slowed_down(interval);
                on_slow_down(interval);
            }
            Poll::Done(response) => return Ok(*response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn device_responses_are_checked_field_by_field() {
        let good = json!({
            "device_code": "dc-1", "user_code": "WDJB-MJHT",
            "verification_uri": "https://id.example.com/device",
            "verification_uri_complete": "https://id.example.com/device?user_code=WDJB-MJHT",
            "expires_in": 600,
        });
        let d = DeviceAuthorization::from_json(&good).unwrap();
        assert_eq!(d.interval, DEFAULT_INTERVAL);
        assert_eq!(d.expires_in, Duration::from_secs(600));
        assert_eq!(d.user_code, "WDJB-MJHT");
        let cases = [
            (json!({"device_code": "d"}), "`user_code` is missing"),
            (
                json!({"device_code": "d", "user_code": "u", "verification_uri": "http://evil.example/d", "expires_in": 5}),
                "`verification_uri`",
            ),
            (
                json!({"device_code": "d", "user_code": "u", "verification_uri": "https://x/d"}),
                "`expires_in` is missing",
            ),
            (
                json!({"device_code": "d e", "user_code": "u"}),
                "`device_code` contains spaces",
            ),
            (
                json!({"device_code": "d", "user_code": "u", "verification_uri": "https://x/d", "expires_in": 5, "interval": -1}),
                "`interval` is not a number",
            ),
        ];
        crate::testing::cases::check_all(cases, |(body, want)| {
            let err = DeviceAuthorization::from_json(&body).unwrap_err();
            assert!(err.contains(want), "{body}: {err}");
        });
        let slow = json!({"device_code": "d", "user_code": "u\u{1b}[2J", "verification_url": "https://x/d", "expires_in": 5, "interval": 3600});
        let d = DeviceAuthorization::from_json(&slow).unwrap();
        assert_eq!(d.interval, Duration::from_secs(3600));
        assert_eq!(d.user_code, "u");
    }

    #[test]
    fn the_servers_interval_and_slow_downs_are_honoured_however_long() {
        let secs = Duration::from_secs;
        // (the server's `interval`, the first wait, after one and two slow_downs)
        let cases = [
            (None, secs(5), secs(10), secs(15)),
            (
                Some(0),
                MIN_INTERVAL,
                MIN_INTERVAL + secs(5),
                MIN_INTERVAL + secs(10),
            ),
            (Some(1), secs(1), secs(6), secs(11)),
            (Some(58), secs(58), secs(63), secs(68)),
            (Some(70), secs(70), secs(75), secs(80)),
            (Some(900), secs(900), secs(905), secs(910)),
        ];
        crate::testing::cases::check_all(cases, |(interval, first, once, twice)| {
            let start = first_interval(interval);
            assert_eq!(start, first, "{interval:?}");
            assert_eq!(slowed_down(start), once, "{interval:?}");
            assert_eq!(slowed_down(slowed_down(start)), twice, "{interval:?}");
        });
        let body = json!({"device_code": "d", "user_code": "u", "verification_uri": "https://x/d", "expires_in": 600, "interval": 70});
        assert_eq!(
            DeviceAuthorization::from_json(&body).unwrap().interval,
            secs(70)
        );
    }
}
