//! TEMPORARY stand-in for `login`, so the grants of [`super::grants`] can be
//! tested on branch `grants`. Branch `oauth` owns the real command (code
//! flow, same flags); at the merge this file is replaced by theirs, which
//! dispatches the other grants to [`super::grants::run`].

use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};

use super::grants::{self, OtherGrant};
use super::{Ctx, Outcome};

/// `login NAME [--grant …] [--no-browser] [--timeout SECS]`
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Credential name (an OAuth client)
    name: String,
    /// How to obtain the tokens
    #[arg(long, value_enum, default_value = "code")]
    grant: Grant,
    /// Print addresses instead of opening a browser
    #[arg(long)]
    no_browser: bool,
    /// Seconds to wait for the user (device approval)
    #[arg(long, value_name = "SECS", default_value = "300", value_parser = super::parse_seconds)]
    timeout: Duration,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Grant {
    Code,
    Password,
    Implicit,
    ClientCredentials,
    Device,
}

pub fn run(ctx: &Ctx, args: LoginArgs) -> Result<Outcome> {
    let grant = match args.grant {
        Grant::Code => bail!("the authorization code flow is not on this branch yet"),
        Grant::Password => OtherGrant::Password,
        Grant::Implicit => OtherGrant::Implicit,
        Grant::ClientCredentials => OtherGrant::ClientCredentials,
        Grant::Device => OtherGrant::Device,
    };
    grants::run(ctx, &args.name, grant, args.no_browser, args.timeout)
}
