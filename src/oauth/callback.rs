//! The loopback listener that receives the browser's redirect (RFC 8252 §7.3).
//!
//! It binds loopback only: 127.0.0.1 on an ephemeral port by default (the
//! redirect URI is then `http://127.0.0.1:{port}/callback`), or exactly the
//! host, port and path of a configured redirect URI. `localhost` binds
//! 127.0.0.1 and, when the machine has IPv6, `[::1]` on the same port too,
//! since browsers may resolve it to either (RFC 8252 §8.3 prefers IP
//! literals for that reason); the URI sent stays as configured, since the
//! server compares it as a string. Anything on the machine can reach the port, so
//! a request counts only when it carries the `state` this login generated:
//! without it the answer is a 400 page and the listener keeps waiting, so a
//! stray or forged request cannot end a login. With the right `state`, an
//! `error` ends the login with the provider's words, a code ends it with
//! success, and any later request gets a 409. Unknown parameters
//! (`session_state`, …) are ignored; `iss`, when present and the issuer is
//! known, must equal it (RFC 9207). Pages load nothing, forbid everything
//! by CSP, and are not cached. The listener closes on success, error,
//! timeout, or when the waiting future is dropped (cancellation).

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use super::login_error::LoginError;
use crate::credential::{Secret, validate_redirect_uri};
use crate::sanitize::strip_controls;

/// The path served when no redirect URI is configured.
pub const DEFAULT_PATH: &str = "/callback";

/// How long a finished listener waits for its last pages to be sent.
const DRAIN: Duration = Duration::from_secs(2);

/// A bound loopback listener, not yet serving.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    /// `[::1]` on the same port, for a `localhost` redirect URI.
    ipv6: Option<TcpListener>,
    redirect_uri: String,
    path: String,
}

impl Listener {
    /// Binds for a login: the configured redirect URI exactly, else
    /// 127.0.0.1 on `port` (0 or `None`: any free port).
    pub async fn bind(configured: Option<&str>, port: Option<u16>) -> Result<Self, LoginError> {
        let Some(raw) = configured else {
            let addr = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port.unwrap_or(0));
            let listener = bind(addr).await?;
            let port = listener.local_addr().map_err(listener_error)?.port();
            return Ok(Self {
                listener,
                ipv6: None,
                redirect_uri: format!("http://127.0.0.1:{port}{DEFAULT_PATH}"),
                path: DEFAULT_PATH.to_owned(),
            });
        };
        let url = validate_redirect_uri(raw)?;
        let configured_port = url.port().unwrap_or(80);
        if let Some(given) = port.filter(|&p| p != configured_port) {
            return Err(LoginError::PortConflict {
                given,
                configured: configured_port,
            });
        }
        let (ip, localhost): (IpAddr, bool) = match url.host() {
            Some(url::Host::Ipv4(ip)) => (ip.into(), false),
            Some(url::Host::Ipv6(ip)) => (ip.into(), false),
            // validate_redirect_uri allows no other name than localhost.
            _ => (Ipv4Addr::LOCALHOST.into(), true),
        };
        let listener = bind(SocketAddr::new(ip, configured_port)).await?;
        let ipv6 = if localhost {
            bind_ipv6_too(configured_port).await?
        } else {
            None
        };
        Ok(Self {
            listener,
            ipv6,
            redirect_uri: raw.to_owned(),
            path: url.path().to_owned(),
        })
    }

    /// The redirect URI to send, exactly as the server must see it again.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The socket listened on (the IPv4 one for `localhost`); the tests
    /// connect to it.
    #[cfg(test)]
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Every socket listened on: for `localhost`, `[::1]` as well when the
    /// machine has IPv6.
    #[cfg(test)]
    pub fn local_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        let mut addrs = vec![self.listener.local_addr()?];
        if let Some(ipv6) = &self.ipv6 {
            addrs.push(ipv6.local_addr()?);
        }
        Ok(addrs)
    }

    /// Serves until a callback with the expected `state` arrives or
    /// `timeout` passes; returns the authorization code.
    pub async fn wait(self, expect: Expect, timeout: Duration) -> Result<Secret, LoginError> {
        let (done_tx, done_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            path: self.path,
            expect,
            done: Mutex::new(Some(done_tx)),
        });
        let app = Router::new().fallback(handle).with_state(shared);
        let (stop_tx, stop_rx) = watch::channel(());
        // Both sockets serve one app in this very future (no spawned task),
        // so dropping it closes every port at once.
        let serve = |listener: TcpListener| {
            let mut stop = stop_rx.clone();
            axum::serve(listener, app.clone())
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .into_future()
        };
        let has_ipv6 = self.ipv6.is_some();
        let mut server = std::pin::pin!(serve(self.listener));
        let ipv6 = self.ipv6.map(serve);
        let mut ipv6 = std::pin::pin!(async move {
            match ipv6 {
                Some(server) => server.await,
                None => Ok(()),
            }
        });
        let result = tokio::select! {
            done = done_rx => done.unwrap_or_else(|_| Err(LoginError::Listener("the callback handler went away".into()))),
            served = &mut server => return Err(stopped(served)),
            served = &mut ipv6, if has_ipv6 => return Err(stopped(served)),
            () = tokio::time::sleep(timeout) => Err(LoginError::Timeout { after: timeout }),
        };
        // Let the last page reach the browser, then close the ports.
        let _ = stop_tx.send(());
        let _ = tokio::time::timeout(DRAIN, async { tokio::join!(server, ipv6) }).await;
        result
    }
}

