//! The binary under test, on a temporary store, with a clean environment:
//! `add oauth` for a fixture client, the grants of `login`, and the stored
//! session read back through `show --json --reveal` (the binary, not the
//! library, so the suite tests what a user gets).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::server::{Client, keycloak};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_sipauth-tui");

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Post,
    Basic,
    None,
}

impl Method {
    fn flag(self) -> &'static str {
        match self {
            Method::Post => "post",
            Method::Basic => "basic",
            Method::None => "none",
        }
    }
}

/// A temporary store.
pub struct Env {
    _dir: TempDir,
    pub store: std::path::PathBuf,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("data/store.json");
        Self { _dir: dir, store }
    }

    /// The binary on this store: no proxies, 20 s HTTP timeouts, default margin.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env("SIPAUTH_STORE", &self.store)
            .env("SIPAUTH_HTTP_TIMEOUT", "20")
            .env_remove("SIPAUTH_REFRESH_MARGIN")
            .env_remove("SIPAUTH_LOCK_TIMEOUT")
            .env_remove("BROWSER")
            // The store's key from a key command, not a keyring; never the
            // user's own config.
            .env(
                "SIPAUTH_KEY_COMMAND",
                sipauth_tui::vault::test_key::key_command(),
            )
            .env_remove("SIPAUTH_STORAGE")
            .env("SIPAUTH_CONFIG", "/nonexistent/sipauth-tui/config.toml");
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs the binary with `args` and `stdin`.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        run_with_stdin(self.cmd().args(args), stdin)
    }

    /// Like `run`, and panics unless it succeeds; returns stdout.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `add oauth NAME` for a fixture client of `realm`, its secret on stdin.
    pub fn add_client(&self, name: &str, realm: &str, client: Client, method: Method, scope: &str) {
        let issuer = keycloak().issuer(realm);
        // The API is the realm's OpenID Connect base: `/userinfo` under it
        // is a resource Keycloak protects.
        let api = format!("{issuer}/protocol/openid-connect");
        let mut args = vec![
            "add",
            "oauth",
            name,
            "--client-id",
            client.id,
            "--auth-method",
            method.flag(),
            "--issuer",
            &issuer,
            "--api",
            &api,
        ];
        if !scope.is_empty() {
            args.extend(["--scope", scope]);
        }
        let secret = match method {
            Method::None => String::new(),
            _ => format!("{}\n", client.secret.unwrap()),
        };
        self.ok(&args, &secret);
    }

    /// `show NAME --json --reveal`.
    pub fn show(&self, name: &str) -> Value {
        let out = self.ok(&["show", name, "--json", "--reveal"], "");
        serde_json::from_str(&out).unwrap()
    }

    /// The stored session of `name` (`null` when none).
    pub fn session(&self, name: &str) -> Value {
        self.show(name)["session"].clone()
    }

    /// The stored token `which` (`access_token`, `refresh_token`, `id_token`).
    pub fn token(&self, name: &str, which: &str) -> Option<String> {
        self.session(name)[which].as_str().map(str::to_owned)
    }

    /// `login NAME --grant GRANT --no-browser` with `stdin`, to the end.
    pub fn login(&self, name: &str, grant: &str, stdin: &str) -> Output {
        self.run(&["login", name, "--grant", grant, "--no-browser"], stdin)
    }

    /// Starts `login NAME --no-browser ARGS…` with stdin piped, and reads
    /// stderr in the background.
    pub fn spawn_login(&self, name: &str, args: &[&str]) -> Running {
        let mut child = self
            .cmd()
            .args(["login", name, "--no-browser", "--timeout", "120"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }
}

/// A `login` still running.
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    /// Waits (60 s at most) for a stderr line containing `marker`; returns
    /// the rest of the line after it.
    pub fn after(&mut self, marker: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no `{marker}` on stderr; got {:?}", self.seen));
            self.seen.push(line.clone());
            if let Some((_, rest)) = line.split_once(marker) {
                return rest.trim().to_owned();
            }
        }
    }

    /// Waits for a stderr line containing `needle`; returns it, trimmed.
    pub fn line_with(&mut self, needle: &str) -> String {
        let rest = self.after(needle);
        let line = self.seen.last().unwrap().trim().to_owned();
        debug_assert!(line.ends_with(&rest));
        line
    }

    /// The authorization URL the code flow prints.
    pub fn url(&mut self) -> String {
        self.after("Open this URL to log in: ")
    }

    /// Writes `text` to stdin and closes it.
    pub fn answer(&mut self, text: &str) {
        use std::io::Write;
        let mut stdin = self.child.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
    }

    /// Waits for the exit; the status and all of stderr.
    pub fn finish(mut self) -> (ExitStatus, String) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        (status, self.seen.join("\n"))
    }
}

fn run_with_stdin(cmd: &mut Command, stdin: &str) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Bytes as text, lossily.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Panics when `haystack` holds a token or one of `secrets`.
pub fn assert_no_secrets(haystack: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!haystack.contains(secret), "leaked `{secret}`: {haystack}");
    }
    assert!(!haystack.contains("eyJ"), "a token leaked: {haystack}");
}

impl Env {
    /// Moves the session of `name` `secs` into the past, as if it had been
    /// obtained that long ago (the store file edited directly, as a clock
    /// jump would).
    pub fn age_session(&self, name: &str, secs: i64) {
        let mut doc: Value = serde_json::from_slice(&std::fs::read(&self.store).unwrap()).unwrap();
        let credential = doc["credentials"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["name"] == name)
            .unwrap();
        assert!(shift(credential, secs), "no obtained_at in {name}");
        std::fs::write(&self.store, doc.to_string()).unwrap();
    }

    /// `login NAME --grant password` as `user`; panics unless it succeeds.
    pub fn password_login(&self, name: &str, user: (&str, &str)) -> String {
        let out = self.login(name, "password", &format!("{}\n{}\n", user.0, user.1));
        let err = text(&out.stderr);
        assert!(out.status.success(), "{err}");
        err
    }
}

fn shift(value: &mut Value, secs: i64) -> bool {
    match value {
        Value::Object(map) => {
            if let Some(Value::Number(at)) = map.get("obtained_at") {
                let at = at.as_i64().unwrap() - secs;
                map.insert("obtained_at".into(), at.into());
                return true;
            }
            map.values_mut().any(|v| shift(v, secs))
        }
        _ => false,
    }
}
