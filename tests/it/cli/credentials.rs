//! Adding, listing, showing, renaming and removing credentials from the CLI.

use std::os::unix::fs::PermissionsExt;

use crate::support::{Env, check_all, stderr, stdout};

const API: &str = "https://api.sipgate.com/v2";

#[test]
fn add_list_show_rename_remove_round_trip() {
    let env = Env::new();
    env.add_pat("work", "token-ABC123", "s3cret-token", API);
    env.add_basic("legacy", "John", "topsecret", "https://example.com/api/");

    let out = env.cmd().arg("list").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("work") && text.contains("PAT") && text.contains("toke…23"),
        "{text}"
    );
    assert!(
        text.contains("legacy") && text.contains("Basic login"),
        "{text}"
    );
    assert!(
        text.contains("https://example.com/api\n") || text.contains("https://example.com/api ")
    );
    assert!(
        !text.contains("s3cret-token") && !text.contains("token-ABC123"),
        "{text}"
    );

    let out = env.cmd().args(["list", "--json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["name"], "work");
    assert_eq!(rows[0]["kind"], "pat");
    assert_eq!(rows[0]["api"], API);
    assert_eq!(rows[0]["id"], "toke…23");
    assert_eq!(rows[1]["kind"], "basic");

    let out = env.cmd().args(["show", "work"]).output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("token-ABC123") && text.contains("********"),
        "{text}"
    );
    assert!(!text.contains("s3cret-token"), "{text}");
    let out = env
        .cmd()
        .args(["show", "work", "--json", "--reveal"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["token"], "s3cret-token");
    assert_eq!(doc["token_id"], "token-ABC123");
    let out = env.cmd().args(["show", "work", "--json"]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["token"], "********");

    env.cmd()
        .args(["rename", "work", "prod"])
        .assert()
        .success();
    env.cmd().args(["remove", "legacy"]).assert().success();
    assert_eq!(env.names(), ["prod"]);
    let out = env.cmd().args(["remove", "legacy"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no credential named `legacy`"));
}

#[test]
fn bad_input_is_refused_with_the_field_and_the_reason() {
    let env = Env::new();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["add", "pat", "a", "--token-id", "tok:en"],
            "tok\n",
            "token id contains `:`",
        ),
        (
            &["add", "pat", "a", "--token-id", "tok\tx"],
            "tok\n",
            "token id contains a control",
        ),
        (
            &["add", "pat", "a", "--token-id", "t"],
            "\n",
            "token is empty",
        ),
        (
            &["add", "pat", "a", "--token-id", "t"],
            "first\nsecond\n",
            "token contains a line break",
        ),
        (
            &["add", "pat", "a", "--token-id", "t"],
            "tok\r\rx\n",
            "token contains a line break",
        ),
        (
            &["add", "basic", "a", "--username", "Jo:hn"],
            "pw\n",
            "username contains `:`",
        ),
        (
            &["add", "basic", "a", "--username", "John"],
            "",
            "password is empty",
        ),
        (
            &["add", "pat", "bad name", "--token-id", "t"],
            "tok\n",
            "invalid name `bad name`",
        ),
        (
            &[
                "add",
                "pat",
                "a",
                "--token-id",
                "t",
                "--api",
                "http://api.sipgate.com/v2",
            ],
            "tok\n",
            "plain http",
        ),
        (
            &["add", "pat", "a", "--token-id", "t", "--api", "not a url"],
            "tok\n",
            "not an absolute URL",
        ),
    ];
    check_all(cases, |(args, stdin, needle)| {
        let out = env.cmd().args(*args).write_stdin(*stdin).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(needle), "{args:?}: `{needle}` not in {err}");
        for secret in ["first", "second", "pw"] {
            assert!(!err.contains(secret), "{args:?} leaked {secret}: {err}");
        }
    });
    assert!(!env.store.exists(), "nothing may be written");
}

#[test]
fn duplicate_names_are_refused_and_the_first_kept() {
    let env = Env::new();
    env.add_pat("dup", "token-1", "first", API);
    let out = env
        .cmd()
        .args(["add", "pat", "dup", "--token-id", "token-2"])
        .write_stdin("second\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exists already"));
    let out = env
        .cmd()
        .args(["header", "dup", "--value"])
        .output()
        .unwrap();
    // base64("token-1:first")
    assert_eq!(stdout(&out), "Basic dG9rZW4tMTpmaXJzdA==\n");
}

