//! The set-up every integration test shares: a temporary store and the
//! binary with a clean environment ([`Env`]), the Keycloak token-response
//! fixture, and case tables that report every failing case
//! ([`check_all`], from the library so unit tests share it). The OAuth
//! set-up (a store plus a running sandbox realm) is in [`oauth`]; the
//! app's tests drive [`tmux`] and read the clipboard through [`xvfb`].

pub mod oauth;
pub mod secret_service;
pub mod tmux;
pub mod xvfb;

pub use oauth::{CLIENTS, Realm, browse, free_port};
pub use sipauth_tui::testing::cases::{check_all, check_all_async};

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command as StdCommand, Stdio};

use assert_cmd::Command;
use serde_json::Value;
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::CLIENT_BASIC;
use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_sipauth-tui");

/// A Keycloak token response (access, refresh and id token), from
/// `tests/fixtures/`.
pub const FIXTURE: &str = include_str!("../fixtures/keycloak-token-response.json");

/// One token of [`FIXTURE`] (`access_token`, `refresh_token`, `id_token`).
pub fn fixture_token(field: &str) -> String {
    let doc: Value = serde_json::from_str(FIXTURE).unwrap();
    doc[field].as_str().unwrap().to_owned()
}

/// A temporary directory holding a store.
pub struct Env {
    pub dir: TempDir,
    pub store: PathBuf,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("data/store.json");
        Self { dir, store }
    }

    /// The binary with this store and no proxy or lock-timeout overrides.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        clean_env(cmd.env("SIPAUTH_STORE", &self.store));
        cmd
    }

    /// The same as a plain std command, for spawning many at once.
    pub fn std_cmd(&self) -> StdCommand {
        let mut cmd = StdCommand::new(BIN);
        cmd.env("SIPAUTH_STORE", &self.store);
        for var in PROXY_VARS {
            cmd.env_remove(var);
        }
        keyed(&mut cmd);
        cmd.env_remove("SIPAUTH_LOCK_TIMEOUT");
        cmd
    }

    /// `add pat NAME --token-id ID --api API` with the token on stdin.
    pub fn add_pat(&self, name: &str, id: &str, token: &str, api: &str) {
        self.add(["pat", name, "--token-id", id, "--api", api], token);
    }

    /// `add basic NAME --username USER --api API` with the password on stdin.
    pub fn add_basic(&self, name: &str, user: &str, password: &str, api: &str) {
        self.add(["basic", name, "--username", user, "--api", api], password);
    }

    fn add(&self, args: [&str; 6], secret: &str) {
        self.cmd()
            .arg("add")
            .args(args)
            .write_stdin(format!("{secret}\n"))
            .assert()
            .success();
    }

    /// Spawns `add pat` with the token written to its stdin.
    pub fn spawn_add_pat(&self, name: &str, token: &str) -> Child {
        let mut child = self
            .std_cmd()
            .args(["add", "pat", name, "--token-id", "token-RACE01"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The child may already be dead (the kill test): ignore EPIPE.
        let _ = stdin.write_all(token.as_bytes());
        drop(stdin);
        child
    }

    /// Writes a store of `count` PATs named `{prefix}{i}` directly (0600),
    /// much faster than `count` runs of `add`.
    pub fn write_pats(&self, prefix: &str, count: usize, token: &str) {
        let creds: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                serde_json::json!({"name": format!("{prefix}{i}"), "api": "https://api.sipgate.com/v2",
                    "kind": "pat", "token_id": format!("token-{i:06}"), "token": token})
            })
            .collect();
        let dir = self.store.parent().unwrap();
        std::fs::create_dir_all(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let doc = serde_json::json!({"version": 1, "credentials": creds});
        std::fs::write(&self.store, doc.to_string()).unwrap();
        std::fs::set_permissions(&self.store, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    /// `add oauth NAME` for a client of the sandbox's default realm; the
    /// secret (if any) on stdin.
    pub fn add_oauth(
        &self,
        sandbox: &BackgroundSandbox,
        name: &str,
        id: &str,
        secret: Option<&str>,
    ) {
        let method = match (id, secret) {
            (_, None) => "none",
            (CLIENT_BASIC, _) => "basic",
            _ => "post",
        };
        let out = self
            .cmd()
            .args([
                "add",
                "oauth",
                name,
                "--client-id",
                id,
                "--auth-method",
                method,
            ])
            .args([
                "--issuer",
                &sandbox.issuer_url(),
                "--api",
                &sandbox.api_url(),
            ])
            .write_stdin(secret.map(|s| format!("{s}\n")).unwrap_or_default())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }

    /// The stored session of `name` as JSON (null when none), via the library.
    pub fn session_json(&self, name: &str) -> Value {
        let data = crate::support::store(&self.store).load().unwrap();
        let c = data.get(name).unwrap();
        serde_json::to_value(c.auth.session()).unwrap()
    }

    /// Names in the store, read through the library.
    pub fn names(&self) -> Vec<String> {
        crate::support::store(&self.store)
            .load()
            .unwrap()
            .credentials
            .into_iter()
            .map(|c| c.name)
            .collect()
    }
}

const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// A store at this path sealed under the tests' key, as the binary under
/// test (given [`storage_env`]) seals it.
pub fn store(path: impl Into<PathBuf>) -> sipauth_tui::store::Store {
    sipauth_tui::store::Store::new(path).with_vault(sipauth_tui::vault::test_key::vault())
}

/// How the binary under test keeps its store's key: the tests' key from
/// a key command (so no keyring is needed, and the library side reads what
/// the binary sealed), no storage override. The keyring tests replace it.
pub fn storage_env() -> [(&'static str, Option<String>); 3] {
    [
        (
            "SIPAUTH_KEY_COMMAND",
            Some(sipauth_tui::vault::test_key::key_command()),
        ),
        ("SIPAUTH_STORAGE", None),
        // Never the user's own config: one that does not exist.
        (
            "SIPAUTH_CONFIG",
            Some("/nonexistent/sipauth-tui/config.toml".into()),
        ),
    ]
}

/// A command (a shell around the binary) given [`storage_env`].
pub fn keyed(cmd: &mut StdCommand) -> &mut StdCommand {
    for (var, value) in storage_env() {
        match value {
            Some(value) => cmd.env(var, value),
            None => cmd.env_remove(var),
        };
    }
    cmd
}

fn clean_env(cmd: &mut Command) {
    for var in PROXY_VARS {
        cmd.env_remove(var);
    }
    for (var, value) in storage_env() {
        match value {
            Some(value) => cmd.env(var, value),
            None => cmd.env_remove(var),
        };
    }
    cmd.env_remove("SIPAUTH_LOCK_TIMEOUT");
}

/// Standard output of a finished process, lossily as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error of a finished process, lossily as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
