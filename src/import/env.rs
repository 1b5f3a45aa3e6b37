//! `.env` files: `KEY=VALUE` lines as a shell (or dotenv) reads them, and
//! the token id and token of a sipgate PAT among them.

use zeroize::Zeroizing;

use super::{Format, ImportError, Imported};
use crate::credential::{Auth, Secret, validate_id, validate_secret};

/// The `.env` key pairs (token id, token) that hold a sipgate PAT, in order
/// of preference: sipgate's Node examples, its Python examples, and a
/// spelling seen in the wild.
pub const ENV_KEYS: [(&str, &str); 3] = [
    ("SIPGATE_TOKEN_ID", "SIPGATE_TOKEN"),
    ("TOKEN_ID", "TOKEN"),
    ("SIPGATE_PAT_ID", "SIPGATE_PAT"),
];

/// The key of a `KEY=VALUE` line (after an optional `export `).
pub(super) fn key(line: &str) -> Option<&str> {
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let valid = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then_some(key)
}

pub(super) fn parse(input: &str) -> Result<Imported, ImportError> {
    let mut pairs: Vec<(String, Zeroizing<String>)> = Vec::new();
    for (i, raw) in input.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = key(line).ok_or(ImportError::EnvLine {
            line: i + 1,
            unterminated: false,
        })?;
        let (_, raw_value) = line.split_once('=').unwrap_or_default();
        let value = value(raw_value.trim()).ok_or(ImportError::EnvLine {
            line: i + 1,
            unterminated: true,
        })?;
        // Later assignments win, as in a shell.
        pairs.retain(|(k, _)| k != key);
        pairs.push((key.to_owned(), value));
    }
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let found = ENV_KEYS.iter().find_map(|(id_key, token_key)| {
        Some(((*id_key, get(id_key)?), (*token_key, get(token_key)?)))
    });
    let Some(((id_key, id), (token_key, token))) = found else {
        return Err(ImportError::EnvKeys {
            keys: pairs.iter().map(|(k, _)| k.clone()).take(20).collect(),
        });
    };
    for (key, value) in [(id_key, id), (token_key, token)] {
        if is_placeholder(value) {
            return Err(ImportError::Placeholder {
                key: key.to_owned(),
            });
        }
    }
    let token = Secret::new(token.to_string());
    validate_id("token id", id)?;
    validate_secret("token", &token)?;
    Ok(Imported {
        api: None,
        format: Format::EnvFile,
        auth: Auth::Pat {
            token_id: id.to_string(),
            token,
        },
    })
}

/// A value as a shell (or dotenv) reads it: single quotes literal, double
/// quotes with `\"` and `\\` escapes, bare values up to a ` #` comment.
/// `None` when a quote is not closed.
fn value(raw: &str) -> Option<Zeroizing<String>> {
    let mut chars = raw.chars();
    match chars.next() {
        Some('\'') => {
            let inner = &raw[1..];
            let end = inner.find('\'')?;
            Some(Zeroizing::new(inner[..end].to_owned()))
        }
        Some('"') => {
            let mut out = Zeroizing::new(String::new());
            let mut escaped = false;
            for c in chars {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => return Some(out),
                    (true, c @ ('"' | '\\' | '$' | '`')) => {
                        out.push(c);
                        escaped = false;
                    }
                    (true, c) => {
                        out.push('\\');
                        out.push(c);
                        escaped = false;
                    }
                    (false, c) => out.push(c),
                }
            }
            None
        }
        _ => {
            let end = raw.find(" #").unwrap_or(raw.len());
            Some(Zeroizing::new(raw[..end].trim().to_owned()))
        }
    }
}

/// The placeholders sipgate's example files ship with: `<sipgate_token>`,
/// `YOUR_SIPGATE_TOKEN`.
fn is_placeholder(value: &str) -> bool {
    (value.starts_with('<') && value.ends_with('>')) || value.starts_with("YOUR_")
}
