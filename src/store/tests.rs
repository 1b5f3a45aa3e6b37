//! Store unit tests: round trip, file modes, corrupt stores, versions, locks.

use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::credential::{Auth, DEFAULT_API, Secret};

fn pat(name: &str, token: &str) -> Credential {
    Credential::new(
        name,
        DEFAULT_API,
        Auth::Pat {
            token_id: "token-ABC123".into(),
            token: Secret::new(token.into()),
        },
    )
    .unwrap()
}

fn add(store: &Store, c: Credential) -> Result<(), StoreError> {
    store.update(|d| d.insert(c))
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn round_trip_keeps_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json"));
    assert_eq!(store.load().unwrap(), StoreData::empty());
    add(&store, pat("one", "tok1")).unwrap();
    let basic = Credential::new(
        "two",
        "http://127.0.0.1:9/v2",
        Auth::Basic {
            username: "John".into(),
            password: Secret::new("topsecret".into()),
        },
    )
    .unwrap();
    add(&store, basic.clone()).unwrap();
    let data = store.load().unwrap();
    assert_eq!(data.version, STORE_VERSION);
    assert_eq!(data.credentials, vec![pat("one", "tok1"), basic]);
}

#[test]
fn directory_is_0700_and_file_0600_and_loose_modes_get_a_warning() {
    // Other umasks are covered by the integration test that runs the binary
    // under `umask 000` and `umask 077`.
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("nested/deeper/s.json"));
    add(&store, pat("one", "t")).unwrap();
    assert_eq!(mode(&dir.path().join("nested/deeper")), 0o700);
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(&store.lock_path()), 0o600);
    assert!(store.permission_warnings().is_empty());
    fs::set_permissions(store.path(), Permissions::from_mode(0o644)).unwrap();
    let warnings = store.permission_warnings();
    assert!(
        warnings.len() == 1 && warnings[0].contains("0644") && warnings[0].contains("chmod 600"),
        "{warnings:?}"
    );
    // A directory others can write lets them swap the store; sticky is fine.
    let deeper = dir.path().join("nested/deeper");
    fs::set_permissions(&deeper, Permissions::from_mode(0o777)).unwrap();
    let warnings = store.permission_warnings();
    assert!(
        warnings.len() == 2 && warnings[1].contains("0777") && warnings[1].contains("chmod 700"),
        "{warnings:?}"
    );
    fs::set_permissions(&deeper, Permissions::from_mode(0o1777)).unwrap();
    assert_eq!(store.permission_warnings().len(), 1);
    fs::set_permissions(&deeper, Permissions::from_mode(0o700)).unwrap();
    // The next write puts it back to 0600.
    add(&store, pat("two", "t")).unwrap();
    assert_eq!(mode(store.path()), 0o600);
}

#[test]
fn corrupt_stores_are_reported_and_left_byte_identical() {
    let secret_json = r#"{"version":1,"credentials":[{"name":"a","api":"https://x","kind":"pat","token_id":"i","token":7}]}"#;
    let cases: &[(&str, &str, &[&str])] = &[
        ("empty", "", &["is empty"]),
        ("blank", "  \n", &["holds only whitespace (3 bytes)"]),
        (
            "truncated",
            r#"{"version":1,"credentials":[{"name":"#,
            &["end of file", "line 1"],
        ),
        (
            "not json",
            "hello world",
            &["not valid JSON", "line 1, column 1"],
        ),
        (
            "garbage on line 3",
            "{\n\"version\": 1,\n oops }",
            &["syntax error", "line 3"],
        ),
        ("array", "[1,2]", &["does not look like"]),
        (
            "no version",
            r#"{"credentials":[]}"#,
            &["missing field `version`"],
        ),
        (
            "no credentials",
            r#"{"version":1}"#,
            &["missing field `credentials`"],
        ),
        (
            "unknown kind",
            r#"{"version":1,"credentials":[{"name":"a","api":"b","kind":"zzz"}]}"#,
            &["unknown variant"],
        ),
        ("wrong type", secret_json, &["wrong type"]),
    ];
    crate::testing::cases::check_all(cases, |(what, content, needles)| {
        let dir = tempfile::tempdir().unwrap();
        let store = test_store(dir.path().join("s.json"));
        fs::write(store.path(), content).unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(
            err.contains(&store.path().display().to_string()),
            "{what}: {err}"
        );
        for n in *needles {
            assert!(err.contains(n), "{what}: `{n}` not in {err}");
        }
        let err = add(&store, pat("new", "t")).unwrap_err().to_string();
        assert!(!err.is_empty());
        assert_eq!(
            fs::read(store.path()).unwrap(),
            content.as_bytes(),
            "{what}"
        );
    });
}

