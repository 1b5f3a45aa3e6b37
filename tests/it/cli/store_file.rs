//! A damaged or newer store is reported precisely and never written over.

use crate::support::{Env, check_all, stderr};

#[test]
fn a_corrupt_store_fails_every_command_and_stays_byte_identical() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty", b"", "is empty"),
        ("truncated", br#"{"version":1,"credentials":[{"name":"a","api":"https://x","kind":"pat","token_id":"i","token":"LEAKME"#, "line 1, column"),
        ("binary", b"\x00\xff\xfe garbage", "not valid JSON"),
        ("wrong shape", br#"{"version":1,"credentials":{"a":"LEAKME"}}"#, "does not look like"),
    ];
    check_all(cases, |(what, content, needle)| {
        let env = Env::new();
        std::fs::create_dir_all(env.store.parent().unwrap()).unwrap();
        std::fs::write(&env.store, content).unwrap();
        let commands: &[&[&str]] = &[
            &["list"],
            &["show", "a"],
            &["header", "a"],
            &["remove", "a"],
            &["rename", "a", "b"],
            &["add", "pat", "n", "--token-id", "t"],
        ];
        for args in commands {
            let out = env.cmd().args(*args).write_stdin("tok\n").output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{what} {args:?}");
            let err = stderr(&out);
            assert!(
                err.contains(&env.store.display().to_string()),
                "{what}: {err}"
            );
            assert!(
                err.contains(needle),
                "{what} {args:?}: `{needle}` not in {err}"
            );
            assert!(!err.contains("LEAKME"), "{what}: secret in {err}");
            assert_eq!(
                &std::fs::read(&env.store).unwrap(),
                content,
                "{what} {args:?}"
            );
        }
    });
}

#[test]
fn a_store_from_a_newer_version_is_refused_and_untouched() {
    let env = Env::new();
    std::fs::create_dir_all(env.store.parent().unwrap()).unwrap();
    let newer = sipauth_tui::store::STORE_VERSION + 1;
    let content = format!(r#"{{"version": {newer}, "credentials": [], "vault": "future"}}"#);
    std::fs::write(&env.store, &content).unwrap();
    for args in [&["list"][..], &["add", "pat", "n", "--token-id", "t"]] {
        let out = env.cmd().args(args).write_stdin("tok").output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!("version {newer}")),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_to_string(&env.store).unwrap(), content);
    }
}

#[test]
fn a_missing_store_lists_as_empty_without_creating_anything() {
    let env = Env::new();
    let out = env.cmd().arg("list").output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no credentials"));
    assert!(!env.store.exists() && !env.store.parent().unwrap().exists());
}

#[test]
fn a_version_1_store_still_loads_and_is_upgraded_on_save() {
    let env = Env::new();
    std::fs::create_dir_all(env.store.parent().unwrap()).unwrap();
    let v1 = r#"{"version": 1, "credentials": [{"name": "old", "api": "https://api.sipgate.com/v2", "kind": "pat", "token_id": "token-OLD123", "token": "t0k"}]}"#;
    std::fs::write(&env.store, v1).unwrap();
    assert_eq!(env.names(), ["old"]);
    env.add_pat("new", "token-NEW123", "t1k", "https://api.sipgate.com/v2");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&env.store).unwrap()).unwrap();
    assert_eq!(saved["version"], sipauth_tui::store::STORE_VERSION);
    assert_eq!(env.names(), ["old", "new"]);
}
