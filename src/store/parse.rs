//! Reading store bytes: version first, then the data, then the rules every
//! entry must follow. Errors carry positions and field names, never values.

use std::path::Path;

use serde::Deserialize;

use super::{STORE_VERSION, StoreData, StoreError};
use crate::credential::normalize_api;

/// Parses store bytes, refusing newer versions before looking at the rest.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<StoreData, StoreError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StoreError::Empty {
            path: path.to_owned(),
            bytes: bytes.len(),
        });
    }
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| json_error(path, &e))?;
        return Err(StoreError::Schema {
            path: path.to_owned(),
            problem: "the top level is not a JSON object".into(),
            line: 1,
            column: 1,
        });
    }
    #[derive(Deserialize)]
    struct Head {
        version: Option<u64>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    match head.version {
        None => {
            return Err(StoreError::Schema {
                path: path.to_owned(),
                problem: "missing field `version`".into(),
                line: 1,
                column: 1,
            });
        }
        Some(found) if found > u64::from(STORE_VERSION) => {
            return Err(StoreError::NewerVersion {
                path: path.to_owned(),
                found,
                supported: STORE_VERSION,
            });
        }
        Some(_) => {}
    }
    let data: StoreData = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    check_entries(path, &data)?;
    Ok(data)
}

/// What `add` would have refused is refused on load too, so a hand-edited
/// entry cannot produce a wrong header or drive the terminal.
fn check_entries(path: &Path, data: &StoreData) -> Result<(), StoreError> {
    let mut names = std::collections::HashSet::with_capacity(data.credentials.len());
    // Most credentials share a handful of API bases: parse each URL once.
    let mut apis = std::collections::HashSet::new();
    for (i, c) in data.credentials.iter().enumerate() {
        let bad = |problem: String| StoreError::BadEntry {
            path: path.to_owned(),
            number: i + 1,
            problem,
        };
        if apis.insert(c.api.as_str()) {
            normalize_api(&c.api).map_err(|e| bad(e.to_string()))?;
        }
        c.validate_fields().map_err(|e| bad(e.to_string()))?;
        if !names.insert(c.name.as_str()) {
            return Err(bad(format!("the name `{}` is used twice", c.name)));
        }
    }
    Ok(())
}

/// Turns a serde_json error into ours without copying any value from the
/// file: serde's own message may quote a secret ("invalid type: string …").
fn json_error(path: &Path, e: &serde_json::Error) -> StoreError {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    let path = path.to_owned();
    match e.classify() {
        Category::Eof => StoreError::Syntax {
            path,
            problem: "unexpected end of file (truncated?)".into(),
            line,
            column,
        },
        Category::Syntax | Category::Io => StoreError::Syntax {
            path,
            problem: "syntax error".into(),
            line,
            column,
        },
        Category::Data => {
            let msg = e.to_string();
            let safe = ["missing field `", "unknown variant `", "duplicate field `"]
                .iter()
                .any(|p| msg.starts_with(p));
            let problem = if safe {
                // Keep "missing field `x`" but not serde's position suffix.
                msg.split(" at line").next().unwrap_or_default().to_owned()
            } else {
                "a value has the wrong type or range".into()
            };
            StoreError::Schema {
                path,
                problem,
                line,
                column,
            }
        }
    }
}
