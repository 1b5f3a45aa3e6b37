//! Property tests: the Basic header decodes back to the pair it was built
//! from, for every pair the credential checks accept; lifetimes, countdowns
//! and the refresh rule never overflow on any `i64` / `u64` edge and move
//! one way only as time passes; and a store written out reads back as it
//! was, in memory and through the real file.

use std::collections::HashSet;

use proptest::prelude::*;
use serde_json::{Map, Value};
use sipauth_tui::credential::{
    Auth, AuthMethod, Credential, DEFAULT_API, OauthClient, Secret, Session, validate_id,
    validate_secret,
};
use sipauth_tui::expiry::{self, Health};
use sipauth_tui::oauth::TokenResponse;
use sipauth_tui::store::{self, StoreData};
use sipauth_tui::testing::jwt::unsigned;
use sipauth_tui::{header, import, time_text};

/// Failing cases are shrunk and printed, not written into the tree.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `i64`s with the edges drawn often: both ends, around 0, and real clocks.
fn edge_i64() -> impl Strategy<Value = i64> {
    prop_oneof![
        prop::sample::select(vec![
            i64::MIN,
            i64::MIN + 1,
            -1,
            0,
            1,
            i64::MAX - 1,
            i64::MAX
        ]),
        any::<i64>(),
        1_500_000_000i64..1_800_000_000,
    ]
}

/// `u64`s with the edges drawn often, `i64::MAX` and one past it included.
fn edge_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        prop::sample::select(vec![0, 1, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX]),
        any::<u64>(),
        0u64..100_000,
    ]
}

/// A token: opaque, or a JWT carrying any (or no) `exp` and `iat`.
fn token() -> impl Strategy<Value = Secret> {
    prop_oneof![
        "[A-Za-z0-9_-]{1,40}".prop_map(Secret::new),
        (prop::option::of(edge_i64()), prop::option::of(edge_i64())).prop_map(|(exp, iat)| {
            let mut claims = Map::new();
            claims.extend(exp.map(|e| ("exp".to_owned(), Value::from(e))));
            claims.extend(iat.map(|i| ("iat".to_owned(), Value::from(i))));
            Secret::new(unsigned(&Value::Object(claims)))
        }),
    ]
}

/// Text a store shows (scope, session state, ids): letters, digits and a
/// little punctuation, in any script.
fn shown_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[\\p{{L}}\\p{{N}} ._@-]{{1,{max}}}"))
        .expect("a valid pattern")
}

fn session() -> impl Strategy<Value = Session> {
    (
        (
            token(),
            prop::option::of(token()),
            prop::option::of(token()),
        ),
        (
            edge_i64(),
            prop::option::of(edge_u64()),
            prop::option::of(edge_u64()),
        ),
        (
            prop::option::of(shown_text(30)),
            prop::option::of(shown_text(30)),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (access, refresh, id),
                (obtained_at, expires_in, refresh_in),
                (scope, state, refused),
            )| {
                Session {
                    refresh_token: refresh,
                    id_token: id,
                    scope,
                    session_state: state,
                    expires_in,
                    refresh_expires_in: refresh_in,
                    login_required: refused,
                    ..Session::bearer(access, obtained_at)
                }
            },
        )
}

