//! The authorization-code login as a use case, in two steps.
//!
//! [`begin`] reads the credential, finds the issuer's endpoints, binds the
//! loopback listener and builds the URL; the face then shows the URL (and
//! may open it with [`super::browser`]) and calls [`Started::finish`],
//! which waits for the browser, exchanges the code and stores the session
//! under the store's lock. Dropping the future of `finish` cancels the
//! login and closes the port. The other grants ask the user for different
//! things and stay with the command line.

use thiserror::Error;

use crate::credential::Session;
use crate::oauth::{
    self, LoginError, LoginOptions, LoginWarning, OauthError, PendingLogin, Timeouts,
};
use crate::store::{Store, StoreError};

/// Why a login did not end with a stored session. No variant carries a
/// token, code or secret.
#[derive(Debug, Error)]
pub enum LoginFailed {
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The credential has no OAuth client to log in with.
    #[error("`{name}` is a {kind} without an OAuth client; there is nothing to log in with")]
    NoClient {
        /// The credential's name.
        name: String,
        /// Its kind, as a person reads it.
        kind: &'static str,
    },
    /// The issuer's endpoints could not be found.
    #[error(transparent)]
    Discovery(OauthError),
    /// The flow itself failed (refused, timed out, cancelled, mismatched).
    #[error(transparent)]
    Flow(#[from] LoginError),
}

/// A login whose URL is ready and whose listener waits.
#[derive(Debug)]
pub struct Started {
    name: String,
    pending: PendingLogin,
}

/// Starts the login of `name`: its client, the issuer's endpoints, the
/// listener and the authorization URL.
pub async fn begin(
    store: &Store,
    name: &str,
    http: reqwest::Client,
    timeouts: Timeouts,
    options: LoginOptions,
) -> Result<Started, LoginFailed> {
    let data = super::blocking(store, |store| store.load()).await?;
    let credential = data.get(name)?;
    let client = credential
        .auth
        .client()
        .cloned()
        .ok_or_else(|| LoginFailed::NoClient {
            name: name.to_owned(),
            kind: credential.auth.kind_label(),
        })?;
    let endpoints = oauth::discover(&http, timeouts, &client.issuer)
        .await
        .map_err(LoginFailed::Discovery)?;
    let pending = oauth::prepare(http, timeouts, endpoints, client, options).await?;
    Ok(Started {
        name: name.to_owned(),
        pending,
    })
}

impl Started {
    /// The URL to open in the browser.
    pub fn url(&self) -> &url::Url {
        self.pending.authorization_url()
    }

    /// The redirect URI the listener serves.
    pub fn redirect_uri(&self) -> &str {
        self.pending.redirect_uri()
    }

    /// Waits for the browser, exchanges the code and stores the session,
    /// stamped with `now()` (Unix seconds) when the tokens arrived. A
    /// redirect that ends nothing (an `error`, a wrong `iss`, a refused
    /// code: anyone who read the URL can send one) goes to `on_warning`
    /// while the wait goes on.
    pub async fn finish(
        self,
        store: &Store,
        now: fn() -> i64,
        on_warning: &mut (dyn FnMut(&LoginWarning) + Send),
    ) -> Result<Session, LoginFailed> {
        let response = self.pending.finish(on_warning).await?;
        let session = response.into_session(now(), None);
        let stored = session.clone();
        let name = self.name;
        super::blocking(store, move |store| {
            store.update(|d| d.set_session(&name, stored))
        })
        .await?;
        Ok(session)
    }
}
