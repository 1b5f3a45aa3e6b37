//! `header` and `curl`: the credential, ready to paste. An OAuth session
//! with less than the margin left is refreshed first.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use sipauth_tui::header::{authorization_header, authorization_value, curl_command};

use super::session::usable;
use super::{Ctx, Outcome};

/// Prints the Authorization header (or its value) for `name`.
pub fn header(
    ctx: &Ctx,
    out: &mut impl Write,
    name: &str,
    value_only: bool,
    margin: Duration,
) -> Result<Outcome> {
    let data = ctx.load()?;
    let c = usable(ctx, data.get(name)?, margin)?;
    let line = if value_only {
        authorization_value(&c)?
    } else {
        authorization_header(&c)?
    };
    writeln!(out, "{}", line.expose())?;
    Ok(Outcome::Success)
}

/// Prints a curl command calling `path` with `name`.
pub fn curl(
    ctx: &Ctx,
    out: &mut impl Write,
    name: &str,
    path: &str,
    margin: Duration,
) -> Result<Outcome> {
    super::check_path(path)?;
    let data = ctx.load()?;
    let c = usable(ctx, data.get(name)?, margin)?;
    writeln!(out, "{}", curl_command(&c, path)?.expose())?;
    Ok(Outcome::Success)
}
