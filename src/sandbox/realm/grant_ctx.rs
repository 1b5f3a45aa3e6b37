//! What every grant at the token endpoint knows about its request (the
//! realm, the issuer it was asked under, the authenticated client, the form),
//! and what they all do with it: read a parameter, open a session, answer
//! with tokens. The token endpoint ([`super::token`]) and the device grant
//! ([`super::device`]) both build on it.

use serde_json::Value;

use super::client_auth::Form;
use super::discovery::Issuer;
use super::error::OAuthError;
use super::mint::{Include, granted_scope, token_response};
use super::state::{Session, State as RealmState};
use super::{ClientConfig, Grant, Realm, User};

/// What every grant needs to know about its request.
pub(crate) struct Ctx<'a> {
    pub(crate) realm: &'a Realm,
    pub(crate) issuer: &'a Issuer,
    pub(crate) client: &'a ClientConfig,
    pub(crate) form: &'a Form,
}

impl Ctx<'_> {
    /// A form parameter the grant cannot do without.
    pub(crate) fn param(&self, name: &str) -> Result<&str, OAuthError> {
        self.form
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| OAuthError::invalid_request(format!("Missing parameter: {name}")))
    }

    /// A token response for a session; refresh tokens when the client may
    /// refresh.
    pub(crate) fn respond(&self, state: &mut RealmState, session: &str) -> Value {
        let include = Include {
            refresh: self.client.allows(Grant::RefreshToken),
            session_state: true,
        };
        token_response(&self.realm.config, state, session, self.client, include)
            .unwrap_or(Value::Null)
    }

    /// Opens a session for `user` with the scope the request asks for.
    pub(crate) fn open(
        &self,
        state: &mut RealmState,
        user: Option<User>,
        scope: Option<&str>,
    ) -> String {
        state.open_session(Session {
            client_id: self.client.id.clone(),
            issuer: self.issuer.url.clone(),
            user,
            scope: granted_scope(self.client, scope),
            nonce: None,
            alive: true,
        })
    }
}
