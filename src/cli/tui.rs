//! `sipauth-tui` with no command (the full-screen app on the store) and
//! `sipauth-tui demo` (the app on a temporary store against the in-process
//! sandbox).

use std::path::PathBuf;

use anyhow::{Context, Result};
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::demo;
use sipauth_tui::store::Store;
use sipauth_tui::tui::{self, config::Config};

use super::session::{http_timeouts, now, runtime};
use super::{Ctx, Outcome};

/// The config file: `SIPAUTH_CONFIG`, else the platform's config dir.
fn config() -> Result<Config> {
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
fn need_terminal() -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the full-screen app needs a terminal; for scripts use a command such as `sipauth-tui list` (see --help)"
        );
    }
    Ok(())
}

/// The app on the user's store.
pub fn run(ctx: &Ctx) -> Result<Outcome> {
    // Read it before the screen switches, so a broken store is a plain error.
    let data = ctx.load()?;
    need_terminal()?;
    tui::run(tui::Options {
        store: ctx.store.clone(),
        data,
        config: config()?,
        title: ctx.store.path().display().to_string(),
        timeouts: http_timeouts()?,
    })?;
    Ok(Outcome::Success)
}

/// The app against the sandbox on a store that is deleted afterwards.
pub fn demo() -> Result<Outcome> {
    need_terminal()?;
    let sandbox =
        BackgroundSandbox::start_with(demo::realm()).context("cannot start the sandbox")?;
    let dir = tempfile::Builder::new()
        .prefix("sipauth-demo-")
        .tempdir()
        .context("cannot create the demo store's directory")?;
    let store = Store::new(dir.path().join("store.json"));
    super::logging::init_tui(store.path())?;
    let mut data = runtime()?.block_on(demo::seed(&sandbox, now()))?;
    store.lock()?.save(&mut data)?;
    tui::run(tui::Options {
        store,
        data,
        config: config()?,
        title: format!("demo · sandbox {}", sandbox.base_url()),
        timeouts: http_timeouts()?,
    })?;
    Ok(Outcome::Success)
}