/// How far gone a session is; it may only grow as time passes.
fn rank(health: Health) -> u8 {
    match health {
        Health::Valid | Health::Unknown => 0,
        Health::Expiring => 1,
        Health::Expired => 2,
        Health::LoginRequired => 3,
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_basic_header_decodes_to_the_pair_it_was_built_from(
        id in "[^:\\p{Cc}]{1,48}",
        secret in "[^\\p{Cc}]{1,64}",
        bare in any::<bool>(),
    ) {
        // Valid is what the credential checks accept, whatever they become.
        prop_assume!(validate_id("username", &id).is_ok());
        prop_assume!(validate_secret("password", &Secret::new(secret.clone())).is_ok());
        let auth = Auth::Basic { username: id.clone(), password: Secret::new(secret.clone()) };
        let credential = Credential::new("p", DEFAULT_API, auth).unwrap();
        let line = if bare {
            header::basic_value(&id, &Secret::new(secret.clone())).expose().to_owned()
        } else {
            header::authorization_header(&credential).unwrap().expose().to_owned()
        };
        let imported = import::parse(&line, 0);
        prop_assert!(imported.is_ok(), "{:?}", imported.err());
        let imported = imported.unwrap();
        prop_assert_eq!(imported.format, import::Format::BasicHeader);
        let (got_id, got_secret) = imported.auth.basic_pair().unwrap();
        prop_assert_eq!(got_id, id.as_str());
        prop_assert_eq!(got_secret.expose(), secret.as_str());
    }

    #[test]
    fn health_only_worsens_and_the_refresh_time_stays_put_as_time_passes(
        session in session(),
        t1 in edge_i64(),
        t2 in edge_i64(),
        margin in edge_i64(),
    ) {
        let (early, late) = (t1.min(t2), t1.max(t2));
        prop_assert!(
            rank(expiry::health(&session, early, margin))
                <= rank(expiry::health(&session, late, margin))
        );
        let refresh = expiry::refresh_expiry(&session);
        if refresh.usable(early) && refresh.usable(late) {
            prop_assert_eq!(
                expiry::refresh_due_at(&session, early, margin),
                expiry::refresh_due_at(&session, late, margin)
            );
        }
        let access = expiry::access_expiry(&session);
        if let (Some(due), Some(at)) = (expiry::refresh_due_at(&session, early, margin), access)
            && margin >= 0
        {
            prop_assert!(due <= at.saturating_add(1), "due {due} after {at}");
        }
        for now in [early, late] {
            let _ = expiry::refresh_due(&session, now, margin);
            if let Some(at) = access {
                prop_assert_eq!(time_text::relative(at, now, true).starts_with("in "), at > now);
            }
        }
    }

    #[test]
    fn the_access_expiry_is_never_later_than_the_server_said(session in session()) {
        let Some(lifetime) = session.expires_in else {
            return Ok(());
        };
        let said = session
            .obtained_at
            .saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
        let at = expiry::access_expiry(&session);
        prop_assert!(at.is_some_and(|at| at <= said), "{at:?} after {said}");
        if expiry::jwt_exp(session.access_token.expose()).is_none() {
            prop_assert_eq!(at, Some(said));
        }
    }

    #[test]
    fn a_refresh_that_keeps_the_old_token_keeps_its_deadline(
        previous in session(),
        now in edge_i64(),
        expires_in in prop::option::of(edge_u64()),
    ) {
        let response = TokenResponse {
            access_token: Secret::new("a".into()),
            token_type: "Bearer".into(),
            expires_in,
            refresh_token: None,
            refresh_expires_in: None,
            id_token: None,
            scope: None,
            session_state: None,
            server_date: None,
        };
        let kept = response.into_session(now, Some(&previous)).refresh_expires_in;
        // The deadline in exact arithmetic, then clamped as a lifetime is.
        let want = previous.refresh_expires_in.map(|s| match s {
            0 => 0,
            s => {
                // A lifetime is capped at i64::MAX seconds before it is added.
                let s = s.min(i64::MAX as u64);
                let deadline = (i128::from(previous.obtained_at) + i128::from(s))
                    .min(i128::from(i64::MAX));
                let left = (deadline - i128::from(now)).clamp(0, i128::from(i64::MAX));
                u64::try_from(left).unwrap().max(1)
            }
        });
        prop_assert_eq!(kept, want);
    }

    #[test]
    fn times_in_words_never_panic_and_utc_sorts_like_the_clock(
        a in -62_167_219_200i64..=253_402_300_799,
        b in -62_167_219_200i64..=253_402_300_799,
        any_at in edge_i64(),
        secs in edge_u64(),
    ) {
        // Years 0000 to 9999 print with four digits: the text sorts as time.
        let (ua, ub) = (time_text::utc(a), time_text::utc(b));
        prop_assert_eq!(a.cmp(&b), ua.cmp(&ub), "{} vs {}", ua, ub);
        prop_assert!(time_text::utc(any_at).ends_with(" UTC"));
        prop_assert!(!time_text::humanize(secs).is_empty());
    }
}

fn client() -> impl Strategy<Value = OauthClient> {
    (
        prop::sample::select(vec![
            "https://login.sipgate.com/auth/realms/third-party",
            "http://127.0.0.1:8080/realms/r/",
        ]),
        "[\\p{L}\\p{N}:._-]{1,30}",
        prop::sample::select(vec![AuthMethod::Post, AuthMethod::Basic, AuthMethod::None]),
        prop::option::of("[^\\p{Cc}]{1,30}"),
        prop::option::of(shown_text(40)),
        prop::option::of(prop::sample::select(vec![
            "http://127.0.0.1:8765/callback",
            "http://localhost:1/x",
        ])),
    )
        .prop_map(
            |(issuer, client_id, auth_method, secret, scope, redirect)| OauthClient {
                issuer: issuer.into(),
                client_id,
                auth_method,
                client_secret: secret.map(Secret::new),
                scope,
                redirect_uri: redirect.map(Into::into),
            },
        )
}

fn credential() -> impl Strategy<Value = Credential> {
    let auth = prop_oneof![
        (shown_text(40), "[^\\p{Cc}]{1,64}").prop_map(|(token_id, token)| Auth::Pat {
            token_id,
            token: Secret::new(token),
        }),
        (shown_text(40), "[^\\p{Cc}]{1,64}").prop_map(|(username, password)| Auth::Basic {
            username,
            password: Secret::new(password),
        }),
        (prop::option::of(client()), prop::option::of(session())).prop_map(|(client, session)| {
            Auth::Oauth {
                client,
                session: session.map(Box::new),
            }
        }),
    ];
    let api = prop::sample::select(vec![
        DEFAULT_API,
        "http://127.0.0.1:9/v2/",
        "https://x.example/a/b",
    ]);
    ("[A-Za-z0-9._-]{1,64}", api, auth)
        .prop_filter_map("the credential checks refuse it", |(name, api, auth)| {
            Credential::new(&name, api, auth).ok()
        })
}

/// A store of valid credentials with distinct names.
fn store_data() -> impl Strategy<Value = StoreData> {
    prop::collection::vec(credential(), 0..6).prop_map(|mut credentials| {
        let mut names = HashSet::new();
        credentials.retain(|c| names.insert(c.name.clone()));
        StoreData {
            credentials,
            ..StoreData::empty()
        }
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_store_reads_back_as_it_was_written(data in store_data()) {
        let mut bytes = serde_json::to_vec_pretty(&data).unwrap();
        bytes.push(b'\n');
        let back = store::parse(std::path::Path::new("store.json"), &bytes);
        prop_assert!(back.is_ok(), "{}", back.unwrap_err());
        prop_assert_eq!(back.unwrap(), data);
    }
}

proptest! {
    // Each case writes and fsyncs a real file: fewer of them.
    #![proptest_config(config(24))]

    #[test]
    fn a_store_file_reads_back_as_it_was_saved(data in store_data()) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::support::store(dir.path().join("store.json"));
        let saved = data.clone();
        store
            .update(|d| {
                *d = saved;
                Ok::<_, store::StoreError>(())
            })
            .unwrap();
        prop_assert_eq!(store.load().unwrap().credentials, data.credentials);
    }
}
