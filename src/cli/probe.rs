//! `probe`: one request with the credential, and what the answer means.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use sipauth_tui::header::{authorization_value, endpoint_url};
use sipauth_tui::probe::{
    self, Body, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ProbeOutcome, ProbeRequest,
};

use super::{Ctx, Outcome};

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Credential name
    name: String,
    /// Path under the API base
    #[arg(long, default_value = "/account")]
    path: String,
    /// HTTP method
    #[arg(long, default_value = "GET")]
    method: String,
    /// Print {status, ok, latency_ms, url, hint, body} as JSON
    #[arg(long)]
    json: bool,
    /// Seconds to wait for the connection (DNS, TCP, TLS)
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_CONNECT_TIMEOUT.as_secs_f64())]
    connect_timeout: f64,
    /// Seconds to wait for the whole answer
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs_f64())]
    timeout: f64,
}

fn seconds(flag: &str, value: f64) -> Result<Duration> {
    if !(value.is_finite() && value > 0.0 && value <= 3600.0) {
        bail!("--{flag} must be between 0 and 3600 seconds");
    }
    Ok(Duration::from_secs_f64(value))
}

pub fn run(ctx: &Ctx, out: &mut impl Write, args: ProbeArgs) -> Result<Outcome> {
    let data = ctx.load()?;
    let c = data.get(&args.name)?;
    if args.path.chars().any(char::is_control) {
        bail!("the path contains a control character");
    }
    let url = endpoint_url(&c.api, &args.path);
    let request = ProbeRequest {
        method: probe::parse_method(&args.method)?,
        url: url::Url::parse(&url).with_context(|| format!("invalid probe URL {url}"))?,
        authorization: authorization_value(c),
        fields: c.auth.field_names(),
        connect_timeout: seconds("connect-timeout", args.connect_timeout)?,
        timeout: seconds("timeout", args.timeout)?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(probe::run(&request))?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&outcome.to_json())?)?;
    } else {
        print_report(out, &outcome)?;
    }
    Ok(if outcome.ok() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

fn print_report(out: &mut impl Write, outcome: &ProbeOutcome) -> Result<()> {
    writeln!(out, "{} {}", outcome.method, outcome.url)?;
    let ms = outcome.latency.as_millis();
    match &outcome.result {
        Ok(answer) => {
            let content_type = answer.content_type.as_deref().unwrap_or("no content type");
            writeln!(
                out,
                "{} {} · {ms} ms · {content_type}",
                answer.status, answer.reason
            )?;
            if let Some(hint) = &outcome.hint {
                writeln!(out, "hint: {hint}")?;
            }
            match &answer.body {
                Body::Empty => {}
                Body::Json(v) => writeln!(out, "{}", serde_json::to_string_pretty(v)?)?,
                Body::Text(t) => writeln!(out, "{}", t.trim_end())?,
            }
            if answer.truncated {
                writeln!(out, "(body cut at {} bytes)", probe::BODY_LIMIT)?;
            }
        }
        Err(_) => {
            writeln!(out, "no answer · failed after {ms} ms")?;
            if let Some(hint) = &outcome.hint {
                writeln!(out, "hint: {hint}")?;
            }
        }
    }
    Ok(())
}
