//! The loopback listener that receives the browser's redirect (RFC 8252 §7.3).
//!
//! It binds loopback only: 127.0.0.1 on an ephemeral port by default (the
//! redirect URI is then `http://127.0.0.1:{port}/callback`), or exactly the
//! host, port and path of a configured redirect URI. `localhost` binds
//! 127.0.0.1 and, when the machine has IPv6, `[::1]` on the same port too,
//! since browsers may resolve it to either (RFC 8252 §8.3 prefers IP
//! literals for that reason); the URI sent stays as configured, since the
//! server compares it as a string.
//!
//! Anything on the machine can reach the port, and anyone who can read the
//! browser's command line knows the `state`. So nothing a stranger can send
//! ends a login:
//!
//! - without this login's `state` a request gets a 400 page, nothing else;
//! - with it, an `error`, a wrong or missing `iss` (RFC 9207) or a code the
//!   token endpoint refuses (`invalid_grant`) is a [`LoginWarning`] for the
//!   face, labelled as the browser redirect's words, and the wait goes on;
//! - only a code that was exchanged for tokens ends it (later requests get
//!   a 409); a timeout names the last warning;
//! - connections are few and short-lived ([`serve`]): a request head must
//!   arrive within a few seconds, and at the cap an idle connection makes
//!   room for a new one, so idle sockets cannot keep the browser out.
//!
//! A code's page waits for its exchange, so the browser says "logged in"
//! only when it is true. Unknown parameters (`session_state`, …) are
//! ignored. Pages load nothing, forbid everything by CSP, and are not
//! cached. The ports close on success, error, timeout, or when the waiting
//! future is dropped (cancellation).

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

use super::login_error::{LoginError, LoginWarning};
use crate::credential::{Secret, validate_redirect_uri};
use crate::sanitize::strip_controls;

/// The path served when no redirect URI is configured.
pub const DEFAULT_PATH: &str = "/callback";

/// How long a finished listener waits for its last pages to be sent.
const DRAIN: Duration = Duration::from_secs(2);

mod page;
mod serve;

use page::{
    PAGE_ALREADY_DONE, PAGE_BUSY, PAGE_NO_CODE, PAGE_NOT_FOUND, PAGE_OVER, PAGE_REPEATED,
    PAGE_SUCCESS, PAGE_WRONG_STATE, html_escape, not_completed, page, page_owned,
};

use serve::Connections;
pub use serve::Limits;

/// A bound loopback listener, not yet serving.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    /// `[::1]` on the same port, for a `localhost` redirect URI.
    ipv6: Option<TcpListener>,
    redirect_uri: String,
    path: String,
    limits: Limits,
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
                limits: Limits::default(),
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
            limits: Limits::default(),
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

    /// Replaces the connection limits (tests use short ones).
    #[cfg(test)]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Serves until `exchange` turns a callback's code into tokens, or
    /// `timeout` passes. Only callbacks with the expected `state` count;
    /// of those, one whose `error`, `iss` or refused code cannot be told
    /// from a forgery ends nothing: it goes to `on_warning` (and is named
    /// in the timeout error) while the listener keeps waiting.
    pub async fn wait<T, F, Fut>(
        self,
        expect: Expect,
        timeout: Duration,
        mut exchange: F,
        on_warning: &mut (dyn FnMut(&LoginWarning) + Send),
    ) -> Result<T, LoginError>
    where
        F: FnMut(Secret) -> Fut,
        Fut: Future<Output = Exchanged<T>>,
    {
        let (warnings, mut warned) = mpsc::channel(QUEUE);
        let (code_tx, mut code_rx) = mpsc::channel(QUEUE);
        let shared = Arc::new(Shared {
            path: self.path,
            expect,
            warnings,
            codes: code_tx,
            done: AtomicBool::new(false),
        });
        let listeners: Vec<TcpListener> = std::iter::once(self.listener).chain(self.ipv6).collect();
        let mut connections = Connections::new(self.limits);
        let deadline = tokio::time::sleep(timeout);
        let mut deadline = std::pin::pin!(deadline);
        let mut codes: VecDeque<(Secret, oneshot::Sender<Page>)> = VecDeque::new();
        let mut running: Option<(Pin<Box<Fut>>, oneshot::Sender<Page>)> = None;
        let mut last = None;
        let result = loop {
            if running.is_none()
                && let Some((code, reply)) = codes.pop_front()
            {
                running = Some((Box::pin(exchange(code)), reply));
            }
            tokio::select! {
                e = serve::accept(&listeners, &shared, &mut connections) => {
                    break Err(LoginError::Listener(e.to_string()));
                }
                () = &mut deadline => break Err(LoginError::Timeout { after: timeout, last }),
                Some(warning) = warned.recv() => {
                    on_warning(&warning);
                    last = Some(warning);
                }
                Some((code, reply)) = code_rx.recv() => {
                    if codes.len() < QUEUE {
                        codes.push_back((code, reply));
                    } else {
                        let _ = reply.send(Page::Busy);
                    }
                }
                outcome = async {
                    match running.as_mut() {
                        Some((exchanging, _)) => exchanging.as_mut().await,
                        None => std::future::pending().await,
                    }
                }, if running.is_some() => {
                    let Some((_, reply)) = running.take() else { continue };
                    match outcome {
                        Exchanged::Done(tokens) => {
                            shared.done.store(true, Ordering::Release);
                            let _ = reply.send(Page::Success);
                            break Ok(tokens);
                        }
                        Exchanged::Refused(warning) => {
                            let _ = reply.send(Page::Refused(warning.to_string()));
                            on_warning(&warning);
                            last = Some(warning);
                        }
                        Exchanged::Failed(e) => {
                            let _ = reply.send(Page::Failed(e.to_string()));
                            break Err(e);
                        }
                    }
                }
            }
        };
        // Free the ports, then let the last pages reach the browser.
        drop(listeners);
        drop(codes);
        connections.close(DRAIN).await;
        result
    }
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

