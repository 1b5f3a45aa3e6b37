//! The curl path without a secret in any argv: `header NAME | curl -H @-`
//! and the command `curl NAME` prints, run by a real shell and the real
//! curl. While curl waits for its answer, an observing server on 127.0.0.1
//! reads every process's `/proc/PID/cmdline`, so the check happens while
//! the command line is alive, not after it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use sipauth_tui::credential::Secret;
use sipauth_tui::header::{basic_value, shell_quote};
use sipauth_tui::sandbox::{BackgroundSandbox, SAMPLE_TOKEN, SAMPLE_TOKEN_ID};

use crate::support::{BIN, Env, check_all, stderr, stdout};

/// What the observing server saw of its one request.
struct Observed {
    /// The request's Authorization header value, if any.
    authorization: Option<String>,
    /// Whether some process's argv held one of the secrets at the time.
    secret_in_argv: bool,
    /// Whether some process's argv held the server's own URL (curl's did:
    /// the scan saw the command while it ran).
    saw_curl: bool,
}

/// Every process's argv as raw bytes (processes that end meanwhile are
/// skipped).
fn all_argv() -> Vec<Vec<u8>> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .collect()
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Serves one request on `listener`: reads its head, then, with the client
/// still waiting, scans every argv for `secrets` and for `url`; answers
/// `{}`.
fn observe(listener: TcpListener, secrets: Vec<String>, url: String) -> Observed {
    let (stream, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(stream);
    let mut authorization = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    let argv = all_argv();
    let secret_in_argv = argv.iter().any(|a| secrets.iter().any(|s| holds(a, s)));
    let saw_curl = argv.iter().any(|a| holds(a, &url));
    let mut stream = reader.into_inner();
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .unwrap();
    Observed {
        authorization,
        secret_in_argv,
        saw_curl,
    }
}

/// A shell running `command` with only PATH, the tests' key source and a
/// HOME without a store, so
/// the command works only if it names everything it needs.
fn bare_sh(command: &str, home: &Path) -> Command {
    let mut sh = Command::new("sh");
    sh.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .args(["-c", command]);
    // The user's own key source stands in for their keyring.
    crate::support::keyed(&mut sh);
    sh
}

#[test]
fn no_argv_holds_the_secret_while_curl_sends_it() {
    // A token no other process on the machine can hold.
    let token = format!(
        "canary-{}-{:?}",
        std::process::id(),
        std::time::Instant::now()
    )
    .replace(|c: char| !c.is_ascii_alphanumeric(), "");
    let value = basic_value("token-CANARY", &Secret::new(token.clone()));
    let value = value.expose().to_owned();
    // (how the command is made, whether its argv holds the secret)
    let cases: [(&str, bool); 3] = [
        ("header pipe", false),
        ("curl", false),
        ("curl --inline", true),
    ];
    check_all(cases, |(form, leaks)| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let api = format!("http://{}/v2", listener.local_addr().unwrap());
        let env = Env::new();
        env.add_pat("x", "token-CANARY", &token, &api);
        let secrets = vec![token.clone(), value["Basic ".len()..].to_owned()];
        let url = format!("{api}/account");
        let server = {
            let url = url.clone();
            std::thread::spawn(move || observe(listener, secrets, url))
        };
        let command = match form {
            "header pipe" => format!(
                "SIPAUTH_STORE={} {} header x | curl -sS -H @- {url}",
                shell_quote(&env.store.to_string_lossy()),
                shell_quote(BIN)
            ),
            _ => {
                let args: Vec<&str> = form.split(' ').skip(1).chain(["x"]).collect();
                let out = env.cmd().arg("curl").args(args).output().unwrap();
                assert!(out.status.success(), "{form}: {}", stderr(&out));
                let printed = stdout(&out);
                assert!(!printed.contains(&token[..]), "{form}: {printed}");
                assert_eq!(printed.contains(&value[6..]), leaks, "{form}: {printed}");
                printed
            }
        };
        let out = bare_sh(&command, env.dir.path()).output().unwrap();
        let seen = server.join().unwrap();
        assert!(out.status.success(), "{form}: {command}: {}", stderr(&out));
        assert_eq!(stdout(&out), "{}", "{form}");
        assert_eq!(seen.authorization.as_deref(), Some(&value[..]), "{form}");
        assert!(seen.saw_curl, "{form}: the scan did not see curl running");
        assert_eq!(seen.secret_in_argv, leaks, "{form}: secret in an argv");
    });
}

/// A directory name no shell may take as code.
const HOSTILE_DIR: &str = "it's $(touch PWNED) `touch PWNED` \"q\" \\ ;&|*";

