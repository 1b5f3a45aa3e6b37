//! Minting Keycloak-shaped tokens and token responses.
//!
//! Access tokens are RS256 JWTs with Keycloak's claims (`typ` "Bearer",
//! `aud` "account", `azp`, `session_state`, `realm_access`, …), with the
//! granted sipgate scopes among their realm roles as in sipgate's tokens;
//! refresh tokens are JWTs with `typ` "Refresh" (or opaque UUID-like strings for
//! clients configured so); id tokens have `typ` "ID" and `aud` = client id.
//! Every token minted is recorded in [`State`] so the realm can later
//! refresh, revoke or accept it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::Algorithm;
use serde_json::{Map, Value, json};

use super::state::{AccessRecord, RefreshRecord, Session, State, random_id};
use super::{ClientConfig, RealmConfig};
use crate::sandbox_keys as keys;

/// Unix seconds now.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// When a token minted now counts as issued: Unix seconds and the
/// instant, [`State::backdate`] ago.
fn issued(state: &State) -> (u64, Instant) {
    let back = state.backdate;
    let at = Instant::now();
    (
        unix_now().saturating_sub(back.as_secs()),
        at.checked_sub(back).unwrap_or(at),
    )
}

/// What to put in a token response besides the access token.
#[derive(Clone, Copy)]
pub(crate) struct Include {
    /// A refresh token (not for client credentials or implicit).
    pub(crate) refresh: bool,
    /// `session_state` (not for client credentials).
    pub(crate) session_state: bool,
}

/// A minted access token and its lifetime in whole seconds.
pub(crate) struct Access {
    pub(crate) token: String,
    pub(crate) expires_in: u64,
}

/// Mints an access token for a session and records it.
pub(crate) fn access_token(
    config: &RealmConfig,
    state: &mut State,
    session_id: &str,
) -> Option<Access> {
    let (now, instant) = issued(state);
    let session = state.sessions.get(session_id)?;
    let ttl = config.access_ttl;
    let jti = random_id();
    let mut claims = common(session, session_id, now, ttl, &jti);
    claims.insert("aud".into(), json!("account"));
    claims.insert("typ".into(), json!("Bearer"));
    claims.insert("acr".into(), json!("1"));
    claims.insert("allowed-origins".into(), json!([]));
    claims.insert(
        "realm_access".into(),
        json!({"roles": realm_roles(session)}),
    );
    claims.insert(
        "resource_access".into(),
        json!({"account": {"roles": ["manage-account", "view-profile"]}}),
    );
    claims.insert("scope".into(), json!(session.scope));
    profile(session, &mut claims);
    let client_id = session.client_id.clone();
    let token = keys::sign(signing_alg(config), &Value::Object(claims));
    state.access.insert(
        jti,
        AccessRecord {
            session: session_id.to_owned(),
            client_id,
            deadline: instant + ttl,
            revoked: false,
        },
    );
    Some(Access {
        token,
        expires_in: ttl.as_secs(),
    })
}

/// Mints a whole token response for a session (access token, refresh and
/// id token as the client and scope call for) and records what it issued.
pub(crate) fn token_response(
    config: &RealmConfig,
    state: &mut State,
    session_id: &str,
    client: &ClientConfig,
    include: Include,
) -> Option<Value> {
    let access = access_token(config, state, session_id)?;
    let (now, instant) = issued(state);
    let session = state.sessions.get(session_id)?;
    let mut body = Map::new();
    body.insert("access_token".into(), json!(access.token));
    if !client.omit_expires_in {
        body.insert("expires_in".into(), json!(access.expires_in));
        let refresh_in = if include.refresh {
            config.refresh_ttl.as_secs()
        } else {
            0
        };
        body.insert("refresh_expires_in".into(), json!(refresh_in));
    }
    let mut refresh = None;
    if include.refresh {
        let token = if client.opaque_refresh {
            format!("{}.{}", random_id(), random_id())
        } else {
            let ttl = config.refresh_ttl;
            let mut claims = common(session, session_id, now, ttl, &random_id());
            claims.insert("aud".into(), json!(session.issuer));
            claims.insert("typ".into(), json!("Refresh"));
            claims.insert("scope".into(), json!(session.scope));
            keys::sign(signing_alg(config), &Value::Object(claims))
        };
        body.insert("refresh_token".into(), json!(token));
        refresh = Some(token);
    }
    body.insert("token_type".into(), json!("Bearer"));
    if session.scope.split(' ').any(|s| s == "openid") {
        let mut claims = common(session, session_id, now, config.access_ttl, &random_id());
        claims.insert("aud".into(), json!(session.client_id));
        claims.insert("typ".into(), json!("ID"));
        claims.insert("acr".into(), json!("1"));
        if let Some(nonce) = &session.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        profile(session, &mut claims);
        body.insert(
            "id_token".into(),
            json!(keys::sign(signing_alg(config), &Value::Object(claims))),
        );
    }
    body.insert("not-before-policy".into(), json!(0));
    if include.session_state {
        body.insert("session_state".into(), json!(session_id));
    }
    body.insert("scope".into(), json!(session.scope));
    if let Some(token) = refresh {
        state.refresh.insert(
            token,
            RefreshRecord {
                session: session_id.to_owned(),
                client_id: client.id.clone(),
                deadline: instant + config.refresh_ttl,
                used: false,
            },
        );
    }
    Some(Value::Object(body))
}

