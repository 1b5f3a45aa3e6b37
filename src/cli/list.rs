//! `list`: what is stored, one line (or JSON object) per credential,
//! secrets masked; OAuth entries with their status at the current time.

use anyhow::Result;
use serde_json::{Value, json};
use sipauth_tui::credential::mask_id;
use sipauth_tui::sanitize::json_pretty;

use super::color::{self, Paint};
use super::session_view as session;
use super::{Ctx, Outcome, diag};

/// Runs `list [--json]`.
pub fn run(ctx: &Ctx, out: &mut impl Paint, json: bool) -> Result<Outcome> {
    let data = ctx.load_public()?;
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
        writeln!(out, "{}", json_pretty(&rows)?)?;
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
        if std::ptr::eq(row, &header) {
            out.paint(color::BOLD, line.trim_end())?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(Outcome::Success)
}
