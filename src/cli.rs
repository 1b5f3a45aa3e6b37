//! The command line: clap definitions and dispatch, one file per command.
//!
//! Commands write what a pipe wants to stdout and diagnostics to stderr, and
//! return an [`Outcome`] (probe can fail without an error). Errors are
//! `anyhow` here and printed by `main` one cause per line; none carries a
//! secret. Both streams pass through [`SafeWriter`]: whatever a store, a
//! server or an error quotes, no control character, escape sequence or
//! invisible format character reaches the terminal (`--json` output escapes
//! them instead, see [`json_pretty`](sipauth_tui::sanitize::json_pretty)).

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use sipauth_tui::sanitize::SafeWriter;
use sipauth_tui::store::{Store, StoreData};
use sipauth_tui::tui::config::{Config, StorageMode};
use sipauth_tui::vault::{Storage, Vault};

mod add;
pub(crate) mod advice;
mod app;
pub mod color;
pub mod complete;
mod curl;
mod decode;
mod demo;
mod endpoints;
mod exec;
mod grants;
pub(crate) mod hardening;
mod header;
mod import;
mod list;
mod lock;
mod logging;
mod login;
mod man;
mod probe;
mod refresh;
mod remove;
mod rename;
mod reset_key;
mod sandbox;
mod scopes;
mod secret_input;
mod session;
mod session_view;
mod show;
mod status;

/// Keep credentials for the sipgate REST API (and any Basic-auth API); hand
/// their Authorization headers to curl without putting them in argv; probe
/// them.
#[derive(Debug, Parser)]
#[command(
    name = "sipauth-tui",
    // The store format a build reads and writes beside its version (a test
    // checks it against `STORE_VERSION`).
    version = concat!(env!("CARGO_PKG_VERSION"), " (store format 3)"),
    about,
    max_term_width = 100,
    after_help = "Without a command, sipauth-tui opens the full-screen app on the store (press ? there for its keys).\n\nThe store's secrets are sealed under a key kept in the OS keyring (Secret Service, macOS Keychain); without one, set key_command in the config (or SIPAUTH_KEY_COMMAND) to a command that prints the key, or choose plaintext explicitly (storage = \"plaintext\", SIPAUTH_STORAGE=plaintext). `sipauth-tui status` shows where they live.\n\nFirst steps:\n  sipauth-tui demo                                   try everything against the built-in sandbox\n  sipauth-tui add pat NAME --token-id token-ABC123   store a sipgate Personal Access Token (token from stdin)\n  sipauth-tui header NAME | curl -H @- https://api.sipgate.com/v2/account"
)]
pub struct Cli {
    /// The store file [default: $XDG_DATA_HOME/sipauth-tui/store.json]
    #[arg(long, global = true, env = "SIPAUTH_STORE", value_name = "PATH")]
    store: Option<PathBuf>,

    /// When to colour the output: auto (a terminal, unless NO_COLOR; CLICOLOR_FORCE forces it), always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    color: Option<color::Choice>,

    /// Without a command, the full-screen app opens on the store.
    #[command(subcommand)]
    command: Option<Command>,
}

