//! The listener's own accept loop: few sockets, each short-lived.
//!
//! Anything on the machine can connect to the loopback port, so the login
//! must not be starved by connections that never say anything:
//!
//! - each connection serves one request (no keep-alive) and must deliver
//!   its request head within [`Limits::header_read`], or it is closed;
//! - a connection whose request is being answered (a code being exchanged)
//!   is closed after [`Limits::connection`] at the latest;
//! - at most [`Limits::max_connections`] are open at once. A new one at the
//!   cap closes the oldest that has not sent its request yet, so a flood
//!   of idle connections cannot keep the browser out: its connection sends
//!   its request at once and is then never the one closed. Only when every
//!   open connection is busy with a request is the new one refused.
//!
//! Connection tasks live in a [`JoinSet`] owned by the accept loop's
//! caller: dropping the wait aborts them all and closes every socket.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};

use super::{Shared, handle};

/// How the listener bounds its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Until a connection's request head has arrived.
    pub header_read: Duration,
    /// Until a connection is closed whatever it does.
    pub connection: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(5),
            // Longer than one code exchange (the token request's total
            // timeout), whose outcome the browser's page waits for.
            connection: Duration::from_secs(60),
            max_connections: 16,
        }
    }
}

/// An open connection: its task, and whether its request has arrived.
struct Open {
    task: AbortHandle,
    requested: Arc<AtomicBool>,
}

/// The connections of one login.
pub(super) struct Connections {
    tasks: JoinSet<()>,
    open: VecDeque<Open>,
    limits: Limits,
}

impl Connections {
    pub(super) fn new(limits: Limits) -> Self {
        Self {
            tasks: JoinSet::new(),
            open: VecDeque::new(),
            limits,
        }
    }

    /// Serves a new connection, closing the oldest idle one at the cap.
    fn admit(&mut self, stream: TcpStream, shared: &Arc<Shared>) {
        while self.tasks.try_join_next().is_some() {}
        self.open.retain(|c| !c.task.is_finished());
        if self.open.len() >= self.limits.max_connections {
            let idle = self
                .open
                .iter()
                .position(|c| !c.requested.load(Ordering::Acquire));
            match idle.and_then(|i| self.open.remove(i)) {
                Some(oldest) => oldest.task.abort(),
                None => {
                    tracing::debug!("login listener busy; connection refused");
                    return;
                }
            }
        }
        let requested = Arc::new(AtomicBool::new(false));
        let task = self.tasks.spawn(connection(
            stream,
            shared.clone(),
            self.limits,
            requested.clone(),
        ));
        self.open.push_back(Open { task, requested });
    }

    /// Closes the connections that sent nothing, and lets the others
    /// finish their page for at most `drain`.
    pub(super) async fn close(mut self, drain: Duration) {
        for c in &self.open {
            if !c.requested.load(Ordering::Acquire) {
                c.task.abort();
            }
        }
        let _ = tokio::time::timeout(drain, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
    }
}

/// Accepts on every listener until one fails for good; returns that error.
pub(super) async fn accept(
    listeners: &[TcpListener],
    shared: &Arc<Shared>,
    connections: &mut Connections,
) -> io::Error {
    loop {
        let accepted =
            futures_util::future::select_all(listeners.iter().map(|l| Box::pin(l.accept())))
                .await
                .0;
        match accepted {
            Ok((stream, _)) => connections.admit(stream, shared),
            // Out of descriptors or a connection reset before accept: the
            // next attempt may work (axum::serve does the same).
            Err(e) if is_transient(&e) => {
                tracing::debug!(error = %e, "login listener accept failed; retrying");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => return e,
        }
    }
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    ) || e.raw_os_error().is_some_and(|code| {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM
        matches!(code, 24 | 23 | 105 | 12)
    })
}

/// One connection: one request, its head within the header deadline.
async fn connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    limits: Limits,
    requested: Arc<AtomicBool>,
) {
    let flag = requested.clone();
    let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        flag.store(true, Ordering::Release);
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(handle(&shared, request.method(), request.uri()).await) }
    });
    let served = http1::Builder::new()
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    let mut served = std::pin::pin!(served);
    let head = tokio::time::sleep(limits.header_read);
    tokio::select! {
        _ = &mut served => return,
        () = head => {}
    }
    if !requested.load(Ordering::Acquire) {
        return;
    }
    let rest = limits.connection.saturating_sub(limits.header_read);
    let _ = tokio::time::timeout(rest, served).await;
}
