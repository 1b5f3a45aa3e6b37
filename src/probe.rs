//! The account probe: one authenticated request, and an explanation of the
//! answer a person can act on.
//!
//! A probe never follows a redirect to another origin (scheme, host or port),
//! so the Authorization header cannot leak to a host the credential was not
//! made for; such a redirect is reported instead. Bodies are read up to
//! [`BODY_LIMIT`], pretty-printed when they are JSON, and stripped of control
//! characters when they are text, so a hostile server cannot drive the
//! terminal. An API that echoes the request (as `httpbin.org/anything`
//! does) would show the credential: the body, the content type and a
//! redirect's target are struck of the Authorization header's secrets.

use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION};
use reqwest::{Method, redirect};
use serde_json::{Value, json};
use thiserror::Error;
use url::Url;

use crate::credential::Secret;
use crate::hint::Hint;
use crate::net::{NetFailure, classify, failure_hint};
use crate::redact::Redactor;
use crate::sanitize::{clean_json, strip_controls};

mod explain;
pub mod learn;
mod scopes;

pub use explain::status_hint;
pub use scopes::ScopeCheck;

/// The largest body the probe reads; the rest is cut off.
pub const BODY_LIMIT: usize = 1 << 20;
pub use crate::net::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// What to send.
#[derive(Debug, Clone)]
pub struct ProbeRequest {
    /// HTTP method, e.g. GET.
    pub method: Method,
    /// The full URL.
    pub url: Url,
    /// The Authorization header value.
    pub authorization: Secret,
    /// How the credential authenticates, for the 401/403 hints.
    pub scheme: Scheme,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// A JSON body to send (with `Content-Type: application/json`).
    pub body: Option<Value>,
    /// The request held against sipgate's API map, when the API is
    /// sipgate's.
    pub scopes: Option<ScopeCheck>,
}

/// A request that could not be built.
#[derive(Debug, Error)]
pub enum ProbeError {
    /// The method is not an HTTP token.
    #[error("invalid HTTP method `{0}`")]
    BadMethod(String),
    /// The HTTP client could not be set up (TLS roots, ...).
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// The credential gives no header (e.g. an OAuth client not logged in).
    #[error(transparent)]
    Header(#[from] crate::header::HeaderError),
    /// The API base and path do not make a URL.
    #[error("invalid probe URL {0}")]
    BadUrl(String),
}

impl ProbeRequest {
    /// The request that probes `path` under a credential's API base with
    /// its Authorization header, as the command line and the TUI send it.
    pub fn for_credential(
        credential: &crate::credential::Credential,
        method: Method,
        path: &str,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<Self, ProbeError> {
        let url = crate::header::endpoint_url(&credential.api, path);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Ok(Self {
            scopes: ScopeCheck::new(credential, method.as_str(), path, now),
            body: None,
            method,
            url: Url::parse(&url).map_err(|_| ProbeError::BadUrl(strip_controls(&url)))?,
            authorization: crate::header::authorization_value(credential)?,
            scheme: match credential.auth.basic_pair() {
                Some(_) => {
                    let (id, secret) = credential.auth.field_names();
                    Scheme::Basic(id, secret)
                }
                None => Scheme::Bearer,
            },
            connect_timeout,
            timeout,
        })
    }
}

/// Parses a method name such as `get` or `POST`.
pub fn parse_method(raw: &str) -> Result<Method, ProbeError> {
    Method::from_bytes(raw.to_ascii_uppercase().as_bytes())
        .map_err(|_| ProbeError::BadMethod(strip_controls(raw)))
}

/// A response body as the probe shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON document.
    Json(Value),
    /// Anything else, control characters removed.
    Text(String),
}

/// What came back, when something did.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Canonical reason phrase.
    pub reason: String,
    /// Content-Type, if any.
    pub content_type: Option<String>,
    /// Location of a redirect that was not followed.
    pub location: Option<String>,
    /// The body.
    pub body: Body,
    /// Whether the body was cut at [`BODY_LIMIT`].
    pub truncated: bool,
}

/// How the probed credential authenticates, so a 401 can name what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Basic `id:secret`, with the two fields' names ("token id", "token").
    Basic(&'static str, &'static str),
    /// An OAuth Bearer access token.
    Bearer,
}

/// The result of one probe.
#[derive(Debug, Clone)]
pub struct ProbeOutcome {
    /// Method sent.
    pub method: String,
    /// URL asked.
    pub url: String,
    /// Time from sending to the end of the body (or the failure).
    pub latency: Duration,
    /// The answer, or why there is none.
    pub result: Result<Answer, NetFailure>,
    /// What to do about it; `None` when all is well.
    pub hint: Option<Hint>,
    /// The request against sipgate's API map, when the API is sipgate's.
    pub scopes: Option<ScopeCheck>,
}

impl ProbeOutcome {
    /// A 2xx answer came back.
    pub fn ok(&self) -> bool {
        matches!(&self.result, Ok(a) if (200..300).contains(&a.status))
    }

