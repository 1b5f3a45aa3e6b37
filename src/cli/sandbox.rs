//! `sandbox`: the local sipgate-like API in the foreground until Ctrl-C.

use std::io::Write;

use anyhow::{Context, Result};
use sipauth_tui::header::shell_quote;
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
        let sandbox = Sandbox::start(port)
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        let api = sandbox.api_url();
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

async fn wait_for_stop_signal() -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.context("cannot watch Ctrl-C")?,
        _ = term.recv() => {}
    }
    Ok(())
}
