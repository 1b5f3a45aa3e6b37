//! `decode --verify` through the real binary against the in-process sandbox
//! realm over real sockets: good signatures for each algorithm, tampering,
//! unknown keys, issuer and audience checks, refused algorithms, an
//! unreachable issuer, and the on-disk key cache.

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sipauth_tui::credential::{Auth, Credential, DEFAULT_API, Secret, Session};
use sipauth_tui::jwt::verify::{DiskCache, KeyCache, KeySet};
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::{LIAR_REALM, NO_DISCOVERY_REALM};
use sipauth_tui::sandbox_keys::{self as keys, KID_ES256, KID_PS256, KID_RS256};
use sipauth_tui::testing::jwt;

use crate::support::{Env, check_all, stderr, stdout};

/// A future expiry, far enough not to matter.
const LATER: i64 = 4_000_000_000;

fn claims(iss: &str, extra: Value) -> Value {
    let mut claims =
        json!({"iss": iss, "sub": "user-1", "aud": "account", "exp": LATER, "iat": 1_700_000_000});
    if let (Some(c), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        c.extend(extra);
    }
    claims
}

fn cache_home(env: &Env) -> PathBuf {
    env.dir.path().join("cache")
}

/// Runs `decode --verify ARGS` with the token on stdin; (exit code, stdout, stderr).
fn verify(env: &Env, token: &str, args: &[&str]) -> (i32, String, String) {
    let out = env
        .cmd()
        .args(["decode", "--verify"])
        .args(args)
        .env("XDG_CACHE_HOME", cache_home(env))
        .env("SIPAUTH_HTTP_TIMEOUT", "5")
        .write_stdin(token)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    (code, stdout(&out), stderr(&out))
}

fn segments(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

#[test]
fn tokens_signed_by_the_realm_verify_for_each_algorithm() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.issuer_url();
    let env = Env::new();
    let cases = [
        (Algorithm::RS256, KID_RS256),
        (Algorithm::PS256, KID_PS256),
        (Algorithm::ES256, KID_ES256),
    ];
    check_all(cases, |(alg, kid)| {
        let token = keys::sign(alg, &claims(&iss, json!({})));
        let (code, out, err) = verify(&env, &token, &[]);
        assert_eq!(code, 0, "{alg:?}: {err}");
        let want = format!("verified ({alg:?}, key {kid} of {iss}); expires in ");
        assert!(out.contains(&want), "{alg:?}: {out}");
        assert!(err.is_empty(), "{alg:?}: {err}");
    });
    // No kid: the one key that fits the algorithm is used.
    let ec =
        EncodingKey::from_ec_pem(include_bytes!("../../../assets/sandbox/realm-ec.pem")).unwrap();
    let no_kid = jsonwebtoken::encode(
        &Header::new(Algorithm::ES256),
        &claims(&iss, json!({})),
        &ec,
    )
    .unwrap();
    let (code, out, err) = verify(&env, &no_kid, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("verified (ES256, key sandbox-es256 of"),
        "{out}"
    );
    let expired = keys::sign(
        Algorithm::RS256,
        &claims(&iss, json!({"exp": 1_525_272_141})),
    );
    let (code, out, _) = verify(&env, &expired, &["--json"]);
    assert_eq!(code, 0, "an expired token still verifies");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["verification"]["outcome"], "verified");
    let message = doc["verification"]["message"].as_str().unwrap();
    assert!(
        message.contains("; expired ") && message.ends_with(" y ago"),
        "{message}"
    );
}

