//! `add pat`, `add basic` and `add oauth`.

use anyhow::Result;
use clap::Subcommand;
use sipauth_tui::credential::{Auth, Credential, DEFAULT_API, Secret, validate_id, validate_name};

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
    },
    /// An OAuth2 client; its secret (unless --auth-method none) is read from a prompt or stdin
    #[command(
        after_help = "Examples:\n  sipauth-tui add oauth app --client-id 2477148-0-… < client-secret.txt\n  sipauth-tui add oauth web --client-id my-app --auth-method none --realm sipgate-apps --for 'GET /history'"
    )]
    Oauth(OauthArgs),
}

pub fn run(ctx: &Ctx, cmd: AddCommand) -> Result<Outcome> {
    match cmd {
        AddCommand::Pat {
            name,
            token_id,
            api,
        } => add_pair(
            ctx,
            &name,
            &api,
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
        } => add_pair(
            ctx,
            &name,
            &api,
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
    (id_field, secret_field): (&'static str, &'static str),
    id: &str,
    auth: impl FnOnce(Secret) -> Auth,
) -> Result<Outcome> {
    // Refuse what can be refused before asking for the secret.
    validate_name(name)?;
    validate_id(id_field, id)?;
    sipauth_tui::credential::normalize_api(api)?;
    let secret = read_secret(secret_field, name)?;
    save(ctx, Credential::new(name, api, auth(secret))?)
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
