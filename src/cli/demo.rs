//! `demo`: the app on a temporary store against the in-process sandbox,
//! seeded with sample credentials; the store is deleted on quit.

use anyhow::{Context, Result};
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::demo;
use sipauth_tui::store::Store;
use sipauth_tui::tui;
use sipauth_tui::vault::Vault;

use super::Outcome;
use super::app::{config, header_fetch, need_terminal};
use super::session::{http_timeouts, now, runtime};

/// The app against the sandbox on a store that is deleted afterwards.
pub fn run() -> Result<Outcome> {
    need_terminal()?;
    let sandbox =
        BackgroundSandbox::start_with(demo::realm()).context("cannot start the sandbox")?;
    let dir = tempfile::Builder::new()
        .prefix("sipauth-demo-")
        .tempdir()
        .context("cannot create the demo store's directory")?;
    // The demo's store holds only the sandbox's tokens, in a 0700 directory
    // deleted on quit: plaintext by choice (its title says so), so that the
    // copied curl command works from another shell without a keyring.
    let store = Store::new(dir.path().join("store.json")).with_vault(Vault::plaintext());
    super::logging::init_tui(store.path())?;
    let mut data = runtime()?.block_on(demo::seed(&sandbox, now()))?;
    store.lock()?.save(&mut data)?;
    let header_fetch =
        header_fetch(store.path()).map(|f| f.with_env("SIPAUTH_STORAGE", "plaintext"));
    tui::run(tui::Options {
        store,
        data,
        config: config()?,
        title: format!(
            "demo · sandbox {} · plaintext demo store (deleted on quit)",
            sandbox.base_url()
        ),
        timeouts: http_timeouts()?,
        header_fetch,
        form_defaults: tui::form::Defaults {
            api: sandbox.api_url(),
            issuer: sandbox.issuer_url(),
        },
    })?;
    Ok(Outcome::Success)
}
