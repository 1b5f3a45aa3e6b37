//! `login --grant password|implicit|client-credentials|device`: the grants
//! other than the authorization code, for the `login` command.
//!
//! Each one finds the issuer's endpoints, obtains a token response, turns
//! it into a session at `now` and stores it under the lock, replacing the
//! entry's old session only once the new one is complete. Every message
//! goes to stderr and none carries a token, password or secret. What the
//! user types is read before anything is sent: the username and password
//! (two lines on stdin, or two prompts, the password hidden) and, for the
//! implicit grant, the pasted redirect address (hidden on a terminal: it
//! holds the token).

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use sipauth_tui::credential::{AuthMethod, OauthClient, Secret, validate_secret, validate_session};
use sipauth_tui::oauth::{
    self, Endpoints, Timeouts, TokenResponse, device, grants, implicit, pkce,
};

use sipauth_tui::ops::browser::{self, Launch};

use super::secret_input::read_secret;
use super::session::{http_timeouts, now, runtime, summary};
use super::{Ctx, Outcome, diag};

/// The grants `login` hands to this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OtherGrant {
    /// Resource owner password credentials (RFC 6749 §4.3).
    Password,
    /// `response_type=token`, by pasting the redirect (RFC 6749 §4.2).
    Implicit,
    /// The client for itself (RFC 6749 §4.4).
    ClientCredentials,
    /// Approve on another screen (RFC 8628).
    Device,
}

impl OtherGrant {
    fn label(self) -> &'static str {
        match self {
            OtherGrant::Password => "password grant",
            OtherGrant::Implicit => "implicit grant",
            OtherGrant::ClientCredentials => "client credentials grant",
            OtherGrant::Device => "device grant",
        }
    }
}

/// Logs `name` in with `grant`; `timeout` bounds the wait for a device
/// approval.
pub(crate) fn run(
    ctx: &Ctx,
    name: &str,
    grant: OtherGrant,
    no_browser: bool,
    timeout: Duration,
) -> Result<Outcome> {
    let data = ctx.load()?;
    let credential = data.get(name)?;
    let client = credential.auth.client().cloned().ok_or_else(|| {
        anyhow!(
            "`{name}` is a {}, not an OAuth client; register one with `sipauth-tui add oauth`",
            credential.auth.kind_label()
        )
    })?;
    if grant == OtherGrant::ClientCredentials && client.auth_method == AuthMethod::None {
        bail!(
            "`{name}` is a public client (auth method none); the client credentials grant needs a confidential client with a secret"
        );
    }
    // What the user must type is read before anything is sent.
    let request = match grant {
        OtherGrant::Password => {
            diag!(
                "warning: {}: prefer `--grant code` or `--grant device`",
                grants::PASSWORD_WARNING
            );
            let (username, password) = read_login(name)?;
            Request::Password(username, password)
        }
        OtherGrant::ClientCredentials => Request::ClientCredentials,
        OtherGrant::Device => Request::Device,
        OtherGrant::Implicit => Request::Implicit,
    };
    let runtime = runtime()?;
    let timeouts = http_timeouts()?;
    let http = oauth::http_client(timeouts)?;
    let response = runtime.block_on(async {
        let endpoints = oauth::discover(&http, timeouts, &client.issuer).await?;
        let ask = Ask {
            http: &http,
            timeouts,
            endpoints: &endpoints,
            client: &client,
        };
        match &request {
            Request::Password(username, password) => Ok(grants::password(
                &http, timeouts, &endpoints, &client, username, password,
            )
            .await?),
            Request::ClientCredentials => {
                Ok(grants::client_credentials(&http, timeouts, &endpoints, &client).await?)
            }
            Request::Device => ask.device(no_browser, timeout).await,
            Request::Implicit => ask.implicit(name, no_browser),
        }
    });
    let response =
        response.with_context(|| format!("login of `{name}` failed; nothing was stored"))?;
    let now = now();
    let session = response.into_session(now, None);
    validate_session(&session)?;
    let summary = summary(&session, now);
    ctx.store.update(|d| d.set_session(name, session))?;
    diag!("logged in `{name}` with the {}", grant.label());
    for line in summary {
        diag!("{line}");
    }
    Ok(Outcome::Success)
}

