//! Deterministic credentials for the view tests: JWTs minted from fixed
//! JSON with a dummy signature, one credential of each kind, and the list
//! of every secret they hold so a test can prove none reaches the screen.

use serde_json::{Value, json};

use crate::credential::{Auth, AuthMethod, Credential, OauthClient, Secret, Session};
use crate::store::StoreData;
use crate::testing::jwt::compact;

use super::super::super::msg::ProbeView;

/// The fixed clock, Unix ms (2023-11-14 22:13:20 UTC).
pub const NOW_MS: i64 = 1_700_000_000_000;
/// The fixed clock, Unix seconds.
pub const NOW: i64 = NOW_MS / 1000;
/// The API base of every credential.
pub const API: &str = "https://api.example.test/v2";
/// The issuer of every token and client.
pub const ISSUER: &str = "https://login.example.test/auth/realms/third-party";
/// base64url of "SIGNATURE-never-shown": must not appear on screen.
pub const SIGNATURE: &str = "U0lHTkFUVVJFLW5ldmVyLXNob3du";
/// The PAT's secret.
pub const PAT_TOKEN: &str = "pat-secret-0123456789abcdef";
/// The Basic login's password.
pub const PASSWORD: &str = "hunter2-basic-password";
/// The OAuth client's secret.
pub const CLIENT_SECRET: &str = "client-secret-do-not-show";
/// An opaque (non-JWT) access token.
pub const OPAQUE: &str = "opaque-access-token-secret-value";

/// A compact JWT of these JSON parts with the dummy signature.
pub fn mint(header: Value, claims: Value) -> String {
    compact(&header, &claims, SIGNATURE)
}

/// A Keycloak-like JWT header.
pub fn header(typ: &str) -> Value {
    json!({"alg": "RS256", "typ": typ, "kid": "sandbox-key-1"})
}

/// A Keycloak-like access token issued at `iat`, 5 min long.
pub fn access_token(iat: i64) -> String {
    mint(
        header("JWT"),
        json!({
            "exp": iat + 300, "iat": iat, "auth_time": iat - 5, "jti": "a1b2c3",
            "iss": ISSUER, "aud": "account", "sub": "f3c9-user-1", "typ": "Bearer",
            "azp": "third-party-app", "session_state": "5e55-1011",
            "realm_access": {"roles": ["default-roles", "balance:read"]},
            "scope": "openid account:read", "preferred_username": "john",
        }),
    )
}

/// A Keycloak-like refresh token issued at `iat`, 30 days long.
pub fn refresh_token(iat: i64) -> String {
    mint(
        header("JWT"),
        json!({"exp": iat + 30 * 86_400, "iat": iat, "iss": ISSUER, "aud": ISSUER,
               "sub": "f3c9-user-1", "typ": "Refresh", "azp": "third-party-app"}),
    )
}

/// An OpenID Connect id token issued at `iat`.
pub fn id_token(iat: i64) -> String {
    mint(
        header("JWT"),
        json!({"exp": iat + 300, "iat": iat, "iss": ISSUER, "aud": "third-party-app",
               "sub": "f3c9-user-1", "typ": "ID", "email": "john@example.test"}),
    )
}

/// The OAuth client of the sessions.
pub fn client() -> OauthClient {
    OauthClient {
        issuer: ISSUER.into(),
        client_id: "third-party-app".into(),
        auth_method: AuthMethod::Post,
        client_secret: Some(Secret::new(CLIENT_SECRET.into())),
        scope: Some("openid account:read".into()),
        redirect_uri: None,
    }
}

/// A session of the three JWTs obtained at `obtained`.
pub fn session(obtained: i64) -> Session {
    Session {
        refresh_token: Some(Secret::new(refresh_token(obtained))),
        id_token: Some(Secret::new(id_token(obtained))),
        scope: Some("openid account:read".into()),
        expires_in: Some(300),
        refresh_expires_in: Some(30 * 86_400),
        ..Session::bearer(Secret::new(access_token(obtained)), obtained)
    }
}

/// Every token and secret the fixtures hold: none may reach a snapshot.
pub fn secrets() -> Vec<String> {
    let mut all = vec![SIGNATURE, PAT_TOKEN, PASSWORD, CLIENT_SECRET, OPAQUE]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    for at in [NOW - 60, NOW - 3600] {
        all.extend([access_token(at), refresh_token(at), id_token(at)]);
    }
    all
}

/// One credential of each kind, sessions in three states.
pub fn data() -> StoreData {
    let mut stale = session(NOW - 3600);
    stale.login_required = true;
    let mut opaque = Session::bearer(Secret::new(OPAQUE.into()), NOW - 280);
    opaque.expires_in = Some(300);
    let oauth = |client: Option<OauthClient>, session: Option<Session>| Auth::Oauth {
        client,
        session: session.map(Box::new),
    };
    let credentials = [
        (
            "alice-session",
            oauth(Some(client()), Some(session(NOW - 60))),
        ),
        ("opaque-import", oauth(None, Some(opaque))),
        ("stale-session", oauth(Some(client()), Some(stale))),
        ("new-client", oauth(Some(client()), None)),
        (
            "prod-pat",
            Auth::Pat {
                token_id: "token-ABC123".into(),
                token: Secret::new(PAT_TOKEN.into()),
            },
        ),
        (
            "john-basic",
            Auth::Basic {
                username: "john".into(),
                password: Secret::new(PASSWORD.into()),
            },
        ),
    ];
    let mut data = StoreData::empty();
    for (name, auth) in credentials {
        data.insert(Credential::new(name, API, auth).unwrap())
            .unwrap();
    }
    data
}

/// A 200 answer with a small JSON body, 3 s before the fixed clock.
pub fn probe_view() -> ProbeView {
    let body = json!({"company": "Example GmbH", "mainProductType": "TEAM",
                      "logoUrl": "", "isTestAccount": true});
    ProbeView {
        request: format!("GET {API}/account"),
        status: Some(200),
        reason: "OK".into(),
        latency_ms: 42.7,
        hint: None,
        warning: None,
        body: serde_json::to_string_pretty(&body)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect(),
        at: NOW - 3,
    }
}
