//! Store-side effects on a real store file.

use super::*;
use crate::credential::{Auth, AuthMethod, OauthClient, Secret, Session};
use crate::store::StoreData;

fn services(store: Store) -> (Services, tokio::sync::mpsc::UnboundedReceiver<Msg>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let timeouts = Timeouts::default();
    let services = Services {
        store,
        http: Default::default(),
        timeouts,
        margin: 60,
        probe_path: "/account".into(),
        tx,
    };
    (services, rx)
}

fn session(token: &str) -> Session {
    Session::bearer(Secret::new(token.into()), 1_700_000_000)
}

fn oauth(client_id: &str, token: &str) -> Credential {
    let client = OauthClient {
        issuer: crate::credential::DEFAULT_ISSUER.into(),
        client_id: client_id.into(),
        auth_method: AuthMethod::Post,
        client_secret: Some(Secret::new("s".into())),
        scope: None,
        redirect_uri: None,
    };
    let auth = Auth::Oauth {
        client: Some(client),
        session: Some(Box::new(session(token))),
    };
    Credential::new("w", crate::credential::DEFAULT_API, auth).unwrap()
}

#[tokio::test]
async fn an_edit_keeps_the_session_on_disk_not_the_one_the_form_saw() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("store.json"));
    let mut data = StoreData::empty();
    // The form opened on the session with "old"; meanwhile a refresh stored "new".
    data.insert(oauth("client-1", "new")).unwrap();
    store.lock().unwrap().save(&mut data).unwrap();
    let (services, mut rx) = services(store.clone());
    let job = Job {
        name: "w".into(),
        generation: 1,
    };
    let edited = Change::Replace {
        old: "w".into(),
        credential: Box::new(oauth("client-2", "old")),
    };
    services.save(job, edited).await;
    assert!(matches!(
        rx.recv().await,
        Some(Msg::Done(_, Done::Saved(Ok(_))))
    ));
    let stored = store.load().unwrap();
    let w = stored.get("w").unwrap();
    assert_eq!(
        w.auth.client().map(|c| c.client_id.as_str()),
        Some("client-2")
    );
    let token = w.auth.session().map(|s| s.access_token.expose().to_owned());
    assert_eq!(token.as_deref(), Some("new"));
}

#[test]
fn delete_revokes_the_stored_session_and_removes_it() {
    let sandbox =
        crate::sandbox::BackgroundSandbox::start_with(crate::sandbox::demo::realm()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("store.json"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut data = runtime
        .block_on(crate::sandbox::demo::seed(&sandbox, now_secs()))
        .unwrap();
    store.lock().unwrap().save(&mut data).unwrap();
    // The demo's ended session was revoked while seeding.
    let before = sandbox.revocations().len();
    let (services, mut rx) = services(store.clone());
    let job = Job {
        name: "third-party".into(),
        generation: 1,
    };
    let answer = runtime.block_on(async {
        services.delete(job, true).await;
        rx.recv().await
    });
    match answer {
        Some(Msg::Done(_, Done::Deleted(Ok(removed)))) => {
            assert!(removed.data.get("third-party").is_err());
            assert_eq!(
                crate::tui::strings::revocation(&removed.revocation).as_deref(),
                Some("revoked the refresh token at the server")
            );
        }
        other => panic!("want Deleted(Ok), got {other:?}"),
    }
    assert!(store.load().unwrap().get("third-party").is_err());
    assert_eq!(sandbox.revocations().len(), before + 1);
}

/// A store at this path sealed under the tests' key.
fn test_store(path: impl Into<std::path::PathBuf>) -> crate::store::Store {
    crate::store::Store::new(path).with_vault(crate::vault::test_key::vault())
}

#[test]
fn the_apps_probe_asks_for_the_credentials_own_path() {
    let sandbox = crate::sandbox::BackgroundSandbox::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (services, mut rx) = services(test_store(dir.path().join("store.json")));
    let mut pat = Credential::new(
        "own",
        &sandbox.api_url(),
        Auth::Pat {
            token_id: crate::sandbox::SAMPLE_TOKEN_ID.into(),
            token: Secret::new(crate::sandbox::SAMPLE_TOKEN.into()),
        },
    )
    .unwrap();
    pat.probe = Some(crate::credential::ProbeTarget::new("GET", "/balance").unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let job = Job {
        name: "own".into(),
        generation: 1,
    };
    let answer = runtime.block_on(async {
        services.probe(job, pat, None).await;
        rx.recv().await
    });
    assert!(
        matches!(answer, Some(Msg::Done(_, Done::Probe(Ok(_))))),
        "{answer:?}"
    );
    let paths: Vec<String> = sandbox.seen().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/v2/balance"], "not the config's /account");
}
