//! Benchmarks for sipgate's API map: the work a probe, `curl NAME PATH`
//! and the app's endpoint views do per request.
//!
//! - `api_map/find_deep`: [`ApiMap::find`] of
//!   `GET /w0/phonelines/p0/forwardings` (a template with two parameters,
//!   the whole 179-operation scan).
//! - `api_map/find_unknown`: a path no operation has (the worst case: no
//!   early winner).
//! - `api_map/access_all_179`: [`Granted::of`] the Keycloak fixture's
//!   session (decoding its access token) and [`Operation::access`] of every
//!   operation: what an endpoint list for a session costs.
//! - `api_map/parse_facts`: parsing the compiled-in facts, once per process
//!   on first use.
//!
//! The figures quoted in the README come from `cargo bench --bench api_map`.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sipauth_tui::credential::{Auth, Credential};
use sipauth_tui::oauth::TokenResponse;
use sipauth_tui::sipgate::{Access, ApiMap, Granted};

const FIXTURE: &str = include_str!("../tests/fixtures/keycloak-token-response.json");
const FACTS: &str = include_str!("../assets/sipgate/operations.json");

fn benches(c: &mut Criterion) {
    let map = ApiMap::get();
    c.bench_function("api_map/find_deep", |b| {
        b.iter(|| black_box(map.find("GET", black_box("/w0/phonelines/p0/forwardings?x=1"))))
    });
    c.bench_function("api_map/find_unknown", |b| {
        b.iter(|| black_box(map.find("GET", black_box("/no/such/path/here"))))
    });
    let session = TokenResponse::from_json(serde_json::from_str(FIXTURE).unwrap())
        .unwrap()
        .into_session(1_525_271_841, None);
    let credential = Credential::new(
        "fx",
        "https://api.sipgate.com/v2",
        Auth::Oauth {
            client: None,
            session: Some(Box::new(session)),
        },
    )
    .unwrap();
    c.bench_function("api_map/access_all_179", |b| {
        b.iter(|| {
            let granted = Granted::of(black_box(&credential));
            black_box(
                map.operations
                    .iter()
                    .filter(|op| op.access(&granted) == Access::Yes)
                    .count(),
            )
        })
    });
    c.bench_function("api_map/parse_facts", |b| {
        b.iter(|| black_box(ApiMap::parse(black_box(FACTS)).unwrap()))
    });
}

criterion_group! {
    name = api_map;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(api_map);