#[test]
fn secrets_cannot_be_given_in_argv() {
    let env = Env::new();
    for flag in ["--token", "--password", "--secret"] {
        let out = env
            .cmd()
            .args(["add", "pat", "a", "--token-id", "t", flag, "x"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let env = Env::new();
    let out = env.cmd().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env.cmd().args(["add", "pat", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--token-id"));
    let out = env.cmd().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("probe"));
    // --help says where secrets live and leads with the argv-free header.
    for needle in [
        "status",
        "reset-key",
        "lock",
        "key_command",
        "SIPAUTH_STORAGE=plaintext",
        "| curl -H @-",
    ] {
        assert!(stdout(&out).contains(needle), "{needle}: {}", stdout(&out));
    }
}

#[test]
fn default_store_lives_under_xdg_data_home_with_private_modes() {
    let env = Env::new();
    let data_home = env.dir.path().join("xdg");
    let mut cmd = assert_cmd::Command::new(crate::support::BIN);
    cmd.env_remove("SIPAUTH_STORE")
        .env(
            "SIPAUTH_KEY_COMMAND",
            sipauth_tui::vault::test_key::key_command(),
        )
        .env("XDG_DATA_HOME", &data_home)
        .env("HOME", env.dir.path())
        .args(["add", "pat", "x", "--token-id", "t"])
        .write_stdin("tok")
        .assert()
        .success();
    let store = data_home.join("sipauth-tui/store.json");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&store), 0o600);
    assert_eq!(mode(store.parent().unwrap()), 0o700);
}

#[test]
fn a_world_readable_store_gets_a_warning() {
    let env = Env::new();
    env.add_pat("a", "token-1", "tok", API);
    std::fs::set_permissions(&env.store, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cmd().arg("list").output().unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("warning:") && stderr(&out).contains("chmod 600"));
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let env = Env::new();
    env.write_pats("cred", 2000, "x");
    // 2,000 rows are far more than a pipe buffer, so `list` meets EPIPE.
    let out = crate::support::keyed(&mut std::process::Command::new("bash"))
        .arg("-c")
        .arg(r#""$BIN" list | head -c 10 >/dev/null; echo "status=${PIPESTATUS[0]}""#)
        .env("BIN", crate::support::BIN)
        .env("SIPAUTH_STORE", &env.store)
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "status=0");
    assert_eq!(stderr(&out), "", "a broken pipe must not print anything");
}

#[test]
fn modes_are_private_whatever_the_umask() {
    for umask in ["000", "077", "022"] {
        let env = Env::new();
        let out = crate::support::keyed(&mut std::process::Command::new("bash"))
            .arg("-c")
            .arg(format!(
                r#"umask {umask}; printf tok | "$BIN" add pat x --token-id t"#
            ))
            .env("BIN", crate::support::BIN)
            .env("SIPAUTH_STORE", &env.store)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&env.store), 0o600, "umask {umask}");
        assert_eq!(mode(env.store.parent().unwrap()), 0o700, "umask {umask}");
        assert_eq!(
            mode(&env.store.with_file_name("store.json.lock")),
            0o600,
            "umask {umask}"
        );
    }
}

#[test]
fn the_debug_log_is_private_and_never_records_arguments() {
    let env = Env::new();
    let log = env.dir.path().join("newdir/debug.log");
    let out = env
        .cmd()
        .env("SIPAUTH_LOG", "debug")
        .env("SIPAUTH_LOG_FILE", &log)
        .args([
            "add",
            "pat",
            "x",
            "--token-id",
            "t",
            "--api",
            "https://john:Secr3t@api.example.com/v2",
        ])
        .write_stdin("tok")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("Secr3t"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("add pat"), "{text}");
    assert!(!text.contains("Secr3t"), "{text}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&log), 0o600);
    assert_eq!(mode(log.parent().unwrap()), 0o700);
}

#[test]
fn a_closed_stderr_does_not_turn_an_error_into_a_panic() {
    let env = Env::new();
    let out = crate::support::keyed(&mut std::process::Command::new("bash"))
        .arg("-c")
        .arg(r#""$BIN" remove nobody 2>&-; echo "status=$?""#)
        .env("BIN", crate::support::BIN)
        .env("SIPAUTH_STORE", &env.store)
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "status=1");
}

/// Runs `script` so the shell command gets a real pseudo-terminal, waits for
/// the prompt, types `keys`, and returns what the terminal showed.
fn in_pty(env: &Env, shell: &str, keys: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut child = crate::support::keyed(&mut std::process::Command::new("script"))
        .args(["-qec", shell, "/dev/null"])
        .env("SIPAUTH_STORE", &env.store)
        .env("BIN", crate::support::BIN)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pty_out = child.stdout.take().unwrap();
    let mut screen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&screen).contains("(input hidden): ") {
        let n = pty_out.read(&mut buf).unwrap();
        assert!(n > 0, "no prompt: {}", String::from_utf8_lossy(&screen));
        screen.extend_from_slice(&buf[..n]);
    }
    child.stdin.take().unwrap().write_all(keys).unwrap();
    pty_out.read_to_end(&mut screen).unwrap();
    child.wait().unwrap();
    String::from_utf8_lossy(&screen).into_owned()
}

#[test]
fn on_a_terminal_the_secret_is_prompted_for_without_echo() {
    let env = Env::new();
    // Typed straight after the prompt appears: echo must already be off.
    let screen = in_pty(
        &env,
        r#""$BIN" add pat tty --token-id token-1"#,
        b"hunter2-secreX\x7ft\r",
    );
    assert!(
        screen.contains("token for `tty`") && screen.contains("added PAT"),
        "{screen}"
    );
    assert!(
        !screen.contains("hunter2"),
        "the secret was echoed: {screen}"
    );
    let out = env
        .cmd()
        .args(["header", "tty", "--value"])
        .output()
        .unwrap();
    // base64("token-1:hunter2-secret"): Backspace removed the X.
    assert_eq!(stdout(&out), "Basic dG9rZW4tMTpodW50ZXIyLXNlY3JldA==\n");
}

#[test]
fn ctrl_c_at_the_prompt_cancels_and_restores_the_terminal() {
    let env = Env::new();
    let shell = r#""$BIN" add pat tty --token-id token-1; echo "status=$?"; stty -a"#;
    let screen = in_pty(&env, shell, b"half-typed\x03");
    assert!(
        screen.contains("cancelled (Ctrl-C)") && screen.contains("status=1"),
        "{screen}"
    );
    assert!(!screen.contains("half-typed"), "{screen}");
    // `stty -a` lists `echo` (not `-echo`) and `icanon` once sipauth-tui is gone.
    let words: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        words.contains(&"echo") && words.contains(&"icanon") && words.contains(&"isig"),
        "{screen}"
    );
    assert!(!env.store.exists());
}
