//! Shared set-up: a temporary store and a command for the binary with a clean
//! environment.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command as StdCommand, Stdio};

use assert_cmd::Command;
use tempfile::TempDir;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_sipauth-tui");

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

    /// Names in the store, read through the library.
    pub fn names(&self) -> Vec<String> {
        sipauth_tui::store::Store::new(&self.store)
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

fn clean_env(cmd: &mut Command) {
    for var in PROXY_VARS {
        cmd.env_remove(var);
    }
    cmd.env_remove("SIPAUTH_LOCK_TIMEOUT");
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
