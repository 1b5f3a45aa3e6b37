//! `add pat` and `add basic`.

use anyhow::Result;
use clap::Subcommand;
use sipauth_tui::credential::{Auth, Credential, DEFAULT_API, validate_id, validate_name};

use super::secret_input::read_secret;
use super::{Ctx, Outcome, diag};

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// A Personal Access Token; the token is read from a prompt or stdin
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
}

pub fn run(ctx: &Ctx, cmd: AddCommand) -> Result<Outcome> {
    let (name, api, id, id_field, secret_field) = match &cmd {
        AddCommand::Pat {
            name,
            api,
            token_id,
            ..
        } => (name, api, token_id, "token id", "token"),
        AddCommand::Basic {
            name,
            api,
            username,
            ..
        } => (name, api, username, "username", "password"),
    };
    // Refuse what can be refused before asking for the secret.
    validate_name(name)?;
    validate_id(id_field, id)?;
    sipauth_tui::credential::normalize_api(api)?;
    let secret = read_secret(secret_field, name)?;
    let auth = match &cmd {
        AddCommand::Pat { token_id, .. } => Auth::Pat {
            token_id: token_id.clone(),
            token: secret,
        },
        AddCommand::Basic { username, .. } => Auth::Basic {
            username: username.clone(),
            password: secret,
        },
    };
    let credential = Credential::new(name, api, auth)?;
    let label = credential.auth.kind_label();
    let api = credential.api.clone();
    ctx.store.update(|d| d.insert(credential))?;
    diag!(
        "added {label} `{name}` for {api} to {}",
        ctx.store.path().display()
    );
    Ok(Outcome::Success)
}
