//! A local stand-in for the sipgate REST API, on 127.0.0.1 only.
//!
//! `sipauth-tui sandbox` runs it in the foreground; tests and the demo
//! (seeded by [`demo`]) start it in-process on port 0. It is a real HTTP
//! server (axum), so everything the probe does is exercised over real
//! sockets.
//!
//! Under `/v2` it plays a handful of sipgate's endpoints with sipgate's
//! scope checks (*The API* below); under `/v2/__…` it has test hooks
//! (*Test hooks* below). It records every request and whether
//! it carried an Authorization header ([`SandboxHandle::seen`]), so tests
//! can prove where credentials were and were not sent.
//!
//! Under `/auth/realms/{realm}` (and `/other`) it is also an OpenID Connect
//! provider, see [`realm`]; the API accepts that realm's access tokens as
//! `Authorization: Bearer` too, granting the scopes in their claims. Tokens
//! are signed with the public sandbox keys in [`crate::sandbox_keys`].
//!
//! # The API
//!
//! Each endpoint needs one of the scopes sipgate's API map
//! ([`crate::sipgate::ApiMap`]) lists for its operation (`all` grants
//! every one); without it the answer is 403 naming the scope
//! (`{"status":403,"message":"Forbidden: the token lacks the scope
//! history:read"}`); unknown credentials get 401 (a Basic challenge, or
//! Bearer `invalid_token`); another method 405 with `Allow`.
//!
//! | request | scope | answer |
//! |---|---|---|
//! | `GET /v2/account` | `account:read` | the account |
//! | `GET /v2/balance` | `balance:read` | `{"amount":10000,"currency":"EUR"}` (1/10000 units) |
//! | `GET /v2/history` | `history:read` | `{"items":[…],"totalCount":2}` |
//! | `GET /v2/users` | `users:read` | user `w0` |
//! | `GET /v2/numbers` | `numbers:read` | one landline number |
//! | `GET /v2/authorization/userinfo` | none | `{"sub":"w0",…}` |
//! | `GET /v2/{userId}/devices` | `devices:read` | `w0`'s devices; 404 for another user |
//! | `POST /v2/sessions/sms` | `sessions:sms:write`, `sessions:write` | 204; 400 for a bad body; 402 when the credit is empty |
//! | any other operation of the map | its scopes | 501 Not Implemented |
//!
//! So every documented read answers a scope check, and a PAT's scopes can
//! be learned from the sandbox as from sipgate. Paths the map does not
//! know are 404.
//!
//! Who grants what: the sample PAT [`SAMPLE_TOKEN_ID`] grants
//! [`SAMPLE_PAT_SCOPES`], the PAT [`NOSCOPE_TOKEN_ID`] nothing, the Basic
//! login [`SAMPLE_USERNAME`] `all`, a realm access token what its claims
//! say ([`crate::sipgate::grants::in_claims`]).
//!
//! # Test hooks
//!
//! - `GET /v2/__status/{code}`: that status; `GET /v2/__redirect?to=URL`: a
//!   302 there; `GET /v2/__echo`: the Authorization header back.
//! - `POST /v2/__funds?credit=empty|ok` (or [`SandboxHandle::set_credit`]):
//!   whether `POST /v2/sessions/sms` answers 402 Payment Required; `ok` at
//!   the start.
//! - `POST /v2/__rate_limit?after=N|off` (or
//!   [`SandboxHandle::set_rate_limit`]): the next N API requests (every
//!   `/v2` request but the hooks) are answered as usual, every one after
//!   them 429 Too Many Requests with `Retry-After: 1`, until `off`.

mod api;
pub mod demo;
mod hooks;
pub mod realm;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::credential::KEYCLOAK_REALM_PREFIX;
pub use hooks::Credit;
use realm::{DEFAULT_REALM, OTHER_ISSUER_PATH, Realm, RealmConfig};

/// Token id of the sandbox's sample PAT. It grants [`SAMPLE_PAT_SCOPES`]:
/// `account:read`, `balance:read`, `history:read`, `numbers:read`,
/// `users:read`, `devices:read` and `sessions:sms:write`.
pub const SAMPLE_TOKEN_ID: &str = "token-SANDBX";
/// Token of the sandbox's sample PAT. Only valid against the sandbox.
pub const SAMPLE_TOKEN: &str = "sandbox-pat-6d1f0c2a-4b7e";
/// The scopes the sample PAT ([`SAMPLE_TOKEN_ID`]) grants.
pub const SAMPLE_PAT_SCOPES: &[&str] = &[
    "account:read",
    "balance:read",
    "history:read",
    "numbers:read",
    "users:read",
    "devices:read",
    "sessions:sms:write",
];
/// Token id of a sample PAT with no scope at all: every endpoint but
/// `GET /v2/authorization/userinfo` answers it 403.
pub const NOSCOPE_TOKEN_ID: &str = "token-NOSCOP";
/// Token of the sample PAT without scopes.
pub const NOSCOPE_TOKEN: &str = "sandbox-pat-no-scope-91c3";
/// Username of the sample Basic login (the sipgate documentation's
/// vector); it grants `all`.
pub const SAMPLE_USERNAME: &str = "John";
/// Password of the sample Basic login.
pub const SAMPLE_PASSWORD: &str = "topsecret";

