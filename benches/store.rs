//! Benchmarks for the hot path of `sipauth-tui header NAME`: reading the
//! store, finding one credential and rendering its `Authorization` header.
//!
//! - `store/load_1000`: [`Store::load`] of a store file holding 1,000
//!   credentials (half PATs, half Basic logins, realistic lengths), i.e. one
//!   `read` plus the JSON parse.
//! - `header/render`: [`authorization_header`] for one credential (base64 of
//!   `id:secret` plus formatting).
//! - `store/load_and_header_1000`: load the 1,000-credential store, look one
//!   credential up with [`StoreData::get`] and render its header: everything
//!   `sipauth-tui header NAME` does apart from process start and the write to
//!   stdout.
//!
//! - `sealed/header_100`: the same on a sealed store of 100 credentials,
//!   the key already fetched (as with the kernel keyring cache): what
//!   `header` does: read, parse, open that entry's secret (AES-256-GCM),
//!   render.
//! - `sealed/decode_one`: [`sipauth_tui::jwt::decode`] of the Keycloak
//!   fixture's access token in the same run, the floor `header` is held to
//!   (at most 2×).
//! - `store/load_public_1000`: what `list` reads: the 1,000-credential
//!   store without opening a secret.
//!
//! The store is built once, outside the measured loops, in a temporary
//! directory. The figures quoted in the README come from
//! `cargo bench --bench store`.

#![allow(clippy::unwrap_used)]

#[path = "common/filler.rs"]
mod filler;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use filler::{ALNUM, filler};
use sipauth_tui::credential::{Auth, Credential, DEFAULT_API, Secret};
use sipauth_tui::header::authorization_header;
use sipauth_tui::store::{Store, StoreData, StoreError};

/// How many credentials the benchmark store holds.
const CREDENTIALS: usize = 1_000;

/// The credential looked up in the combined benchmark (a PAT, mid-file).
const LOOKUP: &str = "cred500";

/// Credential number `i`: even numbers are PATs (`token-` + 6 characters and
/// a 36-character token, like sipgate's), odd numbers Basic logins (an e-mail
/// address and a 20-character password).
fn credential(i: usize) -> Credential {
    let auth = if i.is_multiple_of(2) {
        let t = filler(i as u64, 32, ALNUM);
        Auth::Pat {
            token_id: format!(
                "token-{}",
                filler(i as u64 + 7_919, 6, ALNUM).to_uppercase()
            ),
            token: Secret::new(format!(
                "{}-{}-{}-{}-{}",
                &t[..8],
                &t[8..12],
                &t[12..16],
                &t[16..20],
                &t[20..32]
            )),
        }
    } else {
        Auth::Basic {
            username: format!(
                "user{i}.{}@example.com",
                filler(i as u64, 8, ALNUM).to_lowercase()
            ),
            password: Secret::new(filler(i as u64 + 104_729, 20, ALNUM)),
        }
    };
    Credential::new(&format!("cred{i}"), DEFAULT_API, auth).unwrap()
}

/// Writes a store with [`CREDENTIALS`] credentials through [`Store::update`]
/// (one locked, atomic write).
fn build_store(store: &Store) {
    store
        .update(|data: &mut StoreData| {
            for i in 0..CREDENTIALS {
                data.insert(credential(i))?;
            }
            Ok::<(), StoreError>(())
        })
        .unwrap();
    assert_eq!(store.load().unwrap().credentials.len(), CREDENTIALS);
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = sipauth_tui::store::Store::new(dir.path().join("store").join("store.json"))
        .with_vault(sipauth_tui::vault::test_key::vault());
    build_store(&store);

    c.bench_function("store/load_1000", |b| {
        b.iter(|| black_box(black_box(&store).load().unwrap()));
    });

    let one = credential(500);
    c.bench_function("header/render", |b| {
        b.iter(|| black_box(authorization_header(black_box(&one)).ok()));
    });

    c.bench_function("store/load_public_1000", |b| {
        b.iter(|| black_box(black_box(&store).load_public().unwrap()));
    });

    let small = sipauth_tui::store::Store::new(dir.path().join("small").join("store.json"))
        .with_vault(sipauth_tui::vault::test_key::vault());
    small
        .update(|data: &mut StoreData| {
            for i in 0..100 {
                data.insert(credential(i))?;
            }
            Ok::<(), StoreError>(())
        })
        .unwrap();
    assert!(
        std::fs::read_to_string(small.path())
            .unwrap()
            .contains("\"sealed\"")
    );
    c.bench_function("sealed/header_100", |b| {
        b.iter(|| {
            let data = black_box(&small).load_entry("cred50").unwrap();
            let found = data.get(black_box("cred50")).unwrap();
            black_box(authorization_header(found).ok())
        });
    });
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../tests/fixtures/keycloak-token-response.json"
    ))
    .unwrap();
    let access = fixture["access_token"].as_str().unwrap().to_owned();
    c.bench_function("sealed/decode_one", |b| {
        b.iter(|| black_box(sipauth_tui::jwt::decode(black_box(&access)).unwrap()))
    });

    c.bench_function("store/load_and_header_1000", |b| {
        b.iter(|| {
            let data = black_box(&store).load().unwrap();
            let found = data.get(black_box(LOOKUP)).unwrap();
            black_box(authorization_header(found).ok())
        });
    });
}

criterion_group! {
    name = store_benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(store_benches);
