//! The seed of `sipauth-tui demo` (the app on a throw-away store against
//! the in-process sandbox): the realm it runs and the store it starts with,
//! one credential of each kind and three sessions in different states, so
//! everything the app does can be seen without a sipgate account:
//!
//! - a PAT and a Basic login (the sandbox's sample values: the PAT grants
//!   [`SAMPLE_PAT_SCOPES`](super::SAMPLE_PAT_SCOPES), the login `all`);
//! - a fresh OAuth session (5 min of access, 30 days of refresh);
//! - a session with about 75 s of access left: auto-refresh renews it
//!   some 15 s after the start (at 60 s left), visibly;
//! - a session whose refresh token the server refused: "login required"
//!   until `l` logs it in again (the sandbox approves at once).
//!
//! The sessions are real: obtained from the sandbox with the password
//! grant, so refresh, probe, verify and revoke all work against it. They
//! grant [`SESSION_SCOPES`] only, so `GET /history` shows a 403 naming
//! `history:read` where the PAT gets a 200.

use std::time::Duration;

use anyhow::{Context, Result};

use super::realm::{CLIENT_POST, CLIENT_POST_SECRET, RealmConfig};
use super::{SAMPLE_PASSWORD, SAMPLE_TOKEN, SAMPLE_TOKEN_ID, SAMPLE_USERNAME, SandboxHandle};
use crate::credential::{Auth, AuthMethod, Credential, OauthClient, Secret, Session};
use crate::oauth::{self, Timeouts, grants};
use crate::store::StoreData;

/// Access lifetime left on the "about to expire" session at the start.
pub const EXPIRING_LEFT: i64 = 75;

/// How long ago the "needs a new login" session was obtained.
pub const EXPIRED_AGO: i64 = 3600;

/// The sipgate scopes the demo's OAuth sessions grant (no `history:read`).
pub const SESSION_SCOPES: &str = "account:read balance:read";

/// The realm the demo runs: sipgate's lifetimes (300 s access, 30 days
/// refresh), and its [`CLIENT_POST`] grants [`SESSION_SCOPES`].
pub fn realm() -> RealmConfig {
    let mut config = RealmConfig {
        access_ttl: Duration::from_secs(300),
        refresh_ttl: Duration::from_secs(30 * 86_400),
        ..RealmConfig::default()
    };
    for client in config.clients.iter_mut().filter(|c| c.id == CLIENT_POST) {
        client.scope = format!("openid profile email {SESSION_SCOPES}");
    }
    config
}

/// The demo's credentials against a running sandbox, at `now`.
pub async fn seed(sandbox: &SandboxHandle, now: i64) -> Result<StoreData> {
    let api = sandbox.api_url();
    let client = OauthClient {
        issuer: sandbox.issuer_url(),
        client_id: CLIENT_POST.into(),
        auth_method: AuthMethod::Post,
        client_secret: Some(Secret::new(CLIENT_POST_SECRET.into())),
        scope: Some(format!("openid {SESSION_SCOPES}")),
        redirect_uri: None,
    };
    let timeouts = Timeouts::default();
    let http = oauth::http_client(timeouts)?;
    let endpoints = oauth::discover(&http, timeouts, &client.issuer).await?;
    // Each session is obtained `ago` seconds before `now`: the sandbox
    // mints its tokens that long ago too, so `iat`, `exp`, `expires_in`
    // and the stored `obtained_at` tell one story (no clock skew to read).
    let session = |ago: i64| {
        let (http, endpoints, client) = (&http, &endpoints, &client);
        async move {
            sandbox.set_backdate(Duration::from_secs(ago.unsigned_abs()));
            let password = Secret::new(SAMPLE_PASSWORD.into());
            let response = grants::password(
                http,
                timeouts,
                endpoints,
                client,
                SAMPLE_USERNAME,
                &password,
            )
            .await;
            sandbox.set_backdate(Duration::ZERO);
            let response = response.context("the sandbox refused the demo login")?;
            anyhow::Ok(response.into_session(now - ago, None))
        }
    };
    let fresh = session(0).await?;
    // About EXPIRING_LEFT seconds of its 300 are left.
    let expiring = session(300 - EXPIRING_LEFT).await?;
    // Obtained an hour ago, and the server has ended it since (revoked
    // here, so a refresh is refused at the sandbox as the store says).
    let mut expired = session(EXPIRED_AGO).await?;
    oauth::revoke(&http, timeouts, &endpoints, &client, &expired)
        .await
        .context("the sandbox did not revoke the demo's ended session")?;
    expired.login_required = true;

    let oauth = |session: Session| Auth::Oauth {
        client: Some(client.clone()),
        session: Some(Box::new(session)),
    };
    let mut data = StoreData::empty();
    let credentials = [
        (
            "sandbox-pat",
            Auth::Pat {
                token_id: SAMPLE_TOKEN_ID.into(),
                token: Secret::new(SAMPLE_TOKEN.into()),
            },
        ),
        (
            "john-basic",
            Auth::Basic {
                username: SAMPLE_USERNAME.into(),
                password: Secret::new(SAMPLE_PASSWORD.into()),
            },
        ),
        ("third-party", oauth(fresh)),
        ("expiring-soon", oauth(expiring)),
        ("expired-login", oauth(expired)),
    ];
    for (name, auth) in credentials {
        data.insert(Credential::new(name, &api, auth)?)?;
    }
    Ok(data)
}
