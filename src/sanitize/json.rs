//! JSON for a terminal: printed with every unsafe character escaped
//! ([`json_pretty`]), or with them removed from a document's strings
//! ([`clean_json`], for claims and bodies shown as text).

use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::{is_shown, needs_filter, strip_controls};

/// Pretty JSON in which every character [`is_shown`] refuses is a `\uXXXX`
/// escape. serde_json escapes only U+0000..U+001F, so DEL, C1 (such as the
/// one-character CSI U+009B) and bidi overrides would reach the terminal
/// raw; escaped, the data is kept and the output stays valid JSON.
pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, Escaping(PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    // Only whole UTF-8 strings and ASCII were written.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Strips every string and key of a JSON document with [`strip_controls`].
pub fn clean_json(value: Value) -> Value {
    let dirty = |s: &str| needs_filter(s.as_bytes());
    match value {
        Value::String(s) if dirty(&s) => Value::String(strip_controls(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean_json).collect()),
        // Keys are rebuilt only when one of them needs it.
        Value::Object(map) if map.keys().any(|k| dirty(k)) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (strip_controls(&k), clean_json(v)))
                .collect(),
        ),
        Value::Object(mut map) => {
            for v in map.values_mut() {
                *v = clean_json(std::mem::take(v));
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// serde_json's pretty layout, with the extra escapes in strings.
struct Escaping<'a>(PrettyFormatter<'a>);

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name<W: ?Sized + io::Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(writer $(, $arg)*)
        }
    )*};
}

impl Formatter for Escaping<'_> {
    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !needs_filter(fragment.as_bytes()) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| !is_shown(c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_must_not_see_and_keeps_the_data() {
        let doc = json!({"k\u{202e}": ["\u{1b}]0;t\u{7}", "\u{9b}31m", "del\u{7f}", "tag\u{e0041}", "ok ä"]});
        let text = json_pretty(&doc).unwrap();
        assert!(text.chars().all(is_shown), "{text:?}");
        assert!(
            text.contains(r"\u202e") && text.contains(r"\u009b") && text.contains(r"\udb40\udc41"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), doc);
        assert_eq!(
            text,
            serde_json::to_string_pretty(&doc)
                .unwrap()
                .replace('\u{202e}', r"\u202e")
                .replace('\u{9b}', r"\u009b")
                .replace('\u{7f}', r"\u007f")
                .replace('\u{e0041}', r"\udb40\udc41")
        );
    }

    #[test]
    fn clean_json_strips_strings_and_keys() {
        let doc = json!({"a\u{1b}[1mb": ["x\u{202e}y", 1, {"n": "\u{9b}2Jz"}]});
        assert_eq!(clean_json(doc), json!({"ab": ["xy", 1, {"n": "z"}]}));
    }
}
