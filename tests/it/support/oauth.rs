//! Shared set-up for the login and refresh tests: an OAuth entry pointing at
//! the sandbox realm, and a test that plays the browser for `login`.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION};
use sipauth_tui::credential::{Auth, AuthMethod, Credential, OauthClient, Secret, Session};
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::{
    CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC,
    CLIENT_SERVICE, CLIENT_SERVICE_SECRET, Grant, RealmConfig,
};
use sipauth_tui::store::Store;

use super::Env;

/// The three ways a client authenticates, as (client id, secret, method).
pub const CLIENTS: [(&str, Option<&str>, AuthMethod); 3] = [
    (CLIENT_POST, Some(CLIENT_POST_SECRET), AuthMethod::Post),
    (CLIENT_BASIC, Some(CLIENT_BASIC_SECRET), AuthMethod::Basic),
    (CLIENT_PUBLIC, None, AuthMethod::None),
];

/// A store, a sandbox, and short HTTP timeouts.
pub struct Realm {
    pub env: Env,
    pub sandbox: BackgroundSandbox,
}

impl Realm {
    pub fn new() -> Self {
        Self {
            env: Env::new(),
            sandbox: BackgroundSandbox::start().unwrap(),
        }
    }

    /// Adds an OAuth client entry (no session) through the library.
    pub fn add_client(&self, name: &str, client: (&str, Option<&str>, AuthMethod)) {
        self.add_client_with(name, client, None);
    }

    /// Like `add_client`, with a registered redirect URI.
    pub fn add_client_with(
        &self,
        name: &str,
        client: (&str, Option<&str>, AuthMethod),
        redirect_uri: Option<String>,
    ) {
        self.add_client_at(name, client, redirect_uri, &self.sandbox.issuer_url());
    }

    /// Like `add_client_with`, at another issuer (e.g. another realm).
    pub fn add_client_at(
        &self,
        name: &str,
        (id, secret, method): (&str, Option<&str>, AuthMethod),
        redirect_uri: Option<String>,
        issuer: &str,
    ) {
        let client = OauthClient {
            issuer: issuer.to_owned(),
            client_id: id.into(),
            auth_method: method,
            client_secret: secret.map(|s| Secret::new(s.into())),
            scope: Some("openid account:read".into()),
            redirect_uri,
        };
        let auth = Auth::Oauth {
            client: Some(client),
            session: None,
        };
        let credential = Credential::new(name, &self.sandbox.api_url(), auth).unwrap();
        self.store().update(|d| d.insert(credential)).unwrap();
    }

    pub fn store(&self) -> Store {
        crate::support::store(&self.env.store)
    }

