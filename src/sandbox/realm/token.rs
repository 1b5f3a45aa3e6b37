//! The token endpoint: client authentication, then one function per grant.
//!
//! Refresh tokens rotate: each use returns a new one and retires the old.
//! Presenting a retired refresh token again is taken as theft (RFC 9700
//! §4.14.2): the whole session is revoked, so the thief's and the owner's
//! tokens die together.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::client_auth::{Form, authenticate, decode_basic, parse_form, pkce_matches};
use super::discovery::Issuer;
use super::error::{OAuthError, no_store};
use super::fault::{self, TokenFault};
use super::grant_ctx::Ctx;
use super::mint::{Include, token_response};
use super::state::{State as RealmState, TokenRequest};
use super::{Grant, Realm, USERS, device};

/// `POST …/protocol/openid-connect/token`.
pub(crate) async fn token(
    State(realm): State<Arc<Realm>>,
    issuer: Issuer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = parse_form(&body);
    let fault = {
        let mut state = realm.state();
        state
            .token_requests
            .push(request_of(&headers, form.as_ref().ok()));
        state.fault.clone()
    };
    match &fault {
        Some(TokenFault::Delay(pause)) => tokio::time::sleep(*pause).await,
        Some(f) => {
            if let Some(response) = fault::replacement(f, &headers, &body) {
                return response;
            }
        }
        None => {}
    }
    let response = match form.and_then(|form| grant(&realm, &issuer, &headers, &form)) {
        Ok(body) => no_store(StatusCode::OK, &body),
        Err(e) => e.into_response(),
    };
    match fault {
        Some(TokenFault::Trickle {
            bytes_per_tick,
            tick,
        }) => fault::trickle(response, bytes_per_tick, tick).await,
        _ => response,
    }
}

fn request_of(headers: &HeaderMap, form: Option<&Form>) -> TokenRequest {
    let field = |name: &str| form.and_then(|f| f.get(name)).cloned();
    let basic_id = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(decode_basic)
        .map(|(id, _)| id);
    TokenRequest {
        grant_type: field("grant_type").unwrap_or_default(),
        client_id: basic_id.or_else(|| field("client_id")).unwrap_or_default(),
    }
}

fn grant(
    realm: &Realm,
    issuer: &Issuer,
    headers: &HeaderMap,
    form: &Form,
) -> Result<Value, OAuthError> {
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| OAuthError::invalid_request("Missing form parameter: grant_type"))?;
    let client = authenticate(&realm.config, headers, form)?;
    let unsupported = || {
        OAuthError::new(
            "unsupported_grant_type",
            format!("Unsupported grant_type {grant_type}"),
        )
    };
    let wanted = Grant::ALL
        .into_iter()
        // Implicit is a response type, never a grant_type.
        .find(|g| g.as_str() == grant_type && *g != Grant::Implicit)
        .ok_or_else(unsupported)?;
    if !client.allows(wanted) || (wanted == Grant::ClientCredentials && client.is_public()) {
        return Err(OAuthError::unauthorized_client(format!(
            "Client is not allowed the {grant_type} grant"
        )));
    }
    let mut state = realm.state();
    let ctx = Ctx {
        realm,
        issuer,
        client,
        form,
    };
    match wanted {
        Grant::AuthorizationCode => ctx.authorization_code(&mut state),
        Grant::RefreshToken => ctx.refresh_token(&mut state),
        Grant::Password => ctx.password(&mut state),
        Grant::ClientCredentials => ctx.client_credentials(&mut state),
        Grant::DeviceCode => device::poll(&ctx, &mut state),
        Grant::Implicit => Err(unsupported()),
    }
}

impl Ctx<'_> {
    fn authorization_code(&self, state: &mut RealmState) -> Result<Value, OAuthError> {
        let code = self.param("code")?;
        // Single use: whatever happens next, this code is gone.
        let pending = state
            .codes
            .remove(code)
            .ok_or_else(|| OAuthError::invalid_grant("Code not valid"))?;
        if pending.deadline <= Instant::now() {
            return Err(OAuthError::invalid_grant("Code is expired"));
        }
        if pending.client_id != self.client.id || pending.issuer != self.issuer.url {
            return Err(OAuthError::invalid_grant(
                "Code was issued to another client",
            ));
        }
        if self.form.get("redirect_uri") != Some(&pending.redirect_uri) {
            return Err(OAuthError::invalid_grant("Incorrect redirect_uri"));
        }
        if let Some((method, challenge)) = &pending.challenge {
            let verifier = self
                .form
                .get("code_verifier")
                .ok_or_else(|| OAuthError::invalid_grant("PKCE code verifier not specified"))?;
            if !pkce_matches(*method, challenge, verifier) {
                return Err(OAuthError::invalid_grant("PKCE verification failed"));
            }
        }
        if !state.session_alive(&pending.session) {
            return Err(OAuthError::invalid_grant("Session not active"));
        }
        Ok(self.respond(state, &pending.session))
    }

    fn refresh_token(&self, state: &mut RealmState) -> Result<Value, OAuthError> {
        let token = self.param("refresh_token")?;
        let (session, client_id, used, deadline) = state
            .refresh
            .get(token)
            .map(|r| (r.session.clone(), r.client_id.clone(), r.used, r.deadline))
            .ok_or_else(|| OAuthError::invalid_grant("Invalid refresh token"))?;
        let issuer = state.sessions.get(&session).map(|s| s.issuer.as_str());
        if client_id != self.client.id || issuer != Some(self.issuer.url.as_str()) {
            return Err(OAuthError::invalid_grant(
                "Token client and authorized client don't match",
            ));
        }
        if used {
            state.kill_session(&session);
            return Err(OAuthError::invalid_grant(
                "Maximum allowed refresh token reuse exceeded",
            ));
        }
        if deadline <= Instant::now() {
            return Err(OAuthError::invalid_grant("Token is not active"));
        }
        if !state.session_alive(&session) {
            return Err(OAuthError::invalid_grant("Session not active"));
        }
        if let Some(record) = state.refresh.get_mut(token) {
            record.used = true;
        }
        Ok(self.respond(state, &session))
    }

    fn password(&self, state: &mut RealmState) -> Result<Value, OAuthError> {
        let username = self.param("username")?;
        let password = self.param("password")?;
        let user = USERS
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username) && u.password == password)
            .ok_or_else(|| OAuthError::invalid_grant("Invalid user credentials"))?;
        let session = self.open(
            state,
            Some(*user),
            self.form.get("scope").map(String::as_str),
        );
        Ok(self.respond(state, &session))
    }

    fn client_credentials(&self, state: &mut RealmState) -> Result<Value, OAuthError> {
        let session = self.open(state, None, self.form.get("scope").map(String::as_str));
        let include = Include {
            refresh: false,
            session_state: false,
        };
        Ok(
            token_response(&self.realm.config, state, &session, self.client, include)
                .unwrap_or(Value::Null),
        )
    }
}
