//! `scopes NAME`: which scopes a credential has. A session's come with its
//! tokens and are printed; a PAT's or Basic login's are learned, on
//! request, with one harmless GET per read scope (at most 25, one at a
//! time, each listed as it goes, stopping at the first 429, 401 or network
//! failure; never anything but GET), and kept with the credential so later
//! hints know them.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use sipauth_tui::credential::Auth;
use sipauth_tui::probe::learn::{self, Stop, Verdict};
use sipauth_tui::sanitize::json_pretty;
use sipauth_tui::sipgate::{self, Granted};
use sipauth_tui::store::StoreError;

use super::session::{http_timeouts, now, runtime};
use super::{Ctx, Outcome, diag};

// Which scopes a credential has: a session's from its tokens, a PAT's learned by probing (a plain comment: clap would take a doc
// comment as the command's about, over the variant's own.)
#[derive(Debug, Args)]
pub struct ScopesArgs {
    /// Credential name
    #[arg(add = clap_complete::ArgValueCompleter::new(super::complete::names))]
    name: String,
    /// Send at most this many requests (1 to 25)
    #[arg(long, value_name = "N", default_value_t = 25,
          value_parser = clap::value_parser!(u8).range(1..=25))]
    max: u8,
    /// Print the result as JSON
    #[arg(long)]
    json: bool,
}

/// Runs `scopes`.
pub fn run(ctx: &Ctx, out: &mut impl Write, args: ScopesArgs) -> Result<Outcome> {
    let name = args.name.as_str();
    let data = ctx.load_entry(name)?;
    let credential = data.get(name)?;
    if !sipgate::applies_to(&credential.api) {
        bail!(
            "`{name}` is for {}, not sipgate's API: its scopes cannot be learned from sipgate's map",
            credential.api
        );
    }
    if let Auth::Oauth { .. } = credential.auth {
        let granted = Granted::of(credential);
        if args.json {
            let scopes = match &granted {
                Granted::Unknown => serde_json::Value::Null,
                g => json!(g.scopes()),
            };
            writeln!(
                out,
                "{}",
                json_pretty(&json!({"name": name, "granted": scopes, "source": "tokens"}))?
            )?;
        } else {
            writeln!(out, "{}", granted.describe("session", now()))?;
            diag!("(a session's scopes come with its tokens; nothing was sent)");
        }
        return Ok(Outcome::Success);
    }
    let timeouts = http_timeouts()?;
    let options = learn::Options {
        max_requests: usize::from(args.max),
        connect_timeout: timeouts.connect,
        timeout: timeouts.total,
        now: now(),
    };
    let json = args.json;
    let rt = runtime()?;
    let learned = rt.block_on(learn::run(credential, options, |report| {
        if json {
            return;
        }
        let status = report
            .status
            .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
        let what = match (&report.verdict, &report.scope) {
            (Some(Verdict::Granted), Some(scope)) => format!("{scope} granted"),
            (Some(Verdict::Refused), Some(scope)) => format!("{scope} refused"),
            (Some(Verdict::Undecided(_)), Some(scope)) => format!("{scope} undecided"),
            (Some(Verdict::UserId), _) => "user id found".to_owned(),
            _ => String::new(),
        };
        diag!(
            "{:<34} {status:>9}  {:>6.1} ms  {what}",
            report.request,
            report.latency.as_secs_f64() * 1e3
        );
    }));
    rt.shutdown_background();
    let learned = learned?;
    let stopped = learned.stopped.as_ref().map(|stop| match stop {
        Stop::Cap => format!("stopped at the cap of {} requests", args.max),
        Stop::RateLimited => {
            "stopped: 429 Too Many Requests (rate limited); run it again later".to_owned()
        }
        Stop::Unauthorized => format!(
            "stopped: 401, the credential itself is refused; check `{name}`'s token id and token"
        ),
        Stop::Network(why) => format!("stopped: no answer ({why})"),
    });
    let decided = !learned.scopes.granted.is_empty() || !learned.scopes.refused.is_empty();
    if decided && learned.stopped != Some(Stop::Unauthorized) {
        let scopes = learned.scopes.clone();
        ctx.store.update(|d| {
            let at = d
                .credentials
                .iter()
                .position(|c| c.name == name)
                .ok_or_else(|| StoreError::NotFound { name: name.into() })?;
            d.credentials[at].learned_scopes = Some(scopes);
            Ok::<_, StoreError>(())
        })?;
    }
    if json {
        let body = json!({
            "name": name,
            "granted": learned.scopes.granted,
            "refused": learned.scopes.refused,
            "not_asked": learned.not_asked,
            "requests": learned.reports.iter().map(|r| json!({
                "request": r.request,
                "scope": r.scope,
                "status": r.status,
                "latency_ms": r.latency.as_secs_f64() * 1e3,
            })).collect::<Vec<_>>(),
            "stopped": stopped,
        });
        writeln!(out, "{}", json_pretty(&body)?)?;
    } else {
        let list = |s: &[String]| {
            if s.is_empty() {
                "none".to_owned()
            } else {
                s.join(" ")
            }
        };
        writeln!(out, "granted: {}", list(&learned.scopes.granted))?;
        writeln!(out, "refused: {}", list(&learned.scopes.refused))?;
        if !learned.not_asked.is_empty() {
            writeln!(out, "not asked: {}", list(&learned.not_asked))?;
        }
        if let Some(stopped) = &stopped {
            diag!("{stopped}");
        }
        diag!(
            "{} requests, all GET. A 403 can also mean a feature is not booked. Write scopes are never tested.{}",
            learned.reports.len(),
            if decided {
                format!(" Kept with `{name}`.")
            } else {
                String::new()
            }
        );
    }
    Ok(match learned.stopped {
        None | Some(Stop::Cap) => Outcome::Success,
        Some(_) => Outcome::Failure,
    })
}
