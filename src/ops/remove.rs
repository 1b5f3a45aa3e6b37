//! Removing a credential, and revoking its session at the server first.
//!
//! The store's lock is held from the read, through the revocation, to the
//! write: a refresh in another process could otherwise rotate the refresh
//! token between our read and our revoke, and we would revoke a dead token
//! and leave the live one valid at the server.

use crate::credential::Auth;
use crate::oauth::{self, OauthError, Revoked, Timeouts};
use crate::store::{Store, StoreData, StoreError};

/// What became of the session of a removed credential.
#[derive(Debug)]
pub enum Revocation {
    /// The credential had no session (or was not OAuth): nothing to revoke.
    NoSession,
    /// The caller asked not to revoke.
    NotAsked,
    /// A bearer token stored without its client: nothing to revoke it with.
    NoClient,
    /// The server answered (or publishes no revocation endpoint).
    Done(Revoked),
    /// Discovery or the revocation request failed; the entry was removed
    /// locally anyway.
    Failed(OauthError),
}

/// A removal: what the store holds now and what happened at the server.
#[derive(Debug)]
pub struct Removed {
    /// The store after the removal.
    pub data: StoreData,
    /// What became of the session.
    pub revocation: Revocation,
}

/// Removes `name`; with `revoke`, its session is revoked at the server
/// first (a failed revocation is reported, and the entry goes anyway). The
/// HTTP client is asked for only when a revocation is sent.
pub async fn remove(
    store: &Store,
    name: &str,
    revoke: bool,
    http: impl FnOnce() -> Result<reqwest::Client, OauthError>,
    timeouts: Timeouts,
) -> Result<Removed, StoreError> {
    let guard = super::blocking(store, |store| store.lock()).await?;
    let mut data = guard.load()?;
    let credential = data.get(name)?.clone();
    let revocation = match &credential.auth {
        Auth::Oauth {
            session: Some(_), ..
        } if !revoke => Revocation::NotAsked,
        Auth::Oauth {
            client: None,
            session: Some(_),
        } => Revocation::NoClient,
        Auth::Oauth {
            client: Some(client),
            session: Some(session),
        } => {
            let revoked = async {
                let http = http()?;
                let endpoints = oauth::discover(&http, timeouts, &client.issuer).await?;
                oauth::revoke(&http, timeouts, &endpoints, client, session).await
            }
            .await;
            match revoked {
                Ok(r) => Revocation::Done(r),
                Err(e) => Revocation::Failed(e),
            }
        }
        _ => Revocation::NoSession,
    };
    data.remove(name)?;
    let data = match tokio::task::spawn_blocking(move || guard.save(&mut data).map(|()| data)).await
    {
        Ok(saved) => saved?,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => return Err(StoreError::Interrupted(e.to_string())),
    };
    tracing::debug!(credential = name, "removed");
    Ok(Removed { data, revocation })
}