#[test]
fn errors_about_a_broken_store_never_quote_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json"));
    fs::write(
        store.path(),
        r#"{"version":1,"credentials":[{"name":"a","api":"https://x","kind":"pat","token_id":"i","token":"SUPERSECRET","x":"#,
    )
    .unwrap();
    let err = store.load().unwrap_err();
    assert!(!format!("{err} {err:?}").contains("SUPERSECRET"));
    fs::write(store.path(), r#"{"version":1,"credentials":[{"name":"a","api":"https://x","kind":"pat","token_id":["SUPERSECRET"],"token":"t"}]}"#).unwrap();
    let err = store.load().unwrap_err();
    assert!(!format!("{err} {err:?}").contains("SUPERSECRET"), "{err}");
}

#[test]
fn a_newer_store_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json"));
    let content = r#"{"version": 99, "credentials": [], "future": {"x": 1}}"#;
    fs::write(store.path(), content).unwrap();
    let err = store.load().unwrap_err().to_string();
    assert!(
        err.contains("version 99") && err.contains("upgrade"),
        "{err}"
    );
    assert!(add(&store, pat("a", "t")).is_err());
    assert_eq!(fs::read_to_string(store.path()).unwrap(), content);
}

#[test]
fn a_failed_change_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json"));
    add(&store, pat("a", "t")).unwrap();
    let before = fs::read(store.path()).unwrap();
    let err = add(&store, pat("a", "other")).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }));
    assert!(matches!(
        store.update(|d| d.remove("missing")),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(fs::read(store.path()).unwrap(), before);
}

#[test]
fn rename_checks_the_new_name() {
    let mut data = StoreData::empty();
    data.insert(pat("a", "t")).unwrap();
    data.insert(pat("b", "t")).unwrap();
    assert!(matches!(
        data.rename("a", "b"),
        Err(StoreError::AlreadyExists { .. })
    ));
    assert!(matches!(
        data.rename("a", "bad name"),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        data.rename("zz", "c"),
        Err(StoreError::NotFound { .. })
    ));
    data.rename("a", "c").unwrap();
    assert!(data.get("c").is_ok() && data.get("a").is_err());
}

#[test]
fn a_held_lock_makes_a_change_wait_then_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json")).with_lock_timeout(Duration::from_millis(200));
    add(&store, pat("a", "t")).unwrap();
    let holder = File::options().write(true).open(store.lock_path()).unwrap();
    holder.lock().unwrap();
    let start = Instant::now();
    let err = add(&store, pat("b", "t")).unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(200));
    assert!(matches!(err, StoreError::LockTimeout { .. }), "{err}");
    assert!(err.to_string().contains("locked by another"), "{err}");
    holder.unlock().unwrap();
    add(&store, pat("b", "t")).unwrap();
    assert_eq!(store.load().unwrap().credentials.len(), 2);
}

#[test]
fn a_lock_guard_holds_off_other_changes_until_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json")).with_lock_timeout(Duration::from_millis(100));
    add(&store, pat("a", "t")).unwrap();
    let guard = store.lock().unwrap();
    let mut data = guard.load().unwrap();
    assert!(matches!(
        add(&store, pat("b", "t")),
        Err(StoreError::LockTimeout { .. })
    ));
    data.insert(pat("c", "t")).unwrap();
    guard.save(&mut data).unwrap();
    drop(guard);
    add(&store, pat("b", "t")).unwrap();
    let names: Vec<String> = store
        .load()
        .unwrap()
        .credentials
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["a", "c", "b"]);
}

#[test]
fn stale_temporary_files_from_a_killed_writer_are_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("s.json"));
    let stale = dir.path().join(".s.json.abc123.tmp");
    fs::write(&stale, "half a store").unwrap();
    add(&store, pat("a", "t")).unwrap();
    assert!(!stale.exists());
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["s.json", "s.json.lock"]);
}

