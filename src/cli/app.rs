//! `sipauth-tui` with no command: the full-screen app on the store. Also
//! what `demo` shares with it: the config file and the terminal check.

use std::path::PathBuf;

use anyhow::Result;
use sipauth_tui::tui::{self, config::Config};

use super::session::http_timeouts;
use super::{Ctx, Outcome};

/// How the app's copied curl command gets its header: the same words as
/// `curl` prints ([`super::curl::header_fetch`]), or why there are none
/// (the app still runs; only that copy is refused).
pub(super) fn header_fetch(
    store: &std::path::Path,
) -> Result<sipauth_tui::header::HeaderFetch, String> {
    super::curl::header_fetch(store).map_err(|e| format!("{e:#}"))
}

/// The config file: `SIPAUTH_CONFIG`, else the platform's config dir.
pub(super) fn config() -> Result<Config> {
    let path = std::env::var_os("SIPAUTH_CONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(Config::default_path);
    match path {
        Some(path) => Ok(Config::load(&path)?),
        None => Ok(Config::default()),
    }
}

/// The app draws on a terminal and reads keys from one; anything else is a
/// plain error rather than escape codes in a file.
pub(super) fn need_terminal() -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the full-screen app needs a terminal; for scripts use a command such as `sipauth-tui list` (see --help)"
        );
    }
    Ok(())
}

/// The title bar: the store and where its secrets live; plaintext as a
/// warning.
fn title(ctx: &Ctx) -> String {
    let vault = ctx.store.vault();
    let storage = if vault.seals() {
        vault.backend_label()
    } else {
        "⚠ PLAINTEXT secrets".to_owned()
    };
    format!("{} · {storage}", ctx.store.path().display())
}

/// The app on the user's store.
pub fn run(ctx: &Ctx) -> Result<Outcome> {
    // Read it before the screen switches, so a broken store is a plain error.
    let data = ctx.load()?;
    need_terminal()?;
    tui::run(tui::Options {
        store: ctx.store.clone().with_log_notices(),
        data,
        config: config()?,
        title: title(ctx),
        timeouts: http_timeouts()?,
        header_fetch: header_fetch(ctx.store.path()),
        form_defaults: tui::form::Defaults::default(),
    })?;
    Ok(Outcome::Success)
}
