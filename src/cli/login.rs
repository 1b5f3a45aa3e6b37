//! `login NAME`: get a session for an OAuth client.
//!
//! The authorization code grant with PKCE is done here: the URL always goes
//! to stderr (a headless machine, a browser that did not open), the system
//! browser is opened unless `--no-browser`, and the wait races Ctrl-C. The
//! other grants live in [`super::grants`]. The session is stored under the
//! lock; only lifetimes and scope are printed, never a token.

use std::time::Duration;

use anyhow::Result;
use clap::{Args, ValueEnum};
use sipauth_tui::oauth::{self, LoginError, LoginOptions, LoginWarning};
use sipauth_tui::ops::{
    self,
    browser::{self, Launch},
};
use sipauth_tui::time_text::humanize;
use tokio::signal::unix::{SignalKind, signal};

use super::grants::{self, OtherGrant};
use super::session::{http_timeouts, now, runtime, summary};
use super::{Ctx, Outcome, diag, positive_seconds};

// Log in with an OAuth client and store the session. (a plain comment: clap would take a doc
// comment as the command's about, over the variant's own.)
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Credential name (an OAuth client)
    #[arg(add = clap_complete::ArgValueCompleter::new(super::complete::names))]
    name: String,
    /// How to log in
    #[arg(long, value_enum, default_value_t = Grant::Code)]
    grant: Grant,
    /// Print the URL but do not open a browser
    #[arg(long)]
    no_browser: bool,
    /// Seconds to wait for the browser
    #[arg(long, value_name = "SECS", default_value = "300", value_parser = positive_seconds)]
    timeout: Duration,
    /// Listen on this port (when the client has no registered redirect URI)
    #[arg(long, value_name = "PORT")]
    port: Option<u16>,
    /// Also ask for the scopes this sipgate operation needs, e.g. 'GET
    /// /history' (repeatable; kept in the client's scope)
    #[arg(long = "for", value_name = "'METHOD PATH'")]
    for_ops: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Grant {
    /// Authorization code with PKCE in the browser
    Code,
    /// Resource owner password credentials
    Password,
    /// Implicit (legacy)
    Implicit,
    /// Client credentials (no user)
    ClientCredentials,
    /// Device authorization
    Device,
}

/// Adds the scopes of `--for` operations to the client's stored scope, so
/// this login and later ones ask for them.
fn add_purposes(ctx: &Ctx, name: &str, purposes: &[String]) -> Result<()> {
    let current = ctx.load_public()?;
    let Some(client) = current.get(name)?.auth.client() else {
        anyhow::bail!("`{name}` is not an OAuth client; --for needs one");
    };
    let scope = super::endpoints::scope_with_purposes(client.scope.as_deref(), purposes)?;
    if scope == client.scope {
        return Ok(());
    }
    ops::edit::edit(&ctx.store, name, |c| {
        let mut c = c.clone();
        if let sipauth_tui::credential::Auth::Oauth {
            client: Some(client),
            ..
        } = &mut c.auth
        {
            client.scope.clone_from(&scope);
        }
        c
    })?;
    Ok(())
}

/// Runs `login`: the code grant here, the others in [`grants`].
pub fn run(ctx: &Ctx, args: LoginArgs) -> Result<Outcome> {
    let other = match args.grant {
        Grant::Code => None,
        Grant::Password => Some(OtherGrant::Password),
        Grant::Implicit => Some(OtherGrant::Implicit),
        Grant::ClientCredentials => Some(OtherGrant::ClientCredentials),
        Grant::Device => Some(OtherGrant::Device),
    };
    if !args.for_ops.is_empty() {
        add_purposes(ctx, &args.name, &args.for_ops)?;
    }
    if let Some(grant) = other {
        return grants::run(ctx, &args.name, grant, args.no_browser, args.timeout);
    }
    let name = args.name.as_str();
    for warning in ctx.store.permission_warnings() {
        diag!("warning: {warning}");
    }
    let timeouts = http_timeouts()?;
    let options = LoginOptions {
        timeout: args.timeout,
        port: args.port,
    };
    let rt = runtime()?;
    let session = rt.block_on(async {
        let http = oauth::http_client(timeouts)?;
        let started = ops::login::begin(&ctx.store, name, http, timeouts, options).await?;
        // Listen for Ctrl-C before the URL is out: a signal in between
        // would otherwise kill the process without closing the listener.
        let mut interrupt = signal(SignalKind::interrupt())?;
        let url = started.url().to_string();
        diag!("Open this URL to log in: {url}");
        if !args.no_browser {
            browser::open(&url, Launch::Any, |e| {
                diag!("note: could not open a browser ({e}); open the URL above yourself");
            });
        }
        diag!(
            "Waiting up to {} for the browser to come back to {} (Ctrl-C cancels)…",
            humanize(args.timeout.as_secs()),
            started.redirect_uri()
        );
        // A redirect that ends nothing may be forged (anyone who read the
        // URL can send one): say what it said, and keep waiting.
        let mut warn = |warning: &LoginWarning| {
            diag!("warning: {warning}; still waiting for the login (Ctrl-C cancels)");
        };
        tokio::select! {
            session = started.finish(&ctx.store, now, &mut warn) => session,
            _ = interrupt.recv() => Err(LoginError::Cancelled.into()),
        }
        .map_err(anyhow::Error::from)
    });
    rt.shutdown_background();
    let session = session?;
    diag!("Logged in `{name}`.");
    for line in summary(&session, now()) {
        diag!("{line}");
    }
    Ok(Outcome::Success)
}
