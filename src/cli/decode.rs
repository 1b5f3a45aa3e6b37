//! `decode`: read a JWT (or a token response, or a stored session) without a
//! key, and with `--verify` check its signature against the issuer's keys.
//!
//! Plain decoding touches neither the network nor an async runtime, so it
//! starts as fast as a small tool; the runtime and HTTP client are built only
//! for `--verify`.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read};
use std::os::unix::ffi::OsStrExt;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use serde_json::{Map, Value, json};
use sipauth_tui::credential::Secret;
use sipauth_tui::jwt::claims::{self, Field};
use sipauth_tui::jwt::input::{self, Decoded, MAX_INPUT, Pasted};
use sipauth_tui::jwt::verify::{Expect, Verdict};
use sipauth_tui::jwt::{self, Jwt};
use sipauth_tui::sanitize::json_pretty;

use super::color::{self, Paint};
use super::{Ctx, Outcome, diag};

mod verify;

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// A JWT, `Bearer …`, an `Authorization:` line or a token response; `-` or
    /// nothing reads stdin (safer: argv lands in shell history and `ps`)
    #[arg(value_name = "TOKEN", conflicts_with = "from")]
    token: Option<OsString>,
    /// Decode the tokens of the stored OAuth session NAME
    #[arg(long, value_name = "NAME", add = clap_complete::ArgValueCompleter::new(super::complete::names))]
    from: Option<String>,
    /// Print {header, claims, times} as JSON (an object per token for a response)
    #[arg(long)]
    json: bool,
    /// Check the signature with the issuer's published keys (JWKS); exit 1 unless verified
    #[arg(long)]
    verify: bool,
    /// The issuer to verify against [default: the token's iss]
    #[arg(long, value_name = "URL", requires = "verify")]
    issuer: Option<String>,
    /// Also require this audience in aud (not checked otherwise)
    #[arg(long, value_name = "AUD", requires = "verify")]
    audience: Option<String>,
}

impl DecodeArgs {
    /// Reads `[--json] [TOKEN | -]`, the shapes a shell pipeline uses,
    /// without clap; `None` for anything else (clap parses that, with its
    /// help and errors). A pipeline's `decode` is mostly process start-up,
    /// and building clap's command tree was a fifth of it.
    pub fn quick(args: &[OsString]) -> Option<Self> {
        let mut parsed = Self {
            token: None,
            from: None,
            json: false,
            verify: false,
            issuer: None,
            audience: None,
        };
        for arg in args {
            let bytes = arg.as_bytes();
            if bytes == b"--json" && !parsed.json {
                parsed.json = true;
            } else if (bytes == b"-" || !bytes.starts_with(b"-")) && parsed.token.is_none() {
                parsed.token = Some(arg.clone());
            } else {
                return None;
            }
        }
        Some(parsed)
    }
}

/// One token to show: its label (none for a single token), the token itself
/// (for `--verify`) and what it decoded to.
struct Item {
    label: Option<&'static str>,
    raw: Secret,
    token: Decoded,
}

impl Item {
    /// Refresh tokens are for the issuer alone (Keycloak signs them with a
    /// secret of its own), so `--verify` leaves them out.
    fn verifiable(&self) -> bool {
        matches!(self.token, Decoded::Jwt(_)) && self.label != Some("refresh_token")
    }
}

