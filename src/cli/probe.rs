//! `probe`: one request with the credential, and what the answer means.

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use sipauth_tui::credential::Credential;
use sipauth_tui::probe::{self, Body, ProbeOutcome, ProbeRequest, ScopeCheck};
use sipauth_tui::sanitize::json_pretty;

use super::color::{self, Paint};
use super::session::usable;
use super::{Ctx, Outcome, advice, diag, positive_seconds};

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Credential name
    #[arg(add = clap_complete::ArgValueCompleter::new(super::complete::names))]
    name: String,
    /// Path under the API base [default: the credential's own probe path,
    /// else /account]
    #[arg(long, add = clap_complete::ArgValueCompleter::new(super::complete::paths))]
    path: Option<String>,
    /// HTTP method [default: the credential's own probe method, else GET]
    #[arg(long, value_parser = |m: &str| probe::parse_method(m).map_err(|e| e.to_string()))]
    method: Option<reqwest::Method>,
    /// Keep this path and method as the credential's own probe (GET, HEAD
    /// or OPTIONS), used when --path is not given and by the app's probe
    #[arg(long)]
    save: bool,
    /// Send this JSON body (`-` reads it from stdin), e.g. for POST
    /// /sessions/sms; checked before anything is sent
    #[arg(long, value_name = "JSON|-", value_parser = json_body)]
    data: Option<Body>,
    /// Print {status, ok, latency_ms, url, hint, body, operation,
    /// scopes_needed, scopes_granted, missing} as JSON
    #[arg(long)]
    json: bool,
    /// Seconds to wait for the connection (DNS, TCP, TLS)
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = positive_seconds)]
    connect_timeout: Duration,
    /// Seconds to wait for the whole answer
    #[arg(long, value_name = "SECS", default_value = "15", value_parser = positive_seconds)]
    timeout: Duration,
    #[command(flatten)]
    margin: super::MarginArg,
}

/// `--data`: JSON now, or `-` for stdin (read and checked in [`run`]).
fn json_body(raw: &str) -> Result<Body, String> {
    if raw == "-" {
        return Ok(Body::Empty);
    }
    serde_json::from_str(raw)
        .map(Body::Json)
        .map_err(|e| format!("the body is not JSON: {e}"))
}

/// The body to send: `--data`'s JSON, or stdin's for `--data -`.
fn body(data: Option<Body>) -> Result<Option<serde_json::Value>> {
    match data {
        None => Ok(None),
        Some(Body::Json(v)) => Ok(Some(v)),
        Some(_) => {
            let mut raw = String::new();
            std::io::stdin()
                .take(probe::BODY_LIMIT as u64)
                .read_to_string(&mut raw)
                .context("cannot read the body from stdin")?;
            serde_json::from_str(&raw)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("the body on stdin is not JSON: {e}"))
        }
    }
}

pub fn run(ctx: &Ctx, out: &mut impl Paint, args: ProbeArgs) -> Result<Outcome> {
    let data = ctx.load()?;
    let own = data.get(&args.name)?.probe.clone();
    let (method, path) = match (&args.path, &own) {
        (Some(path), _) => (args.method.unwrap_or(reqwest::Method::GET), path.clone()),
        (None, Some(own)) => (
            args.method.unwrap_or(probe::parse_method(&own.method)?),
            own.path.clone(),
        ),
        (None, None) => (
            args.method.unwrap_or(reqwest::Method::GET),
            "/account".to_owned(),
        ),
    };
    super::check_path(&path)?;
    if args.save {
        let target = sipauth_tui::credential::ProbeTarget::new(method.as_str(), &path)?;
        sipauth_tui::ops::edit(&ctx.store, &args.name, |c| {
            let mut c = c.clone();
            c.probe = Some(target.clone());
            c
        })?;
        diag!("`{}` now probes {} {path}", args.name, target.method);
    }
    // A session is refreshed first, as for `header`: a probe should test the
    // token a user would get, not one about to die.
    let c = &usable(ctx, data.get(&args.name)?, args.margin.min_valid)?;
    let body = body(args.data)?;
    let mut request =
        ProbeRequest::for_credential(c, method, &path, args.connect_timeout, args.timeout)?;
    request.body = body;
    if let Some(warning) = request.scopes.as_ref().and_then(ScopeCheck::warning) {
        diag!("warning: {warning}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(probe::run(&request))?;
    let hint = outcome
        .hint
        .as_ref()
        .map(|h| h.render(|fix| advice::fix(fix, &args.name)));
    if args.json {
        let json = outcome.to_json(hint.as_deref());
        writeln!(out, "{}", json_pretty(&json)?)?;
    } else {
        print_report(out, &outcome, hint.as_deref())?;
    }
    Ok(if outcome.ok() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// What sipgate's map says of `method path` for `credential` before
/// anything is sent: it grants none of the operation's scopes, or no
/// documented operation has that path (for `curl NAME PATH`).
pub fn note_scopes(credential: &Credential, method: &str, path: &str) {
    let Some(check) = ScopeCheck::new(credential, method, path, super::session::now()) else {
        return;
    };
    if let Some(warning) = check.warning() {
        diag!("warning: {warning}");
    } else if check.operation.is_none() {
        let other = if check.other_methods.is_empty() {
            String::new()
        } else {
            format!(" (the path takes {})", check.other_methods.join(", "))
        };
        diag!(
            "note: sipgate's API documents no {method} {path}{other}; see `sipauth-tui endpoints`"
        );
    }
}

fn print_report(out: &mut impl Paint, outcome: &ProbeOutcome, hint: Option<&str>) -> Result<()> {
    writeln!(out, "{} {}", outcome.method, outcome.url)?;
    let ms = outcome.latency.as_secs_f64() * 1000.0;
    // Loopback answers take well under a millisecond; "0 ms" would say nothing.
    let ms = if ms < 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    };
    match &outcome.result {
        Ok(answer) => {
            let content_type = answer.content_type.as_deref().unwrap_or("no content type");
            out.paint(
                color::status_style(answer.status),
                &format!("{} {}", answer.status, answer.reason),
            )?;
            writeln!(out, " · {ms} ms · {content_type}")?;
            if let Some(hint) = hint {
                out.paint(color::YELLOW, "hint:")?;
                writeln!(out, " {hint}")?;
            }
            match &answer.body {
                Body::Empty => {}
                Body::Json(v) => writeln!(out, "{}", json_pretty(v)?)?,
                Body::Text(t) => writeln!(out, "{}", t.trim_end())?,
            }
            if answer.truncated {
                writeln!(out, "(body cut at {} bytes)", probe::BODY_LIMIT)?;
            }
        }
        Err(_) => {
            out.paint(color::RED, "no answer")?;
            writeln!(out, " · failed after {ms} ms")?;
            if let Some(hint) = hint {
                out.paint(color::YELLOW, "hint:")?;
                writeln!(out, " {hint}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use sipauth_tui::probe::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

    use super::*;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: ProbeArgs,
    }

    #[test]
    fn defaults_match_the_library_and_bad_values_are_usage_errors() {
        let w = Wrap::try_parse_from(["x", "name"]).unwrap();
        assert_eq!(w.args.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(w.args.timeout, DEFAULT_TIMEOUT);
        assert_eq!(w.args.method, None, "the credential's own, else GET");
        let cases = [
            &["--timeout", "0"][..],
            &["--timeout", "1e300"],
            &["--method", "G T"],
        ];
        sipauth_tui::testing::cases::check_all(cases, |bad| {
            let err = Wrap::try_parse_from(["x", "name"].iter().chain(bad))
                .err()
                .unwrap();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
        });
    }
}
