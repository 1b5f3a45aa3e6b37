//! What the tool does with Keycloak's tokens once it has them: `decode
//! --verify` against the realm's JWKS (also after a key rotation), `remove`
//! revoking the session at Keycloak, and `probe` of a Keycloak-protected
//! resource (its userinfo endpoint) with and without what it asks for.

use crate::cli::{Env, Method, text};
use crate::server::{CONFIDENTIAL, PUBLIC, USER, claims, keycloak};

/// The `kid` of a JWT's header.
fn kid(jwt: &str) -> String {
    use base64::Engine;
    let header = jwt.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[test]
fn decode_verify_checks_keycloaks_tokens_with_its_jwks_and_follows_a_key_rotation() {
    // sipgate-apps only: the rotation must not disturb the other tests.
    let realm = "sipgate-apps";
    let env = Env::new();
    env.add_client(
        "v",
        realm,
        CONFIDENTIAL,
        Method::Basic,
        "openid history:read",
    );
    env.password_login("v", USER);
    let out = env.run(&["decode", "--from", "v", "--verify"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let access = env.token("v", "access_token").unwrap();
    // A token whose claims were changed is refused.
    let mut parts: Vec<String> = access.split('.').map(str::to_owned).collect();
    let mut forged = claims(&access);
    forged["realm_access"]["roles"] = serde_json::json!(["balance:read"]);
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged.to_string());
    let out = env.run(&["decode", "--verify", "-"], &parts.join("."));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not verified"),
        "{}",
        text(&out.stderr)
    );

    let before = kid(&access);
    keycloak().rotate_keys(realm);
    env.password_login("v", USER);
    let rotated = env.token("v", "access_token").unwrap();
    assert_ne!(kid(&rotated), before, "Keycloak signs with the new key");
    let out = env.run(&["decode", "--from", "v", "--verify"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The old token is still good: its key is still published.
    let out = env.run(&["decode", "--verify", "-"], &access);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn remove_revokes_the_session_at_keycloak() {
    for method in [Method::Post, Method::None] {
        let client = if method == Method::None {
            PUBLIC
        } else {
            CONFIDENTIAL
        };
        let env = Env::new();
        env.add_client("r", "third-party", client, method, "openid account:read");
        env.password_login("r", USER);
        let refresh = env.token("r", "refresh_token").unwrap();
        let live = keycloak().introspect("third-party", &refresh);
        assert_eq!(live["active"], true, "{live}");
        let out = env.run(&["remove", "r"], "");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let dead = keycloak().introspect("third-party", &refresh);
        assert_eq!(dead["active"], false, "{method:?}: {dead}");
        let list = env.ok(&["list", "--json"], "");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&list).unwrap(),
            serde_json::json!([])
        );
    }
}

#[test]
fn probe_of_keycloaks_userinfo_passes_with_openid_and_explains_a_refusal() {
    let realm = "third-party";
    // (scope, success, a word the explanation must hold)
    let cases = [
        ("openid account:read", true, "200"),
        ("account:read", false, "403"),
    ];
    for (scope, ok, needle) in cases {
        let env = Env::new();
        env.add_client("p", realm, CONFIDENTIAL, Method::Post, scope);
        env.password_login("p", USER);
        // The entry's API is the realm's OpenID Connect base.
        let out = env.run(&["probe", "p", "--path", "/userinfo", "--json"], "");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{scope}: {}", text(&out.stderr)));
        assert_eq!(report["ok"], ok, "{scope}: {report}");
        assert!(
            report["status"].to_string().contains(needle),
            "{scope}: {report}"
        );
        assert!(report["hint"].is_string() || ok, "{scope}: {report}");
    }
}
