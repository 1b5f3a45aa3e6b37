//! Reading store bytes: version first, then the data, then the rules every
//! entry must follow. Errors carry positions and field names, never values.

use std::path::Path;

use serde::Deserialize;

use super::{STORE_VERSION, StoreData, StoreError};
use crate::credential::normalize_api;
use crate::sanitize::strip_controls;

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

/// The names and kinds in store bytes, nothing else (shell completion):
/// the version is checked, a name that breaks the naming rule is left out,
/// and no other field is looked at or kept.
pub fn names(path: &Path, bytes: &[u8]) -> Result<Vec<(String, String)>, StoreError> {
    #[derive(Deserialize)]
    struct Entry {
        name: String,
        kind: String,
    }
    #[derive(Deserialize)]
    struct Names {
        version: u64,
        #[serde(default)]
        credentials: Vec<Entry>,
    }
    let names: Names = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    if names.version > u64::from(STORE_VERSION) {
        return Err(StoreError::NewerVersion {
            path: path.to_owned(),
            found: names.version,
            supported: STORE_VERSION,
        });
    }
    Ok(names
        .credentials
        .into_iter()
        .filter(|e| crate::credential::validate_name(&e.name).is_ok())
        .filter(|e| matches!(e.kind.as_str(), "pat" | "basic" | "oauth"))
        .map(|e| (e.name, e.kind))
        .collect())
}

/// What `add` would have refused is refused on load too, so a hand-edited
/// entry cannot produce a wrong header or drive the terminal.
pub(super) fn check_entries(path: &Path, data: &StoreData) -> Result<(), StoreError> {
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
                let problem = msg.rsplit_once(" at line").map_or(msg.as_str(), |(m, _)| m);
                quote_cleaned(problem)
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

/// serde's message with the value it quotes from the file (an unknown
/// `kind` or `auth_method`) filtered for the terminal and cut short: a
/// planted value must not reach the terminal as it is.
fn quote_cleaned(problem: &str) -> String {
    let quoted = problem
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.rsplit_once("`, expected "));
    match quoted {
        Some((value, expected)) => {
            let mut value: String = strip_controls(value).chars().take(40).collect();
            if value.chars().count() == 40 {
                value.push('…');
            }
            format!("unknown variant `{value}`, expected {expected}")
        }
        None => strip_controls(problem),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::sanitize::is_shown;

    const OSC: &str = "\u{1b}]0;pwned\u{7}\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202e}";

    fn oauth(client: Value, session: Value) -> Value {
        json!({"name": "o", "api": "https://x/v2", "kind": "oauth", "client": client, "session": session})
    }

    #[test]
    fn hostile_values_are_refused_with_their_position_and_never_echoed_raw() {
        let pat = |id: &str| json!({"name": "p", "api": "https://x/v2", "kind": "pat", "token_id": id, "token": "SECRETX"});
        let client = |field: &str, value: &str| {
            let mut c = json!({"issuer": "https://login.example/realms/x", "client_id": "c"});
            c[field] = json!(value);
            c
        };
        let session = |field: &str, value: &str| {
            let mut s =
                json!({"access_token": "SECRETX", "token_type": "Bearer", "obtained_at": 1});
            s[field] = json!(value);
            s
        };
        let cases = [
            (
                "kind",
                json!({"name": "k", "api": "https://x/v2", "kind": OSC}),
                "unknown variant",
            ),
            (
                "auth_method",
                oauth(client("auth_method", OSC), Value::Null),
                "unknown variant",
            ),
            ("token id", pat(&format!("token-{OSC}")), "#1"),
            (
                "bidi token id",
                pat("token-\u{202e}CBA"),
                "token id contains an invisible",
            ),
            (
                "client id",
                oauth(client("client_id", "c\u{200b}"), Value::Null),
                "client id",
            ),
            (
                "issuer",
                oauth(client("issuer", &format!("https://x/{OSC}")), Value::Null),
                "issuer",
            ),
            (
                "client scope",
                oauth(client("scope", OSC), Value::Null),
                "scope",
            ),
            (
                "granted scope",
                oauth(Value::Null, session("scope", OSC)),
                "granted scope",
            ),
            (
                "session state",
                oauth(Value::Null, session("session_state", OSC)),
                "session state",
            ),
            (
                "token type",
                oauth(Value::Null, session("token_type", OSC)),
                "not Bearer",
            ),
            (
                "api",
                json!({"name": "a", "api": format!("https://x/{OSC}"), "kind": "pat", "token_id": "t", "token": "s"}),
                "API base",
            ),
        ];
        crate::testing::cases::check_all(cases, |(what, entry, needle)| {
            let doc = json!({"version": 1, "credentials": [entry]}).to_string();
            let err = parse(Path::new("/s.json"), doc.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{what}: {err}");
            assert!(
                err.contains("#1") || err.contains("line 1"),
                "{what}: no position: {err}"
            );
            assert!(err.chars().all(is_shown), "{what}: raw control in {err:?}");
            assert!(
                !err.contains("pwned") && !err.contains("SECRETX"),
                "{what}: {err}"
            );
        });
    }
}