#[test]
fn hand_edited_entries_that_break_the_rules_are_refused_on_load() {
    let entry = |name: &str, api: &str, id: &str, token: &str| serde_json::json!({"name": name, "api": api, "kind": "pat", "token_id": id, "token": token});
    let ok = entry("a", DEFAULT_API, "token-1", "tok");
    let cases = [
        (
            "colon in id",
            vec![entry("a", DEFAULT_API, "tok:en", "SECRETX")],
            "#1",
            "contains `:`",
        ),
        (
            "newline in token",
            vec![ok.clone(), entry("b", DEFAULT_API, "t", "SECRETX\nmore")],
            "#2",
            "line break",
        ),
        (
            "escape in name",
            vec![entry("a\u{1b}[2J", DEFAULT_API, "t", "SECRETX")],
            "#1",
            "invalid name",
        ),
        (
            "ftp api",
            vec![entry("a", "ftp://x/v2", "t", "SECRETX")],
            "#1",
            "scheme",
        ),
        (
            "remote http",
            vec![entry("a", "http://api.sipgate.com/v2", "t", "SECRETX")],
            "#1",
            "plain http",
        ),
        (
            "duplicate",
            vec![ok.clone(), ok.clone()],
            "#2",
            "used twice",
        ),
    ];
    crate::testing::cases::check_all(cases, |(what, creds, number, needle)| {
        let dir = tempfile::tempdir().unwrap();
        let store = test_store(dir.path().join("s.json"));
        let content = serde_json::json!({"version": 1, "credentials": creds}).to_string();
        fs::write(store.path(), &content).unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(
            err.contains(number) && err.contains(needle),
            "{what}: {err}"
        );
        assert!(
            !err.contains("SECRETX") && !err.contains('\u{1b}'),
            "{what}: {err}"
        );
        assert!(add(&store, pat("new", "t")).is_err(), "{what}");
        assert_eq!(fs::read_to_string(store.path()).unwrap(), content, "{what}");
    });
}

#[test]
fn temporary_files_of_a_sibling_store_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = test_store(dir.path().join("store.json"));
    // `.store.json.bak.XXXXXX.tmp` belongs to `store.json.bak`, under another lock.
    let sibling = dir.path().join(".store.json.bak.Ab12Cd.tmp");
    let ours = dir.path().join(".store.json.Zz9Yy8.tmp");
    fs::write(&sibling, "in flight").unwrap();
    fs::write(&ours, "stale").unwrap();
    add(&store, pat("a", "t")).unwrap();
    assert!(sibling.exists());
    assert!(!ours.exists());
}

#[test]
fn a_symlinked_store_is_written_through_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("store.json");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let store = test_store(&link);
    add(&store, pat("a", "t")).unwrap();
    add(&store, pat("b", "t")).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(test_store(&real).load().unwrap().credentials.len(), 2);
    assert_eq!(mode(&real), 0o600);
}

/// A store at this path sealed under the tests' key.
fn test_store(path: impl Into<std::path::PathBuf>) -> crate::store::Store {
    crate::store::Store::new(path).with_vault(crate::vault::test_key::vault())
}

#[test]
fn names_alone_are_read_for_completion_and_bad_ones_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.json");
    std::fs::write(
        &path,
        r#"{"version":3,"credentials":[
            {"name":"sales","kind":"pat","token_id":"token-1","token":"x","api":"https://api.sipgate.com/v2"},
            {"name":"evil\u001b[2J","kind":"pat"},
            {"name":"odd","kind":"weird"},
            {"name":"app","kind":"oauth","anything":{"else":1}}]}"#,
    )
    .unwrap();
    let names = Store::new(&path).names().unwrap();
    assert_eq!(
        names,
        [
            ("sales".to_owned(), "pat".to_owned()),
            ("app".to_owned(), "oauth".to_owned())
        ]
    );
    std::fs::write(&path, r#"{"version":99,"credentials":[]}"#).unwrap();
    assert!(matches!(
        Store::new(&path).names(),
        Err(StoreError::NewerVersion { .. })
    ));
    assert!(
        Store::new(dir.path().join("none.json"))
            .names()
            .unwrap()
            .is_empty()
    );
}
