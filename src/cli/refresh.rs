//! `refresh NAME`: renew a session's access token now, and `remove`'s
//! revocation of a session before it is deleted.

use std::time::Duration;

use anyhow::Result;
use sipauth_tui::credential::Auth;
use sipauth_tui::expiry::{access_expiry, relative};
use sipauth_tui::oauth::{self, RefreshOutcome};

use super::session::{self, http_timeouts, now, runtime, summary};
use super::{Ctx, Outcome, diag};

/// Runs `refresh NAME` (always, or with `--if-due` only when due); the
/// summary goes to stderr.
pub fn run(ctx: &Ctx, name: &str, force: bool, margin: Duration) -> Result<Outcome> {
    match session::refresh(ctx, name, margin, force)? {
        RefreshOutcome::Refreshed(s) => {
            diag!("Refreshed `{name}`.");
            for line in summary(&s, now()) {
                diag!("{line}");
            }
        }
        RefreshOutcome::NotNeeded(s) => {
            let left = access_expiry(&s)
                .map(|at| format!(" (the access token expires {})", relative(at, now(), true)))
                .unwrap_or_default();
            diag!("`{name}` needs no refresh yet{left}; without --if-due it refreshes anyway");
        }
    }
    Ok(Outcome::Success)
}

/// Removes a credential; a session is revoked at the server first unless
/// `no_revoke`. A failed revocation is a warning: the local copy goes anyway.
pub fn remove(ctx: &Ctx, name: &str, no_revoke: bool) -> Result<Outcome> {
    let data = ctx.load()?;
    let credential = data.get(name)?;
    if let Auth::Oauth {
        client,
        session: Some(session),
    } = &credential.auth
        && !no_revoke
    {
        match client {
            None => diag!(
                "warning: `{name}` has no OAuth client to revoke its session with; removing it locally only"
            ),
            Some(client) => {
                let revoked = runtime()?.block_on(async {
                    let timeouts = http_timeouts()?;
                    let http = oauth::http_client(timeouts)?;
                    let endpoints = oauth::discover(&http, timeouts, &client.issuer).await?;
                    anyhow::Ok(oauth::revoke(&http, timeouts, &endpoints, client, session).await?)
                });
                match revoked {
                    Ok(r @ oauth::Revoked::NoEndpoint) => diag!("warning: {}", r.describe()),
                    Ok(r) => diag!("{}", r.describe()),
                    Err(e) => diag!(
                        "warning: could not revoke the session at the server ({e:#}); removing it locally anyway"
                    ),
                }
            }
        }
    }
    ctx.store.update(|d| d.remove(name))?;
    diag!("removed `{name}`");
    Ok(Outcome::Success)
}
