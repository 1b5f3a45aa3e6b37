//! Token-endpoint unit tests: reading token responses strictly, client
//! authentication, and what a refresh keeps.

use super::*;
use serde_json::json;

fn parse(v: Value) -> Result<TokenResponse, String> {
    TokenResponse::from_json(v)
}

#[test]
fn the_keycloak_fixture_is_a_good_response() {
    let v: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/keycloak-token-response.json"
    ))
    .unwrap();
    let r = parse(v).unwrap();
    assert_eq!(r.expires_in, Some(300));
    assert_eq!(r.refresh_expires_in, Some(2_592_000));
    assert_eq!(
        r.session_state.as_deref(),
        Some("32c512d5-ccf2-4103-9555-a85d924f7d52")
    );
    assert!(r.id_token.is_some() && r.refresh_token.is_some());
}

#[test]
fn malformed_fields_are_named() {
    let cases = [
        (json!({}), "`access_token` is missing"),
        (json!([]), "not an object"),
        (
            json!({"error": "invalid_grant"}),
            "an OAuth error (`invalid_grant`) with status 200",
        ),
        (json!({"access_token": 5}), "`access_token` is a number"),
        (json!({"access_token": ""}), "`access_token` is empty"),
        (json!({"access_token": "a b"}), "spaces"),
        (
            json!({"access_token": "a", "token_type": "mac"}),
            "`token_type` is `mac`",
        ),
        (json!({"access_token": "a", "expires_in": -1}), "negative"),
        (
            json!({"access_token": "a", "expires_in": "300"}),
            "a string, not a number",
        ),
        (
            json!({"access_token": "a", "expires_in": 1e20}),
            "more than ten years",
        ),
        (
            json!({"access_token": "a", "expires_in": 299.5}),
            "not a whole number",
        ),
        (
            json!({"access_token": "a", "expires_in": 400_000_000}),
            "ten years",
        ),
        (
            json!({"access_token": "a", "refresh_token": ["x"]}),
            "`refresh_token` is an array",
        ),
    ];
    crate::testing::cases::check_all(cases, |(body, want)| {
        let err = parse(body.clone()).unwrap_err();
        assert!(err.contains(want), "{body}: {err}");
    });
    let ok =
        parse(json!({"access_token": "a", "token_type": "bearer", "scope": ["x", "y"]})).unwrap();
    assert_eq!(ok.scope.as_deref(), Some("x y"));
    assert_eq!(ok.expires_in, None);
}

#[test]
fn basic_client_auth_form_encodes_both_halves() {
    // base64("a%3Ab:s%2F%2B%26") computed independently.
    let got = client_basic("a:b", &Secret::new("s/+&".into()));
    assert_eq!(got.expose(), "Basic YSUzQWI6cyUyRiUyQiUyNg==");
}

#[test]
fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    let first =
        parse(json!({"access_token": "a1", "refresh_token": "r1", "refresh_expires_in": 100}))
            .unwrap()
            .into_session(1_000, None);
    let second = parse(json!({"access_token": "a2", "expires_in": 300}))
        .unwrap()
        .into_session(1_040, Some(&first));
    assert_eq!(second.refresh_token.as_ref().unwrap().expose(), "r1");
    assert_eq!(second.refresh_expires_in, Some(60));
    assert_eq!(second.access_token.expose(), "a2");
    // An offline token (0: no deadline) keeps having none.
    let offline =
        parse(json!({"access_token": "a1", "refresh_token": "r1", "refresh_expires_in": 0}))
            .unwrap()
            .into_session(1_000, None);
    let later = parse(json!({"access_token": "a2", "expires_in": 300}))
        .unwrap()
        .into_session(90_000, Some(&offline));
    assert_eq!(later.refresh_expires_in, Some(0));
    assert_eq!(
        crate::expiry::refresh_expiry(&later),
        crate::expiry::Refresh::Never
    );
}
