//! `status [--json]`: where the store's secrets live and whether they can
//! be opened now (the `gh auth status` of this tool): the store file, its
//! mode and owner, the storage backend, how many secrets are sealed and how
//! many plain, whether the key was found and how long that took, and each
//! session's health and deadlines.

use std::os::unix::fs::MetadataExt;

use anyhow::Result;
use serde_json::{Value, json};
use sipauth_tui::sanitize::json_pretty;
use sipauth_tui::store::Store;
use sipauth_tui::time_text;

use super::color::{self, Paint};
use super::session_view as session;
use super::{Ctx, Outcome};

/// Seconds of server clock offset over which `status` warns.
const CLOCK_SKEW_WARNING: u64 = 120;

/// Runs `status [--json]`: exit 1 when sealed secrets cannot be opened.
pub fn run(ctx: &Ctx, out: &mut impl Paint, json: bool) -> Result<Outcome> {
    let data = ctx.load_public()?;
    let counts = Store::secret_counts(&data);
    let vault = ctx.store.vault();
    // Opening a copy proves the key (and every ciphertext) without keeping
    // a secret longer than this.
    let opened = if counts.sealed > 0 {
        let mut copy = data.clone();
        ctx.store.open(&mut copy).map_err(|e| e.to_string())
    } else {
        Ok(())
    };
    let fetch = vault.last_fetch();
    let path = ctx.store.path();
    let meta = std::fs::metadata(path).ok();
    let now = super::session::now();
    if json {
        let sessions: Vec<Value> = data
            .credentials
            .iter()
            .filter(|c| c.auth.client().is_some() || c.auth.session().is_some())
            .map(|c| {
                let mut row = json!({
                    "name": c.name,
                    "server_clock_offset": c.auth.session().and_then(|s| s.server_clock_offset),
                });
                if let (Value::Object(row), Value::Object(extra)) =
                    (&mut row, session::list_fields(&c.auth, now))
                {
                    row.extend(extra);
                }
                row
            })
            .collect();
        let doc = json!({
            "store": path,
            "exists": meta.is_some(),
            "mode": meta.as_ref().map(|m| format!("{:04o}", m.mode() & 0o7777)),
            "owner_uid": meta.as_ref().map(MetadataExt::uid),
            "storage": vault.backend_label(),
            "sealed": counts.sealed,
            "plaintext": counts.plain,
            "key_id": data.key_id,
            "key": match (&opened, &fetch) {
                (Err(_), _) => "unavailable",
                (Ok(()), Some(_)) => "found",
                (Ok(()), None) => "not needed",
            },
            "key_source": fetch.as_ref().map(|f| f.source),
            "key_ms": fetch.as_ref().map(|f| f.took.as_secs_f64() * 1000.0),
            "problem": opened.as_ref().err(),
            "sessions": sessions,
        });
        writeln!(out, "{}", json_pretty(&doc)?)?;
        return Ok(if opened.is_ok() {
            Outcome::Success
        } else {
            Outcome::Failure
        });
    }
    let file = match &meta {
        Some(m) => format!(
            "{} (mode {:04o}, owner uid {})",
            path.display(),
            m.mode() & 0o7777,
            m.uid()
        ),
        None => format!("{} (not created yet)", path.display()),
    };
    writeln!(out, "store     {file}")?;
    let label = vault.backend_label();
    if vault.seals() {
        writeln!(out, "storage   {label}")?;
    } else {
        out.write_all(b"storage   ")?;
        out.paint(color::YELLOW, "plaintext (chosen)")?;
        writeln!(
            out,
            ": the secrets are readable by anyone who can read the file or a backup of it"
        )?;
    }
    writeln!(
        out,
        "secrets   {} encrypted, {} plaintext",
        counts.sealed, counts.plain
    )?;
    match (&opened, &fetch) {
        (Err(problem), _) => {
            out.write_all(b"key       ")?;
            out.paint(color::RED, "cannot open the secrets")?;
            writeln!(out, ": {problem}")?;
        }
        (Ok(()), Some(f)) => writeln!(
            out,
            "key       found in the {} in {:.1} ms",
            f.source,
            f.took.as_secs_f64() * 1000.0
        )?,
        (Ok(()), None) => writeln!(out, "key       not needed (nothing sealed)")?,
    }
    if counts.plain > 0 && vault.seals() {
        writeln!(
            out,
            "note      the plaintext secrets are sealed on the next change to the store"
        )?;
    }
    for c in &data.credentials {
        let Some((_, health)) = session::status(&c.auth, now) else {
            continue;
        };
        let deadline = |at: Option<i64>| {
            at.map_or_else(
                || "unknown".to_owned(),
                |at| time_text::relative(at, now, true),
            )
        };
        let fields = session::list_fields(&c.auth, now);
        let clock = match c.auth.session().and_then(|s| s.server_clock_offset) {
            Some(offset) if offset.unsigned_abs() > CLOCK_SKEW_WARNING => format!(
                "; warning: the server's clock was {} s {} ours at the last token response (over {} s: expiry times may be wrong; check this machine's clock, RFC 9700)",
                offset.unsigned_abs(),
                if offset > 0 { "ahead of" } else { "behind" },
                CLOCK_SKEW_WARNING
            ),
            Some(offset) => format!("; server clock {offset:+} s"),
            None => String::new(),
        };
        writeln!(
            out,
            "session   {}: {health}; access {}, refresh {}{clock}",
            c.name,
            deadline(fields["access_expires_at"].as_i64()),
            deadline(fields["refresh_expires_at"].as_i64()),
        )?;
    }
    Ok(if opened.is_ok() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
