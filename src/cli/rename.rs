//! `rename OLD NEW`: an edit of the name alone ([`ops::edit::rename`]),
//! which keeps whatever session is on disk.

use anyhow::Result;
use sipauth_tui::ops;

use super::{Ctx, Outcome, diag};

/// Renames `old` to `new`.
pub fn run(ctx: &Ctx, old: &str, new: &str) -> Result<Outcome> {
    ops::edit::rename(&ctx.store, old, new)?;
    diag!("renamed `{old}` to `{new}`");
    Ok(Outcome::Success)
}
