//! The sandbox's test hooks under `/v2/__…` and the switches behind them:
//! a chosen status, a redirect, an echo of the Authorization header, the
//! account's credit (402 for an SMS) and a rate limit (429 after N
//! requests). The switches can be flipped over HTTP (for the binary run
//! against `sipauth-tui sandbox`) or on the handle (for tests in-process).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::{SandboxHandle, Shared, allowing, error_body};

/// Whether the sandbox account can pay for an SMS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Credit {
    /// `POST /v2/sessions/sms` goes through (the start).
    #[default]
    Ok,
    /// `POST /v2/sessions/sms` answers 402 Payment Required.
    Empty,
}

/// The switches the hooks flip.
#[derive(Debug, Default)]
pub(super) struct Switches {
    pub(super) credit: Credit,
    /// How many more API requests are answered before the 429s; `None`
    /// for no limit.
    rate_limit: Option<usize>,
}

impl Switches {
    /// Counts one API request; whether it is over the limit.
    fn over_limit(&mut self) -> bool {
        match &mut self.rate_limit {
            None => false,
            Some(0) => true,
            Some(left) => {
                *left -= 1;
                false
            }
        }
    }
}

/// The switches, for tests that run the sandbox in-process.
impl SandboxHandle {
    /// Whether `POST /v2/sessions/sms` answers 402 ([`Credit::Empty`]).
    pub fn set_credit(&self, credit: Credit) {
        self.shared.switches().credit = credit;
    }

    /// `Some(n)`: the next `n` API requests are answered as usual and every
    /// one after them 429; `None` lifts the limit.
    pub fn set_rate_limit(&self, after: Option<usize>) {
        self.shared.switches().rate_limit = after;
    }
}

/// The hook routes.
pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/__status/{code}", get(chosen_status))
        .route("/v2/__redirect", get(redirect))
        .route("/v2/__echo", get(echo))
        .route("/v2/__funds", allowing(&["POST"], post(funds)))
        .route(
            "/v2/__rate_limit",
            allowing(&["POST"], post(rate_limit_hook)),
        )
}

/// Whether a path is one the rate limit counts: under `/v2`, not a hook.
fn is_api_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/v2") else {
        return false;
    };
    (rest.is_empty() || rest.starts_with('/')) && !rest.starts_with("/__")
}

/// Middleware: 429 for API requests over the limit [`Switches`] sets.
pub(super) async fn rate_limit(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    if is_api_path(req.uri().path()) && shared.switches().over_limit() {
        let mut response = error_body(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    next.run(req).await
}

/// `POST /v2/__funds?credit=empty|ok`.
async fn funds(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let credit = match q.get("credit").map(String::as_str) {
        Some("empty") => Credit::Empty,
        Some("ok") => Credit::Ok,
        _ => return error_body(StatusCode::BAD_REQUEST, "want credit=empty or credit=ok"),
    };
    shared.switches().credit = credit;
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /v2/__rate_limit?after=N|off`.
async fn rate_limit_hook(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let after = match q.get("after").map(String::as_str) {
        Some("off") => None,
        Some(n) => match n.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => return error_body(StatusCode::BAD_REQUEST, "want after=N or after=off"),
        },
        None => return error_body(StatusCode::BAD_REQUEST, "want after=N or after=off"),
    };
    shared.switches().rate_limit = after;
    StatusCode::NO_CONTENT.into_response()
}

async fn chosen_status(Path(code): Path<u16>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    error_body(status, status.canonical_reason().unwrap_or("chosen status"))
}

/// `GET /v2/__echo`: the request's Authorization header back, as sent and
/// decoded, the way `httpbin.org/anything` answers (in JSON and in a
/// header of the answer).
async fn echo(headers: HeaderMap) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let decoded = authorization
        .split_once(' ')
        .and_then(|(_, b64)| STANDARD.decode(b64).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let body = json!({"headers": {"Authorization": authorization}, "decoded": decoded});
    let mut response = (StatusCode::OK, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("application/json; echo=\"{authorization}\""))
    {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

#[derive(serde::Deserialize)]
struct RedirectTo {
    to: String,
}

async fn redirect(Query(q): Query<RedirectTo>) -> Response {
    match HeaderValue::from_str(&q.to) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => error_body(StatusCode::BAD_REQUEST, "bad redirect target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_counts_api_paths_only() {
        let cases = [
            ("/v2/balance", true),
            ("/v2", true),
            ("/v2/w0/devices", true),
            ("/v2/nowhere", true),
            ("/v2/__rate_limit", false),
            ("/v2/__status/500", false),
            ("/v2x/balance", false),
            (
                "/auth/realms/third-party/protocol/openid-connect/token",
                false,
            ),
        ];
        crate::testing::cases::check_all(cases, |(path, want)| {
            assert_eq!(is_api_path(path), want, "{path}");
        });
    }

    #[test]
    fn the_limit_lets_n_through_then_refuses_until_lifted() {
        let mut switches = Switches::default();
        assert!(!switches.over_limit(), "no limit at the start");
        switches.rate_limit = Some(2);
        let answers: Vec<bool> = (0..4).map(|_| switches.over_limit()).collect();
        assert_eq!(answers, [false, false, true, true]);
        switches.rate_limit = None;
        assert!(!switches.over_limit());
    }
}
