//! Everything the realm has issued: codes, sessions, refresh and access
//! tokens, device codes; and what tests may ask about (token requests,
//! revocations, the injected fault).
//!
//! A session is one login. Its tokens are only good while it is alive, so
//! killing it (logout, revocation of its refresh token, or refresh-token
//! reuse) ends every token of that login at once. Deadlines are
//! [`Instant`]s: exact to the millisecond, unlike JWT `exp`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::User;
use super::client_auth::PkceMethod;
use super::fault::TokenFault;

/// One request to a token endpoint, as tests may count them. Never holds a
/// secret: the grant type and the client id only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// The `grant_type` sent (empty when missing).
    pub grant_type: String,
    /// The client id, from the form or the Basic header (empty if neither).
    pub client_id: String,
}

/// What a revocation request (RFC 7009) revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoked {
    /// A refresh token: its whole session ended.
    RefreshToken,
    /// An access token.
    AccessToken,
    /// Nothing the realm knows (answered 200 all the same).
    Unknown,
}

/// One accepted revocation request. Never holds the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// The authenticated client.
    pub client_id: String,
    /// `token_type_hint`, if sent.
    pub token_type_hint: Option<String>,
    /// What it turned out to be.
    pub revoked: Revoked,
}

/// A pending authorization code.
pub(crate) struct Code {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) issuer: String,
    pub(crate) challenge: Option<(PkceMethod, String)>,
    pub(crate) session: String,
    pub(crate) deadline: Instant,
}

/// One login: who, for which client, at which issuer, with what scope.
pub(crate) struct Session {
    pub(crate) client_id: String,
    pub(crate) issuer: String,
    /// `None` for a service account (client credentials).
    pub(crate) user: Option<User>,
    pub(crate) scope: String,
    pub(crate) nonce: Option<String>,
    pub(crate) alive: bool,
}

/// A refresh token handed out; `used` once it has been exchanged.
pub(crate) struct RefreshRecord {
    pub(crate) session: String,
    pub(crate) client_id: String,
    pub(crate) deadline: Instant,
    pub(crate) used: bool,
}

/// An access token handed out, by `jti`.
pub(crate) struct AccessRecord {
    pub(crate) session: String,
    pub(crate) client_id: String,
    pub(crate) deadline: Instant,
    pub(crate) revoked: bool,
}

/// Where a device authorization stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    Pending,
    Approved(User),
    Denied,
}

/// A device authorization (RFC 8628), by `device_code`.
pub(crate) struct DeviceRecord {
    pub(crate) client_id: String,
    pub(crate) issuer: String,
    pub(crate) user_code: String,
    pub(crate) scope: Option<String>,
    pub(crate) status: DeviceStatus,
    pub(crate) interval: std::time::Duration,
    pub(crate) last_poll: Option<Instant>,
    pub(crate) deadline: Instant,
    /// The PKCE challenge of the request, checked against each poll's
    /// verifier (as Keycloak does for a client that requires PKCE).
    pub(crate) challenge: Option<(PkceMethod, String)>,
}

/// All mutable realm state, behind one lock.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) codes: HashMap<String, Code>,
    pub(crate) sessions: HashMap<String, Session>,
    /// By the refresh token itself (JWT or opaque).
    pub(crate) refresh: HashMap<String, RefreshRecord>,
    pub(crate) access: HashMap<String, AccessRecord>,
    pub(crate) devices: HashMap<String, DeviceRecord>,
    pub(crate) token_requests: Vec<TokenRequest>,
    pub(crate) revocations: Vec<Revocation>,
    pub(crate) fault: Option<TokenFault>,
    /// Tokens are minted as if this long ago (the demo's seeding: a
    /// session obtained minutes before, with `iat` and `exp` to match).
    pub(crate) backdate: Duration,
}

impl State {
    /// Starts a session and returns its id.
    pub(crate) fn open_session(&mut self, session: Session) -> String {
        let id = random_id();
        self.sessions.insert(id.clone(), session);
        id
    }

    /// Ends a session: none of its tokens work any more.
    pub(crate) fn kill_session(&mut self, id: &str) {
        if let Some(s) = self.sessions.get_mut(id) {
            s.alive = false;
        }
    }

    /// Whether the session exists and has not ended.
    pub(crate) fn session_alive(&self, id: &str) -> bool {
        self.sessions.get(id).is_some_and(|s| s.alive)
    }
}

/// A random UUID (version 4 layout), for ids, codes and opaque tokens.
pub(crate) fn random_id() -> String {
    let mut b = [0u8; 16];
    // The OS random source failing is not something a test server can
    // work around.
    getrandom::fill(&mut b).expect("the OS random source works");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A user code as RFC 8628 §6.1 suggests: 8 consonants, `BCDF-GHJK`.
pub(crate) fn random_user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random source works");
    let letters: String = b
        .iter()
        .map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// A user code as typed: upper case, dashes and spaces ignored.
pub(crate) fn normalise_user_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_uuid_shaped_and_differ() {
        let a = random_id();
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_ne!(a, random_id());
    }

    #[test]
    fn user_codes_look_like_abcd_efgh_and_match_however_typed() {
        let code = random_user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(code.as_bytes()[4], b'-');
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_user_code(&typed), normalise_user_code(&code));
    }
}
