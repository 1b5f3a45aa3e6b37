//! The refresh grant (RFC 6749 §6), safe against rotation and racing
//! processes.
//!
//! Servers that rotate refresh tokens (Keycloak can; OAuth 2.1 asks public
//! clients to) accept each one once, and may revoke the whole session when
//! an old one comes back. So two processes must never send the same
//! refresh token, and a new one must be on disk before anyone uses it:
//!
//! 1. Read the store without the lock; most calls end here (nothing due).
//! 2. Take the store's lock (a file lock: other processes wait), re-read.
//!    If the session changed meanwhile, another process refreshed it: use
//!    that, no request.
//! 3. Otherwise find the token endpoint, send the refresh token, write the
//!    new session atomically, release the lock, and only then hand the
//!    session out.
//!
//! `invalid_grant` means the refresh token is dead: the session is marked
//! `login_required` (persisted) and no retry is made. Any other failure
//! (network, 5xx, a malformed answer) leaves the store untouched, byte for
//! byte. The lock wait must outlast one whole token request, or racers
//! would give up while the winner is still talking to the server.

use thiserror::Error;

use super::{OauthError, Timeouts, discover, token};
use crate::credential::{OauthClient, Secret, Session};
use crate::expiry::{Refresh, access_expiry, refresh_due, refresh_expiry};
use crate::store::{Store, StoreData, StoreError};
use crate::time_text::utc;

/// How a refresh ended well.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// A token request was made and the new session is stored.
    Refreshed(Session),
    /// No request was needed: the stored session (perhaps just refreshed by
    /// another process) has at least the margin left.
    NotNeeded(Session),
}

impl RefreshOutcome {
    /// The session to use now.
    pub fn session(&self) -> &Session {
        match self {
            RefreshOutcome::Refreshed(s) | RefreshOutcome::NotNeeded(s) => s,
        }
    }
}

/// Why a session could not be refreshed. No variant carries a token.
#[derive(Debug, Error)]
pub enum RefreshError {
    /// The store could not be read, locked or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An OAuth client that never logged in.
    #[error("`{name}` has no session yet")]
    NotLoggedIn {
        /// The credential's name.
        name: String,
    },
    /// A bearer token stored without its client cannot be refreshed.
    #[error("`{name}` is a bearer token without its OAuth client, so it cannot be refreshed")]
    NoClient {
        /// The credential's name.
        name: String,
    },
    /// Only a new login helps.
    #[error("`{name}` needs a new login: {why}")]
    LoginRequired {
        /// The credential's name.
        name: String,
        /// Why.
        why: LoginReason,
    },
    /// The refresh failed for a reason that may pass; nothing was changed.
    #[error("cannot refresh `{name}`; the stored session is unchanged")]
    Failed {
        /// The credential's name.
        name: String,
        /// What went wrong.
        #[source]
        source: OauthError,
    },
    /// The background task that waits for the lock failed.
    #[error("waiting for the store lock failed: {0}")]
    Wait(String),
}

/// Why only a new login helps a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginReason {
    /// The server refused its refresh token now: the OAuth `error` (e.g.
    /// `invalid_grant`) and its description, cleaned.
    Refused {
        /// The OAuth error code, or the failure when there was none.
        error: String,
        /// `error_description`.
        description: Option<String>,
    },
    /// The server refused it before (the store says so).
    RefusedEarlier,
    /// The grant gave no refresh token.
    NoRefreshToken,
    /// The refresh token expired at this Unix time.
    RefreshExpired(i64),
}

impl std::fmt::Display for LoginReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginReason::Refused { error, description } => {
                write!(f, "the server refused its refresh token ({error}")?;
                if let Some(d) = description {
                    write!(f, ": {d}")?;
                }
                f.write_str(")")
            }
            LoginReason::RefusedEarlier => {
                f.write_str("the server refused its refresh token earlier")
            }
            LoginReason::NoRefreshToken => {
                f.write_str("the session has no refresh token (the grant gave none)")
            }
            LoginReason::RefreshExpired(at) => {
                write!(f, "its refresh token expired at {}", utc(*at))
            }
        }
    }
}

/// Refreshes the session `name` when the refresh rule
/// ([`crate::expiry::refresh_due_at`]) says it is due at `now`, or when its
/// access token has expired (then the error says why no refresh helps),
/// and always with `force`; under the store's lock. See the module docs for the protocol. The new session is stamped
/// `now` even if the lock took a while: an early stamp only makes the next
/// refresh come a little sooner.
pub async fn refresh(
    store: &Store,
    name: &str,
    now: i64,
    margin: i64,
    force: bool,
    http: &reqwest::Client,
    timeouts: Timeouts,
) -> Result<RefreshOutcome, RefreshError> {
    let first = store.load()?;
    let (_, seen) = parts(&first, name)?;
    if !force && !due(seen, now, margin) {
        return Ok(RefreshOutcome::NotNeeded(seen.clone()));
    }
    refresh_token(name, seen, now)?;

    let guard = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.lock())
            .await
            .map_err(|e| RefreshError::Wait(e.to_string()))??
    };
    let mut data = guard.load()?;
    let (client, session) = parts(&data, name)?;
    // Another process may have refreshed (or found the token dead) while we
    // waited: then its result stands and no request is made.
    let changed = session.access_token != seen.access_token;
    if changed && !session.login_required {
        return Ok(RefreshOutcome::NotNeeded(session.clone()));
    }
    let token = refresh_token(name, session, now)?;
    if !force && !due(session, now, margin) {
        return Ok(RefreshOutcome::NotNeeded(session.clone()));
    }
    let form = vec![
        ("grant_type", Secret::new("refresh_token".into())),
        ("refresh_token", token.clone()),
    ];
    let (client, session) = (client.clone(), session.clone());
    let failed = |source| RefreshError::Failed {
        name: name.to_owned(),
        source,
    };
    // Discovery too waits for the lock: a process that finds the work done
    // makes no request at all.
    let endpoints = discover(http, timeouts, &client.issuer)
        .await
        .map_err(failed)?;
    match token::request(http, timeouts, &endpoints.token, &client, form).await {
        Ok(response) => {
            let fresh = response.into_session(now, Some(&session));
            data.set_session(name, fresh.clone())?;
            guard.save(&mut data)?;
            drop(guard);
            tracing::debug!(credential = name, "session refreshed");
            Ok(RefreshOutcome::Refreshed(fresh))
        }
        Err(e) if e.is_invalid_grant() => {
            let mut marked = session;
            marked.login_required = true;
            data.set_session(name, marked)?;
            guard.save(&mut data)?;
            Err(RefreshError::LoginRequired {
                name: name.to_owned(),
                why: refused(&e),
            })
        }
        Err(source) => Err(failed(source)),
    }
}

