//! `import FILE|-`: store a credential found in a token response, a sipgate
//! `.env` file or a pasted `Authorization` line (see
//! [`sipauth_tui::import`] for the formats).
//!
//! The new entry is named by `--name`, else `imported`, `imported-2`, … (the
//! first free one). `--into NAME` instead gives an existing OAuth entry the
//! imported session, keeping its client. At most 1 MiB is read; the content
//! never appears in a message. A file that group or others can read gets a
//! warning: it holds a secret.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::Args;
use sipauth_tui::credential::{Auth, Credential, DEFAULT_API, validate_name};
use sipauth_tui::import::{self, Imported, MAX_INPUT};
use zeroize::Zeroizing;

use super::secret_input::read_secret;
use super::session::{now, summary};
use super::{Ctx, Outcome, diag};

// `import FILE|- [--name NAME] [--api URL] [--into NAME]` (a plain comment: clap would take a doc
// comment as the command's about, over the variant's own.)
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read, or `-` for stdin (a hidden prompt on a terminal)
    file: String,
    /// Name for the new entry [default: imported, imported-2, …]
    #[arg(long, conflicts_with = "into")]
    name: Option<String>,
    /// API base URL the credential is for [default: a curl command's
    /// sipgate URL, else https://api.sipgate.com/v2]
    #[arg(long, conflicts_with = "into")]
    api: Option<String>,
    /// Give this existing OAuth entry the imported session instead
    #[arg(long, value_name = "NAME", add = clap_complete::ArgValueCompleter::new(super::complete::names))]
    into: Option<String>,
    /// With --into: attach the session even though its tokens were issued
    /// by another issuer than the entry's client (its refresh would fail)
    #[arg(long, requires = "into")]
    force: bool,
}

/// Reads, recognises and stores (or attaches) the imported credential.
pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<Outcome> {
    if let Some(name) = args.name.as_deref().or(args.into.as_deref()) {
        validate_name(name)?;
    }
    if let Some(api) = &args.api {
        sipauth_tui::credential::normalize_api(api)?;
    }
    let target = args
        .into
        .as_deref()
        .or(args.name.as_deref())
        .unwrap_or("imported");
    let text = read_input(&args.file, target)?;
    let now = now();
    let imported = match import::parse(&text, now) {
        // `curl -u ID` without the secret: asked for on a terminal, never
        // stored empty.
        Err(import::ImportError::CurlNoPassword { user, secret, .. })
            if io::stdin().is_terminal() =>
        {
            let value = read_secret(secret, target)?;
            Imported {
                format: import::Format::CurlCommand,
                auth: import::pair(&user, value)?,
                api: None,
            }
        }
        other => other.with_context(|| format!("cannot import {}", shown(&args.file)))?,
    };
    drop(text);
    let Imported { format, auth, api } = imported;
    let api = args
        .api
        .clone()
        .or(api)
        .unwrap_or_else(|| DEFAULT_API.to_owned());
    let summary = auth.session().map(|s| summary(s, now));
    let stale = import::stale(&auth, now);
    // Whether the stored entry has a client to log in again with.
    let (name, login) = if let Some(into) = &args.into {
        let login = attach(ctx, into, auth, args.force)?;
        diag!("imported the {} into `{into}`", format.label());
        (into.clone(), login)
    } else {
        let kind = auth.kind_label();
        let derived = auth
            .client()
            .map(|c| (c.client_id.clone(), c.issuer.clone()));
        let login = derived.is_some();
        let name = ctx.store.update(|d| {
            let name = match &args.name {
                Some(name) => name.clone(),
                None => free_name(d),
            };
            let credential = Credential::new(&name, &api, auth)?;
            d.insert(credential)?;
            Ok::<_, anyhow::Error>(name)
        })?;
        diag!("imported the {} as {kind} `{name}`", format.label());
        if let Some((client_id, issuer)) = derived {
            diag!(
                "  client `{client_id}` at {issuer} taken from the access token (public client, no secret)"
            );
        }
        (name, login)
    };
    for line in summary.into_iter().flatten() {
        diag!("{line}");
    }
    if let Some(fact) = stale {
        match login {
            true => diag!(
                "warning: {fact}; stored anyway: `sipauth-tui login {name}` gets a new session"
            ),
            false => diag!("warning: {fact}; stored anyway: import a fresh token response"),
        }
    }
    Ok(Outcome::Success)
}

