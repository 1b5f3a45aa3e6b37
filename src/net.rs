//! The network-failure vocabulary every client in the crate shares: why no
//! usable answer came back ([`NetFailure`]), how a reqwest error is told
//! apart (digging through hyper, io and rustls errors: [`classify`]), and the
//! hint for each failure ([`failure_hint`]).
//!
//! The probe, the OAuth client and the JWKS fetch all report failures in
//! these terms, so a refused connection reads the same wherever it happens.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use url::Url;

use crate::hint::{Fix, Hint};
use crate::sanitize::strip_controls;

/// Default time to establish a connection (DNS, TCP, TLS) for a probe
/// and a JWKS fetch.
pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Default time for a whole exchange.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Why nothing usable came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetFailure {
    /// The host name did not resolve.
    Dns {
        /// The host.
        host: String,
        /// The resolver's words.
        detail: String,
    },
    /// Nothing listens at the address.
    Refused {
        /// host:port.
        target: String,
    },
    /// TLS could not be established.
    Tls {
        /// The host.
        host: String,
        /// rustls's words.
        detail: String,
    },
    /// No connection within the connect timeout.
    ConnectTimeout {
        /// The host.
        host: String,
        /// The limit.
        after: Duration,
    },
    /// Connected, but no full answer within the total timeout.
    Timeout {
        /// The limit.
        after: Duration,
    },
    /// Anything else.
    Other {
        /// What happened.
        detail: String,
    },
}

/// Names the network failure behind a reqwest error, for a request to `url`
/// made with these timeouts.
pub fn classify(
    err: &reqwest::Error,
    url: &Url,
    connect_timeout: Duration,
    timeout: Duration,
) -> NetFailure {
    let host = url.host_str().unwrap_or_default().to_owned();
    if err.is_timeout() {
        return if err.is_connect() {
            NetFailure::ConnectTimeout {
                host,
                after: connect_timeout,
            }
        } else {
            NetFailure::Timeout { after: timeout }
        };
    }
    let causes = causes(err);
    for e in &causes {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return NetFailure::Tls {
                host,
                detail: strip_controls(&tls.to_string()),
            };
        }
        if let Some(io) = e.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::ConnectionRefused
        {
            let port = url.port_or_known_default().unwrap_or_default();
            return NetFailure::Refused {
                target: format!("{host}:{port}"),
            };
        }
        if e.to_string().starts_with("dns error") {
            let detail = e.source().map(|s| s.to_string()).unwrap_or_default();
            return NetFailure::Dns {
                host,
                detail: strip_controls(&detail),
            };
        }
    }
    let detail: Vec<String> = causes.iter().skip(1).map(|e| e.to_string()).collect();
    NetFailure::Other {
        detail: strip_controls(&detail.join(": ")),
    }
}

type DynError = dyn std::error::Error + 'static;

/// The chain of causes, looking inside `io::Error`s: their `source()` skips
/// the error they wrap, which is where rustls puts its own.
fn causes(err: &reqwest::Error) -> Vec<&DynError> {
    let mut out: Vec<&DynError> = vec![err];
    let mut next: Option<&DynError> = err.source();
    while let Some(e) = next {
        out.push(e);
        next = match e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &DynError),
            None => e.source(),
        };
    }
    out
}

/// The hint for a network failure.
pub fn failure_hint(failure: &NetFailure) -> Hint {
    let fix = match failure {
        NetFailure::Refused { .. } => Some(Fix::StartServer),
        NetFailure::Timeout { .. } => Some(Fix::LongerTimeout),
        _ => None,
    };
    Hint {
        text: failure_text(failure),
        fix,
    }
}

/// A network failure of a call to the API in words: what happened and
/// what to check (the fix is in [`failure_hint`]).
pub fn failure_text(failure: &NetFailure) -> String {
    failure_text_at(failure, "the API base URL")
}

/// A network failure in words, `site` naming where its host was written
/// ("the issuer URL"): a DNS failure says which to check.
pub fn failure_text_at(failure: &NetFailure, site: &str) -> String {
    match failure {
        NetFailure::Dns { host, detail } => format!(
            "DNS: cannot resolve `{host}` ({detail}); check the host in {site} and your network"
        ),
        NetFailure::Refused { target } => {
            format!("connection refused by {target}: nothing listens there; check the port")
        }
        NetFailure::Tls { host, detail } => format!(
            "TLS handshake with `{host}` failed: {detail}; is this an https URL for a plain-http server, or is a proxy intercepting TLS?"
        ),
        NetFailure::ConnectTimeout { host, after } => format!(
            "timeout: no connection to `{host}` within {} s; the host is down or a firewall drops the packets",
            after.as_secs_f32()
        ),
        NetFailure::Timeout { after } => format!(
            "timeout: the server took the request but sent no complete answer within {} s",
            after.as_secs_f32()
        ),
        NetFailure::Other { detail } => format!("network error: {detail}"),
    }
}
