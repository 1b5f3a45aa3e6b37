//! `header NAME`: the `Authorization` header (or its value) for curl. An
//! OAuth session that is due is refreshed first ([`super::session::usable`]).

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use sipauth_tui::header::{authorization_header, authorization_value};

use super::session::usable;
use super::{Ctx, Outcome};

/// Prints the Authorization header (or its value) for `name`.
pub fn run(
    ctx: &Ctx,
    out: &mut impl Write,
    name: &str,
    value_only: bool,
    margin: Duration,
) -> Result<Outcome> {
    let data = ctx.load_entry(name)?;
    let c = usable(ctx, data.get(name)?, margin)?;
    let line = if value_only {
        authorization_value(&c)?
    } else {
        authorization_header(&c)?
    };
    writeln!(out, "{}", line.expose())?;
    Ok(Outcome::Success)
}
