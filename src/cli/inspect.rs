//! `list` and `show`: what is stored, secrets masked; OAuth entries with
//! their status and lifetimes at the current time (read here, at the edge).

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};
use sipauth_tui::credential::{Auth, Credential, mask_id};
use sipauth_tui::header::authorization_header;

use super::{Ctx, Outcome, diag};

mod session;

/// What a masked secret looks like; the same length whatever the secret.
const MASK: &str = "********";

pub fn list(ctx: &Ctx, out: &mut impl Write, json: bool) -> Result<Outcome> {
    let data = ctx.load()?;
    let now = super::session::now();
    if json {
        let rows: Vec<Value> = data
            .credentials
            .iter()
            .map(|c| {
                let mut row = json!({
                    "name": c.name,
                    "kind": c.auth.kind(),
                    "api": c.api,
                    "id": mask_id(c.auth.id()),
                });
                if let (Value::Object(row), Value::Object(extra)) =
                    (&mut row, session::list_fields(&c.auth, now))
                {
                    row.extend(extra);
                }
                row
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(Outcome::Success);
    }
    if data.credentials.is_empty() {
        diag!(
            "no credentials in {}; add one with `sipauth-tui add pat NAME --token-id ID`",
            ctx.store.path().display()
        );
        return Ok(Outcome::Success);
    }
    let rows: Vec<[String; 5]> = data
        .credentials
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.auth.kind_label().to_owned(),
                c.api.clone(),
                mask_id(c.auth.id()),
                session::status(&c.auth, now).map_or_else(String::new, |(_, words)| words),
            ]
        })
        .collect();
    let header = ["NAME", "KIND", "API", "ID", "STATUS"].map(str::to_owned);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(Outcome::Success)
}

pub fn show(
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
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
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
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
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
            format!("({e})"),
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
                    Err(e) => format!("({e})"),
                },
            )
        }
    }
}
