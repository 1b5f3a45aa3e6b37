//! The implicit grant: the test plays the browser and pastes the redirect.

use std::io::Write;

use jsonwebtoken::Algorithm;
use serde_json::json;
use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::CLIENT_PUBLIC;
use sipauth_tui::sandbox_keys as keys;

use super::{assert_no_secrets, finish, read_until, spawn_login};
use crate::support::{Env, check_all};

/// Plays the browser: GETs the URL without following the redirect.
fn location(url: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = http.get(url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 302, "{url}");
        response.headers()["location"].to_str().unwrap().to_owned()
    })
}

#[test]
fn implicit_grant_takes_the_token_from_the_pasted_redirect_and_checks_state() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "imp", CLIENT_PUBLIC, None);
    type Paste = fn(String) -> String;
    let cases: [(&str, Paste, &str, bool); 3] = [
        (
            "",
            |loc| loc,
            "logged in `imp` with the implicit grant",
            true,
        ),
        (
            "",
            |loc| loc.replace("state=", "state=forged"),
            "`state` is not this login's",
            false,
        ),
        (
            "&sandbox_deny=1",
            |loc| loc,
            "refused: access_denied",
            false,
        ),
    ];
    check_all(cases, |(suffix, paste, needle, ok)| {
        let (mut child, mut reader) = spawn_login(&env, "imp", "implicit", &[]);
        let mut seen = String::new();
        let url = read_until(&mut reader, &mut seen, "http");
        let url = format!("http{url}{suffix}");
        assert!(
            url.contains("response_type=token") && url.contains("nonce="),
            "{url}"
        );
        let redirect = location(&url);
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{}", paste(redirect)).unwrap();
        drop(stdin);
        let (success, err) = finish(child, reader, seen);
        assert_eq!(success, ok, "{err}");
        assert!(err.contains(needle), "`{needle}` not in {err}");
        assert!(err.contains("RFC 9700"), "{err}");
        assert_no_secrets(&err, &[]);
        assert!(env.session_json("imp").is_object(), "{err}");
    });
    env.cmd().args(["probe", "imp"]).assert().success();
}

#[test]
fn implicit_grant_refuses_an_id_token_with_a_foreign_nonce_and_stores_nothing() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "imp", CLIENT_PUBLIC, None);
    let before = std::fs::read(&env.store).unwrap();
    let (mut child, mut reader) = spawn_login(&env, "imp", "implicit", &[]);
    let mut seen = String::new();
    let url = format!("http{}", read_until(&mut reader, &mut seen, "http"));
    // A genuinely signed id token, minted for another login.
    let claims = json!({"iss": sandbox.issuer_url(), "nonce": "someone-elses-nonce"});
    let id_token = keys::sign(Algorithm::RS256, &claims);
    let redirect = format!("{}&id_token={id_token}", location(&url));
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{redirect}").unwrap();
    drop(stdin);
    let (success, err) = finish(child, reader, seen);
    assert!(!success, "{err}");
    assert!(err.contains("nonce does not match"), "{err}");
    assert_no_secrets(&err, &[]);
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
}
