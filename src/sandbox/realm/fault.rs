//! Broken token responses on demand, for clients' malformed-response tests.
//!
//! A fault set on the handle applies to every token request (any issuer,
//! any grant) until cleared. `Status`, `Body`, `Huge` and `Echo` answer
//! without running the grant, so nothing is issued or used up; `Delay` and
//! `Trickle` run it and deliver the real response late or slowly. `Echo`
//! also answers revocation and device authorization requests: it plays the
//! endpoint whose error text repeats the request, secrets and all.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::client_auth::decode_basic;
use super::error::no_store;

/// A fault injected into the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenFault {
    /// Answer with this status, body and content type (e.g. an HTML 502).
    Status(u16, String, &'static str),
    /// Answer 200 `application/json` with this body, whatever it is.
    Body(String),
    /// Answer 200 with a JSON-looking body of exactly this many bytes.
    Huge(usize),
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer normally, but send the body `bytes_per_tick` bytes per `tick`.
    Trickle {
        /// Bytes per chunk (at least 1).
        bytes_per_tick: usize,
        /// Pause before each chunk.
        tick: Duration,
    },
    /// Answer 400 `invalid_request` whose `error_description` repeats the
    /// request: the body as sent (form-encoded) and decoded, and the
    /// Authorization header as sent and decoded. Also at the revocation
    /// and device authorization endpoints.
    Echo,
}

/// The response for a fault that replaces the real one, or `None` when the
/// grant should run (`Delay`, `Trickle`).
pub(crate) fn replacement(
    fault: &TokenFault,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    match fault {
        TokenFault::Echo => Some(echo(headers, body)),
        TokenFault::Status(code, body, content_type) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::BAD_GATEWAY);
            Some(
                (
                    status,
                    [(header::CONTENT_TYPE, *content_type)],
                    body.clone(),
                )
                    .into_response(),
            )
        }
        TokenFault::Body(body) => Some(json(body.clone())),
        TokenFault::Huge(len) => Some(json(huge_json(*len))),
        TokenFault::Delay(_) | TokenFault::Trickle { .. } => None,
    }
}

/// Sends `response`'s body slowly, keeping its status and headers.
pub(crate) async fn trickle(response: Response, bytes_per_tick: usize, tick: Duration) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let step = bytes_per_tick.max(1);
    let stream = futures_util::stream::unfold(bytes, move |rest: Bytes| async move {
        if rest.is_empty() {
            return None;
        }
        tokio::time::sleep(tick).await;
        let mut rest = rest;
        let chunk = rest.split_to(step.min(rest.len()));
        Some((Ok::<_, std::io::Error>(chunk), rest))
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// The `Echo` answer to a request.
pub(crate) fn echo(headers: &HeaderMap, body: &[u8]) -> Response {
    let raw = String::from_utf8_lossy(body);
    let decoded: Vec<String> = url::form_urlencoded::parse(body)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    let pair = decode_basic(authorization)
        .map(|(id, secret)| format!("{id}:{secret}"))
        .unwrap_or_default();
    let description = format!(
        "cannot read request {raw} (that is {}) with Authorization: {authorization} ({pair})",
        decoded.join(" ")
    );
    no_store(
        StatusCode::BAD_REQUEST,
        &json!({"error": "invalid_request", "error_description": description}),
    )
}

fn json(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// `{"access_token":"AAAA…"}` padded to exactly `len` bytes (or as much of
/// it as fits, for tiny lengths).
fn huge_json(len: usize) -> String {
    const HEAD: &str = "{\"access_token\":\"";
    const TAIL: &str = "\"}";
    let fill = len.saturating_sub(HEAD.len() + TAIL.len());
    let mut body = String::with_capacity(len.max(HEAD.len() + TAIL.len()));
    body.push_str(HEAD);
    body.extend(std::iter::repeat_n('A', fill));
    body.push_str(TAIL);
    body.truncate(len);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_bodies_have_exactly_the_asked_length_and_parse_as_json() {
        for len in [0, 5, 19, 20, 1000, 10 * 1024 * 1024] {
            let body = huge_json(len);
            assert_eq!(body.len(), len);
            if len >= 19 {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert!(v["access_token"].is_string());
            }
        }
    }
}