// Each subcommand's arguments are built only when it is the one invoked:
// building all of them was a sixth of a whole `decode` run.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
enum Command {
    /// Add a credential; its secret is read from a no-echo prompt or stdin, never argv
    #[command(
        subcommand,
        after_help = "Examples:\n  sipauth-tui add pat work --token-id token-ABC123 < token.txt\n  pass show sipgate | sipauth-tui add basic legacy --username john@example.com\n  sipauth-tui add oauth app --client-id ID --for 'GET /history' < client-secret.txt"
    )]
    Add(add::AddCommand),
    /// List credentials: name, kind, API base, masked id, OAuth status
    #[command(
        after_help = "Examples:\n  sipauth-tui list\n  sipauth-tui list --json | jq -r '.[].name'"
    )]
    List {
        /// Print a JSON array
        #[arg(long)]
        json: bool,
    },
    /// Where the secrets live: the store file, the storage backend, how
    /// many secrets are encrypted and whether the key opens them, and each
    /// session's deadlines (exit 1 when sealed secrets cannot be opened)
    #[command(after_help = "Examples:\n  sipauth-tui status\n  sipauth-tui status --json")]
    Status {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Drop the store's key from the kernel keyring cache now; the next
    /// command that needs a secret asks the OS keyring again
    #[command(after_help = "Example:\n  sipauth-tui lock")]
    Lock,
    /// Start a new data key when the old one is lost (keyring reset, store
    /// copied from another machine): secrets that cannot be opened are
    /// dropped, names, clients and API bases stay
    #[command(after_help = "Examples:\n  sipauth-tui reset-key\n  sipauth-tui reset-key --yes")]
    ResetKey {
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Show one credential, secrets masked
    #[command(after_help = "Examples:\n  sipauth-tui show work\n  sipauth-tui show work --json")]
    Show {
        /// Credential name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        name: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Show the secret and the real header
        #[arg(long)]
        reveal: bool,
    },
    /// Remove a credential; an OAuth session is revoked at the server first
    #[command(
        after_help = "Examples:\n  sipauth-tui remove old-session\n  sipauth-tui remove old-session --no-revoke"
    )]
    Remove {
        /// Credential name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        name: String,
        /// Do not revoke an OAuth session at the server
        #[arg(long)]
        no_revoke: bool,
    },
    /// Rename a credential
    #[command(after_help = "Example:\n  sipauth-tui rename work work-2025")]
    Rename {
        /// Current name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        old: String,
        /// New name
        new: String,
    },
    /// Print the `Authorization: …` line for curl's stdin: sipauth-tui header NAME | curl -H @- URL
    ///
    /// One line, `Authorization: Basic …` or `Authorization: Bearer …` (an
    /// OAuth session is refreshed first when due). Piped into `curl -H @-`,
    /// curl reads it from stdin, so the secret is in no argv, which every local
    /// user can read; `curl -H "$(sipauth-tui header NAME)"` would put it in
    /// curl's.
    #[command(
        after_help = "Example:\n  sipauth-tui header NAME | curl -H @- https://api.sipgate.com/v2/account"
    )]
    Header {
        /// Credential name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        name: String,
        /// Print only the value, `Basic …`
        #[arg(long)]
        value: bool,
        #[command(flatten)]
        margin: MarginArg,
    },
    /// Print a curl command for {api}{PATH} that holds no secret
    ///
    /// The command calls this tool for the header when it runs and pipes it
    /// into curl (`sipauth-tui header NAME | curl --header @- … URL`), so the
    /// secret is in neither argv nor shell history, and a session is
    /// refreshed when the command runs. It names this executable (the bare
    /// name when PATH finds this same file, else its absolute path) and the
    /// store (`--store PATH` unless it is the default), so it works as
    /// printed.
    #[command(
        after_help = "Examples:\n  sipauth-tui curl work /history\n  sipauth-tui curl work /balance | sh\n  sipauth-tui curl work --inline"
    )]
    Curl {
        /// Credential name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        name: String,
        /// Path under the API base [default: the credential's own probe
        /// path, else /account]
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::paths))]
        path: Option<String>,
        /// Put the header itself into the command (it lands in curl's argv and
        /// your shell history)
        #[arg(long)]
        inline: bool,
        #[command(flatten)]
        margin: MarginArg,
    },
    /// Run COMMAND with the header in its environment: exec NAME -- COMMAND…
    ///
    /// The credential is refreshed first when due, as for `header`. COMMAND
    /// gets SIPAUTH_HEADER (the whole `Authorization: …` line),
    /// SIPAUTH_AUTHORIZATION (the value, `Bearer …` or `Basic …`) and
    /// SIPAUTH_API (the API base). An environment is readable only by the same
    /// user and root, unlike argv: pass it on through stdin, as in
    /// `printenv SIPAUTH_HEADER | curl -H @- "$SIPAUTH_API/account"`, not as
    /// `curl -H "Authorization: $SIPAUTH_AUTHORIZATION"`, which puts it back
    /// into an argv. This process becomes COMMAND, so its exit status is
    /// COMMAND's (127 when it is not found, 126 when it cannot run).
    #[command(
        after_help = "Example:\n  sipauth-tui exec NAME -- sh -c 'printenv SIPAUTH_HEADER | curl -sS -H @- \"$SIPAUTH_API/account\"'"
    )]
    Exec {
        /// Credential name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        name: String,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<std::ffi::OsString>,
        #[command(flatten)]
        margin: MarginArg,
    },
    /// Log in with an OAuth client and store the session
    #[command(
        after_help = "Examples:\n  sipauth-tui login app\n  sipauth-tui login app --no-browser\n  sipauth-tui login app --grant device --for 'POST /sessions/sms'"
    )]
    Login(login::LoginArgs),
    /// Refresh an OAuth session's access token
    #[command(
        after_help = "Examples:\n  sipauth-tui refresh app\n  sipauth-tui refresh app --if-due --min-valid 60"
    )]
    Refresh {
        /// Credential name
        #[arg(add = clap_complete::ArgValueCompleter::new(complete::names))]
        name: String,
        /// Only refresh when the access token has fewer than --min-valid seconds left
        #[arg(long)]
        if_due: bool,
        #[command(flatten)]
        margin: MarginArg,
    },
    /// Import a token response, a sipgate .env file or an Authorization line
    #[command(
        after_help = "Examples:\n  sipauth-tui import token-response.json --name app\n  sipauth-tui import .env\n  xclip -o | sipauth-tui import -"
    )]
    Import(import::ImportArgs),
    /// Call the API with a credential and explain the answer
    #[command(
        after_help = "Examples:\n  sipauth-tui probe work\n  sipauth-tui probe work --path /history --json\n  echo '{\"smsId\":\"s0\",\"recipient\":\"+49157…\",\"message\":\"hi\"}' | sipauth-tui probe work --method POST --path /sessions/sms --data -"
    )]
    Probe(probe::ProbeArgs),
    /// List sipgate's API operations, the scopes each needs, and what a credential can call
    #[command(
        after_help = "Examples:\n  sipauth-tui endpoints sms\n  sipauth-tui endpoints --for NAME history\n  sipauth-tui endpoints --json"
    )]
    Endpoints(endpoints::EndpointsArgs),
    /// Which scopes a credential has: a session's from its tokens, a PAT's learned with at most 25 GETs
    #[command(after_help = "Example:\n  sipauth-tui scopes NAME")]
    Scopes(scopes::ScopesArgs),
    /// Run the local sandbox API on 127.0.0.1 in the foreground
    #[command(after_help = "Examples:\n  sipauth-tui sandbox\n  sipauth-tui sandbox --port 0")]
    Sandbox(SandboxArgs),
    /// Decode a JWT, a token response or a stored session: header, claims, times
    #[command(
        after_help = "Examples:\n  sipauth-tui decode eyJhbGciOi…\n  sipauth-tui decode --from app --verify\n  sipauth-tui decode --json - < token-response.json"
    )]
    Decode(decode::DecodeArgs),
    /// Open the app on a temporary store against the built-in sandbox, with sample credentials
    #[command(after_help = "Example:\n  sipauth-tui demo")]
    Demo,
    /// Print a shell's completion script (credential names complete from the store)
    #[command(
        after_help = "Examples:\n  echo 'source <(sipauth-tui completions bash)' >> ~/.bashrc\n  sipauth-tui completions zsh > ~/.zfunc/_sipauth-tui\n  sipauth-tui completions fish > ~/.config/fish/completions/sipauth-tui.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(complete::SHELLS))]
        shell: String,
    },
    /// Print the man page (roff): man -l <(sipauth-tui man)
    #[command(
        after_help = "Examples:\n  sipauth-tui man | man -l -\n  sipauth-tui man > ~/.local/share/man/man1/sipauth-tui.1"
    )]
    Man,
}

