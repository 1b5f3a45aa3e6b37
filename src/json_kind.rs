//! Naming a JSON value's kind ("a number", "an object") in messages about a
//! field of the wrong type: the OAuth token response and a pasted token
//! response are checked alike, and neither quotes a value that may be a
//! secret.

use serde_json::Value;

/// What kind of JSON value this is, for messages that must not quote it.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