#[test]
fn every_way_of_not_verifying_exits_1_with_its_own_line() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.issuer_url();
    let good = keys::sign(Algorithm::RS256, &claims(&iss, json!({})));
    let seg = segments(&good);
    let forged = jwt::segment(claims(&iss, json!({"sub": "admin"})).to_string());
    let mut sig = seg[2].clone().into_bytes();
    sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
    let sig = String::from_utf8(sig).unwrap();
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let nowhere = format!("http://127.0.0.1:{closed}/auth/realms/gone");
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&iss, json!({})),
        &EncodingKey::from_secret(b"shared"),
    )
    .unwrap();
    let none = format!(
        "{}.{}.",
        jwt::segment(r#"{"alg":"none","typ":"JWT"}"#),
        seg[1]
    );
    let liar = sandbox.realm_url(LIAR_REALM);
    let other_realm = sandbox.realm_url("elsewhere");
    let refused = format!("connection refused by 127.0.0.1:{closed}");
    let cases: Vec<(&str, String, Vec<&str>, &str)> = vec![
        (
            "tampered claims",
            format!("{}.{forged}.{}", seg[0], seg[2]),
            vec![],
            "signature invalid: key sandbox-rs256 does not match",
        ),
        (
            "tampered signature",
            format!("{}.{}.{sig}", seg[0], seg[1]),
            vec![],
            "signature invalid",
        ),
        (
            "unknown kid",
            keys::sign_with_kid(Algorithm::RS256, "retired-2019", &claims(&iss, json!({}))),
            vec![],
            "key retired-2019 not found in the issuer's key set (it has: sandbox-rs256, sandbox-ps256, sandbox-es256)",
        ),
        (
            "token iss is not --issuer",
            good.clone(),
            vec!["--issuer", &other_realm],
            "issuer mismatch: the token's iss is",
        ),
        (
            "discovery lies about its issuer",
            keys::sign(Algorithm::RS256, &claims(&liar, json!({}))),
            vec![],
            "names another issuer",
        ),
        (
            "issuer unreachable",
            keys::sign(Algorithm::RS256, &claims(&nowhere, json!({}))),
            vec![],
            &refused,
        ),
        (
            "audience asked and missing",
            good.clone(),
            vec!["--audience", "sipgate-api"],
            "audience mismatch: aud is [account], expected `sipgate-api`",
        ),
        (
            "alg none",
            none,
            vec![],
            "cannot verify alg `none`: the token is unsigned",
        ),
        (
            "HS256",
            hs256,
            vec![],
            "cannot verify alg `HS256`: HMAC needs the shared secret",
        ),
    ];
    let env = Env::new();
    check_all(&cases, |(what, token, args, want)| {
        let (code, out, err) = verify(&env, token, args);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(out.contains(want), "{what}: want {want:?} in\n{out}");
        assert!(err.contains("error: not verified: "), "{what}: {err}");
        assert!(err.contains(want), "{what}: {err}");
        assert!(
            !err.contains(&seg[1]) && !err.contains(&seg[2]),
            "{what} echoed the token"
        );
    });
    let (code, _, err) = verify(&env, &good, &["--issuer", "http://idp.example/realm"]);
    assert_eq!(code, 1);
    assert!(err.contains("use https"), "{err}");
}

#[test]
fn audiences_may_be_a_string_or_an_array() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.issuer_url();
    let env = Env::new();
    for aud in [json!("sipgate-api"), json!(["account", "sipgate-api"])] {
        let token = keys::sign(Algorithm::ES256, &claims(&iss, json!({"aud": aud})));
        let (code, _, err) = verify(&env, &token, &["--audience", "sipgate-api"]);
        assert_eq!(code, 0, "{aud}: {err}");
    }
}

#[test]
fn a_realm_without_discovery_falls_back_to_keycloak_certs() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.realm_url(NO_DISCOVERY_REALM);
    let env = Env::new();
    let token = keys::sign(Algorithm::PS256, &claims(&iss, json!({})));
    let (code, out, err) = verify(&env, &token, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("verified (PS256"), "{out}");
    let paths: Vec<String> = sandbox.seen().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/auth/realms/no-discovery/.well-known/openid-configuration",
            "/auth/realms/no-discovery/protocol/openid-connect/certs"
        ]
    );
}

#[test]
fn keys_are_cached_on_disk_and_a_second_run_asks_nothing() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.issuer_url();
    let env = Env::new();
    let token = keys::sign(Algorithm::RS256, &claims(&iss, json!({})));
    assert_eq!(verify(&env, &token, &[]).0, 0);
    let after_first = sandbox.seen().len();
    assert_eq!(after_first, 2, "discovery and certs: {:?}", sandbox.seen());
    assert_eq!(verify(&env, &token, &[]).0, 0);
    assert_eq!(
        sandbox.seen().len(),
        after_first,
        "the second run used the cache"
    );

    let dir = cache_home(&env).join("sipauth-tui/jwks");
    let file = DiskCache::new(&dir).path_for(&iss);
    let mode = |p: &PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&dir), 0o700);
}

#[test]
fn a_kid_missing_from_the_cache_refetches_once_for_rotated_keys() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.issuer_url();
    let env = Env::new();
    // A fresh cache entry from before the issuer added its RSA keys.
    let jwks = keys::jwks();
    let only_ec: Vec<Value> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["kid"] == KID_ES256)
        .cloned()
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut cache = DiskCache::new(cache_home(&env).join("sipauth-tui/jwks"));
    cache
        .put(&KeySet {
            issuer: iss.clone(),
            jwks_uri: format!("{iss}/protocol/openid-connect/certs"),
            fetched_at: now,
            keys: only_ec,
        })
        .unwrap();

    let rotated = keys::sign(Algorithm::RS256, &claims(&iss, json!({})));
    let (code, out, err) = verify(&env, &rotated, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("verified (RS256"), "{out}");
    assert_eq!(sandbox.seen().len(), 2, "one refetch: {:?}", sandbox.seen());

    let unknown = keys::sign_with_kid(Algorithm::RS256, "never-existed", &claims(&iss, json!({})));
    let (code, _, err) = verify(&env, &unknown, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("key never-existed not found"), "{err}");
    assert_eq!(sandbox.seen().len(), 4, "exactly one refetch per miss");
}

