//! Stores for the TUI benchmarks: credentials of realistic sizes, built
//! deterministically, so every run measures the same data.
//!
//! The mix of [`store`] is half PATs, a quarter Basic logins and a quarter
//! OAuth sessions. A session holds Keycloak-shaped tokens: an RS256 access
//! token of about 1.3 KB (the usual claims, realm and client roles, a
//! 2048-bit signature) and an HS512 refresh token of about 600 bytes, with
//! the client that obtained them. Shared by `benches/tui.rs` and
//! `benches/tui_process.rs`.

use serde_json::json;
use sipauth_tui::credential::{
    Auth, AuthMethod, Credential, DEFAULT_API, DEFAULT_ISSUER, OauthClient, Secret, Session,
};
use sipauth_tui::store::StoreData;
use sipauth_tui::testing::jwt::compact;

use crate::filler::{ALNUM, filler};

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8] = b"0123456789abcdef";

/// A UUID-shaped id (Keycloak's `jti`, `sub`, `sid`).
fn uuid(seed: u64) -> String {
    let h = filler(seed, 32, HEX);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn jwt(
    header: &serde_json::Value,
    claims: &serde_json::Value,
    signature: usize,
    seed: u64,
) -> String {
    compact(header, claims, &filler(seed, signature, B64URL))
}

/// A Keycloak-like session for user `i`, obtained at `obtained_at` with
/// `access_ttl` seconds of access and 30 days of refresh.
pub fn session(i: u64, obtained_at: i64, access_ttl: i64) -> Session {
    let (sub, sid) = (uuid(i * 3 + 1), uuid(i * 3 + 2));
    let azp = format!("client-{}", i % 7);
    let scope = "openid email profile account:read";
    let refresh_ttl = 30 * 86_400;
    let access = json!({
        "exp": obtained_at + access_ttl, "iat": obtained_at, "auth_time": obtained_at,
        "jti": uuid(i * 3), "iss": DEFAULT_ISSUER, "aud": "account", "sub": sub,
        "typ": "Bearer", "azp": azp, "sid": sid, "acr": "1",
        "allowed-origins": ["https://app.example.com"],
        "realm_access": {"roles": ["offline_access", "uma_authorization", "default-roles-third-party"]},
        "resource_access": {"account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}},
        "scope": scope, "email_verified": true, "name": format!("User {i}"),
        "preferred_username": format!("user{i}"), "given_name": "User",
        "family_name": format!("{i}"), "email": format!("user{i}@example.com"),
    });
    let refresh = json!({
        "exp": obtained_at + refresh_ttl, "iat": obtained_at, "jti": uuid(i * 5),
        "iss": DEFAULT_ISSUER, "aud": DEFAULT_ISSUER, "sub": sub, "typ": "Refresh",
        "azp": azp, "sid": sid, "scope": scope,
    });
    let rs256 = json!({"alg": "RS256", "typ": "JWT", "kid": filler(i, 43, B64URL)});
    let hs512 = json!({"alg": "HS512", "typ": "JWT", "kid": uuid(i * 7)});
    Session {
        access_token: Secret::new(jwt(&rs256, &access, 342, i)),
        refresh_token: Some(Secret::new(jwt(&hs512, &refresh, 86, i + 1))),
        id_token: None,
        token_type: "Bearer".into(),
        scope: Some(scope.into()),
        session_state: Some(sid),
        obtained_at,
        expires_in: Some(access_ttl.unsigned_abs()),
        refresh_expires_in: Some(refresh_ttl.unsigned_abs()),
        login_required: false,
        server_clock_offset: None,
    }
}

/// The client that obtained [`session`] `i`.
pub fn client(i: u64) -> OauthClient {
    OauthClient {
        issuer: DEFAULT_ISSUER.into(),
        client_id: format!("client-{}", i % 7),
        auth_method: AuthMethod::Post,
        client_secret: Some(Secret::new(filler(i, 32, ALNUM))),
        scope: Some("openid account:read".into()),
        redirect_uri: None,
    }
}

/// An OAuth credential holding [`session`] `i`.
pub fn oauth(name: &str, i: u64, obtained_at: i64, access_ttl: i64) -> Credential {
    let auth = Auth::Oauth {
        client: Some(client(i)),
        session: Some(Box::new(session(i, obtained_at, access_ttl))),
    };
    Credential::new(name, DEFAULT_API, auth).expect("valid fixture credential")
}

/// A PAT shaped like sipgate's (`token-XXXXXX`, a UUID-like token).
pub fn pat(name: &str, i: u64) -> Credential {
    let auth = Auth::Pat {
        token_id: format!("token-{}", filler(i + 7_919, 6, ALNUM).to_uppercase()),
        token: Secret::new(uuid(i + 104_729)),
    };
    Credential::new(name, DEFAULT_API, auth).expect("valid fixture credential")
}

/// A Basic login (an e-mail address and a 20-character password).
fn basic(name: &str, i: u64) -> Credential {
    let auth = Auth::Basic {
        username: format!("user{i}.{}@example.com", filler(i, 8, ALNUM).to_lowercase()),
        password: Secret::new(filler(i + 15_485_863, 20, ALNUM)),
    };
    Credential::new(name, DEFAULT_API, auth).expect("valid fixture credential")
}

/// `count` credentials at `now` (Unix seconds): half PATs, a quarter Basic
/// logins, a quarter sessions with `access_ttl` seconds of access obtained
/// up to four minutes ago (with 300 s and the default 60 s margin, none is
/// due for refresh at `now`).
pub fn store(count: usize, now: i64, access_ttl: i64) -> StoreData {
    let mut data = StoreData::empty();
    // Pushed, not inserted: the names are distinct by construction and
    // `insert`'s duplicate check would make building quadratic.
    data.credentials = (0..count as u64)
        .map(|i| match i % 4 {
            0 | 1 => pat(&format!("pat-{i:05}"), i),
            2 => basic(&format!("login-{i:05}"), i),
            _ => oauth(
                &format!("session-{i:05}"),
                i,
                now - (i % 240) as i64,
                access_ttl,
            ),
        })
        .collect();
    data
}