// When a session counts as due for a refresh. A plain comment, not a doc
// comment: clap takes a flattened struct's doc comment as the about text of
// every command that flattens it, which hid their own.
#[derive(Debug, Args)]
struct MarginArg {
    /// Refresh an OAuth session first when its access token has fewer seconds left
    #[arg(long = "min-valid", value_name = "SECS", env = "SIPAUTH_REFRESH_MARGIN", default_value = "30", value_parser = parse_seconds)]
    min_valid: Duration,
}

#[derive(Debug, Args)]
struct SandboxArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8787)]
    port: u16,
}

/// How a command ended when it did not fail with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1 without an error message (the output says why).
    Failure,
    /// Exit with this code (a command that `exec` could not start).
    Code(u8),
}

/// What every command gets: the store.
struct Ctx {
    store: Store,
    /// Whether SIPAUTH_LOCK_TIMEOUT chose the lock wait.
    lock_timeout_set: bool,
}

impl Ctx {
    fn new(path: Option<PathBuf>) -> Result<Self> {
        let path = match path {
            Some(p) => p,
            None => Store::default_path()?,
        };
        let config = app::config()?;
        let mut store = Store::new(path)
            .with_vault(vault(&config)?)
            .with_notices(|text| diag!("{text}"));
        let raw = std::env::var("SIPAUTH_LOCK_TIMEOUT").ok();
        if let Some(raw) = &raw {
            let timeout =
                parse_seconds(raw).map_err(|e| anyhow::anyhow!("SIPAUTH_LOCK_TIMEOUT: {e}"))?;
            store = store.with_lock_timeout(timeout);
        }
        Ok(Self {
            store,
            lock_timeout_set: raw.is_some(),
        })
    }

