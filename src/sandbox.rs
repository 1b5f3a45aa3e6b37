//! A local stand-in for the sipgate REST API, on 127.0.0.1 only.
//!
//! `sipauth-tui sandbox` runs it in the foreground; tests and the demo
//! (seeded by [`demo`]) start it in-process on port 0. It is a real HTTP server (axum), so
//! everything the probe does is exercised over real sockets. Besides
//! `/v2/account` it has a few test hooks under `/v2/__…` (a chosen status, a
//! redirect, an echo of the Authorization header) and records which requests carried an Authorization header, so
//! tests can prove where credentials were and were not sent.
//!
//! Under `/auth/realms/{realm}` (and `/other`) it is also an OpenID Connect
//! provider, see [`realm`]; `/v2/account` then accepts that realm's access
//! tokens as `Authorization: Bearer` too. Tokens are signed with the public
//! sandbox keys in [`crate::sandbox_keys`].

pub mod demo;
pub mod realm;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::credential::KEYCLOAK_REALM_PREFIX;
use realm::{DEFAULT_REALM, OTHER_ISSUER_PATH, Realm, RealmConfig};

/// Token id of the sandbox's sample PAT (scope `account:read`).
pub const SAMPLE_TOKEN_ID: &str = "token-SANDBX";
/// Token of the sandbox's sample PAT. Only valid against the sandbox.
pub const SAMPLE_TOKEN: &str = "sandbox-pat-6d1f0c2a-4b7e";
/// Token id of a sample PAT that lacks `account:read` (probe gets 403).
pub const NOSCOPE_TOKEN_ID: &str = "token-NOSCOP";
/// Token of the sample PAT without `account:read`.
pub const NOSCOPE_TOKEN: &str = "sandbox-pat-no-scope-91c3";
/// Username of the sample Basic login (the sipgate documentation's vector).
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
    Router::new()
        .route("/v2/account", get(account).fallback(method_not_allowed))
        .route("/v2/__status/{code}", get(chosen_status))
        .route("/v2/__redirect", get(redirect))
        .route("/v2/__echo", get(echo))
        .with_state(shared.clone())
        .merge(realm::router(shared.realm.clone()))
        .fallback(not_found)
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

/// Who a Basic header names, if it is one of the sandbox's samples.
#[derive(Debug, PartialEq, Eq)]
enum Caller {
    Pat,
    PatWithoutScope,
    BasicLogin,
}

fn caller(headers: &HeaderMap) -> Option<Caller> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(b64.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    match decoded.split_once(':')? {
        (SAMPLE_TOKEN_ID, SAMPLE_TOKEN) => Some(Caller::Pat),
        (NOSCOPE_TOKEN_ID, NOSCOPE_TOKEN) => Some(Caller::PatWithoutScope),
        (SAMPLE_USERNAME, SAMPLE_PASSWORD) => Some(Caller::BasicLogin),
        _ => None,
    }
}

fn error_body(status: StatusCode, message: &str) -> Response {
    let body = json!({ "status": status.as_u16(), "message": message });
    (status, axum::Json(body)).into_response()
}

async fn account(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(token) = realm::bearer_token(&headers) {
        return match realm::verify_account(&shared.realm, token) {
            Ok(()) => account_body(),
            Err(realm::BearerError::MissingScope) => error_body(
                StatusCode::FORBIDDEN,
                "Forbidden: the token lacks the scope account:read",
            ),
            Err(realm::BearerError::Invalid(why)) => {
                let mut response = error_body(StatusCode::UNAUTHORIZED, "Unauthorized");
                let challenge = format!(
                    "Bearer realm=\"sipgate sandbox\", error=\"invalid_token\", error_description=\"{why}\""
                );
                if let Ok(value) = header::HeaderValue::from_str(&challenge) {
                    response
                        .headers_mut()
                        .insert(header::WWW_AUTHENTICATE, value);
                }
                response
            }
        };
    }
    match caller(&headers) {
        Some(Caller::Pat | Caller::BasicLogin) => account_body(),
        Some(Caller::PatWithoutScope) => error_body(
            StatusCode::FORBIDDEN,
            "Forbidden: the token lacks the scope account:read",
        ),
        None => {
            let mut response = error_body(StatusCode::UNAUTHORIZED, "Unauthorized");
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Basic realm=\"sipgate sandbox\""),
            );
            response
        }
    }
}

fn account_body() -> Response {
    axum::Json(json!({
        "company": "Sandbox GmbH",
        "mainProductType": "TEAM",
        "logoUrl": "",
        "verified": true
    }))
    .into_response()
}

async fn method_not_allowed() -> Response {
    let mut response = error_body(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
    response
}

async fn not_found() -> Response {
    error_body(StatusCode::NOT_FOUND, "Not Found")
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
    if let Ok(value) =
        header::HeaderValue::from_str(&format!("application/json; echo=\"{authorization}\""))
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
    match header::HeaderValue::from_str(&q.to) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => error_body(StatusCode::BAD_REQUEST, "bad redirect target"),
    }
}