/// A server that ended before the login did.
fn stopped(served: io::Result<()>) -> LoginError {
    LoginError::Listener(match served {
        Ok(()) => "the listener stopped".into(),
        Err(e) => e.to_string(),
    })
}

/// Binds `[::1]` on `port` for a `localhost` redirect URI. A machine without
/// IPv6 loopback is fine (browsers there use 127.0.0.1); a port another
/// program holds on `[::1]` is not, since the browser might hand it the code.
async fn bind_ipv6_too(port: u16) -> Result<Option<TcpListener>, LoginError> {
    let addr = SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port);
    match TcpListener::bind(addr).await {
        Ok(listener) => Ok(Some(listener)),
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => Err(LoginError::PortInUse { addr }),
        Err(e) => {
            tracing::debug!(error = %e, "no IPv6 loopback; listening on 127.0.0.1 only");
            Ok(None)
        }
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, LoginError> {
    TcpListener::bind(addr).await.map_err(|source| {
        if source.kind() == io::ErrorKind::AddrInUse {
            LoginError::PortInUse { addr }
        } else {
            LoginError::Bind { addr, source }
        }
    })
}

fn listener_error(e: io::Error) -> LoginError {
    LoginError::Listener(e.to_string())
}

/// What a callback must carry to count.
#[derive(Debug)]
pub struct Expect {
    /// The `state` sent with the authorization request.
    pub state: Secret,
    /// The issuer an `iss` parameter must equal (the configured one; the
    /// code flow always sets it, `None` checks nothing).
    pub issuer: Option<String>,
    /// Whether `iss` must be present (the server says it always sends it).
    pub iss_required: bool,
    /// Whether `iss` must equal the issuer byte for byte. Without a
    /// discovery document the configured issuer is only the user's spelling,
    /// so one trailing slash either way is tolerated.
    pub exact_issuer: bool,
}

struct Shared {
    path: String,
    expect: Expect,
    done: Mutex<Option<oneshot::Sender<Result<Secret, LoginError>>>>,
}

/// What one callback request amounts to.
#[derive(Debug)]
enum Verdict {
    /// Not this login's callback: answer and keep waiting.
    Ignore(StatusCode, &'static str),
    /// The login ends with this.
    Done(Result<Secret, LoginError>),
}

/// Whether an `iss` parameter names the expected issuer.
fn same_issuer(found: &str, expected: &str, exact: bool) -> bool {
    found == expected || (!exact && found.trim_end_matches('/') == expected.trim_end_matches('/'))
}

/// Judges a callback's query against what is expected.
fn judge(query: &str, expect: &Expect) -> Verdict {
    let mut params: HashMap<String, String> = HashMap::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if params
            .insert(key.into_owned(), value.into_owned())
            .is_some()
        {
            // RFC 6749 §3.1: parameters must not repeat.
            return Verdict::Ignore(StatusCode::BAD_REQUEST, PAGE_REPEATED);
        }
    }
    let state_ok = params
        .get("state")
        .is_some_and(|s| constant_time_eq(s.as_bytes(), expect.state.expose().as_bytes()));
    if !state_ok {
        return Verdict::Ignore(StatusCode::BAD_REQUEST, PAGE_WRONG_STATE);
    }
    if let Some(expected) = &expect.issuer {
        match params.get("iss") {
            Some(found) if !same_issuer(found, expected, expect.exact_issuer) => {
                return Verdict::Done(Err(LoginError::IssuerMismatch {
                    expected: expected.clone(),
                    found: clean(found, 200),
                }));
            }
            None if expect.iss_required => {
                return Verdict::Done(Err(LoginError::IssuerMissing {
                    expected: expected.clone(),
                }));
            }
            _ => {}
        }
    }
    if let Some(error) = params.get("error") {
        return Verdict::Done(Err(LoginError::Denied {
            error: clean(error, 100),
            description: params
                .get("error_description")
                .map(|d| clean(d, 300))
                .filter(|d| !d.is_empty()),
        }));
    }
    match params.remove("code") {
        Some(code) if !code.is_empty() => Verdict::Done(Ok(Secret::new(code))),
        _ => Verdict::Ignore(StatusCode::BAD_REQUEST, PAGE_NO_CODE),
    }
}

/// What the listener does with a callback `query`: `None` when it keeps
/// waiting (the request is answered and ignored), else how the login ends.
/// The listener's judgement without a socket, for the fuzz targets.
pub(crate) fn judge_query(query: &str, expect: &Expect) -> Option<Result<Secret, LoginError>> {
    match judge(query, expect) {
        Verdict::Ignore(..) => None,
        Verdict::Done(result) => Some(result),
    }
}

/// Server text for a terminal and an HTML page: one line, no control
/// characters, bounded.
fn clean(text: &str, max: usize) -> String {
    strip_controls(text)
        .replace(['\n', '\t'], " ")
        .chars()
        .take(max)
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    if uri.path() != shared.path {
        return page(StatusCode::NOT_FOUND, "Not found", PAGE_NOT_FOUND);
    }
    if method != Method::GET {
        return page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Not allowed",
            PAGE_NOT_FOUND,
        );
    }
    let mut done = shared.done.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(sender) = done.take() else {
        return page(StatusCode::CONFLICT, "Already done", PAGE_ALREADY_DONE);
    };
    let verdict = judge(query.as_deref().unwrap_or(""), &shared.expect);
    match verdict {
        Verdict::Ignore(status, text) => {
            *done = Some(sender);
            page(status, "Not this login", text)
        }
        Verdict::Done(Ok(code)) => {
            let _ = sender.send(Ok(code));
            page(StatusCode::OK, "Logged in", PAGE_SUCCESS)
        }
        Verdict::Done(Err(e)) => {
            let text = format!(
                "<p>The login did not complete: {}</p><p>See the terminal. You can close this tab.</p>",
                html_escape(&e.to_string())
            );
            let _ = sender.send(Err(e));
            page_owned(StatusCode::FORBIDDEN, "Login failed", text)
        }
    }
}

const PAGE_SUCCESS: &str =
    "<p>sipauth-tui received the login. You can close this tab and return to the terminal.</p>";
const PAGE_WRONG_STATE: &str = "<p>This request does not belong to the login sipauth-tui is waiting for (missing or wrong <code>state</code>). It was ignored; the login is still waiting.</p>";
const PAGE_REPEATED: &str =
    "<p>A parameter appears more than once. It was ignored; the login is still waiting.</p>";
const PAGE_NO_CODE: &str = "<p>The request carries neither a code nor an error. It was ignored; the login is still waiting.</p>";
const PAGE_ALREADY_DONE: &str =
    "<p>This login has already completed; this request was rejected. You can close this tab.</p>";
const PAGE_NOT_FOUND: &str = "<p>Nothing here.</p>";

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_owned(status, title, body.to_owned())
}

fn page_owned(status: StatusCode, title: &str, body: String) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>sipauth-tui: {title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
