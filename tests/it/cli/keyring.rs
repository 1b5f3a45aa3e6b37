//! The store's secrets sealed under a key in a real Secret Service
//! (gnome-keyring on a private D-Bus), and every way that can go wrong:
//! no keyring, a keyring that never answers, a lost key, plaintext chosen,
//! a version 2 store to migrate.

use std::os::unix::net::UnixListener;
use std::time::{Duration, Instant};

use crate::support::secret_service::{SecretService, files_under};
use crate::support::{Env, stderr, stdout};

/// A value no other test or process holds.
fn canary(what: &str) -> String {
    format!("CANARY{what}{}x{:?}", std::process::id(), Instant::now())
        .replace([' ', '.', '{', '}', ':', ','], "")
}

/// No file under the store's directory (store, lock, temp files, log)
/// holds any of `secrets`.
fn assert_nowhere_on_disk(env: &Env, secrets: &[&str]) {
    for path in files_under(env.store.parent().unwrap()) {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "{} holds {secret}", path.display());
        }
    }
}

/// The Basic header value of `id:secret`.
fn basic(id: &str, secret: &str) -> String {
    let value =
        sipauth_tui::header::basic_value(id, &sipauth_tui::credential::Secret::new(secret.into()));
    value.expose().to_owned()
}

fn store_json(env: &Env) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(&env.store).unwrap()).unwrap()
}

#[test]
fn secrets_are_sealed_under_a_key_kept_in_the_secret_service() {
    let keyring = SecretService::start();
    let env = Env::new();
    let (pat, password, imported) = (canary("pat"), canary("pw"), canary("imp"));
    let log = env.dir.path().join("data/sipauth-tui.log");
    let run = |args: &[&str], stdin: &str| {
        let mut cmd = env.cmd();
        keyring.apply(&mut cmd);
        cmd.env("SIPAUTH_LOG", "debug")
            .env("SIPAUTH_LOG_FILE", &log)
            .args(args)
            .write_stdin(stdin.to_owned())
            .output()
            .unwrap()
    };
    let out = run(&["add", "pat", "p", "--token-id", "token-P"], &pat);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["add", "basic", "b", "--username", "john"], &password);
    assert!(out.status.success(), "{}", stderr(&out));
    let header = format!("Authorization: {}", basic("token-I", &imported));
    let out = run(&["import", "-", "--name", "i"], &header);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_nowhere_on_disk(&env, &[&pat, &password, &imported]);
    assert!(log.exists(), "the debug log was written");
    // The key is in the keyring under the store's key id.
    let doc = store_json(&env);
    let key_id = doc["key_id"]
        .as_str()
        .expect("a sealed store names its key");
    let entries = keyring.sipauth_entries();
    assert!(entries.contains(&format!("data-key-{key_id}")), "{entries}");
    // And it opens them again: each header holds its secret.
    let out = run(&["header", "p", "--value"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), basic("token-P", &pat));
    // status names the backend, counts and the key's answer.
    let out = run(&["status"], "");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains("keyring: Secret Service"), "{text}");
    assert!(text.contains("3 encrypted, 0 plaintext"), "{text}");
    assert!(text.contains("key       found in the"), "{text}");
    // lock drops the kernel cache; the next header asks the keyring.
    let out = run(&["lock"], "");
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
    let out = run(&["status", "--json"], "");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["key_source"], "Secret Service", "{status}");
    assert_eq!(status["sealed"], 3);
}

