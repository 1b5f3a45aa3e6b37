//! The device authorization grant (RFC 8628): the device asks for a code,
//! a person approves it elsewhere, the device polls the token endpoint.
//!
//! Nobody can type into a browser in a test, so approval is a test hook:
//! `POST {issuer}/device/approve?user_code=…` (add `&deny=1` to refuse), or
//! [`crate::sandbox::SandboxHandle::approve_device`]. Polling faster than
//! the interval answers `slow_down` and lengthens the interval by
//! [`super::RealmConfig::slow_down_step`] (RFC 8628 §3.5 says 5 s; tests
//! use less).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::client_auth::{PkceMethod, authenticate, parse_form, pkce_matches};
use super::discovery::Issuer;
use super::error::{OAuthError, no_store};
use super::grant_ctx::Ctx;
use super::state::{
    DeviceRecord, DeviceStatus, State as RealmState, normalise_user_code, random_id,
    random_user_code,
};
use super::{Grant, Realm, USERS, User};

/// `POST …/protocol/openid-connect/auth/device`.
pub(crate) async fn authorize(
    State(realm): State<Arc<Realm>>,
    issuer: Issuer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if realm.echoes() {
        return super::fault::echo(&headers, &body);
    }
    match start(&realm, &issuer, &headers, &body) {
        Ok(body) => no_store(StatusCode::OK, &body),
        Err(e) => e.into_response(),
    }
}

fn start(
    realm: &Realm,
    issuer: &Issuer,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let form = parse_form(body)?;
    let client = authenticate(&realm.config, headers, &form)?;
    if !client.allows(Grant::DeviceCode) {
        return Err(OAuthError::unauthorized_client(
            "Client is not allowed to initiate the device flow",
        ));
    }
    // Keycloak asks PKCE of a client that requires it on this request too
    // (the sandbox's public clients require it for the code flow).
    let challenge = match (
        form.get("code_challenge"),
        PkceMethod::parse(form.get("code_challenge_method").map(String::as_str)),
    ) {
        (_, None) => {
            return Err(OAuthError::invalid_request(
                "Invalid parameter: code_challenge_method",
            ));
        }
        (Some(challenge), Some(method)) => Some((method, challenge.clone())),
        (None, Some(_)) if client.is_public() => {
            return Err(OAuthError::invalid_request(
                "Missing parameter: code_challenge_method",
            ));
        }
        (None, Some(_)) => None,
    };
    let device_code = random_id();
    let user_code = random_user_code();
    let config = &realm.config;
    realm.state().devices.insert(
        device_code.clone(),
        DeviceRecord {
            client_id: client.id.clone(),
            issuer: issuer.url.clone(),
            user_code: user_code.clone(),
            scope: form.get("scope").cloned(),
            status: DeviceStatus::Pending,
            interval: config.device_interval,
            last_poll: None,
            deadline: Instant::now() + config.device_ttl,
            challenge,
        },
    );
    let verification = issuer.endpoints(&realm.base_url).device_verification;
    Ok(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification,
        "verification_uri_complete": format!("{verification}?user_code={user_code}"),
        "expires_in": config.device_ttl.as_secs(),
        "interval": whole_seconds(config.device_interval),
    }))
}

fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The device-code grant at the token endpoint: one poll.
pub(crate) fn poll(ctx: &Ctx<'_>, state: &mut RealmState) -> Result<Value, OAuthError> {
    let code = ctx
        .form
        .get("device_code")
        .ok_or_else(|| OAuthError::invalid_request("Missing parameter: device_code"))?;
    let record = state
        .devices
        .get_mut(code)
        .filter(|r| r.client_id == ctx.client.id && r.issuer == ctx.issuer.url)
        .ok_or_else(|| OAuthError::invalid_grant("Device code not valid"))?;
    let now = Instant::now();
    if record.deadline <= now {
        state.devices.remove(code);
        return Err(OAuthError::new("expired_token", "Device code is expired"));
    }
    let too_soon = record
        .last_poll
        .is_some_and(|last| now.duration_since(last) < record.interval);
    record.last_poll = Some(now);
    if too_soon {
        record.interval += ctx.realm.config.slow_down_step;
        return Err(OAuthError::new("slow_down", "Polling too fast"));
    }
    let (status, scope) = (record.status, record.scope.clone());
    match status {
        DeviceStatus::Pending => Err(OAuthError::new(
            "authorization_pending",
            "The authorization request is still pending",
        )),
        DeviceStatus::Denied => {
            state.devices.remove(code);
            Err(OAuthError::new(
                "access_denied",
                "The end user denied the authorization request",
            ))
        }
        DeviceStatus::Approved(user) => {
            if let Some((method, challenge)) = &record.challenge {
                let verifier = ctx
                    .form
                    .get("code_verifier")
                    .ok_or_else(|| OAuthError::invalid_grant("PKCE code verifier not specified"))?;
                if !pkce_matches(*method, challenge, verifier) {
                    return Err(OAuthError::invalid_grant("PKCE verification failed"));
                }
            }
            state.devices.remove(code);
            let session = ctx.open(state, Some(user), scope.as_deref());
            Ok(ctx.respond(state, &session))
        }
    }
}

/// Approves (as [`USERS`]`[0]`) or denies the pending device authorization
/// with this user code; whether one was found.
pub(crate) fn decide(state: &mut RealmState, user_code: &str, approve: bool) -> bool {
    let wanted = normalise_user_code(user_code);
    let user: User = USERS[0];
    let now = Instant::now();
    match state.devices.values_mut().find(|r| {
        normalise_user_code(&r.user_code) == wanted
            && r.status == DeviceStatus::Pending
            && r.deadline > now
    }) {
        Some(record) => {
            record.status = if approve {
                DeviceStatus::Approved(user)
            } else {
                DeviceStatus::Denied
            };
            true
        }
        None => false,
    }
}

/// Query of the approval hook and the verification page.
#[derive(serde::Deserialize)]
pub(crate) struct Decision {
    user_code: Option<String>,
    deny: Option<String>,
}

/// `POST {issuer}/device/approve?user_code=…[&deny=1]`: the test plays the
/// person at the browser. 204 when done, 404 for no such pending code.
pub(crate) async fn approve(
    State(realm): State<Arc<Realm>>,
    Query(q): Query<Decision>,
) -> StatusCode {
    let approve = q.deny.as_deref().is_none_or(|d| d == "0");
    let found = q
        .user_code
        .is_some_and(|code| decide(&mut realm.state(), &code, approve));
    if found {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

/// `GET {issuer}/device`: the verification page a person would open.
pub(crate) async fn page(Query(q): Query<Decision>) -> Response {
    let code = q.user_code.unwrap_or_default();
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Html(format!(
        "<!doctype html><title>Sandbox device login</title>\
         <p>Sandbox realm: device login for code <b>{code}</b>.</p>\
         <p>This sandbox has no login form; tests approve with \
         <code>POST device/approve?user_code=…</code>.</p>"
    ))
    .into_response()
}