/// How many codes may wait while one is exchanged (and how many
/// warnings may queue; more are dropped).
const QUEUE: usize = 8;

/// What the handlers and the waiting login share. Warnings and codes have
/// channels of their own, so a flood of forged errors cannot crowd out the
/// browser's code.
struct Shared {
    path: String,
    expect: Expect,
    /// Callbacks with this login's state that end nothing.
    warnings: mpsc::Sender<LoginWarning>,
    /// Codes to exchange, and where to say how it went.
    codes: mpsc::Sender<(Secret, oneshot::Sender<Page>)>,
    /// A code was exchanged: the login is over.
    done: AtomicBool,
}

/// What became of a code, for the browser's page.
enum Page {
    Success,
    Refused(String),
    Failed(String),
    Busy,
}

/// What exchanging a callback's code came to.
#[derive(Debug)]
pub enum Exchanged<T> {
    /// Tokens: the login is done.
    Done(T),
    /// The token endpoint refused the code itself (forged, stale, replayed):
    /// the login keeps waiting.
    Refused(LoginWarning),
    /// Anything else ends the login.
    Failed(LoginError),
}

/// What one callback request amounts to.
#[derive(Debug)]
enum Verdict {
    /// Not this login's callback: answer and keep waiting.
    Ignore(StatusCode, &'static str),
    /// This login's state, but words that end nothing (they may be forged).
    Warn(LoginWarning),
    /// A code to exchange.
    Code(Secret),
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
                return Verdict::Warn(LoginWarning::IssuerMismatch {
                    expected: expected.clone(),
                    found: clean(found, 200),
                });
            }
            None if expect.iss_required => {
                return Verdict::Warn(LoginWarning::IssuerMissing {
                    expected: expected.clone(),
                });
            }
            _ => {}
        }
    }
    if let Some(error) = params.get("error") {
        return Verdict::Warn(LoginWarning::Redirect {
            error: clean(error, 100),
            description: params
                .get("error_description")
                .map(|d| clean(d, 300))
                .filter(|d| !d.is_empty()),
        });
    }
    match params.remove("code") {
        Some(code) if !code.is_empty() => Verdict::Code(Secret::new(code)),
        _ => Verdict::Ignore(StatusCode::BAD_REQUEST, PAGE_NO_CODE),
    }
}

/// What the listener makes of a callback `query`: `None` when it ignores
/// it (wrong state, no code), a warning when it waits on, else the code to
/// exchange. The listener's judgement without a socket, for the fuzz
/// targets.
pub(crate) fn judge_query(query: &str, expect: &Expect) -> Option<Result<Secret, LoginWarning>> {
    match judge(query, expect) {
        Verdict::Ignore(..) => None,
        Verdict::Warn(warning) => Some(Err(warning)),
        Verdict::Code(code) => Some(Ok(code)),
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

/// Answers one request; a code's page waits for its exchange.
async fn handle(shared: &Shared, method: &Method, uri: &Uri) -> Response {
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
    if shared.done.load(Ordering::Acquire) {
        return page(StatusCode::CONFLICT, "Already done", PAGE_ALREADY_DONE);
    }
    let code = match judge(uri.query().unwrap_or(""), &shared.expect) {
        Verdict::Ignore(status, text) => return page(status, "Not this login", text),
        Verdict::Warn(warning) => {
            let text = not_completed(&warning.to_string());
            let _ = shared.warnings.try_send(warning);
            return page_owned(StatusCode::FORBIDDEN, "Login not completed", text);
        }
        Verdict::Code(code) => code,
    };
    let (tx, reply) = oneshot::channel();
    if shared.codes.try_send((code, tx)).is_err() {
        return page(StatusCode::SERVICE_UNAVAILABLE, "Busy", PAGE_BUSY);
    }
    match reply.await {
        Ok(Page::Success) => page(StatusCode::OK, "Logged in", PAGE_SUCCESS),
        Ok(Page::Refused(why)) => page_owned(
            StatusCode::FORBIDDEN,
            "Login not completed",
            not_completed(&why),
        ),
        Ok(Page::Failed(why)) => page_owned(
            StatusCode::FORBIDDEN,
            "Login failed",
            format!(
                "<p>The login did not complete: {}</p><p>See the terminal. You can close this tab.</p>",
                html_escape(&why)
            ),
        ),
        Ok(Page::Busy) => page(StatusCode::SERVICE_UNAVAILABLE, "Busy", PAGE_BUSY),
        Err(_) => page(StatusCode::CONFLICT, "Login over", PAGE_OVER),
    }
}

#[cfg(test)]
mod tests;
