//! `list` and `show`: what is stored, secrets masked.

use std::io::Write;

use anyhow::Result;
use serde_json::{Value, json};
use sipauth_tui::credential::{Credential, mask_id};
use sipauth_tui::header::authorization_header;

use super::{Ctx, Outcome, diag};

/// What a masked secret looks like; the same length whatever the secret.
const MASK: &str = "********";

pub fn list(ctx: &Ctx, out: &mut impl Write, json: bool) -> Result<Outcome> {
    let data = ctx.load()?;
    if json {
        let rows: Vec<Value> = data
            .credentials
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "kind": c.auth.kind(),
                    "api": c.api,
                    "id": mask_id(c.auth.id()),
                })
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
    let rows: Vec<[String; 4]> = data
        .credentials
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                c.auth.kind_label().to_owned(),
                c.api.clone(),
                mask_id(c.auth.id()),
            ]
        })
        .collect();
    let header = ["NAME", "KIND", "API", "ID"].map(str::to_owned);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
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
    let (id_field, secret_field) = c.auth.field_names();
    let (secret, header) = shown_secrets(c, reveal);
    if json {
        let mut doc = json!({
            "name": c.name,
            "kind": c.auth.kind(),
            "api": c.api,
            "header": header,
            "revealed": reveal,
        });
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