/// Replaces the session of the OAuth entry `into`, keeping its client;
/// whether it has one.
/// Tokens of another issuer are refused unless `force`: the next refresh
/// would hand that issuer's refresh token to the entry's issuer.
fn attach(ctx: &Ctx, into: &str, auth: Auth, force: bool) -> Result<bool> {
    let imported_client = auth.client().cloned();
    let Auth::Oauth {
        session: Some(session),
        ..
    } = auth
    else {
        bail!(
            "only a token response or a Bearer line can go --into an OAuth entry; this is a {}",
            auth.kind_label()
        );
    };
    let data = ctx.load()?;
    let ours = data.get(into)?.auth.client();
    if let Some(ours) = ours
        && let Some(found) = import::foreign_issuer(&session, &ours.issuer)
    {
        if !force {
            bail!(
                "the imported tokens were issued by {found}, but `{into}`'s client is at {}: refreshing would send the refresh token to the wrong server; nothing was stored (--force attaches it anyway)",
                ours.issuer
            );
        }
        diag!(
            "warning: the imported tokens were issued by {found}, not by `{into}`'s issuer {0}; attached because of --force: a refresh will send the refresh token to {0}, which did not issue it",
            ours.issuer
        );
    } else if let (Some(ours), Some(theirs)) = (ours, &imported_client)
        && ours.client_id != theirs.client_id
    {
        diag!(
            "warning: the access token names client `{}` at {}, not `{into}`'s `{}` at {}",
            theirs.client_id,
            theirs.issuer,
            ours.client_id,
            ours.issuer
        );
    }
    let login = ours.is_some();
    ctx.store.update(|d| d.set_session(into, *session))?;
    Ok(login)
}

/// `imported`, else `imported-2`, `imported-3`, … whichever is free.
fn free_name(data: &sipauth_tui::store::StoreData) -> String {
    let taken = |n: &str| data.credentials.iter().any(|c| c.name == n);
    std::iter::once("imported".to_owned())
        .chain((2..).map(|i| format!("imported-{i}")))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

fn shown(file: &str) -> String {
    if file == "-" {
        "stdin".to_owned()
    } else {
        format!(
            "`{}`",
            file.chars().filter(|c| !c.is_control()).collect::<String>()
        )
    }
}

/// Reads the input: a hidden one-line prompt when stdin is a terminal,
/// else up to [`MAX_INPUT`] bytes of stdin or the file.
fn read_input(file: &str, target: &str) -> Result<Zeroizing<String>> {
    let mut raw = Zeroizing::new(Vec::new());
    if file == "-" {
        if io::stdin().is_terminal() {
            let line = read_secret("the header line or one-line JSON to import", target)?;
            return Ok(Zeroizing::new(line.expose().to_owned()));
        }
        io::stdin()
            .take(MAX_INPUT as u64 + 1)
            .read_to_end(&mut raw)
            .context("cannot read stdin")?;
    } else {
        let path = Path::new(file);
        let what = shown(file);
        let f = File::open(path).with_context(|| format!("cannot open {what}"))?;
        let meta = f
            .metadata()
            .with_context(|| format!("cannot read {what}"))?;
        // Pipes (`import <(pbpaste)`) are fine; a directory is a mistake.
        if meta.is_dir() {
            bail!("{what} is a directory");
        }
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            diag!(
                "warning: {what} can be read by group or others and holds a secret; `chmod 600` it or delete it once imported"
            );
        }
        f.take(MAX_INPUT as u64 + 1)
            .read_to_end(&mut raw)
            .with_context(|| format!("cannot read {what}"))?;
    }
    if raw.len() > MAX_INPUT {
        bail!(import::ImportError::TooLarge);
    }
    let text = std::str::from_utf8(&raw)
        .map_err(|e| anyhow::anyhow!("the input is not UTF-8 text (byte {})", e.valid_up_to()))?;
    Ok(Zeroizing::new(text.to_owned()))
}
