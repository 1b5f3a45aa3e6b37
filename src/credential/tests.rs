//! Credential unit tests: the field rules, the kinds and their secrets.

use super::*;

fn secret(s: &str) -> Secret {
    Secret::new(s.to_owned())
}

#[test]
fn secret_never_prints_its_value() {
    let s = secret("hunter2");
    assert_eq!(format!("{s}"), "[REDACTED]");
    assert_eq!(format!("{s:?}"), "[REDACTED]");
    let auth = Auth::Pat {
        token_id: "token-X".into(),
        token: s,
    };
    assert!(!format!("{auth:?}").contains("hunter2"));
}

#[test]
fn names_follow_the_allowed_alphabet() {
    for ok in ["a", "work", "sipgate.prod-1_x", &"n".repeat(64)] {
        assert_eq!(validate_name(ok), Ok(()), "{ok}");
    }
    for bad in ["", "has space", "slash/", "ümlaut", "a:b", &"n".repeat(65)] {
        assert!(validate_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn ids_and_secrets_are_checked_per_rfc7617() {
    let cases: &[(&str, &str, Option<CredentialError>)] = &[
        ("token-ABC", "s3cret", None),
        (
            "",
            "s3cret",
            Some(CredentialError::EmptyId { field: "token id" }),
        ),
        (
            "to:ken",
            "s3cret",
            Some(CredentialError::ColonInId { field: "token id" }),
        ),
        (
            "tok\u{7}",
            "s3cret",
            Some(CredentialError::ControlInId { field: "token id" }),
        ),
        (
            "token-\u{202e}CBA",
            "s3cret",
            Some(CredentialError::FormatInValue { field: "token id" }),
        ),
        (
            "token\u{200b}-ABC",
            "s3cret",
            Some(CredentialError::FormatInValue { field: "token id" }),
        ),
        (
            "token-\u{feff}ABC",
            "s3cret",
            Some(CredentialError::FormatInValue { field: "token id" }),
        ),
        (
            "token-ABC",
            "",
            Some(CredentialError::EmptySecret { field: "token" }),
        ),
        (
            "token-ABC",
            "a\nb",
            Some(CredentialError::LineBreakInSecret { field: "token" }),
        ),
        (
            "token-ABC",
            "a\rb",
            Some(CredentialError::LineBreakInSecret { field: "token" }),
        ),
        (
            "token-ABC",
            "a\u{1b}b",
            Some(CredentialError::ControlInSecret { field: "token" }),
        ),
        // A colon is fine in the secret half.
        ("token-ABC", "pa:ss", None),
    ];
    crate::testing::cases::check_all(cases, |(id, sec, want)| {
        let got = Credential::new(
            "x",
            DEFAULT_API,
            Auth::Pat {
                token_id: (*id).into(),
                token: secret(sec),
            },
        )
        .err();
        assert_eq!(&got, want, "id={id:?}");
    });
}

#[test]
fn format_characters_are_refused_in_usernames_and_urls() {
    let basic = Credential::new(
        "x",
        DEFAULT_API,
        Auth::Basic {
            username: "adm\u{202e}nimda".into(),
            password: secret("pw"),
        },
    );
    let err = basic.unwrap_err();
    assert_eq!(err, CredentialError::FormatInValue { field: "username" });
    assert!(err.to_string().contains("username"), "{err}");
    for raw in ["https://x/v2\u{202e}", "https://x/\u{1b}]0;t\u{7}"] {
        assert!(normalize_api(raw).is_err(), "{raw:?}");
        assert!(normalize_issuer(raw).is_err(), "{raw:?}");
        assert!(validate_redirect_uri(&raw.replace("https://x", "http://127.0.0.1:1")).is_err());
    }
    let err = validate_name("a\u{1b}]0;x\u{7}\u{202e}")
        .unwrap_err()
        .to_string();
    assert!(err.chars().all(crate::sanitize::is_shown), "{err:?}");
}

#[test]
fn errors_never_contain_the_secret() {
    let err = Credential::new(
        "x",
        DEFAULT_API,
        Auth::Basic {
            username: "u".into(),
            password: secret("top\nsecret"),
        },
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("password") && !text.contains("top"), "{text}");
}

#[test]
fn api_bases_are_normalised_or_refused() {
    assert_eq!(
        normalize_api("https://api.sipgate.com/v2/").unwrap(),
        DEFAULT_API
    );
    assert_eq!(
        normalize_api("http://127.0.0.1:8080/v2").unwrap(),
        "http://127.0.0.1:8080/v2"
    );
    assert_eq!(
        normalize_api("http://localhost/v2").unwrap(),
        "http://localhost/v2"
    );
    let cases = [
        "api.sipgate.com/v2",
        "http://api.sipgate.com/v2",
        "ftp://x/v2",
        "https://x/v2?q=1",
        "https://x/v2#f",
    ];
    crate::testing::cases::check_all(cases, |bad| {
        assert!(normalize_api(bad).is_err(), "{bad}");
    });
    let err = normalize_api("https://user:pw@x/v2")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("pw"), "{err}");
}

#[test]
fn ids_are_masked_for_lists() {
    assert_eq!(mask_id("token-ABC123"), "toke…23");
    assert_eq!(mask_id("John"), "****");
}
