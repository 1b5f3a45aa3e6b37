//! `lock`: drops the store's key from the kernel keyring cache at once
//! (like `ssh-add -D`); the next command that needs a secret asks the OS
//! keyring again.

use anyhow::Result;

use super::{Ctx, Outcome, diag};

/// Runs `lock`.
pub fn run(ctx: &Ctx) -> Result<Outcome> {
    let data = ctx.load_public()?;
    let Some(key_id) = data.key_id else {
        diag!("nothing to lock: the store holds no sealed secret");
        return Ok(Outcome::Success);
    };
    if ctx.store.vault().forget(&key_id) {
        diag!("locked: the key (id {key_id}) is no longer cached in the kernel keyring");
    } else {
        diag!("locked: the key (id {key_id}) was not cached");
    }
    Ok(Outcome::Success)
}