#[test]
fn an_issuer_that_never_answers_times_out_after_sipauth_http_timeout() {
    // Connections complete in the kernel's backlog; nobody ever reads them.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let iss = format!("http://{}/auth/realms/mute", silent.local_addr().unwrap());
    let token = keys::sign(Algorithm::RS256, &claims(&iss, json!({})));
    let env = Env::new();
    let started = std::time::Instant::now();
    let out = env
        .cmd()
        .args(["decode", "--verify"])
        .env("XDG_CACHE_HOME", cache_home(&env))
        .env("SIPAUTH_HTTP_TIMEOUT", "1")
        .write_stdin(token)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no complete answer within 1 s"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn a_stored_session_verifies_its_access_and_id_tokens_but_not_the_refresh_token() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let iss = sandbox.issuer_url();
    let env = Env::new();
    let session = Session {
        access_token: Secret::new(keys::sign(
            Algorithm::RS256,
            &claims(&iss, json!({"typ": "Bearer"})),
        )),
        refresh_token: Some(Secret::new(keys::sign(
            Algorithm::ES256,
            &claims(&iss, json!({"typ": "Refresh"})),
        ))),
        id_token: Some(Secret::new(keys::sign(
            Algorithm::PS256,
            &claims(&iss, json!({"typ": "ID"})),
        ))),
        token_type: "Bearer".into(),
        scope: None,
        session_state: None,
        obtained_at: 1_700_000_000,
        expires_in: Some(300),
        refresh_expires_in: None,
        login_required: false,
        server_clock_offset: None,
    };
    let auth = Auth::Oauth {
        client: None,
        session: Some(Box::new(session)),
    };
    let c = Credential::new("kc", DEFAULT_API, auth).unwrap();
    crate::support::store(&env.store)
        .update(|d| d.insert(c))
        .unwrap();

    let (code, out, err) = verify(&env, "", &["--from", "kc", "--json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["access_token"]["verification"]["outcome"], "verified");
    assert_eq!(doc["id_token"]["verification"]["outcome"], "verified");
    assert_eq!(doc["refresh_token"]["claims"]["typ"], "Refresh");
    assert!(doc["refresh_token"].get("verification").is_none(), "{doc}");
}

/// A key set planted for an issuer that is not up (so the real one cannot
/// answer) and a token signed by the planter's key for it: verified
/// offline only while the cache is private; planted where someone else
/// could have written it, it is ignored and the keys are fetched again,
/// which fails.
#[test]
fn a_key_set_planted_where_others_could_write_it_is_not_trusted() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let iss = format!("http://127.0.0.1:{closed}/auth/realms/third-party");
    let forged = keys::sign(Algorithm::RS256, &claims(&iss, json!({"sub": "admin"})));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let chmod = |p: &PathBuf, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let cases = [
        ("private", 0o700, 0o600, true),
        ("world-writable directory", 0o777, 0o600, false),
        ("group-writable directory", 0o730, 0o600, false),
        ("world-writable entry", 0o700, 0o666, false),
    ];
    check_all(cases, |(what, dir_mode, file_mode, trusted)| {
        let env = Env::new();
        let dir = cache_home(&env).join("sipauth-tui/jwks");
        let mut cache = DiskCache::new(&dir);
        cache
            .put(&KeySet {
                issuer: iss.clone(),
                jwks_uri: format!("{iss}/protocol/openid-connect/certs"),
                fetched_at: now,
                keys: keys::jwks()["keys"].as_array().unwrap().clone(),
            })
            .unwrap();
        chmod(&dir, dir_mode);
        chmod(&cache.path_for(&iss), file_mode);
        let (code, out, err) = verify(&env, &forged, &[]);
        if trusted {
            assert_eq!(code, 0, "{what}: {err}");
            assert!(out.contains("verified (RS256"), "{what}: {out}");
        } else {
            assert_eq!(code, 1, "{what}: trusted the planted keys: {out}");
            assert!(!out.contains("verified (RS256"), "{what}: {out}");
            assert!(err.contains("not verified"), "{what}: {err}");
            assert!(
                err.contains(&format!("127.0.0.1:{closed}")),
                "{what}: no fetch: {err}"
            );
            let log = env.dir.path().join("debug.log");
            env.cmd()
                .args(["decode", "--verify"])
                .env("XDG_CACHE_HOME", cache_home(&env))
                .env("SIPAUTH_LOG", "debug")
                .env("SIPAUTH_LOG_FILE", &log)
                .write_stdin(forged.clone())
                .assert()
                .code(1);
            let log = std::fs::read_to_string(&log).unwrap();
            assert!(log.contains("JWKS cache entry ignored"), "{what}: {log}");
        }
    });
}