    /// Reads the store, warning once when its file mode is too open.
    fn load(&self) -> Result<StoreData> {
        self.warn_permissions();
        Ok(self.store.load()?)
    }

    /// Reads the store, opening only `name`'s secrets.
    fn load_entry(&self, name: &str) -> Result<StoreData> {
        self.warn_permissions();
        Ok(self.store.load_entry(name)?)
    }

    /// Reads the store without opening its secrets (no key is asked).
    fn load_public(&self) -> Result<StoreData> {
        self.warn_permissions();
        Ok(self.store.load_public()?)
    }

    fn warn_permissions(&self) {
        for warning in self.store.permission_warnings() {
            diag!("warning: {warning}");
        }
    }
}

/// The vault the user chose: `SIPAUTH_STORAGE` and `SIPAUTH_KEY_COMMAND`
/// over the config's `storage` and `key_command`. Plaintext is only ever
/// what was asked for; a key command, when set, replaces the keyring.
fn vault(config: &Config) -> Result<Vault> {
    let env = |name| {
        std::env::var(name)
            .ok()
            .filter(|v: &String| !v.trim().is_empty())
    };
    let mode = match env("SIPAUTH_STORAGE").as_deref().map(str::trim) {
        None => config.storage,
        Some("keyring") => StorageMode::Keyring,
        Some("plaintext") => StorageMode::Plaintext,
        Some(other) => {
            anyhow::bail!("SIPAUTH_STORAGE: `{other}` is neither `keyring` nor `plaintext`")
        }
    };
    let command = env("SIPAUTH_KEY_COMMAND").or_else(|| config.key_command.clone());
    let storage = match (mode, command) {
        (StorageMode::Plaintext, _) => Storage::Plaintext,
        (StorageMode::Keyring, Some(command)) => Storage::KeyCommand(command),
        (StorageMode::Keyring, None) => Storage::Keyring,
    };
    let cache = Duration::from_secs(u64::from(config.key_cache_minutes) * 60);
    Ok(Vault::new(storage).with_cache(cache))
}

