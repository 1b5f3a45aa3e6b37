//! The bodies of the fuzz targets (`tests/fuzz/`) and the invariants they
//! check; not product API.
//!
//! Each function takes the fuzzer's bytes, feeds them to one of the parsers
//! that read hostile input, and panics when an invariant breaks: a parser
//! panics (overflow checks are on in the fuzz build), a message meant for a
//! person holds a control character other than newline and tab or a bidi or
//! invisible format character, or it repeats a secret of the input. The
//! fuzz targets are one-line calls of these, and the integration test
//! `core::fuzz_corpus` runs every committed corpus file through the same
//! functions, so CI checks the corpus without a fuzzer.
//!
//! Secrets are found by canaries rather than guessed: after the raw run,
//! every secret slot of the input (a token field, a password, a `.env`
//! value, a `code` or `state`) is rewritten to hold [`CANARY`] and the
//! parser runs again; no message may then contain it. A canary is no word
//! of any message, so a message that merely shares text with the input is
//! never taken for a leak. Inputs that already hold the canary's marker skip
//! that second run. Time and memory are bounded by the fuzzer
//! (`-timeout`, `-rss_limit_mb`; see `.ci/fuzz`), not here: the project
//! keeps timing out of its tests.
//!
//! A leaf above the whole core: nothing imports it.

use std::error::Error;
use std::path::Path;

use serde_json::Value;

use crate::credential::{Auth, Credential, DEFAULT_API};
use crate::expiry;
use crate::import;
use crate::jwt::{self, claims, input};
use crate::oauth::TokenResponse;
use crate::oauth::device::DeviceAuthorization;
use crate::store::{self, StoreData};
use crate::tui::config::Config;

mod canary;
mod servers;

pub use canary::CANARY;
pub use servers::{callback_query, discovery, jwks};

/// The clocks every target tries: a real one and both ends of `i64`.
const NOWS: [i64; 3] = [1_700_000_000, i64::MIN, i64::MAX];

/// Whether `c` may not appear in text shown to a person: C0 and C1
/// controls and DEL (newline and tab aside), and the bidi and invisible
/// format characters (U+061C, U+200B–U+200F, U+202A–U+202E, U+2066–U+2069,
/// U+FEFF) that make text read differently than it is.
pub fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Panics when `text`, shown to a person as `what`, holds a forbidden
/// character (the text is quoted escaped, never raw).
pub fn assert_clean(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| forbidden(c)) {
        panic!("{what} holds the forbidden character {c:?}: {text:?}");
    }
}

/// Checks an error's message and the message of every cause under it.
pub fn assert_error_clean(what: &str, error: &dyn Error) {
    let mut current = Some(error);
    while let Some(e) = current {
        assert_clean(what, &e.to_string());
        current = e.source();
    }
}

/// Every string and key of a JSON document shown to a person.
fn assert_json_clean(what: &str, value: &Value) {
    match value {
        Value::String(s) => assert_clean(what, s),
        Value::Array(items) => items.iter().for_each(|v| assert_json_clean(what, v)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            assert_clean(what, k);
            assert_json_clean(what, v);
        }),
        _ => {}
    }
}

/// Pasted input for `decode`: a JWT, a header line, a token response.
pub fn jwt_decode(data: &[u8]) {
    let Some(tokens) = pasted_tokens(data) else {
        return;
    };
    for token in &tokens {
        decode_token(token);
    }
    let Some(text) = canary::unmarked(data) else {
        return;
    };
    match input::parse(text) {
        Ok(input::Pasted::Token(token)) => decode_token_secretly(&token),
        Ok(input::Pasted::Response(_)) => {
            if let Some(marked) = canary::json_secrets(text) {
                match input::parse(&marked) {
                    Err(e) => canary::assert_absent("a pasted-input error", &e.to_string()),
                    Ok(input::Pasted::Response(tokens)) => {
                        tokens.iter().for_each(|(_, t)| decode_token_secretly(t))
                    }
                    Ok(input::Pasted::Token(t)) => decode_token_secretly(&t),
                }
            }
        }
        Err(_) => {}
    }
}

/// The tokens of pasted bytes, after checking the error when there are none.
fn pasted_tokens(data: &[u8]) -> Option<Vec<String>> {
    match input::parse_bytes(data) {
        Ok(input::Pasted::Token(token)) => Some(vec![token]),
        Ok(input::Pasted::Response(tokens)) => Some(tokens.into_iter().map(|(_, t)| t).collect()),
        Err(e) => {
            assert_error_clean("a pasted-input error", &e);
            None
        }
    }
}

/// Decodes one token and checks everything shown of it.
fn decode_token(token: &str) {
    if let Err(e) = input::decode_member(token) {
        assert_error_clean("a token-member error", &e);
    }
    match jwt::decode(token) {
        Err(e) => assert_error_clean("a decode error", &e),
        Ok(jwt) => {
            for now in NOWS {
                let view = claims::view(&jwt, now);
                for field in view.header.iter().chain(&view.claims) {
                    assert_clean("a claim name", &field.name);
                    assert_clean("a claim value", &field.value);
                }
                for time in claims::times(&jwt) {
                    assert_clean("a time claim", &time.describe(now));
                }
                assert_json_clean("the JSON view", &claims::to_json(&jwt, now));
            }
        }
    }
}

/// Decodes a token with canaries in it: no error may repeat them.
fn decode_token_secretly(token: &str) {
    let marked = canary::token(token);
    if let Err(e) = input::decode_member(&marked) {
        canary::assert_absent("a token-member error", &e.to_string());
    }
    if let Err(e) = jwt::decode(&marked) {
        canary::assert_absent("a decode error", &e.to_string());
    }
}