pub fn run(ctx: &Ctx, out: &mut impl Paint, args: DecodeArgs) -> Result<Outcome> {
    let items = match &args.from {
        Some(name) => from_session(ctx, name)?,
        None => from_input(args.token.as_deref())?,
    };
    // The one clock read of the command; everything below takes `now`.
    let now = unix_now();
    let verdicts = if args.verify {
        let expect = Expect {
            issuer: args.issuer,
            audience: args.audience,
        };
        verify::run(&items, &expect, now)?
    } else {
        items.iter().map(|_| None).collect()
    };
    // One write for the whole report: stdout is line-buffered and would
    // otherwise make a system call per line.
    let mut report = Vec::with_capacity(4096);
    if args.json {
        let doc = to_json(&items, &verdicts, now);
        report.extend_from_slice(json_pretty(&doc)?.as_bytes());
        report.push(b'\n');
    } else {
        print_items(&mut report, &items, &verdicts, now)?;
    }
    out.write_all(&report)?;
    let mut outcome = Outcome::Success;
    for (item, verdict) in items.iter().zip(&verdicts) {
        if let Some(v) = verdict.as_ref().filter(|v| !v.is_verified()) {
            let label = item.label.map(|l| format!("{l}: ")).unwrap_or_default();
            diag!("error: {label}not verified: {}", v.describe(now));
            outcome = Outcome::Failure;
        }
    }
    Ok(outcome)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn from_input(arg: Option<&std::ffi::OsStr>) -> Result<Vec<Item>> {
    let bytes = match arg {
        Some(a) if a != "-" => {
            diag!(
                "note: a token in argv lands in shell history and `ps`; pipe it: … | sipauth-tui decode"
            );
            a.as_bytes().to_vec()
        }
        _ => read_stdin()?,
    };
    match input::parse_bytes(&bytes)? {
        Pasted::Token(token) => {
            let jwt = jwt::decode(&token).context("cannot decode the token")?;
            Ok(vec![Item {
                label: None,
                raw: Secret::new(token),
                token: Decoded::Jwt(jwt),
            }])
        }
        Pasted::Response(tokens) => members(tokens.iter().map(|(l, t)| (*l, t.as_str()))),
    }
}

fn from_session(ctx: &Ctx, name: &str) -> Result<Vec<Item>> {
    let data = ctx.load()?;
    let c = data.get(name)?;
    let session = c.auth.session().ok_or_else(|| {
        anyhow!(
            "`{name}` has no OAuth session to decode (kind: {})",
            c.auth.kind_label()
        )
    })?;
    let tokens = [
        ("access_token", Some(&session.access_token)),
        ("refresh_token", session.refresh_token.as_ref()),
        ("id_token", session.id_token.as_ref()),
    ];
    members(
        tokens
            .into_iter()
            .filter_map(|(label, t)| Some((label, t?.expose()))),
    )
}

fn members<'a>(tokens: impl Iterator<Item = (&'static str, &'a str)>) -> Result<Vec<Item>> {
    tokens
        .map(|(label, raw)| {
            let token =
                input::decode_member(raw).with_context(|| format!("cannot decode the {label}"))?;
            Ok(Item {
                label: Some(label),
                raw: Secret::new(raw.to_owned()),
                token,
            })
        })
        .collect()
}

fn read_stdin() -> Result<Vec<u8>> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        diag!("reading a token from stdin; end with Ctrl-D");
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_INPUT as u64 + 1)
        .read_to_end(&mut bytes)
        .context("cannot read stdin")?;
    Ok(bytes)
}

fn to_json(items: &[Item], verdicts: &[Option<Verdict>], now: i64) -> Value {
    let doc = |item: &Item, verdict: &Option<Verdict>| {
        let mut doc = match &item.token {
            Decoded::Jwt(jwt) => claims::to_json(jwt, now),
            Decoded::Opaque { length } => claims::opaque_json(*length),
        };
        if let Some(v) = verdict {
            doc["verification"] = json!({
                "verified": v.is_verified(),
                "outcome": v.code(),
                "message": v.describe(now),
            });
        }
        doc
    };
    match (items, verdicts) {
        ([item @ Item { label: None, .. }], [verdict]) => doc(item, verdict),
        _ => Value::Object(
            items
                .iter()
                .zip(verdicts)
                .map(|(i, v)| (i.label.unwrap_or("token").to_owned(), doc(i, v)))
                .collect::<Map<_, _>>(),
        ),
    }
}

fn print_items(
    out: &mut impl Paint,
    items: &[Item],
    verdicts: &[Option<Verdict>],
    now: i64,
) -> Result<()> {
    for (n, (item, verdict)) in items.iter().zip(verdicts).enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        match (&item.token, item.label) {
            (Decoded::Opaque { length }, label) => {
                writeln!(out, "{}: opaque ({length} chars)", label.unwrap_or("token"))?;
            }
            (Decoded::Jwt(jwt), label) => {
                if let Some(label) = label {
                    out.paint(color::BOLD, &format!("== {label} =="))?;
                    writeln!(out)?;
                }
                print_jwt(out, jwt, now)?;
                if let Some(v) = verdict {
                    writeln!(out, "signature\n  {}", v.describe(now))?;
                }
            }
        }
    }
    Ok(())
}

fn print_jwt(out: &mut impl Paint, jwt: &Jwt, now: i64) -> Result<()> {
    let view = claims::view(jwt, now);
    section(out, "header", &view.header)?;
    section(out, "claims", &view.claims)
}

fn section(out: &mut impl Paint, title: &str, fields: &[Field]) -> Result<()> {
    out.paint(color::BOLD, title)?;
    writeln!(out)?;
    let width = fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    // Padding by hand: `{:width$}` goes through the formatter's slow path,
    // which is a measurable part of a 1 ms run.
    let mut line = String::new();
    for f in fields {
        line.clear();
        line.push_str("  ");
        line.push_str(&f.name);
        line.extend(std::iter::repeat_n(' ', width - f.name.chars().count() + 2));
        line.push_str(&f.value);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
