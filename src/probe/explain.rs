//! Turning an outcome into words a person can act on: which network failure
//! it was (digging through reqwest, hyper and rustls errors), and what an HTTP
//! status means for a credential.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use reqwest::Method;
use url::Url;

use super::{Answer, NetFailure, Scheme, strip_controls};

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
pub fn failure_hint(failure: &NetFailure) -> String {
    match failure {
        NetFailure::Dns { host, detail } => format!(
            "DNS: cannot resolve `{host}` ({detail}); check the host in the API base URL and your network"
        ),
        NetFailure::Refused { target } => format!(
            "connection refused by {target}: nothing listens there; check the port, or start the server (`sipauth-tui sandbox`)"
        ),
        NetFailure::Tls { host, detail } => format!(
            "TLS handshake with `{host}` failed: {detail}; is this an https URL for a plain-http server, or is a proxy intercepting TLS?"
        ),
        NetFailure::ConnectTimeout { host, after } => format!(
            "timeout: no connection to `{host}` within {} s; the host is down or a firewall drops the packets",
            after.as_secs_f32()
        ),
        NetFailure::Timeout { after } => format!(
            "timeout: the server took the request but sent no complete answer within {} s (raise it with --timeout)",
            after.as_secs_f32()
        ),
        NetFailure::Other { detail } => format!("network error: {detail}"),
    }
}

/// The hint for an HTTP answer; `None` for a 2xx.
pub fn status_hint(answer: &Answer, method: &Method, url: &Url, scheme: Scheme) -> Option<String> {
    let path = url.path();
    Some(match answer.status {
        200..=299 => return None,
        301 | 302 | 303 | 307 | 308 => match &answer.location {
            Some(to) if url.join(to).is_ok_and(|next| next.origin() != url.origin()) => format!(
                "redirect to {to}: not followed because it leaves {}, so the Authorization header is not sent there; if that is the right API, use it as the API base",
                url.origin().ascii_serialization()
            ),
            Some(to) => format!(
                "{} {}: redirect to {to} not followed",
                answer.status, answer.reason
            ),
            None => format!(
                "{} {} without a Location header",
                answer.status, answer.reason
            ),
        },
        300..=399 => format!(
            "{} {}: an answer that is not the resource itself; check the path",
            answer.status, answer.reason
        ),
        401 => match scheme {
            Scheme::Basic(id_field, secret_field) => format!(
                "401 Unauthorized: the {id_field} and/or {secret_field} are wrong, or the credentials were not sent Base64-encoded as `{id_field}:{secret_field}`; check both values"
            ),
            Scheme::Bearer => "401 Unauthorized: the access token is expired, revoked or not for this API; run `sipauth-tui refresh NAME` (or `login NAME`) and check the issuer".to_owned(),
        },
        403 => {
            let scope = if path.ends_with("/account") {
                " (this endpoint needs `account:read`)"
            } else {
                ""
            };
            let fix = match scheme {
                Scheme::Basic(..) => "create a token with that scope",
                Scheme::Bearer => "log in again asking for that scope (`--scope` of the client)",
            };
            format!(
                "403 Forbidden: the credential is valid but lacks the scope for {path}{scope}; {fix}"
            )
        }
        404 => format!(
            "404 Not Found: wrong REST endpoint, {url} does not exist; check the API base (e.g. https://api.sipgate.com/v2) and the path"
        ),
        405 => format!("405 Method Not Allowed: {method} is the wrong request method for {path}"),
        429 => "429 Too Many Requests: rate limited; wait and retry".to_owned(),
        500..=599 => format!(
            "{} {}: a server-side error, not your credentials; retry later",
            answer.status, answer.reason
        ),
        status => format!("{status} {}: the request was refused", answer.reason),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Body;

    fn answer(status: u16, location: Option<&str>) -> Answer {
        Answer {
            status,
            reason: String::new(),
            content_type: None,
            location: location.map(str::to_owned),
            body: Body::Empty,
            truncated: false,
        }
    }
    #[test]
    fn each_status_gets_its_own_hint() {
        let url = Url::parse("https://api.sipgate.com/v2/account").unwrap();
        let fields = Scheme::Basic("token id", "token");
        let cases: &[(u16, Option<&str>, &[&str])] = &[
            (401, None, &["token id and/or token are wrong", "Base64"]),
            (403, None, &["scope", "account:read"]),
            (
                404,
                None,
                &["wrong REST endpoint", "https://api.sipgate.com/v2/account"],
            ),
            (405, None, &["wrong request method", "GET"]),
            (502, None, &["server-side"]),
            (429, None, &["rate limited"]),
            (
                302,
                Some("https://evil.example/x"),
                &["not followed", "https://evil.example/x"],
            ),
        ];
        crate::testing::cases::check_all(cases, |(status, location, needles)| {
            let hint =
                status_hint(&answer(*status, *location), &Method::GET, &url, fields).unwrap();
            for n in *needles {
                assert!(hint.contains(n), "{status}: `{n}` not in {hint}");
            }
        });
        assert!(status_hint(&answer(200, None), &Method::GET, &url, fields).is_none());
        let cases = [
            (304, Some("https://evil.example/x")),
            (302, Some("/v2/other")),
        ];
        crate::testing::cases::check_all(cases, |(status, location)| {
            let hint = status_hint(&answer(status, location), &Method::GET, &url, fields).unwrap();
            assert!(!hint.contains("leaves"), "{status}: {hint}");
        });
        let bearer = status_hint(&answer(401, None), &Method::GET, &url, Scheme::Bearer).unwrap();
        assert!(
            bearer.contains("access token is expired") && !bearer.contains("token id"),
            "{bearer}"
        );
    }
}
