//! `endpoints [FILTER…] [--for NAME] [--json]`: sipgate's operations with
//! the scopes each needs and, for a credential, whether it can call each.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Args;
use serde_json::{Value, json};
use sipauth_tui::sanitize::json_pretty;
use sipauth_tui::sipgate::{self, Access, ApiMap, Granted, Operation};

use super::session::now;
use super::{Ctx, Outcome, diag};

// List sipgate's API operations and the scopes they need (a plain comment: clap would take a doc
// comment as the command's about, over the variant's own.)
#[derive(Debug, Args)]
pub struct EndpointsArgs {
    /// Words every listed operation contains (method, path, tag,
    /// operationId or scope), e.g. `sms` or `GET history`
    filter: Vec<String>,
    /// Say whether this credential can call each (yes, no: missing X, or
    /// unknown for a PAT whose scopes were not learned)
    #[arg(long = "for", value_name = "NAME", add = clap_complete::ArgValueCompleter::new(super::complete::names))]
    for_name: Option<String>,
    /// Print a JSON array
    #[arg(long)]
    json: bool,
}

fn verdict(access: &Access) -> String {
    match access {
        Access::Yes => "yes".into(),
        Access::No { missing } => format!("no: missing {}", missing.join(" or ")),
        Access::Unknown => "unknown".into(),
    }
}

fn row_json(op: &Operation, access: Option<&Access>) -> Value {
    let mut row = json!({
        "method": op.method,
        "path": op.path,
        "operation": op.id,
        "tag": op.tag,
        "scopes": op.scopes,
        "path_params": op.path_params,
    });
    if let (Some(access), Some(fields)) = (access, row.as_object_mut()) {
        let (can, missing) = match access {
            Access::Yes => ("yes", json!([])),
            Access::No { missing } => ("no", json!(missing)),
            Access::Unknown => ("unknown", Value::Null),
        };
        fields.insert("can_call".into(), json!(can));
        fields.insert("missing".into(), missing);
    }
    row
}

/// Runs `endpoints`.
pub fn run(ctx: &Ctx, out: &mut impl Write, args: EndpointsArgs) -> Result<Outcome> {
    let map = ApiMap::get();
    let granted = match &args.for_name {
        Some(name) => {
            let data = ctx.load_entry(name)?;
            let credential = data.get(name)?;
            if !sipgate::applies_to(&credential.api) {
                bail!(
                    "`{name}` is for {}, not sipgate's API (https://api.sipgate.com/v2): sipgate's scopes say nothing about it",
                    credential.api
                );
            }
            let granted = Granted::of(credential);
            if granted == Granted::Unknown {
                diag!(
                    "note: the scopes of `{name}` are not known; `sipauth-tui scopes {name}` learns a PAT's, a session's come with its tokens"
                );
            }
            Some(granted)
        }
        None => None,
    };
    let filter = args.filter.join(" ");
    let ops: Vec<(&Operation, Option<Access>)> = map
        .filter(&filter)
        .map(|op| (op, granted.as_ref().map(|g| op.access(g))))
        .collect();
    if args.json {
        let rows: Vec<Value> = ops.iter().map(|(op, a)| row_json(op, a.as_ref())).collect();
        writeln!(out, "{}", json_pretty(&rows)?)?;
        return Ok(Outcome::Success);
    }
    if ops.is_empty() {
        diag!("no operation matches `{filter}`");
        return Ok(Outcome::Failure);
    }
    let method_w = ops.iter().map(|(op, _)| op.method.len()).max().unwrap_or(0);
    let path_w = ops.iter().map(|(op, _)| op.path.len()).max().unwrap_or(0);
    for (op, access) in &ops {
        let scopes = match op.specific_scopes().collect::<Vec<_>>() {
            s if s.is_empty() && !op.needs_scope() => "(no scope)".to_owned(),
            s if s.is_empty() => sipgate::ALL_SCOPE.to_owned(),
            s => s.join(" | "),
        };
        let line = format!("{:method_w$}  {:path_w$}  {scopes}", op.method, op.path);
        match access {
            Some(a) => writeln!(out, "{line}  [{}]", verdict(a))?,
            None => writeln!(out, "{line}")?,
        }
    }
    if let Some(granted) = &granted {
        let count = |want: fn(&Access) -> bool| {
            ops.iter()
                .filter(|(_, a)| a.as_ref().is_some_and(want))
                .count()
        };
        diag!(
            "{} operations: {} yes, {} no, {} unknown; {}",
            ops.len(),
            count(|a| *a == Access::Yes),
            count(|a| matches!(a, Access::No { .. })),
            count(|a| *a == Access::Unknown),
            granted.describe("credential", now())
        );
    } else {
        diag!("{} operations", ops.len());
    }
    Ok(Outcome::Success)
}

/// `--scope` words plus the scopes `--for` operations need (each its
/// narrowest), as one space-separated scope; says on stderr what `--for`
/// added. `None` when both are empty.
pub fn scope_with_purposes(scope: Option<&str>, purposes: &[String]) -> Result<Option<String>> {
    let (scope, added) = ApiMap::get().with_purposes(scope.unwrap_or_default(), purposes)?;
    match (purposes.is_empty(), added.is_empty()) {
        (true, _) => {}
        (false, true) => diag!("--for: the scopes asked for already cover it"),
        (false, false) => diag!("--for: asking for {}", added.join(" ")),
    }
    Ok(scope)
}