#[test]
fn a_login_seals_its_tokens_under_the_secret_service_key() {
    use crate::support::oauth::{CLIENTS, Realm};
    let keyring = SecretService::start();
    let realm = Realm::new();
    let bus = |cmd: &mut std::process::Command| {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .env_remove("SIPAUTH_KEY_COMMAND");
    };
    // The client, its secret sealed under a key the keyring makes.
    let (id, secret, _) = CLIENTS[0];
    let (issuer, api) = (realm.sandbox.issuer_url(), realm.sandbox.api_url());
    let mut cmd = realm.env.cmd();
    keyring.apply(&mut cmd);
    let out = cmd
        .args([
            "add",
            "oauth",
            "s",
            "--client-id",
            id,
            "--issuer",
            &issuer,
            "--api",
            &api,
        ])
        .args(["--scope", "openid account:read"])
        .write_stdin(secret.unwrap().to_owned())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    realm.login_with("s", bus);
    let key_id = store_json(&realm.env)["key_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        keyring
            .sipauth_entries()
            .contains(&format!("data-key-{key_id}"))
    );
    // The tokens, as the keyring's key opens them.
    let mut cmd = realm.env.cmd();
    keyring.apply(&mut cmd);
    let out = cmd
        .args(["show", "s", "--json", "--reveal"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = shown.to_string();
    let tokens: Vec<String> = text
        .split('"')
        .filter(|part| part.starts_with("eyJ") && part.len() > 40)
        .map(str::to_owned)
        .collect();
    assert!(tokens.len() >= 2, "access and refresh tokens shown: {text}");
    let mut refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
    refs.push(secret.unwrap());
    assert_nowhere_on_disk(&realm.env, &refs);
    // The token response's Date header gives the server's clock offset.
    let status = |keyring: &SecretService| {
        let mut cmd = realm.env.cmd();
        keyring.apply(&mut cmd);
        stdout(&cmd.arg("status").output().unwrap())
    };
    let text = status(&keyring);
    let line = text
        .lines()
        .find(|l| l.starts_with("session   s:"))
        .unwrap_or_default();
    let offset: i64 = line
        .split("server clock ")
        .nth(1)
        .and_then(|rest| rest.trim_end_matches(" s").parse().ok())
        .unwrap_or_else(|| panic!("no clock offset in {text}"));
    assert!(offset.abs() <= 5, "{line}");
    // A server ten minutes ahead is warned about.
    let mut doc = store_json(&realm.env);
    for c in doc["credentials"].as_array_mut().unwrap() {
        if c["name"] == "s" {
            c["session"]["server_clock_offset"] = serde_json::json!(600);
        }
    }
    std::fs::write(&realm.env.store, doc.to_string()).unwrap();
    let text = status(&keyring);
    assert!(text.contains("600 s ahead of ours"), "{text}");
}

#[test]
fn without_a_keyring_a_write_is_refused_and_names_the_choices() {
    let env = Env::new();
    // A bus that is not there, and one that accepts and never answers.
    let dir = tempfile::tempdir().unwrap();
    let silent_path = dir.path().join("silent-bus");
    let _silent = UnixListener::bind(&silent_path).unwrap();
    for (address, within) in [
        (
            "unix:path=/nonexistent/bus".to_owned(),
            Duration::from_secs(1),
        ),
        (
            format!("unix:path={}", silent_path.display()),
            sipauth_tui::vault::KEYRING_TIMEOUT + Duration::from_secs(1),
        ),
    ] {
        let secret = canary("refused");
        let started = Instant::now();
        let out = env
            .cmd()
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env_remove("SIPAUTH_KEY_COMMAND")
            .args(["add", "pat", "p", "--token-id", "token-P"])
            .write_stdin(secret.clone())
            .output()
            .unwrap();
        let took = started.elapsed();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{address}: {err}");
        assert!(took < within, "{address}: took {took:?}");
        for needle in [
            "Secret Service",
            "key_command",
            "storage = \"plaintext\"",
            "SIPAUTH_STORAGE=plaintext",
        ] {
            assert!(
                err.contains(needle),
                "{address}: {needle} missing from {err}"
            );
        }
        assert!(!err.contains(&secret), "{err}");
        assert_nowhere_on_disk(&env, &[&secret]);
    }
}

#[test]
fn plaintext_is_only_ever_chosen_and_warned_about_on_every_write() {
    let env = Env::new();
    let secret = canary("plain");
    for name in ["a", "b"] {
        let out = env
            .cmd()
            .env("SIPAUTH_STORAGE", "plaintext")
            .env_remove("SIPAUTH_KEY_COMMAND")
            .args(["add", "pat", name, "--token-id", "token-P"])
            .write_stdin(secret.clone())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("in plaintext (storage = plaintext)"),
            "{}",
            stderr(&out)
        );
    }
    let text = std::fs::read_to_string(&env.store).unwrap();
    assert!(text.contains(&secret), "plaintext was chosen: {text}");
    let out = env
        .cmd()
        .env("SIPAUTH_STORAGE", "plaintext")
        .arg("status")
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("plaintext (chosen)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("0 encrypted, 2 plaintext"),
        "{}",
        stdout(&out)
    );
    let out = env
        .cmd()
        .env("SIPAUTH_STORAGE", "disk")
        .arg("list")
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("neither `keyring` nor `plaintext`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_plaintext_version_2_store_is_sealed_on_its_first_write() {
    let env = Env::new();
    let secret = canary("old");
    env.write_pats("old", 3, &secret);
    // Reading it needs no key and changes nothing.
    let before = std::fs::read(&env.store).unwrap();
    let out = env.cmd().args(["header", "old0"]).output().unwrap();
    assert!(
        stdout(&out).contains("Authorization: Basic"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
    env.add_pat(
        "new",
        "token-N",
        &canary("new"),
        "https://api.sipgate.com/v2",
    );
    let out = env.cmd().args(["rename", "new", "newer"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_nowhere_on_disk(&env, &[&secret]);
    assert_eq!(
        store_json(&env)["version"],
        sipauth_tui::store::STORE_VERSION
    );
    let out = env
        .cmd()
        .args(["header", "old2", "--value"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), basic("token-000002", &secret));
}

#[test]
fn the_migration_says_so_once() {
    let env = Env::new();
    env.write_pats("old", 2, "plain-token");
    let out = env
        .cmd()
        .args(["rename", "old0", "first"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("encrypted: 2 plaintext secret(s) now sealed"),
        "{}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .args(["rename", "old1", "second"])
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("plaintext"), "{}", stderr(&out));
}

#[test]
fn a_lost_key_leaves_the_file_as_it_is_and_reset_key_keeps_the_rest() {
    let env = Env::new();
    env.add_pat("p", "token-P", &canary("p"), "https://api.sipgate.com/v2");
    env.add_basic("b", "john", &canary("b"), "https://api.sipgate.com/v2");
    let out = env
        .cmd()
        .args(["add", "oauth", "apps", "--client-id", "cli"])
        .write_stdin(canary("client"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let before = std::fs::read(&env.store).unwrap();
    // The store copied to a machine whose key source has another key.
    let other = "printf %s 00000000000000000000000000000000000000000000000000000000000000ff";
    let lost = |args: &[&str]| {
        env.cmd()
            .env("SIPAUTH_KEY_COMMAND", other)
            .args(args)
            .output()
            .unwrap()
    };
    // header opens only the entry it prints, and names it.
    let out = lost(&["header", "p"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the secrets of p cannot be opened"), "{err}");
    // A command that opens the whole store names every entry.
    let out = lost(&["show", "apps"]);
    let err = stderr(&out);
    assert!(
        err.contains("the secrets of p, b, apps cannot be opened"),
        "{err}"
    );
    assert!(err.contains("reset-key"), "{err}");
    let out = lost(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("cannot open the secrets"),
        "{}",
        stdout(&out)
    );
    // Without a terminal and without --yes nothing happens.
    let out = lost(&["reset-key"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&env.store).unwrap(), before, "byte-identical");
    // list needs no key at all.
    let out = lost(&["list"]);
    let text = stdout(&out);
    assert!(
        text.contains("Basic login") && text.contains("apps"),
        "{text}"
    );
    let out = lost(&["reset-key", "--yes"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for line in [
        "p: dropped the entry",
        "b: dropped the entry",
        "apps: dropped the client secret",
    ] {
        assert!(err.contains(line), "{line} missing from {err}");
    }
    // The client, its id and API base stay; the store opens with the new key.
    let out = lost(&["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["name"], "apps");
    let out = lost(&["status"]);
    assert!(out.status.success(), "{}", stdout(&out));
    // New secrets are sealed under the key the store has now.
    let out = env
        .cmd()
        .env("SIPAUTH_KEY_COMMAND", other)
        .args(["add", "pat", "again", "--token-id", "token-A"])
        .write_stdin("t")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(lost(&["header", "again"]).status.success());
    // The old key (the tests' own) does not open them.
    let out = env.cmd().args(["header", "again"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
