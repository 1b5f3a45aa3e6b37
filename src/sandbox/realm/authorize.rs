//! The authorization endpoint, which approves every login at once as John
//! (the test is the browser: it reads the redirect instead of following it).
//!
//! Until the client and redirect URI are known good, errors are a 400 page
//! and never a redirect (RFC 6749 §4.1.2.1), so the endpoint cannot be used
//! to bounce a browser anywhere. Redirect URIs must be `http` on a loopback
//! host, any port (RFC 8252 §7.3). After that, errors go back to the client
//! in the query (code flow) or the fragment (implicit), with `state` and
//! `iss` (RFC 9207). Appending `sandbox_deny=1` plays a user who refuses.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use super::client_auth::PkceMethod;
use super::discovery::Issuer;
use super::mint::{access_token, granted_scope};
use super::state::{Code, Session, random_id};
use super::{Grant, Realm, USERS};

/// Whether a redirect URI is one a native app may use: `http` to
/// 127.0.0.1, `[::1]` or `localhost`, any port, no fragment.
pub(crate) fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = Url::parse(uri) else {
        return false;
    };
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"));
    url.scheme() == "http" && loopback && url.fragment().is_none()
}

/// `GET …/protocol/openid-connect/auth`.
pub(crate) async fn authorize(
    State(realm): State<Arc<Realm>>,
    issuer: Issuer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| q.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client) = get("client_id").and_then(|id| realm.config.client(id)) else {
        return page("Client not found.");
    };
    let Some(redirect_uri) = get("redirect_uri").filter(|u| is_loopback_redirect(u)) else {
        return page("Invalid parameter: redirect_uri");
    };
    let reply = Reply {
        redirect_uri,
        fragment: get("response_type") == Some("token"),
        state: get("state"),
        iss: &issuer.url,
    };
    let grant = match get("response_type") {
        Some("code") => Grant::AuthorizationCode,
        Some("token") => Grant::Implicit,
        _ => {
            return reply.error("unsupported_response_type", "Unsupported response_type");
        }
    };
    if !client.allows(grant) {
        return reply.error("unauthorized_client", "Client is not allowed this flow");
    }
    let challenge = match (
        get("code_challenge"),
        PkceMethod::parse(get("code_challenge_method")),
    ) {
        (_, None) => {
            return reply.error(
                "invalid_request",
                "Invalid parameter: code_challenge_method",
            );
        }
        (Some(challenge), Some(method)) => Some((method, challenge.to_owned())),
        (None, Some(_)) if client.is_public() && grant == Grant::AuthorizationCode => {
            return reply.error("invalid_request", "Missing parameter: code_challenge");
        }
        (None, Some(_)) => None,
    };
    if get("sandbox_deny") == Some("1") {
        return reply.error("access_denied", "The user denied consent");
    }
    let mut state = realm.state();
    let session = state.open_session(Session {
        client_id: client.id.clone(),
        issuer: issuer.url.clone(),
        user: Some(USERS[0]),
        scope: granted_scope(client, get("scope")),
        nonce: get("nonce").map(str::to_owned),
        alive: true,
    });
    if grant == Grant::Implicit {
        let Some(access) = access_token(&realm.config, &mut state, &session) else {
            return page("Session vanished.");
        };
        let expires_in = access.expires_in.to_string();
        return reply.success(&[
            ("access_token", &access.token),
            ("token_type", "Bearer"),
            ("expires_in", &expires_in),
            ("session_state", &session),
        ]);
    }
    let code = format!("{}.{}", random_id(), session);
    state.codes.insert(
        code.clone(),
        Code {
            client_id: client.id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            issuer: issuer.url.clone(),
            challenge,
            session: session.clone(),
            deadline: Instant::now() + realm.config.code_ttl,
        },
    );
    reply.success(&[("code", &code), ("session_state", &session)])
}

/// Where and how the answer goes back to the client.
struct Reply<'a> {
    redirect_uri: &'a str,
    fragment: bool,
    state: Option<&'a str>,
    iss: &'a str,
}

impl Reply<'_> {
    fn error(&self, error: &str, description: &str) -> Response {
        self.success(&[("error", error), ("error_description", description)])
    }

    fn success(&self, params: &[(&str, &str)]) -> Response {
        let Ok(mut url) = Url::parse(self.redirect_uri) else {
            return page("Invalid parameter: redirect_uri");
        };
        let mut extra = url::form_urlencoded::Serializer::new(String::new());
        extra.extend_pairs(params.iter().copied());
        if let Some(state) = self.state {
            extra.append_pair("state", state);
        }
        extra.append_pair("iss", self.iss);
        let extra = extra.finish();
        if self.fragment {
            url.set_fragment(Some(&extra));
        } else {
            let query = match url.query() {
                Some(q) if !q.is_empty() => format!("{q}&{extra}"),
                _ => extra,
            };
            url.set_query(Some(&query));
        }
        (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
    }
}

fn page(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><title>Sandbox realm</title><h1>We are sorry...</h1><p>{message}</p>"
        )),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_loopback_redirects_are_accepted() {
        let cases = [
            ("http://127.0.0.1:53682/callback", true),
            ("http://127.0.0.1/", true),
            ("http://[::1]:8080/cb", true),
            ("http://localhost:1234", true),
            ("https://127.0.0.1:1234/cb", false),
            ("http://127.0.0.2:1234/cb", false),
            ("http://example.com/cb", false),
            ("http://localhost.example.com/cb", false),
            ("http://127.0.0.1:1/cb#frag", false),
            ("not a url", false),
        ];
        crate::testing::cases::check_all(cases, |(uri, want)| {
            assert_eq!(is_loopback_redirect(uri), want, "{uri}");
        });
    }
}
