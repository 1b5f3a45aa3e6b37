//! `sandbox`: the local sipgate-like API in the foreground until Ctrl-C.

use std::io::Write;

use anyhow::{Context, Result};
use sipauth_tui::header::shell_quote;
use sipauth_tui::sandbox::realm::{ClientConfig, Grant, RealmConfig, USERS};
use sipauth_tui::sandbox::{
    NOSCOPE_TOKEN, NOSCOPE_TOKEN_ID, SAMPLE_PASSWORD, SAMPLE_TOKEN, SAMPLE_TOKEN_ID,
    SAMPLE_USERNAME, Sandbox,
};

use super::{Outcome, diag};

pub fn run(out: &mut impl Write, port: u16) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let config = RealmConfig::default();
        let sandbox = Sandbox::start_with(port, config.clone())
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        let api = sandbox.api_url();
        let realm = realm_banner(&sandbox.issuer_url(), &config);
        let add_pat = format!(
            "printf %s {} | sipauth-tui add pat sandbox --token-id {SAMPLE_TOKEN_ID} --api {api}",
            shell_quote(SAMPLE_TOKEN)
        );
        writeln!(
            out,
            "sipauth-tui sandbox listening on {} (127.0.0.1 only)\n\
             API base:     {api}\n\
             sample PAT:   token id {SAMPLE_TOKEN_ID}  token {SAMPLE_TOKEN}\n\
             Basic login:  username {SAMPLE_USERNAME}  password {SAMPLE_PASSWORD}\n\
             no scope PAT: token id {NOSCOPE_TOKEN_ID}  token {NOSCOPE_TOKEN}  (account probe gets 403)\n\
             {realm}\
             try:\n  {add_pat}\n  sipauth-tui probe sandbox\n\
             Ctrl-C stops it.",
            sandbox.base_url()
        )?;
        out.flush()?;
        wait_for_stop_signal().await?;
        sandbox.stop().await.context("sandbox server failed")?;
        diag!("sandbox stopped");
        Ok(Outcome::Success)
    })
}

/// The realm part of the banner: issuer, users and the sample clients (their
/// secrets are public sandbox values, valid nowhere else).
fn realm_banner(issuer: &str, config: &RealmConfig) -> String {
    let mut text = format!(
        "realm issuer: {issuer}  (any name after /auth/realms/ works)\n\
         realm users:  {}\n\
         OAuth clients (redirect URIs: any http://127.0.0.1 port):\n",
        USERS
            .iter()
            .map(|u| format!("{} / {}", u.username, u.password))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for client in &config.clients {
        text.push_str(&format!("  {}\n", client_line(client)));
    }
    text
}

fn client_line(client: &ClientConfig) -> String {
    let secret = match &client.secret {
        Some(secret) => format!("secret {secret}"),
        None => "no secret (PKCE)".to_owned(),
    };
    let mut notes = vec![client.method.discovery_name()];
    if client.grants == [Grant::ClientCredentials] {
        notes.push("client_credentials only");
    }
    if client.opaque_refresh {
        notes.push("opaque refresh tokens, no expires_in");
    }
    if !client.scope.split(' ').any(|s| s == "account:read") {
        notes.push("no account:read (probe gets 403)");
    }
    format!(
        "client id {:<16} {:<30} {}",
        client.id,
        secret,
        notes.join(", ")
    )
}

async fn wait_for_stop_signal() -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("cannot watch Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
