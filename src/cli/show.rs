//! `show NAME`: one credential, secrets masked unless `--reveal`; an OAuth
//! entry with its status and lifetimes at the current time (read here, at
//! the edge).

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};
use sipauth_tui::credential::{Auth, Credential};
use sipauth_tui::header::authorization_header;
use sipauth_tui::sanitize::json_pretty;

use super::advice;
use super::session_view as session;
use super::{Ctx, Outcome};

/// What a masked secret looks like; the same length whatever the secret.
pub(super) const MASK: &str = "********";

/// Runs `show NAME [--json] [--reveal]`.
pub fn run(
    ctx: &Ctx,
    out: &mut impl Write,
    name: &str,
    json: bool,
    reveal: bool,
) -> Result<Outcome> {
    let data = ctx.load()?;
    let c = data.get(name)?;
    if matches!(c.auth, Auth::Oauth { .. }) {
        return show_oauth(out, c, json, reveal);
    }
    let (id_field, secret_field) = c.auth.field_names();
    let (secret, header) = shown_secrets(c, reveal);
    if json {
        let mut doc = base_doc(c, &header, reveal);
        doc[id_field.replace(' ', "_")] = json!(c.auth.id());
        doc[secret_field] = json!(secret);
        writeln!(out, "{}", json_pretty(&doc)?)?;
        return Ok(Outcome::Success);
    }
    let rows = [
        ("name", c.name.as_str()),
        ("kind", c.auth.kind_label()),
        ("api", c.api.as_str()),
        (id_field, c.auth.id()),
        (secret_field, secret.as_str()),
        ("header", header.as_str()),
    ];
    for (label, value) in rows {
        writeln!(out, "{label:<9} {value}")?;
    }
    if !reveal {
        writeln!(out, "(secrets masked; --reveal shows them)")?;
    }
    Ok(Outcome::Success)
}

/// What `show --json` prints for every kind.
fn base_doc(c: &Credential, header: &str, reveal: bool) -> Value {
    json!({
        "name": c.name,
        "kind": c.auth.kind(),
        "api": c.api,
        "header": header,
        "revealed": reveal,
    })
}

fn show_oauth(out: &mut impl Write, c: &Credential, json: bool, reveal: bool) -> Result<Outcome> {
    let now = super::session::now();
    let (_, header) = shown_secrets(c, reveal);
    if json {
        let mut doc = base_doc(c, &header, reveal);
        if let (Value::Object(doc), Value::Object(extra)) =
            (&mut doc, session::json(&c.auth, now, reveal, MASK))
        {
            doc.extend(extra);
        }
        writeln!(out, "{}", json_pretty(&doc)?)?;
        return Ok(Outcome::Success);
    }
    let mut rows = vec![
        ("name", c.name.clone()),
        ("kind", c.auth.kind_label().to_owned()),
        ("api", c.api.clone()),
    ];
    rows.extend(session::rows(&c.auth, now, reveal, MASK));
    rows.push(("header", header));
    for (label, value) in rows {
        writeln!(out, "{label:<13} {value}")?;
    }
    if !reveal {
        writeln!(out, "(secrets masked; --reveal shows them)")?;
    }
    Ok(Outcome::Success)
}

fn shown_secrets(c: &Credential, reveal: bool) -> (String, String) {
    let header = authorization_header(c);
    match (reveal, c.auth.secret(), header) {
        (true, secret, Err(e)) => (
            secret.map_or("(none)", |s| s.expose()).to_owned(),
            format!("({e}{})", advice::suffix(&e).unwrap_or_default()),
        ),
        (true, secret, Ok(h)) => (
            secret.map_or("(none)", |s| s.expose()).to_owned(),
            h.expose().to_owned(),
        ),
        (false, secret, header) => {
            let scheme = if c.auth.basic_pair().is_some() {
                "Basic"
            } else {
                "Bearer"
            };
            (
                secret.map_or("(none)", |_| MASK).to_owned(),
                match header {
                    Ok(_) => format!("Authorization: {scheme} {MASK}"),
                    Err(e) => format!("({e}{})", advice::suffix(&e).unwrap_or_default()),
                },
            )
        }
    }
}
