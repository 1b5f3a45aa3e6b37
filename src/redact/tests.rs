//! Redactor unit tests: every spelling of a secret is struck, short
//! secrets only where they stand alone, the rest of the text untouched.

use super::*;

fn redactor(secrets: &[&str]) -> Redactor {
    let mut r = Redactor::default();
    for s in secrets {
        r.add(s);
    }
    r
}

#[test]
fn a_secret_is_struck_in_every_spelling_an_encoder_writes() {
    let r = redactor(&["s3cr/t+&=x y"]);
    let cases = [
        ("raw s3cr/t+&=x y end", "raw [REDACTED] end"),
        ("form s3cr%2Ft%2B%26%3Dx+y end", "form [REDACTED] end"),
        ("lower s3cr%2ft%2b%26%3dx%20y end", "lower [REDACTED] end"),
        ("mixed s3cr/t%2B&%3Dx y end", "mixed [REDACTED] end"),
        ("json s3cr\\/t+&=x y end", "json [REDACTED] end"),
        (
            "twice s3cr/t+&=x ys3cr%2Ft%2B%26%3Dx+y",
            "twice [REDACTED][REDACTED]",
        ),
        ("cut s3cr/t+&=x", "cut s3cr/t+&=x"),
        ("other s3cr/t-&=x y", "other s3cr/t-&=x y"),
    ];
    check_all(cases, |(text, want)| {
        assert_eq!(r.redact(text), want, "{text}")
    });
}

#[test]
fn short_secrets_are_struck_only_where_they_stand_alone() {
    let r = redactor(&["abc", "a"]);
    let cases = [
        (
            "password=abc&grant_type=password",
            "password=[REDACTED]&grant_type=password",
        ),
        ("password%3Dabc%26x", "password%3D[REDACTED]%26x"),
        ("\"abc\"", "\"[REDACTED]\""),
        ("abcdef xabc abc1 a-b", "abcdef xabc abc1 [REDACTED]-b"),
        ("a", "[REDACTED]"),
    ];
    check_all(cases, |(text, want)| {
        assert_eq!(r.redact(text), want, "{text}")
    });
    // From ANYWHERE bytes on, inside words too.
    let long = redactor(&["12345678"]);
    assert_eq!(long.redact("x12345678y"), "x[REDACTED]y");
}

#[test]
fn a_basic_header_is_struck_as_base64_and_as_its_secret_half() {
    let mut r = Redactor::default();
    // base64("sandbox%3Abasic:s3cr%2Ft%2B%26%3Dx"), as RFC 6749 §2.3.1 sends it.
    let value = format!(
        "Basic {}",
        STANDARD.encode("sandbox%3Abasic:s3cr%2Ft%2B%26%3Dx")
    );
    r.add_authorization(&value);
    let raw_pair = STANDARD.encode("sandbox:basic:s3cr/t+&=x");
    let cases = [
        value.clone(),
        value.trim_end_matches('=').to_owned(),
        raw_pair.clone(),
        "s3cr/t+&=x".to_owned(),
        "s3cr%2Ft%2B%26%3Dx".to_owned(),
    ];
    check_all(cases, |text| {
        let out = r.redact(&format!("echo: {text}."));
        assert!(out.contains(REDACTED), "{text}: {out}");
        assert!(!r.reveals(&out), "{text}: {out}");
    });
    // The id is no secret.
    assert_eq!(r.redact("client sandbox:basic"), "client sandbox:basic");
    let mut bearer = Redactor::default();
    bearer.add_authorization("Bearer tok-123456");
    assert_eq!(
        bearer.redact("got Bearer tok-123456"),
        "got Bearer [REDACTED]"
    );
}

#[test]
fn quoting_strikes_before_it_cuts_and_json_is_walked() {
    let r = redactor(&["0123456789abcdef"]);
    let text = format!("{}0123456789abcdef", "x".repeat(5));
    assert_eq!(r.quote(&text, 8), "xxxxx[RE");
    // The whole escape sequence goes, not only its ESC.
    assert_eq!(r.quote("a\u{1b}[2J0123456789abcdef", 40), "a[REDACTED]");
    // A secret split by an escape sequence or an invisible character is
    // still found: the filter runs before the match, not after it.
    for split in [
        "01234567\u{1b}[m89abcdef",
        "01234567\u{200b}89abcdef",
        "0123\u{9b}31m456789abcdef",
    ] {
        assert_eq!(r.redact(split), REDACTED, "{split:?}");
    }
    let doc = serde_json::json!({"h": {"Authorization": "Bearer 0123456789abcdef"}, "0123456789abcdef": [1, "0123456789abcdef"]});
    let out = r.redact_json(doc).to_string();
    assert!(!out.contains("0123456789abcdef"), "{out}");
    assert_eq!(out.matches(REDACTED).count(), 3, "{out}");
    assert!(format!("{r:?}").contains("secrets: 1"));
    assert!(!format!("{r:?}").contains("0123"));
}

#[test]
fn without_secrets_text_passes_unchanged() {
    let r = Redactor::default();
    assert!(r.secrets.is_empty());
    assert_eq!(r.redact("a%2Fb"), "a%2Fb");
    let mut empty = Redactor::default();
    empty.add("");
    assert!(empty.secrets.is_empty());
}

use crate::testing::cases::check_all;