/// One request the sandbox saw. The Authorization value itself is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query; realm endpoints record the path only, since their
    /// queries carry state, PKCE challenges and the like.
    pub path: String,
    /// Whether an Authorization header came with it.
    pub had_authorization: bool,
}

struct Shared {
    seen: Mutex<Vec<SeenRequest>>,
    realm: Arc<Realm>,
    switches: Mutex<hooks::Switches>,
}

impl Shared {
    fn switches(&self) -> std::sync::MutexGuard<'_, hooks::Switches> {
        self.switches.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where a sandbox listens and what it saw; both kinds of sandbox
/// dereference to it.
#[derive(Clone)]
pub struct SandboxHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl SandboxHandle {
    /// The socket it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API base to give credentials: `http://127.0.0.1:PORT/v2`.
    pub fn api_url(&self) -> String {
        format!("{}/v2", self.base_url())
    }

    /// The issuer URL of a Keycloak-like realm: `{base}/auth/realms/{name}`.
    pub fn realm_url(&self, name: &str) -> String {
        format!("{}{KEYCLOAK_REALM_PREFIX}{name}", self.base_url())
    }

    /// The issuer URL of the default realm ([`DEFAULT_REALM`]).
    pub fn issuer_url(&self) -> String {
        self.realm_url(DEFAULT_REALM)
    }

    /// The issuer URL of the non-Keycloak issuer: `{base}/other`.
    pub fn other_issuer_url(&self) -> String {
        format!("{}{OTHER_ISSUER_PATH}", self.base_url())
    }

    /// Every request seen so far, oldest first.
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.shared
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl std::ops::Deref for Sandbox {
    type Target = SandboxHandle;
    fn deref(&self) -> &SandboxHandle {
        &self.handle
    }
}

impl std::ops::Deref for BackgroundSandbox {
    type Target = SandboxHandle;
    fn deref(&self) -> &SandboxHandle {
        &self.handle
    }
}

/// A running sandbox server.
pub struct Sandbox {
    handle: SandboxHandle,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1:`port` (0 for any free port) and starts serving,
    /// with the default realm configuration.
    pub async fn start(port: u16) -> std::io::Result<Self> {
        Self::start_with(port, RealmConfig::default()).await
    }

    /// Like [`Sandbox::start`] with a realm configuration of the caller's.
    pub async fn start_with(port: u16, config: RealmConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let realm = Arc::new(Realm::new(format!("http://{addr}"), config));
        let shared = Arc::new(Shared {
            seen: Mutex::default(),
            realm,
            switches: Mutex::default(),
        });
        let app = router(shared.clone());
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        });
        Ok(Self {
            handle: SandboxHandle { addr, shared },
            shutdown: Some(tx),
            task,
        })
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.map_err(std::io::Error::other)?
    }
}

/// A sandbox on a thread of its own, for synchronous callers such as tests.
/// Dropping it stops the server.
pub struct BackgroundSandbox {
    handle: SandboxHandle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundSandbox {
    /// Starts a sandbox on 127.0.0.1, port 0, and returns once it listens.
    pub fn start() -> std::io::Result<Self> {
        Self::start_with(RealmConfig::default())
    }

    /// Like [`BackgroundSandbox::start`] with a realm configuration.
    pub fn start_with(config: RealmConfig) -> std::io::Result<Self> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sandbox".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    match Sandbox::start_with(0, config).await {
                        Ok(sandbox) => {
                            let _ = ready_tx.send(Ok(sandbox.handle.clone()));
                            let _ = stop_rx.await;
                            let _ = sandbox.stop().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let handle = ready_rx.recv().map_err(std::io::Error::other)??;
        Ok(Self {
            handle,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl Drop for BackgroundSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    api::router()
        .merge(hooks::router())
        .fallback(api::unserved)
        .with_state(shared.clone())
        .merge(realm::router(shared.realm.clone()))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            hooks::rate_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(shared, record))
}

async fn record(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let uri = req.uri();
    let in_realm = realm::Issuer::from_path("", uri.path()).is_some();
    let seen = SeenRequest {
        method: req.method().to_string(),
        path: match uri.path_and_query() {
            Some(p) if !in_realm => p.to_string(),
            _ => uri.path().to_owned(),
        },
        had_authorization: req.headers().contains_key(header::AUTHORIZATION),
    };
    shared
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(seen);
    next.run(req).await
}

/// A JSON error body the way sipgate writes one: `{"status", "message"}`.
fn error_body(status: StatusCode, message: &str) -> Response {
    let body = json!({ "status": status.as_u16(), "message": message });
    (status, axum::Json(body)).into_response()
}

/// `router` answering any other method 405 with `Allow: {allow}`.
fn allowing(
    allow: &'static [&'static str],
    router: MethodRouter<Arc<Shared>>,
) -> MethodRouter<Arc<Shared>> {
    router.fallback(move || async move { method_not_allowed(allow) })
}

/// 405 Method Not Allowed, naming the methods the path has.
fn method_not_allowed(allow: &[&str]) -> Response {
    let mut response = error_body(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

fn not_found() -> Response {
    error_body(StatusCode::NOT_FOUND, "Not Found")
}
