//! `remove NAME`: delete a credential; an OAuth session is revoked at the
//! server first ([`ops::remove`]: under the store's lock from the read,
//! through the revocation, to the write).

use anyhow::Result;
use sipauth_tui::oauth;
use sipauth_tui::ops::{self, Revocation};

use super::session::{http_timeouts, refresh_store, runtime};
use super::{Ctx, Outcome, advice, diag};

/// Removes a credential; a session is revoked at the server first unless
/// `no_revoke`. A failed revocation is a warning: the local copy goes anyway.
pub fn run(ctx: &Ctx, name: &str, no_revoke: bool) -> Result<Outcome> {
    for warning in ctx.store.permission_warnings() {
        diag!("warning: {warning}");
    }
    let timeouts = http_timeouts()?;
    // The lock is held through a whole revocation (discovery and a request).
    let store = refresh_store(ctx, timeouts);
    let removed = runtime()?.block_on(ops::remove(
        &store,
        name,
        !no_revoke,
        || oauth::http_client(timeouts),
        timeouts,
    ))?;
    match removed.revocation {
        Revocation::NoSession | Revocation::NotAsked => {}
        Revocation::NoClient => diag!(
            "warning: `{name}` has no OAuth client to revoke its session with; removing it locally only"
        ),
        Revocation::Done(r @ oauth::Revoked::NoEndpoint) => diag!("warning: {}", r.describe()),
        Revocation::Done(r) => diag!("{}", r.describe()),
        Revocation::Failed(e) => diag!(
            "warning: could not revoke the session at the server ({}); removing it locally anyway",
            advice::line(&anyhow::Error::from(e))
        ),
    }
    diag!("removed `{name}`");
    Ok(Outcome::Success)
}
