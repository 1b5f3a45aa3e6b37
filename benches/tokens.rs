//! Benchmarks for reading tokens: the work inside `sipauth-tui decode` and
//! behind every session's countdown.
//!
//! - `jwt/decode_access`: [`jwt::decode`] of the Keycloak fixture's access
//!   token (header, claims and signature segments: base64url, UTF-8, JSON).
//! - `expiry/access_and_refresh`: [`expiry::access_expiry`] and
//!   [`expiry::refresh_expiry`] of a session holding the fixture's tokens
//!   (both decode a JWT for its `exp`).
//! - `oauth/parse_token_response`: [`TokenResponse::from_json`] of the whole
//!   fixture response, JSON parse included.
//!
//! The figures quoted in the README come from `cargo bench --bench tokens`.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sipauth_tui::oauth::TokenResponse;
use sipauth_tui::{expiry, jwt};

const FIXTURE: &str = include_str!("../tests/fixtures/keycloak-token-response.json");

fn benches(c: &mut Criterion) {
    let value: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let access = value["access_token"].as_str().unwrap().to_owned();
    c.bench_function("jwt/decode_access", |b| {
        b.iter(|| black_box(jwt::decode(black_box(&access)).unwrap()))
    });
    let session = TokenResponse::from_json(value)
        .unwrap()
        .into_session(1_525_271_841, None);
    c.bench_function("expiry/access_and_refresh", |b| {
        b.iter(|| {
            black_box((
                expiry::access_expiry(black_box(&session)),
                expiry::refresh_expiry(black_box(&session)),
            ))
        })
    });
    c.bench_function("oauth/parse_token_response", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(FIXTURE)).unwrap();
            black_box(TokenResponse::from_json(v).unwrap())
        })
    });
}

criterion_group! {
    name = tokens;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(tokens);
