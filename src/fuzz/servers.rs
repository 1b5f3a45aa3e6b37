//! The targets for what servers and browsers send: a discovery document,
//! a key set, a login callback's query (and a pasted implicit redirect).

use std::sync::OnceLock;

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use super::{NOWS, assert_clean, assert_error_clean, canary};
use crate::credential::{Secret, normalize_issuer};
use crate::issuer_url::discovery_url;
use crate::jwt::verify::{self, Expect, Verdict};
use crate::oauth::{CallbackExpect, implicit, judge_query};
use crate::sandbox_keys::{sign, sign_with_kid};
use crate::testing::jwt::compact;

/// The issuer every target is configured for.
const ISSUER: &str = "https://fuzz.example/realms/r";

/// Where the key set is said to come from.
const JWKS_URI: &str = "https://fuzz.example/realms/r/certs";

/// A discovery document, as OAuth reads it for endpoints and as the JWT
/// check reads it for the key set's address.
pub fn discovery(data: &[u8]) {
    let mut issuers = vec![ISSUER.to_owned()];
    // The document's own issuer too, when a person could have configured
    // it: only then do its endpoints get read.
    if let Ok(doc) = serde_json::from_slice::<Value>(data)
        && let Some(named) = doc.get("issuer").and_then(Value::as_str)
        && named != ISSUER
        && normalize_issuer(named).as_deref() == Ok(named)
    {
        issuers.push(named.to_owned());
    }
    for issuer in &issuers {
        let Ok(url) = url::Url::parse(&discovery_url(issuer)) else {
            continue;
        };
        match crate::oauth::endpoints_from_body(issuer, &url, data) {
            Err(e) => assert_error_clean("a discovery error", &e),
            Ok(endpoints) => {
                let urls = [&endpoints.authorization, &endpoints.token];
                let optional = [
                    &endpoints.jwks,
                    &endpoints.revocation,
                    &endpoints.userinfo,
                    &endpoints.end_session,
                    &endpoints.device_authorization,
                ];
                for url in urls.into_iter().chain(optional.into_iter().flatten()) {
                    assert_clean("an endpoint", url.as_str());
                }
            }
        }
        match verify::jwks_uri_from_body(issuer, data) {
            Ok(uri) => assert_clean("a jwks_uri", &uri),
            Err(verdict) => check_verdict(&verdict),
        }
    }
}

/// A JWK set, checked against tokens signed by the sandbox's keys and
/// tokens naming other keys and algorithms.
pub fn jwks(data: &[u8]) {
    check_key_set(data, false);
    if let Some(marked) = canary::unmarked(data).and_then(canary::json_secrets) {
        check_key_set(marked.as_bytes(), true);
    }
}

fn check_key_set(data: &[u8], marked: bool) {
    let check = |verdict: &Verdict| {
        check_verdict(verdict);
        if marked {
            for now in NOWS {
                canary::assert_absent("a verdict", &verdict.describe(now));
            }
        }
    };
    let set = match verify::key_set_from_body(ISSUER, JWKS_URI, data, NOWS[0]) {
        Ok(set) => set,
        Err(verdict) => return check(&verdict),
    };
    // One token per input, picked by its length: every token is reached,
    // and an input costs one signature check at most.
    let all = tokens();
    let token = &all[data.len() % all.len()];
    let expects = [
        Expect::default(),
        Expect {
            issuer: Some(ISSUER.into()),
            audience: Some("account".into()),
        },
    ];
    for expect in &expects {
        match verify::verify_with(token, expect, &set) {
            Ok(verdict) => check(&verdict),
            Err(e) => assert_error_clean("a verify error", &e),
        }
    }
}

/// Every line a verdict is shown as, at every clock.
fn check_verdict(verdict: &Verdict) {
    for now in NOWS {
        assert_clean("a verdict", &verdict.describe(now));
    }
}

/// The tokens a key set is tried with: the sandbox's three keys, a kid no
/// set names, no kid at all, and algorithms it has no key for.
fn tokens() -> &'static [String] {
    static TOKENS: OnceLock<Vec<String>> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let claims = json!({"iss": ISSUER, "aud": "account", "exp": 1_700_000_600});
        let dummy = |header: Value| compact(&header, &claims, "c2ln");
        vec![
            sign(Algorithm::RS256, &claims),
            sign(Algorithm::PS256, &claims),
            sign(Algorithm::ES256, &claims),
            sign_with_kid(Algorithm::RS256, "rotated-away", &claims),
            dummy(json!({"alg": "RS256"})),
            dummy(json!({"alg": "EdDSA", "kid": "ed"})),
            dummy(json!({"alg": "ES384", "kid": "sandbox-es256"})),
            dummy(json!({"alg": "RS512", "kid": "sandbox-rs256"})),
        ]
    })
}

/// The query of a request to the login listener, and the same text pasted
/// as an implicit-flow redirect.
pub fn callback_query(data: &[u8]) {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    for expect in expectations("the-state") {
        check_callback(query, &expect, false);
    }
    check_redirect(query, "the-state", false);
    let Some(text) = canary::unmarked(data) else {
        return;
    };
    if let Some((marked, state)) = canary::query_secrets(text) {
        let state = state.unwrap_or_else(|| "the-state".into());
        for expect in expectations(&state) {
            check_callback(&marked, &expect, true);
        }
        check_redirect(&marked, &state, true);
    }
}

/// Every combination of what a listener may expect, for `state`.
fn expectations(state: &str) -> Vec<CallbackExpect> {
    let mut all = Vec::new();
    for issuer in [None, Some(ISSUER.to_owned())] {
        for (iss_required, exact_issuer) in [(false, true), (true, true), (false, false)] {
            all.push(CallbackExpect {
                state: Secret::new(state.to_owned()),
                issuer: issuer.clone(),
                iss_required,
                exact_issuer,
            });
        }
    }
    all
}

fn check_callback(query: &str, expect: &CallbackExpect, marked: bool) {
    if let Some(Err(e)) = judge_query(query, expect) {
        assert_error_clean("a callback error", &e);
        if marked {
            canary::assert_absent("a callback error", &e.to_string());
        }
    }
}

fn check_redirect(text: &str, state: &str, marked: bool) {
    for (issuer, required) in [(ISSUER, false), (ISSUER, true)] {
        for nonce in ["", "the-nonce"] {
            match implicit::parse_redirect(text, state, nonce, issuer, required) {
                Err(e) => {
                    assert_error_clean("a redirect error", &e);
                    if marked {
                        canary::assert_absent("a redirect error", &e.to_string());
                    }
                }
                Ok(response) => {
                    for text in [&response.scope, &response.session_state]
                        .into_iter()
                        .flatten()
                    {
                        assert_clean("a redirect's token field", text);
                    }
                }
            }
        }
    }
}