/// Parses a number of seconds from 0 to an hour, for timeouts.
pub(crate) fn parse_seconds(raw: &str) -> Result<Duration, String> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| (0.0..=3600.0).contains(s))
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{raw}` is not a number of seconds from 0 to 3600"))
}

/// Parses a timeout: seconds as for [`parse_seconds`], but more than 0.
pub(crate) fn positive_seconds(raw: &str) -> Result<Duration, String> {
    match parse_seconds(raw)? {
        Duration::ZERO => Err("a timeout must be more than 0 seconds".into()),
        d => Ok(d),
    }
}

/// Refuses an API path that would put control characters into a URL or a
/// printed command.
fn check_path(path: &str) -> Result<()> {
    if path.chars().any(char::is_control) {
        anyhow::bail!("the path contains a control character");
    }
    Ok(())
}

/// Prints a diagnostic line to stderr through the terminal filter
/// ([`SafeWriter`]); a closed stderr is ignored rather than a panic (which
/// `eprintln!` would be).
macro_rules! diag {
    ($($arg:tt)*) => {{
        $crate::cli::color::diag_line(&format!($($arg)*));
    }};
}
pub(crate) use diag;

impl Command {
    /// The subcommand's name, for the log (never its arguments: they may
    /// hold a mistyped URL with a password in it).
    fn name(&self) -> &'static str {
        match self {
            Command::Add(add::AddCommand::Pat { .. }) => "add pat",
            Command::Add(add::AddCommand::Basic { .. }) => "add basic",
            Command::Add(add::AddCommand::Oauth(_)) => "add oauth",
            Command::Import(_) => "import",
            Command::List { .. } => "list",
            Command::Status { .. } => "status",
            Command::Lock => "lock",
            Command::ResetKey { .. } => "reset-key",
            Command::Show { .. } => "show",
            Command::Remove { .. } => "remove",
            Command::Rename { .. } => "rename",
            Command::Header { .. } => "header",
            Command::Curl { .. } => "curl",
            Command::Exec { .. } => "exec",
            Command::Login(_) => "login",
            Command::Refresh { .. } => "refresh",
            Command::Probe(_) => "probe",
            Command::Endpoints(_) => "endpoints",
            Command::Scopes(_) => "scopes",
            Command::Sandbox(_) => "sandbox",
            Command::Decode(_) => "decode",
            Command::Demo => "demo",
            Command::Completions { .. } => "completions",
            Command::Man => "man",
        }
    }
}

impl Cli {
    /// `sipauth-tui decode [--json] [TOKEN | -]` read without building
    /// clap's command tree (see [`decode::DecodeArgs::quick`]); `None` for
    /// every other command line. `SIPAUTH_STORE` is honoured as clap would.
    pub fn quick(args: &[std::ffi::OsString]) -> Option<Self> {
        if args.get(1).map(|a| a.as_os_str()) != Some("decode".as_ref()) {
            return None;
        }
        Some(Self {
            store: std::env::var_os("SIPAUTH_STORE")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
            color: None,
            command: Some(Command::Decode(decode::DecodeArgs::quick(&args[2..])?)),
        })
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    color::init(cli.color);
    let ctx = Ctx::new(cli.store)?;
    let Some(command) = cli.command else {
        logging::init_tui(ctx.store.path())?;
        return app::run(&ctx);
    };
    // The demo logs beside its temporary store, once it has one.
    if !matches!(command, Command::Demo) {
        logging::init(ctx.store.path())?;
    }
    tracing::debug!(command = command.name(), "start");
    let mut out = SafeWriter::new(io::stdout().lock());
    let outcome = match command {
        Command::Add(cmd) => add::run(&ctx, cmd)?,
        Command::List { json } => list::run(&ctx, &mut out, json)?,
        Command::Status { json } => status::run(&ctx, &mut out, json)?,
        Command::Lock => lock::run(&ctx)?,
        Command::ResetKey { yes } => reset_key::run(&ctx, yes)?,
        Command::Show { name, json, reveal } => show::run(&ctx, &mut out, &name, json, reveal)?,
        Command::Remove { name, no_revoke } => remove::run(&ctx, &name, no_revoke)?,
        Command::Rename { old, new } => rename::run(&ctx, &old, &new)?,
        Command::Header {
            name,
            value,
            margin,
        } => header::run(&ctx, &mut out, &name, value, margin.min_valid)?,
        Command::Curl {
            name,
            path,
            inline,
            margin,
        } => curl::run(
            &ctx,
            &mut out,
            &name,
            path.as_deref(),
            inline,
            margin.min_valid,
        )?,
        Command::Exec {
            name,
            command,
            margin,
        } => exec::run(&ctx, &name, &command, margin.min_valid)?,
        Command::Import(args) => import::run(&ctx, args)?,
        Command::Login(args) => login::run(&ctx, args)?,
        Command::Refresh {
            name,
            if_due,
            margin,
        } => refresh::run(&ctx, &name, !if_due, margin.min_valid)?,
        Command::Probe(args) => probe::run(&ctx, &mut out, args)?,
        Command::Endpoints(args) => endpoints::run(&ctx, &mut out, args)?,
        Command::Scopes(args) => scopes::run(&ctx, &mut out, args)?,
        Command::Sandbox(args) => sandbox::run(&mut out, args.port)?,
        Command::Decode(args) => decode::run(&ctx, &mut out, args)?,
        Command::Demo => demo::run()?,
        Command::Completions { shell } => complete::run(&mut out, &shell)?,
        Command::Man => man::run(&mut out)?,
    };
    out.flush()?;
    Ok(outcome)
}