    /// The `--json` shape: `{status, ok, latency_ms, method, url, hint,
    /// body, operation, scopes_needed, scopes_granted, missing}`, with the
    /// hint as the face words it (the last four null off sipgate's API).
    pub fn to_json(&self, hint: Option<&str>) -> Value {
        let (status, body) = match &self.result {
            Ok(a) => (
                json!(a.status),
                match &a.body {
                    Body::Empty => Value::Null,
                    Body::Json(v) => v.clone(),
                    Body::Text(t) => Value::String(t.clone()),
                },
            ),
            Err(_) => (Value::Null, Value::Null),
        };
        let mut out = json!({
            "status": status,
            "ok": self.ok(),
            "latency_ms": u64::try_from(self.latency.as_millis()).unwrap_or(u64::MAX),
            "method": self.method,
            "url": self.url,
            "hint": hint,
            "body": body,
            "operation": null,
            "scopes_needed": null,
            "scopes_granted": null,
            "missing": null,
        });
        if let (Some(check), Some(fields)) = (&self.scopes, out.as_object_mut())
            && let Value::Object(more) = check.to_json()
        {
            fields.extend(more);
        }
        out
    }

    /// What to say before the answer: the credential grants none of the
    /// operation's scopes (the request was sent anyway).
    pub fn warning(&self) -> Option<String> {
        self.scopes.as_ref().and_then(ScopeCheck::warning)
    }
}

/// Sends the request and explains the outcome.
pub async fn run(req: &ProbeRequest) -> Result<ProbeOutcome, ProbeError> {
    let origin = req.url.origin();
    let policy = redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            attempt.error("more than 5 redirects")
        } else if attempt.url().origin() != origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    let client = reqwest::Client::builder()
        .redirect(policy)
        .connect_timeout(req.connect_timeout)
        .timeout(req.timeout)
        .user_agent(concat!("sipauth-tui/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ProbeError::Client(e.to_string()))?;
    let mut auth = HeaderValue::from_str(req.authorization.expose())
        .map_err(|_| ProbeError::Client("the Authorization value is not a valid header".into()))?;
    auth.set_sensitive(true);

    let start = Instant::now();
    let mut request = client
        .request(req.method.clone(), req.url.clone())
        .header(ACCEPT, "application/json")
        .header(AUTHORIZATION, auth);
    if let Some(body) = &req.body {
        request = request
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    let sent = request.send().await;
    let result = match sent {
        Ok(response) => read_answer(response, &req.authorization).await,
        Err(e) => Err(e),
    }
    .map_err(|e| classify(&e, &req.url, req.connect_timeout, req.timeout));
    let latency = start.elapsed();
    match &result {
        Ok(a) => tracing::debug!(url = %req.url, status = a.status, ?latency, "probe answered"),
        Err(f) => tracing::debug!(url = %req.url, failure = ?f, ?latency, "probe failed"),
    }
    let hint = match &result {
        Ok(a) => req
            .scopes
            .as_ref()
            .and_then(|check| check.hint(a, req.method.as_str(), req.url.path()))
            .or_else(|| status_hint(a, &req.method, &req.url, req.scheme)),
        Err(f) => Some(failure_hint(f)),
    };
    Ok(ProbeOutcome {
        method: req.method.to_string(),
        url: req.url.to_string(),
        latency,
        result,
        hint,
        scopes: req.scopes.clone(),
    })
}

async fn read_answer(
    mut response: reqwest::Response,
    authorization: &Secret,
) -> Result<Answer, reqwest::Error> {
    let mut redactor = Redactor::default();
    redactor.add_authorization(authorization.expose());
    let status = response.status();
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(|v| strip_controls(&redactor.redact(v)))
    };
    let content_type = header_text(CONTENT_TYPE);
    let location = if status.is_redirection() {
        header_text(LOCATION)
    } else {
        None
    };
    let mut bytes = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = BODY_LIMIT - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_owned(),
        body: match parse_body(&bytes, content_type.as_deref()) {
            Body::Json(value) => Body::Json(redactor.redact_json(value)),
            Body::Text(text) => Body::Text(redactor.redact(&text)),
            Body::Empty => Body::Empty,
        },
        content_type,
        location,
        truncated,
    })
}

/// JSON when it parses as JSON (whatever the content type claims), else text.
pub fn parse_body(bytes: &[u8], content_type: Option<&str>) -> Body {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Body::Empty;
    }
    let looks_json = content_type.is_some_and(|c| c.contains("json"))
        || matches!(
            bytes.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{' | b'[')
        );
    if looks_json && let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        return Body::Json(clean_json(v));
    }
    Body::Text(strip_controls(&String::from_utf8_lossy(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_when_they_parse_and_clean_text_otherwise() {
        assert_eq!(parse_body(b"  ", None), Body::Empty);
        assert_eq!(
            parse_body(br#"{"a":1}"#, Some("application/json")),
            Body::Json(json!({"a":1}))
        );
        assert_eq!(
            parse_body(br#"[1]"#, Some("text/plain")),
            Body::Json(json!([1]))
        );
        assert_eq!(
            parse_body(b"\x1b[31mred\x1b[0m\r\nnext\x07", Some("text/html")),
            Body::Text("red\nnext".into())
        );
        let hostile =
            "{\"k\\u009b\": \"a\\u009b31mb\\u007fc\\u202ed\\u001be\", \"n\": [\"\\u0085x\"]}";
        assert_eq!(
            parse_body(hostile.as_bytes(), Some("application/json")),
            Body::Json(json!({"k": "abcd", "n": ["x"]}))
        );
        assert_eq!(
            parse_body(b"{broken", Some("application/json")),
            Body::Text("{broken".into())
        );
    }

    #[test]
    fn methods_parse_case_insensitively_and_reject_junk() {
        assert_eq!(parse_method("post").unwrap(), Method::POST);
        assert!(parse_method("GE T").is_err());
    }
}
