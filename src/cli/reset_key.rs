//! `reset-key`: a new data key for a store whose key is lost (keyring
//! reset, store copied from another machine). Secrets the old key no longer
//! opens are dropped; names, clients and API bases stay. Asks first.

use std::io::{self, BufRead, IsTerminal};

use anyhow::{Result, bail};

use super::{Ctx, Outcome, diag};

/// Runs `reset-key [--yes]`.
pub fn run(ctx: &Ctx, yes: bool) -> Result<Outcome> {
    let data = ctx.load_public()?;
    if !yes {
        if !io::stdin().is_terminal() {
            bail!("reset-key drops the secrets that cannot be opened: confirm with --yes");
        }
        diag!(
            "reset-key starts a new key for {} ({} entries); secrets the current key cannot open are dropped. Type `yes` to go on:",
            ctx.store.path().display(),
            data.credentials.len()
        );
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        if line.trim() != "yes" {
            diag!("nothing changed");
            return Ok(Outcome::Failure);
        }
    }
    let reset = ctx.store.reset_key()?;
    for d in &reset.dropped {
        let advice = match d.what {
            "the entry" => "add it again with `sipauth-tui add`",
            "the session" => "log in again with `sipauth-tui login`",
            _ => "add the client secret again with `sipauth-tui add oauth`",
        };
        diag!(
            "{}: dropped {} (it could not be opened); {advice}",
            d.name,
            d.what
        );
    }
    match (&reset.old_key, &reset.new_key) {
        (_, Some(new)) => diag!(
            "new key (id {new}) in the {}",
            ctx.store.vault().backend_label()
        ),
        (_, None) => diag!("no secret left to seal: the store has no key now"),
    }
    if reset.dropped.is_empty() {
        diag!("every secret opened and was sealed again under the new key");
    }
    Ok(Outcome::Success)
}
