//! What the session commands share: the clock (read here, at the edge),
//! HTTP timeouts from the environment, a runtime, the refresh-before-use
//! rule of `header` and `curl`, and the summary printed after a login or a
//! refresh (lifetimes and scope, never a token).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use sipauth_tui::credential::{Credential, Session};
use sipauth_tui::expiry::{Refresh, access_expiry, refresh_expiry};
use sipauth_tui::oauth::{self, RefreshOutcome, Timeouts};
use sipauth_tui::ops;
use sipauth_tui::store::Store;
use sipauth_tui::time_text::{relative, utc};

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
    ctx.store
        .clone()
        .with_lock_timeout(ops::lock_wait(timeouts))
}

/// Refreshes (or just re-reads) a session; errors name the credential.
pub fn refresh(ctx: &Ctx, name: &str, margin: Duration, force: bool) -> Result<RefreshOutcome> {
    let timeouts = http_timeouts()?;
    let store = refresh_store(ctx, timeouts);
    let http = oauth::http_client(timeouts)?;
    let outcome = runtime()?.block_on(ops::refresh(
        &store,
        name,
        now(),
        secs(margin),
        force,
        &http,
        timeouts,
    ))?;
    Ok(outcome)
}

/// The credential ready to use ([`ops::usable`]): a session with less
/// than `margin` left is refreshed first; after a refresh that failed for
/// a passing reason the current token is used, with a warning.
pub fn usable(ctx: &Ctx, credential: &Credential, margin: Duration) -> Result<Credential> {
    // Without a request there is no runtime and no HTTP client to make
    // (TLS roots): a `header` of a fresh credential stays fast.
    match ops::usable::plan(credential, now(), secs(margin)) {
        ops::Plan::Ready => return Ok(credential.clone()),
        ops::Plan::Unusable(unusable) => {
            return Err(ops::UsableError::Unusable {
                name: credential.name.clone(),
                unusable,
            }
            .into());
        }
        ops::Plan::Refresh => {}
    }
    let timeouts = http_timeouts()?;
    let store = refresh_store(ctx, timeouts);
    let http = oauth::http_client(timeouts)?;
    let usable = runtime()?.block_on(ops::usable::usable(
        &store,
        credential,
        now(),
        secs(margin),
        &http,
        timeouts,
    ))?;
    if let Some(e) = usable.warning {
        diag!(
            "warning: {}; using the current access token until it expires",
            super::advice::line(&anyhow::Error::from(e))
        );
    }
    Ok(usable.credential)
}

/// Whole seconds of a margin, for the core's rule.
pub fn secs(margin: Duration) -> i64 {
    i64::try_from(margin.as_secs()).unwrap_or(i64::MAX)
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
