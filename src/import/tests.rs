//! Import unit tests: every spelling of a PAT and a Basic login, token
//! responses and bearer lines, and the words for inputs that are not one.

use super::*;

const FIXTURE: &str = include_str!("../../tests/fixtures/keycloak-token-response.json");
const NOW: i64 = 1_700_000_000;

fn pat(id: &str, token: &str) -> Auth {
    Auth::Pat {
        token_id: id.into(),
        token: Secret::new(token.into()),
    }
}

fn basic_login(user: &str, password: &str) -> Auth {
    Auth::Basic {
        username: user.into(),
        password: Secret::new(password.into()),
    }
}

#[test]
fn pats_and_basic_logins_are_recognised_from_every_spelling() {
    let cases: &[(&str, Format, Auth)] = &[
        (
            "Authorization: Basic Sm9objp0b3BzZWNyZXQ=",
            Format::BasicHeader,
            basic_login("John", "topsecret"),
        ),
        (
            "  basic Sm9objp0b3BzZWNyZXQ=\n",
            Format::BasicHeader,
            basic_login("John", "topsecret"),
        ),
        (
            // base64("token-ABC123:xyz")
            "authorization:Basic dG9rZW4tQUJDMTIzOnh5eg==\r\n",
            Format::BasicHeader,
            pat("token-ABC123", "xyz"),
        ),
        (
            "SIPGATE_TOKEN_ID='token-ABC123'\nSIPGATE_TOKEN='s3cret'\n",
            Format::EnvFile,
            pat("token-ABC123", "s3cret"),
        ),
        (
            "# sipgate\r\nexport SIPGATE_TOKEN=\"s3\\\"cret\"\r\n\r\nexport SIPGATE_TOKEN_ID=token-ABC123\r\n",
            Format::EnvFile,
            pat("token-ABC123", "s3\"cret"),
        ),
        (
            // sipgate's Python example: spaces around `=`.
            "TOKEN_ID = 'token-X1'\nTOKEN = 'abc' \nOTHER=1 # comment\n",
            Format::EnvFile,
            pat("token-X1", "abc"),
        ),
        (
            "SIPGATE_TOKEN_ID=token-OLD\nSIPGATE_TOKEN=tok # trailing\nSIPGATE_TOKEN_ID=token-NEW\n",
            Format::EnvFile,
            pat("token-NEW", "tok"),
        ),
    ];
    crate::testing::cases::check_all(cases, |(input, format, auth)| {
        let got = parse(input, NOW).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(got.format, *format, "{input:?}");
        assert_eq!(&got.auth, auth, "{input:?}");
    });
}

#[test]
fn the_keycloak_fixture_becomes_a_session_with_its_client() {
    let got = parse(FIXTURE, NOW).unwrap();
    assert_eq!(got.format, Format::TokenResponse);
    let client = got.auth.client().unwrap();
    assert_eq!(client.issuer, crate::credential::DEFAULT_ISSUER);
    assert_eq!(
        client.client_id,
        "2477148-0-7475b8d2-4e12-11e8-a957-b31afd7671b2"
    );
    assert_eq!(client.auth_method, AuthMethod::None);
    assert!(client.client_secret.is_none());
    let session = got.auth.session().unwrap();
    // Obtained when issued (`iat`), so `expires_in` counts from then.
    assert_eq!(session.obtained_at, 1_525_271_841);
    assert_eq!(session.expires_in, Some(300));
    // The JWT says 2018: the session reads as expired, not as fresh.
    assert_eq!(crate::expiry::access_expiry(session), Some(1_525_272_141));
    assert_eq!(
        crate::expiry::health(session, NOW, 30),
        crate::expiry::Health::LoginRequired
    );
}

#[test]
fn bearer_lines_make_bearer_only_sessions() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let jwt = fixture["access_token"].as_str().unwrap();
    let cases = [
        (format!("Authorization: Bearer {jwt}"), Some(1_525_272_141)),
        ("Bearer opaque-token-123".to_owned(), None),
    ];
    crate::testing::cases::check_all(cases, |(input, expiry)| {
        let got = parse(&input, NOW).unwrap();
        assert_eq!(got.format, Format::BearerHeader);
        assert!(got.auth.client().is_none());
        let session = got.auth.session().unwrap();
        assert_eq!(crate::expiry::access_expiry(session), expiry, "{input:.30}");
        assert_eq!(session.token_type, "Bearer");
    });
}

#[test]
fn a_token_response_with_an_opaque_access_token_has_no_client() {
    let got = parse(
        r#"{"access_token":"opaque","token_type":"Bearer","expires_in":60}"#,
        NOW,
    )
    .unwrap();
    assert!(got.auth.client().is_none());
    assert_eq!(
        crate::expiry::access_expiry(got.auth.session().unwrap()),
        Some(NOW + 60)
    );
}

