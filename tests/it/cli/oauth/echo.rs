//! Endpoints that echo the request: the sandbox's `Echo` fault answers every
//! token, revocation and device request with an `error_description` that
//! repeats the whole form (as sent and decoded) and the Authorization header
//! (as sent and decoded), and `/v2/__echo` sends a probe's header back.
//! Whatever the binary prints (stderr, stdout) and logs carries none of the
//! secrets it sent, in any spelling, and says `[REDACTED]` where they were.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sipauth_tui::sandbox::realm::{
    CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_POST_SECRET, CLIENT_SERVICE_SECRET, TokenFault,
};
use sipauth_tui::sandbox::{BackgroundSandbox, SAMPLE_TOKEN, SAMPLE_TOKEN_ID};

use crate::support::{CLIENTS, Env, Realm, browse, check_all, stderr, stdout};

/// A password with every character an encoder changes.
const PASSWORD: &str = "pa ss+w%rd/&=é";

/// Every spelling of `secret` an echoing server might use.
fn spellings(secret: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = form.replace('+', "%20");
    let lower = percent.to_lowercase();
    vec![secret.to_owned(), form, percent, lower]
}

/// The base64 forms of a Basic pair: form-encoded (RFC 6749) and raw.
fn basic_spellings(id: &str, secret: &str) -> Vec<String> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let mut out = spellings(secret);
    for pair in [
        format!("{}:{}", enc(id), enc(secret)),
        format!("{id}:{secret}"),
    ] {
        out.push(STANDARD.encode(pair).trim_end_matches('=').to_owned());
    }
    out
}

/// Asserts that `text` shows none of `secrets` and that something was
/// struck.
fn assert_struck(label: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{label}: leaked `{secret}` in {text}"
        );
    }
    assert!(
        text.contains("[REDACTED]"),
        "{label}: nothing struck in {text}"
    );
}

/// The log file a run writes with `SIPAUTH_LOG=trace`.
fn logged(env: &Env) -> String {
    std::fs::read_to_string(env.dir.path().join("trace.log")).unwrap_or_default()
}

/// The binary with tracing on, logging to `trace.log` in the test's dir.
fn traced(env: &Env) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.env("SIPAUTH_LOG", "trace")
        .env("SIPAUTH_LOG_FILE", env.dir.path().join("trace.log"))
        .env("SIPAUTH_HTTP_TIMEOUT", "5");
    cmd
}

#[test]
fn an_echoed_code_exchange_shows_no_code_verifier_or_client_secret() {
    let realm = Realm::new();
    check_all([CLIENTS[0], CLIENTS[1]], |client| {
        let name = format!("c-{}", client.0.replace(':', "-"));
        realm.add_client(&name, client);
        realm.sandbox.set_token_fault(None);
        let login = realm.start_login(&name, &[]);
        let location = login.authorize("");
        let code = url::Url::parse(&location)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        realm.sandbox.set_token_fault(Some(TokenFault::Echo));
        let (_, _, page) = browse(&location);
        let (exit, err) = login.finish();
        assert_eq!(exit.code(), Some(1), "{err}");
        let mut secrets = spellings(&code);
        secrets.extend(basic_spellings(client.0, client.1.unwrap()));
        assert_struck(client.0, &err, &secrets);
        assert!(
            err.contains("code_verifier=[REDACTED]") && err.contains("code=[REDACTED]"),
            "{err}"
        );
        for secret in &secrets {
            assert!(
                !page.contains(secret.as_str()),
                "page leaked `{secret}`: {page}"
            );
        }
    });
}

#[test]
fn an_echoed_refresh_and_revocation_show_no_token() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    realm.login("w");
    let session = realm.session("w");
    let refresh = session.refresh_token.as_ref().unwrap().expose().to_owned();
    let mut secrets = spellings(&refresh);
    secrets.extend(spellings(CLIENT_POST_SECRET));
    realm.sandbox.set_token_fault(Some(TokenFault::Echo));

    let out = traced(&realm.env).args(["refresh", "w"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_struck("refresh", &stderr(&out), &secrets);
    assert!(
        stderr(&out).contains("refresh_token=[REDACTED]"),
        "{}",
        stderr(&out)
    );

    let out = traced(&realm.env).args(["remove", "w"]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("invalid_request"), "{err}");
    assert_struck("revocation", &err, &secrets);
    assert!(err.contains("token=[REDACTED]"), "{err}");
    let log = logged(&realm.env);
    assert!(log.contains("endpoint answered with an error"), "{log}");
    assert_struck("log", &log, &secrets);
}

#[test]
fn echoed_direct_grants_show_no_password_or_client_secret() {
    let (sandbox, env) = crate::support::oauth::client_credentials_sandbox();
    sandbox.set_token_fault(Some(TokenFault::Echo));
    let password = format!("John\n{PASSWORD}\n");
    let cases = [
        (
            "svc",
            "client-credentials",
            "",
            spellings(CLIENT_SERVICE_SECRET),
        ),
        (
            "bas",
            "client-credentials",
            "",
            basic_spellings(CLIENT_BASIC, CLIENT_BASIC_SECRET),
        ),
        ("svc", "password", password.as_str(), spellings(PASSWORD)),
        ("bas", "password", password.as_str(), spellings(PASSWORD)),
        (
            "bas",
            "device",
            "",
            basic_spellings(CLIENT_BASIC, CLIENT_BASIC_SECRET),
        ),
    ];
    check_all(cases, |(name, grant, stdin, mut secrets)| {
        let label = format!("{name} {grant}");
        if name == "svc" {
            secrets.extend(spellings(CLIENT_SERVICE_SECRET));
        } else {
            secrets.extend(basic_spellings(CLIENT_BASIC, CLIENT_BASIC_SECRET));
        }
        let out = traced(&env)
            .args(["login", name, "--grant", grant, "--no-browser"])
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{label}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("invalid_request"),
            "{label}: {}",
            stderr(&out)
        );
        assert_struck(&label, &stderr(&out), &secrets);
        assert!(!stdout(&out).contains("s3cr"), "{label}: {}", stdout(&out));
        let log = logged(&env);
        for secret in &secrets {
            assert!(
                !log.contains(secret.as_str()),
                "{label}: log leaked `{secret}`"
            );
        }
    });
}

#[test]
fn a_probed_api_that_echoes_the_header_shows_no_credential() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("p", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    let pair = STANDARD.encode(format!("{SAMPLE_TOKEN_ID}:{SAMPLE_TOKEN}"));
    let secrets = vec![SAMPLE_TOKEN.to_owned(), pair];
    for json in [false, true] {
        let mut cmd = env.cmd();
        cmd.args(["probe", "p", "--path", "/__echo"]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let shown = format!("{}{}", stdout(&out), stderr(&out));
        assert_struck("probe", &shown, &secrets);
        // The token id is no secret.
        assert!(shown.contains(SAMPLE_TOKEN_ID), "{shown}");
    }
}