/// Whether a refresh is attempted at `now`: the refresh rule says it is
/// due, or less than `margin` is left of the access token (a session the
/// rule leaves alone because no refresh can help then gets its reason as
/// an error, rather than "no refresh needed"). An unknown expiry is not
/// due: nothing says so.
fn due(session: &Session, now: i64, margin: i64) -> bool {
    refresh_due(session, now, margin)
        || access_expiry(session).is_some_and(|at| at.saturating_sub(now) < margin)
}

/// The refresh token, if the session has one that can still be used.
fn refresh_token<'a>(
    name: &str,
    session: &'a Session,
    now: i64,
) -> Result<&'a Secret, RefreshError> {
    let login = |why: LoginReason| RefreshError::LoginRequired {
        name: name.to_owned(),
        why,
    };
    if session.login_required {
        return Err(login(LoginReason::RefusedEarlier));
    }
    let Some(token) = &session.refresh_token else {
        return Err(login(LoginReason::NoRefreshToken));
    };
    match refresh_expiry(session) {
        Refresh::At(at) if at <= now => Err(login(LoginReason::RefreshExpired(at))),
        _ => Ok(token),
    }
}

fn parts<'a>(
    data: &'a StoreData,
    name: &str,
) -> Result<(&'a OauthClient, &'a Session), RefreshError> {
    let credential = data.get(name)?;
    let Some(session) = credential.auth.session() else {
        if credential.auth.client().is_none() {
            return Err(StoreError::NotOauth {
                name: name.to_owned(),
                kind: credential.auth.kind_label(),
            }
            .into());
        }
        return Err(RefreshError::NotLoggedIn {
            name: name.to_owned(),
        });
    };
    let client = credential
        .auth
        .client()
        .ok_or_else(|| RefreshError::NoClient {
            name: name.to_owned(),
        })?;
    Ok((client, session))
}

/// The server's refusal, as a reason.
fn refused(e: &OauthError) -> LoginReason {
    match e {
        OauthError::Refused {
            error, description, ..
        } => LoginReason::Refused {
            error: error.clone(),
            description: description.clone(),
        },
        other => LoginReason::Refused {
            error: other.to_string(),
            description: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_in: Option<u64>, refresh: Option<&str>, refresh_in: Option<u64>) -> Session {
        Session {
            refresh_token: refresh.map(|r| Secret::new(r.into())),
            expires_in,
            refresh_expires_in: refresh_in,
            ..Session::bearer(Secret::new("opaque-a".into()), 1_000)
        }
    }

    #[test]
    fn a_refresh_is_due_only_inside_the_margin() {
        let s = session(Some(300), Some("r"), Some(1_800));
        let cases = [
            (1_000, 30, false),
            (1_269, 30, false),
            (1_271, 30, true),
            (1_400, 30, true),
            (1_000, 301, true),
        ];
        crate::testing::cases::check_all(cases, |(now, margin, want)| {
            assert_eq!(due(&s, now, margin), want, "now {now} margin {margin}");
        });
        assert!(!due(&session(None, Some("r"), None), 9_999, 30));
    }

    #[test]
    fn sessions_that_cannot_refresh_say_login_required() {
        let mut refused = session(Some(300), Some("r"), None);
        refused.login_required = true;
        let cases = [
            (session(Some(300), None, None), "no refresh token"),
            (
                session(Some(300), Some("r"), Some(100)),
                "refresh token expired at",
            ),
            (refused, "refused its refresh token earlier"),
        ];
        crate::testing::cases::check_all(cases, |(s, want)| {
            let err = refresh_token("n", &s, 2_000).unwrap_err();
            assert!(matches!(err, RefreshError::LoginRequired { .. }));
            let text = err.to_string();
            assert!(
                text.contains(want) && text.contains("`n` needs a new login"),
                "{text}"
            );
        });
        // Keycloak's offline tokens (0) and opaque tokens without a lifetime are usable.
        assert!(refresh_token("n", &session(Some(1), Some("r"), Some(0)), 9_999).is_ok());
        assert!(refresh_token("n", &session(Some(1), Some("r"), None), 9_999).is_ok());
    }
}
