//! What happens to tokens after they are issued: accepting them as bearer
//! credentials (the sandbox's `/v2` API, userinfo), revoking them (RFC 7009)
//! and logging out.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::Realm;
use super::authorize::is_loopback_redirect;
use super::client_auth::{authenticate, parse_form};
use super::error::{OAuthError, no_store};
use super::mint::{subject, username};
use super::state::{Revocation, Revoked, State as RealmState};
use crate::sandbox_keys as keys;

/// Why a bearer token was not accepted (a 401): not a token of this realm,
/// expired, or its session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidToken(pub(crate) &'static str);

/// The session and claims of an accepted bearer token.
pub(crate) struct Bearer {
    session: String,
    claims: Value,
}

impl Bearer {
    /// Its verified claims (a JSON object).
    pub(crate) fn claims(&self) -> &Value {
        &self.claims
    }
}

/// Checks an access token: our signature, `typ` Bearer, issued by this
/// sandbox run, not expired, not revoked, its session alive.
pub(crate) fn verify(realm: &Realm, token: &str) -> Result<Bearer, InvalidToken> {
    let claims = verified_claims(token).ok_or(InvalidToken("bad signature"))?;
    if claims["typ"] != "Bearer" {
        return Err(InvalidToken("not an access token"));
    }
    let jti = claims["jti"].as_str().unwrap_or_default();
    let state = realm.state();
    let record = state.access.get(jti).ok_or(InvalidToken("unknown token"))?;
    if record.deadline <= Instant::now() {
        return Err(InvalidToken("token expired"));
    }
    if record.revoked || !state.session_alive(&record.session) {
        return Err(InvalidToken("token revoked"));
    }
    Ok(Bearer {
        session: record.session.clone(),
        claims,
    })
}

fn verified_claims(token: &str) -> Option<Value> {
    // Expiry is checked against the realm's own records (exact to the ms).
    keys::verify(token)
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `GET|POST …/protocol/openid-connect/userinfo`.
pub(crate) async fn userinfo(State(realm): State<Arc<Realm>>, headers: HeaderMap) -> Response {
    let bearer = bearer_token(&headers).map(|t| verify(&realm, t));
    let Some(Ok(bearer)) = bearer else {
        let mut response = no_store(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_token", "error_description": "Token verification failed"}),
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"sandbox\", error=\"invalid_token\""),
        );
        return response;
    };
    let state = realm.state();
    let Some(session) = state.sessions.get(&bearer.session) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut body = json!({
        "sub": subject(session),
        "preferred_username": username(session),
    });
    if let Some(user) = &session.user {
        body["email"] = json!(user.email);
        body["email_verified"] = json!(true);
        body["name"] = json!(user.name);
    }
    axum::Json(body).into_response()
}

/// `POST …/protocol/openid-connect/revoke` (RFC 7009).
pub(crate) async fn revoke(
    State(realm): State<Arc<Realm>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if realm.echoes() {
        return super::fault::echo(&headers, &body);
    }
    match revoke_inner(&realm, &headers, &body) {
        Ok(()) => (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response(),
        Err(e) => e.into_response(),
    }
}

fn revoke_inner(realm: &Realm, headers: &HeaderMap, body: &[u8]) -> Result<(), OAuthError> {
    let form = parse_form(body)?;
    let client = authenticate(&realm.config, headers, &form)?;
    let token = form
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("Missing parameter: token"))?;
    let mut state = realm.state();
    let revoked = revoke_token(&mut state, &client.id, token)?;
    state.revocations.push(Revocation {
        client_id: client.id.clone(),
        token_type_hint: form.get("token_type_hint").cloned(),
        revoked,
    });
    Ok(())
}

fn revoke_token(
    state: &mut RealmState,
    client_id: &str,
    token: &str,
) -> Result<Revoked, OAuthError> {
    let not_yours = || OAuthError::unauthorized_client("Token was issued to another client");
    if let Some(record) = state.refresh.get(token) {
        if record.client_id != client_id {
            return Err(not_yours());
        }
        let session = record.session.clone();
        state.kill_session(&session);
        return Ok(Revoked::RefreshToken);
    }
    let jti = crate::jwt::decode(token)
        .ok()
        .and_then(|jwt| jwt.claim_str("jti").map(str::to_owned));
    if let Some(record) = jti.and_then(|jti| state.access.get_mut(&jti)) {
        if record.client_id != client_id {
            return Err(not_yours());
        }
        record.revoked = true;
        return Ok(Revoked::AccessToken);
    }
    Ok(Revoked::Unknown)
}

/// `GET|POST …/protocol/openid-connect/logout`: ends the session named by
/// `id_token_hint` (or a `refresh_token` in a POSTed form), then redirects
/// to a loopback `post_logout_redirect_uri` or shows a page.
pub(crate) async fn logout(
    State(realm): State<Arc<Realm>>,
    Query(mut q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if let Ok(form) = parse_form(&body) {
        q.extend(form);
    }
    let mut state = realm.state();
    let hinted = q
        .get("id_token_hint")
        .and_then(|t| verified_claims(t))
        .and_then(|c| c["sid"].as_str().map(str::to_owned));
    let by_refresh = q
        .get("refresh_token")
        .and_then(|t| state.refresh.get(t))
        .map(|r| r.session.clone());
    for session in hinted.into_iter().chain(by_refresh) {
        state.kill_session(&session);
    }
    match q.get("post_logout_redirect_uri") {
        Some(uri) if is_loopback_redirect(uri) => {
            let mut target = uri.clone();
            if let Some(s) = q.get("state") {
                let sep = if target.contains('?') { '&' } else { '?' };
                let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
                target = format!("{target}{sep}state={encoded}");
            }
            (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
        }
        Some(_) => (StatusCode::BAD_REQUEST, Html("Invalid redirect uri")).into_response(),
        None => Html("<!doctype html><title>Sandbox realm</title><p>You are logged out.</p>")
            .into_response(),
    }
}
