//! `header` and `curl`: the credential, ready to paste.

use std::io::Write;

use anyhow::Result;
use sipauth_tui::header::{authorization_header, authorization_value, curl_command};

use super::{Ctx, Outcome};

pub fn header(ctx: &Ctx, out: &mut impl Write, name: &str, value_only: bool) -> Result<Outcome> {
    let data = ctx.load()?;
    let c = data.get(name)?;
    let line = if value_only {
        authorization_value(c)?
    } else {
        authorization_header(c)?
    };
    writeln!(out, "{}", line.expose())?;
    Ok(Outcome::Success)
}

pub fn curl(ctx: &Ctx, out: &mut impl Write, name: &str, path: &str) -> Result<Outcome> {
    super::check_path(path)?;
    let data = ctx.load()?;
    let c = data.get(name)?;
    writeln!(out, "{}", curl_command(c, path)?.expose())?;
    Ok(Outcome::Success)
}
