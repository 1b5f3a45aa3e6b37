//! Text from servers and tokens made safe for a terminal: control
//! characters (C0, DEL, C1) and bidirectional overrides removed, in plain
//! text and in every string and key of a JSON document.
//!
//! Everything that shows server text (probe bodies, OAuth error
//! descriptions, JWT claims, callback pages) goes through here, so a hostile
//! server cannot drive the terminal or make text read differently than it is.

use serde_json::Value;

/// Removes control characters (C0, DEL, C1) except newline and tab, and the
/// bidirectional overrides that can make text read differently than it is.
pub fn strip_controls(text: &str) -> String {
    if !needs_stripping(text) {
        return text.to_owned();
    }
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_bidi_control(c)))
        .collect()
}

/// Whether [`strip_controls`] would change `text`. Checked on bytes: C0 and
/// DEL are single bytes, C1 characters start with 0xC2, bidi controls with
/// 0xE2; text with none of these (almost all) needs no copy-and-filter.
fn needs_stripping(text: &str) -> bool {
    text.bytes()
        .any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f || b == 0xc2 || b == 0xe2)
        && text
            .chars()
            .any(|c| c != '\n' && c != '\t' && (c.is_control() || is_bidi_control(c)))
}

/// Whether `c` is a bidirectional mark, embedding, override or isolate.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Strips every string and key of a JSON document. serde_json escapes only
/// U+0000..U+001F when printing, so DEL, C1 (such as the one-byte CSI U+009B)
/// and bidi overrides would otherwise reach the terminal raw.
pub fn clean_json(value: Value) -> Value {
    match value {
        Value::String(s) if needs_stripping(&s) => Value::String(strip_controls(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean_json).collect()),
        // Keys are rebuilt only when one of them needs it.
        Value::Object(map) if map.keys().any(|k| needs_stripping(k)) => Value::Object(
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn control_and_bidi_characters_are_stripped_and_the_rest_kept() {
        let cases = [
            ("plain ascii", "plain ascii"),
            ("line\nand\ttab", "line\nand\ttab"),
            ("esc\u{1b}[31mred", "esc[31mred"),
            ("del\u{7f}", "del"),
            ("c1\u{9b}31m", "c131m"),
            ("bidi\u{202e}txt\u{2066}", "biditxt"),
            // Non-ASCII that shares the lead bytes 0xC2 and 0xE2 stays.
            ("ä ° € — \u{a0}", "ä ° € — \u{a0}"),
        ];
        for (text, want) in cases {
            assert_eq!(strip_controls(text), want, "{text:?}");
            assert_eq!(
                clean_json(json!({ text: [text] })),
                json!({ want: [want] }),
                "{text:?}"
            );
        }
    }
}
