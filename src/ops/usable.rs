//! "A usable credential now": the credential as `header`, `curl`, the
//! probe and the app's probe use it.
//!
//! An OAuth session that the refresh rule
//! ([`crate::expiry::refresh_due_at`]) says is due is refreshed first;
//! when that refresh fails for a reason that may pass (network, 5xx) and
//! the access token still works, the current token is used, with the
//! failure handed back as a warning: a token that works beats none when the
//! server is away. An expired token that no refresh can renew is an error
//! rather than a dead header.
//!
//! The decision is pure ([`plan`], [`after_refresh`]), so the app can take
//! it inside its update function and run the refresh as an effect; the
//! command line runs all of it with [`usable`].

use thiserror::Error;

use crate::credential::{Auth, Credential, Session};
use crate::expiry::{Refresh, access_expiry, refresh_due, refresh_expiry};
use crate::oauth::{RefreshError, RefreshOutcome, Timeouts};
use crate::store::Store;
use crate::time_text::{relative, utc};

/// What must happen before a credential can be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Use it as it is (not OAuth, not due, or already refused: the header
    /// says so).
    Ready,
    /// Refresh its session first.
    Refresh,
    /// Its access token has expired and no refresh can renew it.
    Unusable(Unusable),
}

/// Why an expired access token cannot be renewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unrenewable {
    /// The session was stored without its OAuth client.
    NoClient,
    /// The session has no refresh token.
    NoRefreshToken,
    /// The refresh token expired at this Unix time.
    RefreshExpired(i64),
    /// The refresh token cannot be used for another reason.
    RefreshUnusable,
}

/// An expired access token that no refresh renews.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unusable {
    /// When the access token expired (Unix seconds).
    pub expired_at: i64,
    /// When that was found (Unix seconds).
    pub checked_at: i64,
    /// Why no refresh helps.
    pub why: Unrenewable,
}

/// The credential ready to use.
#[derive(Debug)]
pub struct Usable {
    /// The credential, with its refreshed session when there was a refresh.
    pub credential: Credential,
    /// Whether a token request was made.
    pub refreshed: bool,
    /// A due refresh failed for a passing reason; the current, still valid
    /// token is used until it expires.
    pub warning: Option<RefreshError>,
}

/// Why no usable credential came out. No variant carries a token.
#[derive(Debug, Error)]
pub enum UsableError {
    /// The refresh failed and the current token does not work either.
    #[error(transparent)]
    Refresh(#[from] RefreshError),
    /// An expired access token that no refresh renews.
    #[error(
        "the access token of `{name}` expired at {} ({}) and cannot be refreshed: {}",
        utc(unusable.expired_at),
        relative(unusable.expired_at, unusable.checked_at, true),
        unusable.why
    )]
    Unusable {
        /// The credential's name.
        name: String,
        /// The facts.
        unusable: Unusable,
    },
}

impl std::fmt::Display for Unrenewable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unrenewable::NoClient => f.write_str("it was stored without its OAuth client"),
            Unrenewable::NoRefreshToken => f.write_str("the session has no refresh token"),
            Unrenewable::RefreshExpired(at) => {
                write!(f, "its refresh token expired at {}", utc(*at))
            }
            Unrenewable::RefreshUnusable => f.write_str("the refresh token cannot be used"),
        }
    }
}

/// What `credential` needs at `now` (Unix seconds) with `margin` seconds of
/// refresh margin.
pub fn plan(credential: &Credential, now: i64, margin: i64) -> Plan {
    let Auth::Oauth {
        client,
        session: Some(session),
    } = &credential.auth
    else {
        return Plan::Ready;
    };
    if session.login_required {
        return Plan::Ready;
    }
    if client.is_some() && refresh_due(session, now, margin) {
        return Plan::Refresh;
    }
    match access_expiry(session).filter(|&at| at <= now) {
        Some(expired_at) => Plan::Unusable(Unusable {
            expired_at,
            checked_at: now,
            why: match (client, refresh_expiry(session)) {
                (None, _) => Unrenewable::NoClient,
                (_, Refresh::None) => Unrenewable::NoRefreshToken,
                (_, Refresh::At(r)) => Unrenewable::RefreshExpired(r),
                (_, _) => Unrenewable::RefreshUnusable,
            },
        }),
        None => Plan::Ready,
    }
}

/// After the refresh a [`Plan::Refresh`] asked for: the session to use, or
/// `None` when there is none. `current` is the session before the refresh.
pub fn after_refresh<'a>(
    current: &'a Session,
    result: &'a Result<RefreshOutcome, RefreshError>,
    now: i64,
) -> Option<&'a Session> {
    match result {
        Ok(outcome) => Some(outcome.session()),
        Err(e) => keeps_current(e, current, now).then_some(current),
    }
}

/// Whether a failed refresh leaves `current` to be used: the failure may
/// pass, and its access token still works at `now`.
fn keeps_current(error: &RefreshError, current: &Session, now: i64) -> bool {
    matches!(error, RefreshError::Failed { .. }) && access_expiry(current).is_some_and(|x| x > now)
}

/// The credential ready to use at `now`: [`plan`], a refresh through the
/// store's locked path when due, then [`after_refresh`]. `store` should
/// wait for its lock longer than a token request takes.
pub async fn usable(
    store: &Store,
    credential: &Credential,
    now: i64,
    margin: i64,
    http: &reqwest::Client,
    timeouts: Timeouts,
) -> Result<Usable, UsableError> {
    let name = &credential.name;
    let ready = |credential: Credential, refreshed, warning| Usable {
        credential,
        refreshed,
        warning,
    };
    match plan(credential, now, margin) {
        Plan::Ready => Ok(ready(credential.clone(), false, None)),
        Plan::Unusable(unusable) => Err(UsableError::Unusable {
            name: name.clone(),
            unusable,
        }),
        Plan::Refresh => {
            let result =
                crate::oauth::refresh(store, name, now, margin, false, http, timeouts).await;
            let (session, refreshed, warning) = match result {
                Ok(RefreshOutcome::Refreshed(s)) => (s, true, None),
                Ok(RefreshOutcome::NotNeeded(s)) => (s, false, None),
                Err(e) => match credential.auth.session() {
                    Some(current) if keeps_current(&e, current, now) => {
                        return Ok(ready(credential.clone(), false, Some(e)));
                    }
                    _ => return Err(e.into()),
                },
            };
            let mut fresh = credential.clone();
            if let Auth::Oauth { session: slot, .. } = &mut fresh.auth {
                *slot = Some(Box::new(session));
            }
            Ok(ready(fresh, refreshed, warning))
        }
    }
}
