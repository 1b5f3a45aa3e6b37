//! `refresh NAME`: renew a session's access token now.

use std::time::Duration;

use anyhow::Result;
use sipauth_tui::expiry::access_expiry;
use sipauth_tui::oauth::RefreshOutcome;
use sipauth_tui::time_text::relative;

use super::session::{self, now, summary};
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
