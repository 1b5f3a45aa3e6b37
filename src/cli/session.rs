//! What the session commands share: the clock (read here, at the edge),
//! HTTP timeouts from the environment, a runtime, the refresh-before-use
//! rule of `header` and `curl`, and the summary printed after a login or a
//! refresh (lifetimes and scope, never a token).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use sipauth_tui::credential::{Auth, Credential, Session};
use sipauth_tui::expiry::{Refresh, access_expiry, needs_refresh, refresh_expiry, relative, utc};
use sipauth_tui::oauth::{self, RefreshError, RefreshOutcome, Timeouts};
use sipauth_tui::store::{DEFAULT_LOCK_TIMEOUT, Store};

use super::{Ctx, diag, parse_seconds};

/// Now, in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The HTTP timeouts: `SIPAUTH_HTTP_TIMEOUT` seconds in total when set
/// (connect at most that too), else the defaults.
pub fn http_timeouts() -> Result<Timeouts> {
    let Ok(raw) = std::env::var("SIPAUTH_HTTP_TIMEOUT") else {
        return Ok(Timeouts::default());
    };
    let total = parse_seconds(&raw).map_err(|e| anyhow!("SIPAUTH_HTTP_TIMEOUT: {e}"))?;
    if total.is_zero() {
        anyhow::bail!("SIPAUTH_HTTP_TIMEOUT: a timeout must be more than 0 seconds");
    }
    Ok(Timeouts {
        connect: Timeouts::default().connect.min(total),
        total,
    })
}

/// A single-threaded runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The store for a refresh: unless `SIPAUTH_LOCK_TIMEOUT` says otherwise,
/// its lock wait outlasts a whole token request (and discovery), so a
/// process that queues behind a refreshing one does not give up first.
pub fn refresh_store(ctx: &Ctx, timeouts: Timeouts) -> Store {
    if ctx.lock_timeout_set {
        return ctx.store.clone();
    }
    let needed = timeouts.total * 2 + Duration::from_secs(5);
    ctx.store
        .clone()
        .with_lock_timeout(needed.max(DEFAULT_LOCK_TIMEOUT))
}

/// Refreshes (or just re-reads) a session; errors name the credential.
pub fn refresh(ctx: &Ctx, name: &str, margin: Duration, force: bool) -> Result<RefreshOutcome> {
    let timeouts = http_timeouts()?;
    let store = refresh_store(ctx, timeouts);
    let http = oauth::http_client(timeouts)?;
    let margin = i64::try_from(margin.as_secs()).unwrap_or(i64::MAX);
    let outcome = runtime()?.block_on(oauth::refresh(
        &store,
        name,
        now(),
        margin,
        force,
        &http,
        timeouts,
    ))?;
    Ok(outcome)
}

/// The credential ready to use: a session with less than `margin` left is
/// refreshed first; an expired one that cannot be refreshed is an error
/// rather than a dead token.
pub fn usable(ctx: &Ctx, credential: &Credential, margin: Duration) -> Result<Credential> {
    let Auth::Oauth {
        client,
        session: Some(session),
    } = &credential.auth
    else {
        return Ok(credential.clone());
    };
    if session.login_required {
        // The header module says "needs a new login".
        return Ok(credential.clone());
    }
    let at = now();
    let margin_secs = i64::try_from(margin.as_secs()).unwrap_or(i64::MAX);
    if client.is_some() && needs_refresh(session, at, margin_secs) {
        let outcome = match refresh(ctx, &credential.name, margin, false) {
            Ok(outcome) => outcome,
            // A token that still works beats none when the server is away.
            Err(e)
                if matches!(e.downcast_ref(), Some(RefreshError::Failed { .. }))
                    && access_expiry(session).is_some_and(|x| x > at) =>
            {
                diag!("warning: {e:#}; using the current access token until it expires");
                return Ok(credential.clone());
            }
            Err(e) => return Err(e),
        };
        let mut fresh = credential.clone();
        if let Auth::Oauth { session, .. } = &mut fresh.auth {
            *session = Some(Box::new(outcome.session().clone()));
        }
        return Ok(fresh);
    }
    if let Some(expired) = access_expiry(session).filter(|&e| e <= at) {
        let why = match (client, refresh_expiry(session)) {
            (None, _) => "it was stored without its OAuth client".to_owned(),
            (_, Refresh::None) => "the session has no refresh token".to_owned(),
            (_, Refresh::At(r)) => format!("its refresh token expired at {}", utc(r)),
            (_, _) => "the refresh token cannot be used".to_owned(),
        };
        let name = &credential.name;
        anyhow::bail!(
            "the access token of `{name}` expired at {} ({}) and cannot be refreshed: {why}; run `sipauth-tui login {name}`",
            utc(expired),
            relative(expired, at, true)
        );
    }
    Ok(credential.clone())
}

/// Lines describing a session's lifetimes and scope.
pub fn summary(session: &Session, now: i64) -> Vec<String> {
    let access = match access_expiry(session) {
        Some(at) => format!("expires {} ({})", utc(at), relative(at, now, true)),
        None => "expiry unknown (the server did not say)".into(),
    };
    let refresh = match refresh_expiry(session) {
        Refresh::None => "none (log in again when the access token expires)".into(),
        Refresh::At(at) => format!("expires {} ({})", utc(at), relative(at, now, true)),
        Refresh::Never => "does not expire by time".into(),
        Refresh::Unknown => "expiry unknown (the server did not say)".into(),
    };
    vec![
        format!("  access token:  {access}"),
        format!("  refresh token: {refresh}"),
        format!(
            "  scope:         {}",
            session.scope.as_deref().unwrap_or("(not stated)")
        ),
    ]
}
