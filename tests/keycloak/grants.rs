//! The grants besides the code flow, each positively against Keycloak:
//! password, client credentials (form and Basic), device authorization
//! (approved on Keycloak's device page by the test user) and implicit (the
//! redirect address pasted back); and the wrong inputs Keycloak refuses.

use crate::browser::{Browser, Outcome, page_text};
use crate::cli::{Env, Method, assert_no_secrets, text};
use crate::server::{CONFIDENTIAL, DEVICE, PUBLIC, SERVICE, USER, claims, keycloak};

const REALM: &str = "third-party";

#[test]
fn password_grant_logs_in_and_a_wrong_password_is_refused() {
    for (client, method) in [(CONFIDENTIAL, Method::Post), (PUBLIC, Method::None)] {
        let env = Env::new();
        env.add_client("p", REALM, client, method, "openid account:read");
        let err = env.password_login("p", USER);
        assert!(err.contains("logged in `p`"), "{err}");
        assert_no_secrets(&err, &[USER.1]);
        let access = claims(&env.token("p", "access_token").unwrap());
        assert_eq!(
            access["realm_access"]["roles"],
            serde_json::json!(["account:read"])
        );
        assert_eq!(access["azp"], client.id);

        let out = env.login("p", "password", "john\nwrong-password\n");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("invalid_grant (Invalid user credentials)"),
            "{err}"
        );
        assert_no_secrets(&err, &["wrong-password"]);
    }
}

#[test]
fn client_credentials_authenticate_by_post_and_by_basic() {
    for method in [Method::Post, Method::Basic] {
        let env = Env::new();
        env.add_client("svc", REALM, SERVICE, method, "balance:read");
        let out = env.login("svc", "client-credentials", "");
        let err = text(&out.stderr);
        assert!(out.status.success(), "{method:?}: {err}");
        assert!(err.contains("refresh token: none"), "{err}");
        assert_no_secrets(&err, &[SERVICE.secret.unwrap()]);
        let session = env.session("svc");
        assert_eq!(session["refresh_token"], serde_json::Value::Null);
        let access = claims(session["access_token"].as_str().unwrap());
        assert_eq!(access["client_id"], SERVICE.id);
        assert_eq!(access["preferred_username"], "service-account-kc-service");
        assert_eq!(
            access["realm_access"]["roles"],
            serde_json::json!(["balance:read"])
        );
    }
    // A client without a service account is refused by Keycloak.
    let env = Env::new();
    env.add_client("nope", REALM, CONFIDENTIAL, Method::Post, "");
    let out = env.login("nope", "client-credentials", "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("unauthorized_client"), "{err}");
}

#[test]
fn device_grant_is_approved_on_keycloaks_device_page() {
    device_login(DEVICE);
}

/// Keycloak demands PKCE on the device authorization request of a client
/// that requires PKCE; the tool sends a challenge there and the verifier
/// with each poll.
#[test]
fn device_grant_works_for_a_client_that_requires_pkce() {
    device_login(PUBLIC);
}

fn device_login(client: crate::server::Client) {
    let env = Env::new();
    env.add_client("dev", REALM, client, Method::None, "openid balance:read");
    let mut login = env.spawn_login("dev", &["--grant", "device"]);
    let code = login.after("user code:");
    let complete = login.after("complete address:");
    assert!(
        complete.starts_with(&keycloak().issuer(REALM)),
        "{complete}"
    );
    let mut browser = Browser::new(USER);
    browser
        .extra
        .push(("device_user_code".into(), code.clone()));
    match browser.visit(&complete) {
        Outcome::Page(200, page) => {
            let shown = page_text(&page);
            assert!(shown.contains("Device Login Successful"), "{shown}");
        }
        other => panic!("the device page ended with {other:?}"),
    }
    let (status, err) = login.finish();
    assert!(status.success(), "{err}");
    assert!(
        err.contains("logged in `dev` with the device grant"),
        "{err}"
    );
    assert_no_secrets(&err, &[USER.1]);
    let access = claims(&env.token("dev", "access_token").unwrap());
    assert_eq!(
        access["realm_access"]["roles"],
        serde_json::json!(["balance:read"])
    );
    assert!(env.token("dev", "refresh_token").is_some());
}

#[test]
fn implicit_grant_takes_the_token_from_the_pasted_redirect() {
    // (scope, whether the URL carries a nonce)
    for (scope, nonce) in [("openid balance:read", true), ("balance:read", false)] {
        let env = Env::new();
        env.add_client("imp", REALM, PUBLIC, Method::None, scope);
        let mut login = env.spawn_login("imp", &["--grant", "implicit"]);
        let url = login.line_with("response_type=token");
        assert_eq!(url.contains("nonce="), nonce, "{url}");
        let redirect = Browser::new(USER).authorize(&url);
        let fragment = url::Url::parse(&redirect)
            .unwrap()
            .fragment()
            .unwrap()
            .to_owned();
        let param = |key: &str| {
            url::form_urlencoded::parse(fragment.as_bytes())
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        assert!(param("access_token").is_some(), "no token in the fragment");
        assert_eq!(param("iss"), Some(keycloak().issuer(REALM)), "RFC 9207");
        login.answer(&format!("{redirect}\n"));
        let (status, err) = login.finish();
        assert!(status.success(), "{scope}: {err}");
        assert!(
            err.contains("logged in `imp` with the implicit grant"),
            "{err}"
        );
        assert_no_secrets(&err, &[]);
        let access = claims(&env.token("imp", "access_token").unwrap());
        assert_eq!(
            access["realm_access"]["roles"],
            serde_json::json!(["balance:read"])
        );
    }
}