/// A grant with what the user typed for it.
enum Request {
    Password(String, Secret),
    ClientCredentials,
    Device,
    Implicit,
}

/// What the async grants share.
struct Ask<'a> {
    http: &'a reqwest::Client,
    timeouts: Timeouts,
    endpoints: &'a Endpoints,
    client: &'a OauthClient,
}

impl Ask<'_> {
    async fn device(&self, no_browser: bool, timeout: Duration) -> Result<TokenResponse> {
        let auth = device::start(self.http, self.timeouts, self.endpoints, self.client).await?;
        diag!("to log in, open {}", auth.verification_uri);
        diag!("and enter the code shown below, or open the complete address:");
        diag!("user code: {}", auth.user_code);
        if let Some(complete) = &auth.verification_uri_complete {
            diag!("complete address: {complete}");
            if !no_browser {
                open_browser(complete.as_str());
            }
        } else if !no_browser {
            open_browser(auth.verification_uri.as_str());
        }
        let limit = timeout.min(auth.expires_in);
        diag!(
            "waiting for the approval (checking every {} s, for up to {} s)…",
            auth.interval.as_secs(),
            limit.as_secs()
        );
        let response = device::poll(
            self.http,
            self.timeouts,
            self.endpoints,
            self.client,
            &auth,
            timeout,
            |interval| {
                diag!(
                    "the server asked to slow down: checking every {} s",
                    interval.as_secs()
                )
            },
        )
        .await?;
        Ok(response)
    }

    fn implicit(&self, name: &str, no_browser: bool) -> Result<TokenResponse> {
        diag!(
            "warning: {}: prefer `--grant code`",
            grants::IMPLICIT_WARNING
        );
        let request = implicit::authorization_url(
            self.endpoints,
            self.client,
            pkce::random_token()?.expose().to_owned(),
            pkce::random_token()?.expose().to_owned(),
        );
        diag!("open this address, log in, and paste back the address the browser ends on");
        diag!(
            "(at {}…; the page itself may fail to load):",
            request.redirect_uri
        );
        diag!("  {}", request.url);
        if !no_browser {
            open_browser(request.url.as_str());
        }
        let pasted = read_secret("redirect address", name)?;
        Ok(implicit::parse_redirect(
            pasted.expose(),
            &request.state,
            &request.nonce,
            &self.client.issuer,
            self.endpoints.iss_in_responses,
        )?)
    }
}

/// Opens a URL in the user's browser ([`browser::open`]: a thread of its
/// own, so a slow launcher neither delays the polling nor holds the exit);
/// failing to is not an error, the URL is on the screen.
fn open_browser(url: &str) {
    browser::open(url, Launch::Any, |e| {
        diag!("note: could not open a browser ({e}); open the address yourself");
    });
}

/// Reads the username and password: two prompts on a terminal (the
/// password hidden), else the first two lines of stdin.
fn read_login(name: &str) -> Result<(String, Secret)> {
    let (username, password) = if io::stdin().is_terminal() {
        let mut stderr = sipauth_tui::sanitize::SafeWriter::new(io::stderr());
        write!(stderr, "username for `{name}`: ")?;
        stderr.flush()?;
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the username")?;
        (line, read_secret("password", name)?)
    } else {
        let mut raw = zeroize::Zeroizing::new(Vec::new());
        io::stdin()
            .take(64 * 1024)
            .read_to_end(&mut raw)
            .context("cannot read the username and password from stdin")?;
        let text = std::str::from_utf8(&raw)
            .map_err(|_| anyhow!("the username and password on stdin are not UTF-8"))?;
        let mut lines = text.lines();
        let username = lines.next().unwrap_or_default().to_owned();
        let Some(password) = lines.next() else {
            bail!("stdin must hold two lines: the username, then the password");
        };
        (
            username,
            Secret::new(password.trim_end_matches('\r').to_owned()),
        )
    };
    let username = username.trim().to_owned();
    if username.is_empty() {
        bail!("the username is empty");
    }
    if username.chars().any(char::is_control) {
        bail!("the username contains a control character");
    }
    validate_secret("password", &password)?;
    Ok((username, password))
}
