//! `exec NAME -- COMMAND…`: the credential in COMMAND's environment, the
//! real curl reading it from stdin, and COMMAND's exit status as ours.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;

use sipauth_tui::header::shell_quote;
use sipauth_tui::sandbox::{BackgroundSandbox, SAMPLE_TOKEN, SAMPLE_TOKEN_ID};

use crate::support::{BIN, Env, check_all, stderr, stdout};

/// What the sandbox's account answers (its first field).
const ACCOUNT: &str = "Sandbox GmbH";

#[test]
fn exec_hands_curl_the_header_through_its_environment() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    env.add_pat("x", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &sandbox.api_url());
    let out = env
        .cmd()
        .args(["exec", "x", "--", "sh", "-c"])
        .arg(r#"printenv SIPAUTH_HEADER | curl -sS --fail -H @- "$SIPAUTH_API/account""#)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(ACCOUNT), "{}", stdout(&out));
    let out = env
        .cmd()
        .args(["exec", "x", "--", "sh", "-c"])
        .arg(r#"printf '%s\n%s\n%s\n' "$SIPAUTH_HEADER" "$SIPAUTH_AUTHORIZATION" "$SIPAUTH_API""#)
        .output()
        .unwrap();
    let value = sipauth_tui::header::basic_value(
        SAMPLE_TOKEN_ID,
        &sipauth_tui::credential::Secret::new(SAMPLE_TOKEN.into()),
    );
    let value = value.expose();
    assert_eq!(
        stdout(&out),
        format!("Authorization: {value}\n{value}\n{}\n", sandbox.api_url())
    );
}

#[test]
fn exec_passes_the_exit_status_and_stdin_through() {
    let env = Env::new();
    env.add_pat("x", "token-1", "tok", "https://api.example.com/v2");
    let dir = env.dir.path();
    let not_executable = dir.join("plain.txt");
    std::fs::write(&not_executable, "echo hi\n").unwrap();
    std::fs::set_permissions(&not_executable, std::fs::Permissions::from_mode(0o644)).unwrap();
    let plain = not_executable.to_string_lossy().into_owned();
    // (COMMAND, exit code, stderr holds)
    let cases: [(&[&str], i32, &str); 5] = [
        (&["sh", "-c", "exit 0"], 0, ""),
        (&["sh", "-c", "exit 7"], 7, ""),
        (&["sh", "-c", "exit 255"], 255, ""),
        (&["no-such-command-sipauth"], 127, "command not found"),
        (&[&plain], 126, "Permission denied"),
    ];
    check_all(cases, |(command, code, says)| {
        let out = env
            .cmd()
            .args(["exec", "x", "--"])
            .args(command)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{command:?}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(says), "{command:?}: {}", stderr(&out));
    });
    // A death by a signal is COMMAND's own, which a shell shows as 128+N.
    let out = env
        .cmd()
        .args(["exec", "x", "--", "sh", "-c", "kill -TERM $$"])
        .output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(15), "{:?}", out.status);
    let line = format!(
        "SIPAUTH_STORE={} {} exec x -- sh -c 'kill -TERM $$'; echo $?",
        shell_quote(&env.store.to_string_lossy()),
        shell_quote(BIN)
    );
    let out = crate::support::keyed(&mut std::process::Command::new("sh"))
        .args(["-c", &line])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "143\n");
    // stdin and stdout are COMMAND's.
    env.cmd()
        .args(["exec", "x", "--", "tr", "a-z", "A-Z"])
        .write_stdin("piped in\n")
        .assert()
        .success()
        .stdout("PIPED IN\n");
}

#[test]
fn exec_without_a_header_runs_nothing() {
    let env = Env::new();
    let sandbox = BackgroundSandbox::start().unwrap();
    env.add_oauth(
        &sandbox,
        "w",
        sipauth_tui::sandbox::realm::CLIENT_PUBLIC,
        None,
    );
    let ran = env.dir.path().join("RAN");
    let touch = format!("touch {}", shell_quote(&ran.to_string_lossy()));
    for name in ["w", "nobody"] {
        let out = env
            .cmd()
            .args(["exec", name, "--", "sh", "-c", &touch])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            stderr(&out).starts_with("error: "),
            "{name}: {}",
            stderr(&out)
        );
        assert!(!ran.exists(), "{name}: COMMAND ran");
    }
    // COMMAND comes after `--`, and there must be one.
    for args in [&["exec", "w"][..], &["exec", "w", "sh"]] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
