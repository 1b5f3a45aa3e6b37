//! `exec NAME -- COMMAND…`: runs COMMAND with the credential in its
//! environment rather than in anyone's argv.
//!
//! The credential is made usable first exactly as `header` does
//! ([`super::session::usable`]: a session due for a refresh is refreshed
//! under the store's lock). COMMAND then gets
//! - `SIPAUTH_HEADER`: the whole line, `Authorization: Bearer eyJ…`, made
//!   for `printenv SIPAUTH_HEADER | curl -H @- …` (curl reads headers
//!   from stdin, so the token is in no argv);
//! - `SIPAUTH_AUTHORIZATION`: the value alone, `Bearer eyJ…` or
//!   `Basic …`, for programs that read a token from the environment;
//! - `SIPAUTH_API`: the credential's API base, e.g.
//!   `https://api.sipgate.com/v2`.
//!
//! A process's environment (`/proc/PID/environ`) is readable only by its
//! user and root, unlike its argv (`/proc/PID/cmdline`), which every local
//! user reads. A child inherits it, though: COMMAND's own children see it.
//!
//! This process then becomes COMMAND (`execvp`: same PID, stdin, stdout
//! and stderr, no secret left in a waiting parent), so COMMAND's exit status
//! is ours by construction, a death by a signal included (a shell shows
//! that as 128+N). A COMMAND that cannot be found exits 127, one that
//! cannot be run 126, as in a shell.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;
use sipauth_tui::header::{authorization_header, authorization_value};

use super::session::usable;
use super::{Ctx, Outcome, diag};

/// The environment variable with the whole header line.
pub const HEADER_VAR: &str = "SIPAUTH_HEADER";
/// The environment variable with the header's value.
pub const VALUE_VAR: &str = "SIPAUTH_AUTHORIZATION";
/// The environment variable with the API base.
pub const API_VAR: &str = "SIPAUTH_API";

/// Replaces this process with `command` holding `name`'s header; returns
/// only when that fails.
pub fn run(ctx: &Ctx, name: &str, command: &[OsString], margin: Duration) -> Result<Outcome> {
    let data = ctx.load_entry(name)?;
    let c = usable(ctx, data.get(name)?, margin)?;
    let value = authorization_value(&c)?;
    let line = authorization_header(&c)?;
    let Some((program, args)) = command.split_first() else {
        anyhow::bail!("no command to run");
    };
    let error = Command::new(program)
        .args(args)
        .env(HEADER_VAR, line.expose())
        .env(VALUE_VAR, value.expose())
        .env(API_VAR, &c.api)
        .exec();
    let program = program.to_string_lossy();
    if error.kind() == std::io::ErrorKind::NotFound {
        diag!("error: cannot run `{program}`: command not found");
        return Ok(Outcome::Code(127));
    }
    diag!("error: cannot run `{program}`: {error}");
    Ok(Outcome::Code(126))
}