#[test]
fn printed_curl_command_works_as_printed_against_the_sandbox() {
    let sandbox = BackgroundSandbox::start().unwrap();
    let env = Env::new();
    let store = env.dir.path().join(HOSTILE_DIR).join("store.json");
    let mut add = env.cmd();
    add.env("SIPAUTH_STORE", &store);
    add.args(["add", "pat", "x", "--token-id", SAMPLE_TOKEN_ID])
        .args(["--api", &sandbox.api_url()])
        .write_stdin(format!("{SAMPLE_TOKEN}\n"))
        .assert()
        .success();
    let out = env
        .cmd()
        .env("SIPAUTH_STORE", &store)
        .args(["curl", "x"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let command = stdout(&out);
    assert!(!command.contains(SAMPLE_TOKEN), "{command}");
    assert!(
        command.starts_with(&format!("{} --store ", shell_quote(BIN))),
        "not on PATH: the absolute path; a store of its own: --store. {command}"
    );
    // Run from the test's directory, where PWNED would land.
    let out = bare_sh(&command, env.dir.path())
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{command}: {}", stderr(&out));
    assert!(stdout(&out).contains("Sandbox GmbH"), "{}", stdout(&out));
    let seen = sandbox.seen();
    let last = seen.last().expect("the sandbox saw the request");
    assert_eq!(last.path, "/v2/account");
    assert!(last.had_authorization);
    assert!(!env.dir.path().join("PWNED").exists(), "the shell ran code");
}

#[test]
fn a_store_path_no_printed_command_can_carry_is_refused() {
    let env = Env::new();
    let store = env.dir.path().join("a\nb").join("store.json");
    let mut add = env.cmd();
    add.env("SIPAUTH_STORE", &store);
    add.args(["add", "pat", "x", "--token-id", "token-1"])
        .write_stdin("tok\n")
        .assert()
        .success();
    let out = env
        .cmd()
        .env("SIPAUTH_STORE", &store)
        .args(["curl", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("--inline"), "{}", stderr(&out));
}

/// A directory on PATH holding `sipauth-tui`: a link to the binary under
/// test, or another program of that name.
fn path_dir(env: &Env, same: bool) -> std::path::PathBuf {
    let dir = env
        .dir
        .path()
        .join(if same { "bin-same" } else { "bin-other" });
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("sipauth-tui");
    if same {
        std::os::unix::fs::symlink(BIN, &link).unwrap();
    } else {
        std::fs::write(&link, "#!/bin/sh\nexit 3\n").unwrap();
        std::fs::set_permissions(&link, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

#[test]
fn printed_command_names_the_program_the_shell_finds_and_the_store_when_not_default() {
    let env = Env::new();
    let data = env.dir.path().join("xdg");
    let default_store = data.join("sipauth-tui/store.json");
    let sys_path = std::env::var("PATH").unwrap();
    let same = path_dir(&env, true);
    let other = path_dir(&env, false);
    let absolute = shell_quote(BIN);
    let custom = format!("--store {} ", shell_quote(&env.store.to_string_lossy()));
    // (PATH before the system's, custom store, the printed command's start)
    let cases = [
        (same.clone(), false, "sipauth-tui header x | ".to_owned()),
        (
            same.clone(),
            true,
            format!("sipauth-tui {custom}header x | "),
        ),
        (other.clone(), false, format!("{absolute} header x | ")),
        (
            other.clone(),
            true,
            format!("{absolute} {custom}header x | "),
        ),
    ];
    for store in [&env.store, &default_store] {
        let mut add = env.cmd();
        add.env("SIPAUTH_STORE", store);
        add.args(["add", "pat", "x", "--token-id", "token-1"])
            .write_stdin("tok\n")
            .assert()
            .success();
    }
    check_all(cases, |(dir, custom, want)| {
        let mut cmd = env.cmd();
        if !custom {
            cmd.env_remove("SIPAUTH_STORE");
        }
        let path = format!("{}:{sys_path}", dir.display());
        let out = cmd
            .env("XDG_DATA_HOME", &data)
            .env("PATH", &path)
            .args(["curl", "x"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let printed = stdout(&out);
        assert!(printed.starts_with(want.as_str()), "{want} … ≠ {printed}");
        // Its header half as printed, in a shell with that PATH and the
        // default store only, prints the header.
        let fetch = printed.split(" | curl ").next().unwrap();
        let mut sh = bare_sh(fetch, env.dir.path());
        let out = sh
            .env("PATH", &path)
            .env("XDG_DATA_HOME", &data)
            .output()
            .unwrap();
        assert!(out.status.success(), "{fetch}: {}", stderr(&out));
        assert_eq!(stdout(&out), "Authorization: Basic dG9rZW4tMTp0b2s=\n");
    });
}
