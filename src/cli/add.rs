//! `add pat`, `add basic` and `add oauth`.

use anyhow::Result;
use clap::Subcommand;
use sipauth_tui::credential::{
    Auth, Credential, DEFAULT_API, ProbeTarget, Secret, validate_id, validate_name,
};

use super::secret_input::read_secret;
use super::{Ctx, Outcome, diag};

mod oauth;

pub use oauth::OauthArgs;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AddCommand {
    /// A Personal Access Token; the token is read from a prompt or stdin
    #[command(
        after_help = "Examples:\n  sipauth-tui add pat work --token-id token-ABC123 < token.txt\n  sipauth-tui add pat work --token-id token-ABC123   (asks for the token, echo off)"
    )]
    Pat {
        /// Name to store it under
        name: String,
        /// The token id, e.g. token-ABC123
        #[arg(long)]
        token_id: String,
        /// API base URL
        #[arg(long, default_value = DEFAULT_API)]
        api: String,
        #[command(flatten)]
        probe: ProbeTargetArgs,
    },
    /// A username:password Basic login; the password is read from a prompt or stdin
    #[command(
        after_help = "Example:\n  pass show sipgate | sipauth-tui add basic legacy --username john@example.com"
    )]
    Basic {
        /// Name to store it under
        name: String,
        /// The username
        #[arg(long)]
        username: String,
        /// API base URL
        #[arg(long, default_value = DEFAULT_API)]
        api: String,
        #[command(flatten)]
        probe: ProbeTargetArgs,
    },
    /// An OAuth2 client; its secret (unless --auth-method none) is read from a prompt or stdin
    #[command(
        after_help = "Examples:\n  sipauth-tui add oauth app --client-id 2477148-0-… < client-secret.txt\n  sipauth-tui add oauth web --client-id my-app --auth-method none --realm sipgate-apps --for 'GET /history'"
    )]
    Oauth(OauthArgs),
}

// A credential's own probe (a plain comment: a flattened struct's doc
// comment would become the about of every command that flattens it).
#[derive(Debug, clap::Args)]
pub struct ProbeTargetArgs {
    /// What `probe` and the app's probe ask for under the API base, instead
    /// of /account (the config's probe_path in the app), e.g. /v1/me
    #[arg(long, value_name = "PATH")]
    probe_path: Option<String>,
    /// The probe's method: GET (default), HEAD or OPTIONS
    #[arg(long, value_name = "METHOD", requires = "probe_path")]
    probe_method: Option<String>,
}

impl ProbeTargetArgs {
    /// The checked target, when one was given.
    pub fn target(&self) -> Result<Option<ProbeTarget>> {
        match &self.probe_path {
            None => Ok(None),
            Some(path) => Ok(Some(ProbeTarget::new(
                self.probe_method.as_deref().unwrap_or("GET"),
                path,
            )?)),
        }
    }
}

pub fn run(ctx: &Ctx, cmd: AddCommand) -> Result<Outcome> {
    match cmd {
        AddCommand::Pat {
            name,
            token_id,
            api,
            probe,
        } => add_pair(
            ctx,
            &name,
            &api,
            probe.target()?,
            ("token id", "token"),
            &token_id,
            |token| Auth::Pat {
                token_id: token_id.clone(),
                token,
            },
        ),
        AddCommand::Basic {
            name,
            username,
            api,
            probe,
        } => add_pair(
            ctx,
            &name,
            &api,
            probe.target()?,
            ("username", "password"),
            &username,
            |password| Auth::Basic {
                username: username.clone(),
                password,
            },
        ),
        AddCommand::Oauth(args) => oauth::run(ctx, &args),
    }
}

/// Adds a PAT or Basic login: checks what it can, then reads the secret.
fn add_pair(
    ctx: &Ctx,
    name: &str,
    api: &str,
    probe: Option<ProbeTarget>,
    (id_field, secret_field): (&'static str, &'static str),
    id: &str,
    auth: impl FnOnce(Secret) -> Auth,
) -> Result<Outcome> {
    // Refuse what can be refused before asking for the secret.
    validate_name(name)?;
    validate_id(id_field, id)?;
    sipauth_tui::credential::normalize_api(api)?;
    let secret = read_secret(secret_field, name)?;
    let mut credential = Credential::new(name, api, auth(secret))?;
    credential.probe = probe;
    save(ctx, credential)
}

/// Inserts a new credential under the lock and says so.
fn save(ctx: &Ctx, credential: Credential) -> Result<Outcome> {
    let name = credential.name.clone();
    let label = credential.auth.kind_label();
    let api = credential.api.clone();
    ctx.store.update(|d| d.insert(credential))?;
    diag!(
        "added {label} `{name}` for {api} to {}",
        ctx.store.path().display()
    );
    Ok(Outcome::Success)
}