fn common(
    session: &Session,
    session_id: &str,
    now: u64,
    ttl: Duration,
    jti: &str,
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("exp".into(), json!(now + ttl.as_secs()));
    claims.insert("iat".into(), json!(now));
    claims.insert("jti".into(), json!(jti));
    claims.insert("iss".into(), json!(session.issuer));
    claims.insert("sub".into(), json!(subject(session)));
    claims.insert("azp".into(), json!(session.client_id));
    claims.insert("session_state".into(), json!(session_id));
    claims.insert("sid".into(), json!(session_id));
    claims
}

/// The configured signing algorithm, if the sandbox has a key for it.
fn signing_alg(config: &RealmConfig) -> Algorithm {
    match keys::kid_for(config.signing_alg) {
        Some(_) => config.signing_alg,
        None => Algorithm::RS256,
    }
}

/// The `sub` of a session: the user's, or a service account's.
pub(crate) fn subject(session: &Session) -> String {
    match &session.user {
        Some(user) => user.sub.to_owned(),
        None => format!("service-account-{}", session.client_id),
    }
}

/// The `preferred_username` of a session.
pub(crate) fn username(session: &Session) -> String {
    match &session.user {
        Some(user) => user.username.to_lowercase(),
        None => format!("service-account-{}", session.client_id),
    }
}

fn profile(session: &Session, claims: &mut Map<String, Value>) {
    claims.insert("preferred_username".into(), json!(username(session)));
    if let Some(user) = &session.user {
        let (given, family) = user.name.split_once(' ').unwrap_or((user.name, ""));
        claims.insert("email_verified".into(), json!(true));
        claims.insert("name".into(), json!(user.name));
        claims.insert("given_name".into(), json!(given));
        claims.insert("family_name".into(), json!(family));
        claims.insert("email".into(), json!(user.email));
    }
}

/// The realm roles of an access token: the granted sipgate-style scopes
/// (`balance:read`: every scope with a colon), as sipgate's Keycloak lists
/// them, then Keycloak's default roles.
fn realm_roles(session: &Session) -> Vec<String> {
    session
        .scope
        .split(' ')
        .filter(|s| s.contains(':'))
        .map(str::to_owned)
        .chain([
            "offline_access".to_owned(),
            "uma_authorization".to_owned(),
            format!("default-roles-{}", realm_name(&session.issuer)),
        ])
        .collect()
}

fn realm_name(issuer: &str) -> &str {
    issuer.rsplit('/').next().unwrap_or(issuer)
}

/// The scope a client gets: its registered scopes, with `openid` only when
/// requested (it decides whether an id token comes back). Requested scopes
/// the client does not have are ignored, as Keycloak does.
pub(crate) fn granted_scope(client: &ClientConfig, requested: Option<&str>) -> String {
    let wants_openid = requested.is_some_and(|r| r.split(' ').any(|s| s == "openid"));
    client
        .scope
        .split(' ')
        .filter(|s| !s.is_empty() && (*s != "openid" || wants_openid))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::realm::{CLIENT_NOSCOPE, CLIENT_POST, RealmConfig};

    #[test]
    fn openid_is_granted_only_when_asked_for() {
        let config = RealmConfig::default();
        let post = config.client(CLIENT_POST).unwrap();
        let noscope = config.client(CLIENT_NOSCOPE).unwrap();
        let cases = [
            (post, None, "profile email account:read"),
            (post, Some("openid"), "openid profile email account:read"),
            (
                post,
                Some("openid unknown"),
                "openid profile email account:read",
            ),
            (noscope, Some("openid account:read"), "openid profile email"),
        ];
        crate::testing::cases::check_all(cases, |(client, requested, want)| {
            assert_eq!(granted_scope(client, requested), want, "{requested:?}");
        });
    }
}
