//! `curl NAME [PATH]`: a ready curl command for `{api}{PATH}`. An OAuth
//! session that is due is refreshed first ([`super::session::usable`]).

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use sipauth_tui::header::curl_command;

use super::session::usable;
use super::{Ctx, Outcome};

/// Prints a curl command calling `path` with `name`.
pub fn run(
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
