//! `probe`: one request with the credential, and what the answer means.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use sipauth_tui::probe::{self, Body, ProbeOutcome, ProbeRequest};
use sipauth_tui::sanitize::json_pretty;

use super::session::usable;
use super::{Ctx, Outcome, advice, positive_seconds};

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Credential name
    name: String,
    /// Path under the API base
    #[arg(long, default_value = "/account")]
    path: String,
    /// HTTP method
    #[arg(long, default_value = "GET", value_parser = |m: &str| probe::parse_method(m).map_err(|e| e.to_string()))]
    method: reqwest::Method,
    /// Print {status, ok, latency_ms, url, hint, body} as JSON
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

pub fn run(ctx: &Ctx, out: &mut impl Write, args: ProbeArgs) -> Result<Outcome> {
    let data = ctx.load()?;
    super::check_path(&args.path)?;
    // A session is refreshed first, as for `header`: a probe should test the
    // token a user would get, not one about to die.
    let c = &usable(ctx, data.get(&args.name)?, args.margin.min_valid)?;
    let request = ProbeRequest::for_credential(
        c,
        args.method,
        &args.path,
        args.connect_timeout,
        args.timeout,
    )?;
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

fn print_report(out: &mut impl Write, outcome: &ProbeOutcome, hint: Option<&str>) -> Result<()> {
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
            writeln!(
                out,
                "{} {} · {ms} ms · {content_type}",
                answer.status, answer.reason
            )?;
            if let Some(hint) = hint {
                writeln!(out, "hint: {hint}")?;
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
            writeln!(out, "no answer · failed after {ms} ms")?;
            if let Some(hint) = hint {
                writeln!(out, "hint: {hint}")?;
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
        assert_eq!(w.args.method, reqwest::Method::GET);
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