    /// Sends `token` in a refresh request of the `post` client straight to
    /// the sandbox, as another process would: (status, JSON body).
    pub fn refresh_at_server(&self, token: &str) -> (u16, serde_json::Value) {
        let url = format!(
            "{}/protocol/openid-connect/token",
            self.sandbox.issuer_url()
        );
        block_on(async {
            let answer = reqwest::Client::new()
                .post(url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token),
                    ("client_id", CLIENT_POST),
                    ("client_secret", CLIENT_POST_SECRET),
                ])
                .send()
                .await
                .unwrap();
            (answer.status().as_u16(), answer.json().await.unwrap())
        })
    }

    /// The stored session of `name`.
    pub fn session(&self, name: &str) -> Session {
        let data = self.store().load().unwrap();
        data.get(name).unwrap().auth.session().unwrap().clone()
    }

    /// Changes the stored session of `name` directly.
    pub fn edit_session(&self, name: &str, change: impl FnOnce(&mut Session)) {
        let mut session = self.session(name);
        change(&mut session);
        self.store()
            .update(|d| d.set_session(name, session))
            .unwrap();
    }

    /// The binary with this store, 5 s HTTP timeouts and the default margin.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = self.env.cmd();
        cmd.env("SIPAUTH_HTTP_TIMEOUT", "5")
            .env_remove("SIPAUTH_REFRESH_MARGIN");
        cmd
    }

    /// The same as a plain std command, for spawning.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = self.env.std_cmd();
        cmd.env("SIPAUTH_HTTP_TIMEOUT", "5")
            .env_remove("SIPAUTH_REFRESH_MARGIN");
        cmd
    }

    /// Starts `login NAME --no-browser ARGS…` and waits for its URL.
    pub fn start_login(&self, name: &str, args: &[&str]) -> Login {
        let mut cmd = self.std_cmd();
        cmd.args(["login", name, "--no-browser"]).args(args);
        Self::spawn_login(cmd)
    }

    /// Like `start_login`, with at most `files` open file descriptors for
    /// the process (the shell's `ulimit -n`).
    pub fn start_login_with_files(&self, name: &str, files: u32) -> Login {
        let mut cmd = self.std_cmd();
        cmd.env("SIPAUTH_TEST_BIN", super::BIN)
            .args([
                "-c",
                &format!("ulimit -n {files} && exec \"$SIPAUTH_TEST_BIN\" \"$@\""),
                "sh",
            ])
            .args(["login", name, "--no-browser"]);
        // The same environment, run through the shell.
        let mut shell = std::process::Command::new("sh");
        shell.args(cmd.get_args());
        for (key, value) in cmd.get_envs() {
            match value {
                Some(value) => shell.env(key, value),
                None => shell.env_remove(key),
            };
        }
        Self::spawn_login(shell)
    }

    fn spawn_login(mut cmd: std::process::Command) -> Login {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut lines = Vec::new();
        let url = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(10))
                .unwrap_or_else(|_| panic!("no URL on stderr; got {lines:?}"));
            if let Some(url) = line.strip_prefix("Open this URL to log in: ") {
                break url.to_owned();
            }
            lines.push(line);
        };
        Login {
            child,
            lines: rx,
            url,
        }
    }

    /// A full login as the browser would do it; panics unless it succeeds.
    pub fn login(&self, name: &str) {
        self.login_with(name, |_| {});
    }

    /// [`Realm::login`] with the command adjusted first (another key source).
    pub fn login_with(&self, name: &str, adjust: impl FnOnce(&mut std::process::Command)) {
        let mut cmd = self.std_cmd();
        cmd.args(["login", name, "--no-browser"]);
        adjust(&mut cmd);
        let login = Self::spawn_login(cmd);
        let location = login.authorize("");
        let (status, _, _) = browse(&location);
        assert_eq!(status, 200);
        let (status, stderr) = login.finish();
        assert!(status.success(), "{stderr}");
    }

    /// `GET /v2/account` with this header value.
    pub fn account_status(&self, authorization: &str) -> u16 {
        let url = format!("{}/account", self.sandbox.api_url());
        block_on(async {
            reqwest::Client::new()
                .get(url)
                .header("Authorization", authorization)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    }

    /// The store file's bytes and mode.
    pub fn store_bytes(&self) -> (Vec<u8>, u32) {
        let bytes = std::fs::read(&self.env.store).unwrap();
        let mode = std::fs::metadata(&self.env.store)
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        (bytes, mode)
    }
}

/// A `login` process waiting for the browser.
pub struct Login {
    child: Child,
    lines: mpsc::Receiver<String>,
    pub url: String,
}

impl Login {
    /// Visits the authorization URL (plus `extra`) and returns where the
    /// server redirects: the callback.
    pub fn authorize(&self, extra: &str) -> String {
        let (status, headers, body) = browse(&format!("{}{extra}", self.url));
        assert_eq!(status, 302, "{body}");
        headers[LOCATION].to_str().unwrap().to_owned()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process; its exit status and whole stderr.
    pub fn finish(mut self) -> (ExitStatus, String) {
        let status = self.child.wait().unwrap();
        let rest: Vec<String> = self.lines.iter().collect();
        (status, rest.join("\n"))
    }
}

/// One GET without following redirects: status, headers, body.
/// A sandbox whose Basic client may also use the client-credentials grant,
/// and a store with `svc` (the service client, form post) and `bas` (the
/// Basic client) added.
pub fn client_credentials_sandbox() -> (BackgroundSandbox, Env) {
    let mut config = RealmConfig::default();
    for c in &mut config.clients {
        if c.id == CLIENT_BASIC {
            c.grants.push(Grant::ClientCredentials);
        }
    }
    let sandbox = BackgroundSandbox::start_with(config).unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "svc", CLIENT_SERVICE, Some(CLIENT_SERVICE_SECRET));
    env.add_oauth(&sandbox, "bas", CLIENT_BASIC, Some(CLIENT_BASIC_SECRET));
    (sandbox, env)
}

pub fn browse(url: &str) -> (u16, HeaderMap, String) {
    block_on(async {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client.get(url).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    })
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