#[test]
fn bad_inputs_say_what_is_wrong_without_quoting_it() {
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("   \n\t", "empty"),
        (
            "Basic !!!notbase64",
            "Basic header cannot be used: the value is not base64",
        ),
        // base64("Johntopsecret")
        (
            "Basic Sm9obnRvcHNlY3JldA==",
            "no `:` between user and password",
        ),
        // base64("Jo\x01hn:pw")
        (
            "Basic Sm8BaG46cHc=",
            "username contains a control character",
        ),
        // base64("John:top\nsecret")
        (
            "Basic Sm9objp0b3AKc2VjcmV0",
            "password contains a line break",
        ),
        // base64(":pw")
        ("Basic OnB3", "username is empty"),
        ("Basic", "no value after `Basic`"),
        ("Bearer", "no token after `Bearer`"),
        ("Authorization: Bearer ", "no token after `Bearer`"),
        ("Authorization: Bearer a b", "contains a space"),
        ("Authorization: Digest username=x", "`Digest` scheme"),
        // A bare token is not quoted as if it were a scheme.
        (
            "Authorization: secretvalue",
            "names no scheme before its credentials",
        ),
        (
            "Authorization: =secretvalue x",
            "names no scheme before its credentials",
        ),
        (
            "{\"access_token\": \"secretvalue\"",
            "not valid JSON (unexpected end",
        ),
        ("{\"token_type\": \"Bearer\"}", "`access_token` is missing"),
        (
            "{\"access_token\": \"secretvalue\", \"token_type\": \"mac\"}",
            "`token_type` is `mac`",
        ),
        ("FOO=bar\nBAR=baz\n", "it sets FOO, BAR"),
        ("SIPGATE_TOKEN_ID=token-1\n", "it sets SIPGATE_TOKEN_ID;"),
        (
            "SIPGATE_TOKEN='<sipgate_token>'\nSIPGATE_TOKEN_ID='<sipgate_token_id>'\n",
            "`SIPGATE_TOKEN_ID` in the .env file still holds the example placeholder",
        ),
        (
            "TOKEN_ID=token-1\nTOKEN='secretvalue\n",
            "line 2 of the .env file is not KEY=VALUE (a quote",
        ),
        (
            "TOKEN_ID=token-1\nsecretvalue\n",
            "line 2 of the .env file is not KEY=VALUE",
        ),
        (
            "TOKEN_ID=to:ken\nTOKEN=secretvalue\n",
            "token id contains `:`",
        ),
        ("secretvalue", "not a format `import` understands; accepted"),
        (
            "eyJhbGciOi.eyJzdWIi.c2ln",
            "bare JWT: prefix it with `Bearer `",
        ),
        (
            "Basic Sm9objp0b3BzZWNyZXQ=\nBasic Sm9objp0b3BzZWNyZXQ=",
            "must be the only line",
        ),
    ];
    crate::testing::cases::check_all(cases, |(input, want)| {
        let err = parse(input, NOW).unwrap_err().to_string();
        assert!(err.contains(want), "{input:?}: `{want}` not in `{err}`");
        for secret in ["secretvalue", "topsecret", "Sm9o"] {
            assert!(!err.contains(secret), "{input:?} leaked: {err}");
        }
    });
    assert_eq!(
        parse(&"x".repeat(MAX_INPUT + 1), NOW).unwrap_err(),
        ImportError::TooLarge
    );
}

#[test]
fn a_session_is_foreign_to_every_issuer_but_the_one_its_tokens_name() {
    let imported = parse(FIXTURE, NOW).unwrap();
    let session = imported.auth.session().unwrap();
    let sipgate = "https://login.sipgate.com/auth/realms/third-party";
    let cases = [
        (sipgate.to_owned(), None),
        (format!("{sipgate}/"), None),
        (
            "https://login.sipgate.com/auth/realms/sipgate-apps".to_owned(),
            Some(sipgate),
        ),
    ];
    crate::testing::cases::check_all(cases, |(issuer, want)| {
        assert_eq!(
            foreign_issuer(session, &issuer).as_deref(),
            want,
            "{issuer}"
        );
    });
    // An opaque token names no issuer, so it is foreign to none.
    let opaque = parse("Bearer opaque-token", NOW).unwrap();
    assert_eq!(
        foreign_issuer(opaque.auth.session().unwrap(), "https://x"),
        None
    );
}

#[test]
fn an_import_says_what_is_already_over_and_nothing_when_it_is_usable() {
    let fixture = parse(FIXTURE, NOW).unwrap();
    // Issued 2018-05-02 14:37:21, its refresh token lived 30 days.
    assert_eq!(
        stale(&fixture.auth, NOW).map(|s| s.to_string()).as_deref(),
        Some("its refresh token expired 5 y ago (2018-06-01 14:37:21 UTC): it cannot be refreshed")
    );
    // On the day it was issued, nothing is over yet.
    assert_eq!(stale(&fixture.auth, 1_525_271_900), None);
    let bearer = |exp: i64| {
        let access = crate::testing::jwt::unsigned(&serde_json::json!({"exp": exp}));
        parse(&format!("Bearer {access}"), NOW).unwrap().auth
    };
    assert_eq!(
        stale(&bearer(NOW - 90), NOW)
            .map(|s| s.to_string())
            .as_deref(),
        Some(
            "its access token expired 1 m 30 s ago (2023-11-14 22:11:50 UTC) and there is no refresh token"
        )
    );
    assert_eq!(stale(&bearer(NOW + 90), NOW), None);
    assert_eq!(
        stale(&fixture.auth, NOW).map(|s| s.short()).as_deref(),
        Some("its refresh token expired 5 y ago")
    );
    // An expired access token with a live refresh token is renewed by a
    // refresh: no warning. A PAT has no lifetime.
    let live = r#"{"access_token":"opaque","token_type":"Bearer","expires_in":60,"refresh_token":"r","refresh_expires_in":1800}"#;
    assert_eq!(stale(&parse(live, NOW).unwrap().auth, NOW + 120), None);
    assert_eq!(stale(&pat("token-A", "x"), NOW), None);
}