/// A token endpoint's (or device endpoint's) JSON answer, as a 2xx body
/// and as an error body.
pub fn token_response(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    check_token_json(value.clone(), false);
    for status in [200, 400] {
        let answer = crate::oauth::Answer {
            status,
            content_type: Some("application/json".into()),
            body: zeroize::Zeroizing::new(data.to_vec()),
            redactor: crate::redact::Redactor::default(),
            date: None,
        };
        assert_error_clean("an OAuth error", &answer.into_error("token request"));
    }
    let marked = canary::unmarked(data).and_then(canary::json_secrets);
    if let Some(value) = marked.and_then(|m| serde_json::from_str::<Value>(&m).ok()) {
        check_token_json(value, true);
    }
}

/// Checks a token response and a device authorization response read from
/// `value`; with `marked`, that no error repeats a canary.
fn check_token_json(value: Value, marked: bool) {
    let check = |what: &str, message: &str| {
        assert_clean(what, message);
        if marked {
            canary::assert_absent(what, message);
        }
    };
    if let Err(e) = DeviceAuthorization::from_json(&value) {
        check("a device-response error", &e);
    }
    match TokenResponse::from_json(value) {
        Err(e) => check("a token-response error", &e),
        Ok(response) if !marked => {
            assert_clean("token_type", &response.token_type);
            for text in [&response.scope, &response.session_state]
                .into_iter()
                .flatten()
            {
                assert_clean("a token-response field", text);
            }
            for now in NOWS {
                let session = response.clone().into_session(now, None);
                exercise_session(&session);
                // A refresh that keeps the old refresh token keeps its deadline.
                let _ = response
                    .clone()
                    .into_session(now.wrapping_neg(), Some(&session));
            }
        }
        Ok(_) => {}
    }
}

/// Lifetimes of a session at every clock: none may overflow.
fn exercise_session(session: &crate::credential::Session) {
    let access = expiry::access_expiry(session);
    let refresh = expiry::refresh_expiry(session);
    for now in NOWS {
        for margin in [0, 60, i64::MAX, i64::MIN] {
            let _ = expiry::classify(session, access, refresh, now, margin);
            let _ = expiry::due_at(session, access, refresh, now, margin);
        }
        if let Some(at) = access {
            assert_clean(
                "a relative time",
                &crate::time_text::relative(at, now, true),
            );
        }
    }
}

/// Text given to `import`, in every accepted format.
pub fn import_detect(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for now in NOWS {
        match import::parse(text, now) {
            Err(e) => assert_error_clean("an import error", &e),
            Ok(imported) => {
                assert_clean("an import format", imported.format.label());
                // What import accepts, the store accepts back.
                let credential = Credential::new("imported", DEFAULT_API, imported.auth)
                    .unwrap_or_else(|e| panic!("an import the store refuses: {e}"));
                check_credential_text(&credential);
                round_trip(StoreData {
                    credentials: vec![credential],
                    ..StoreData::empty()
                });
            }
        }
    }
    if let Some(marked) = canary::unmarked(data).and_then(canary::import_secrets) {
        for now in NOWS {
            if let Err(e) = import::parse(&marked, now) {
                canary::assert_absent("an import error", &e.to_string());
            }
        }
    }
}

/// Store file bytes.
pub fn store_parse(data: &[u8]) {
    let path = Path::new("/fuzz/store.json");
    match store::parse(path, data) {
        Err(e) => assert_error_clean("a store error", &e),
        Ok(parsed) => {
            for credential in &parsed.credentials {
                check_credential_text(credential);
                if let Some(session) = credential.auth.session() {
                    exercise_session(session);
                }
                let _ = crate::header::curl_command(credential, "/account");
            }
            round_trip(parsed);
        }
    }
    let marked = canary::unmarked(data).and_then(canary::json_secrets);
    if let Some(marked) = marked
        && let Err(e) = store::parse(path, marked.as_bytes())
    {
        canary::assert_absent("a store error", &e.to_string());
    }
}

/// The non-secret text of a credential, which lists and views print.
fn check_credential_text(credential: &Credential) {
    let mut shown = vec![credential.name.as_str(), credential.api.as_str()];
    match &credential.auth {
        Auth::Pat { token_id: id, .. } | Auth::Basic { username: id, .. } => shown.push(id),
        Auth::Oauth { client, session } => {
            if let Some(c) = client {
                shown.extend([c.issuer.as_str(), c.client_id.as_str()]);
                shown.extend(c.scope.as_deref());
                shown.extend(c.redirect_uri.as_deref());
            }
            if let Some(s) = session {
                shown.push(&s.token_type);
                shown.extend(s.scope.as_deref());
                shown.extend(s.session_state.as_deref());
            }
        }
    }
    for text in shown {
        assert_clean("a stored value shown", text);
    }
}

/// Written out and read back, a store is what it was.
fn round_trip(data: StoreData) {
    let bytes = serde_json::to_vec_pretty(&data).expect("a store serialises");
    match store::parse(Path::new("/fuzz/store.json"), &bytes) {
        Ok(back) => assert_eq!(back, data, "a store changed in a round trip"),
        Err(e) => panic!("a store that loaded does not load back: {e}"),
    }
}

/// The app's config file.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text) {
        Err(e) => assert_clean("a config error", &e),
        Ok(config) => assert_clean("probe_path", &config.probe_path),
    }
}
