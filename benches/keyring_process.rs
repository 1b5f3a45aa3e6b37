//! Whole-process figures for the sealed store (issue 11): the release
//! binary (built by `cargo bench`) against a real Secret Service, a private
//! D-Bus with an unlocked gnome-keyring-daemon, the one the keyring tests
//! start (`tests/it/support/secret_service.rs`).
//!
//! - **header, cached**: `header c50` on a sealed store of 100 PATs, the
//!   data key cached in the kernel keyring. Target: its median at most 2×
//!   the median of `decode` of one token (the Keycloak fixture's access
//!   token), the two run alternately so drift hits both alike.
//! - **header after lock**: `lock`, then `header c50`: a Secret Service
//!   round trip (then cached again). Quoted, no target.
//! - **list**: opens no secret and needs no key. Quoted, no target.
//! - **completion**: what a Tab after `sipauth-tui header sa` costs on a
//!   sealed 1,000-credential store (the names are read without a key).
//!   Target: at most 2× `decode`, like `header`.
//!
//! Each process is timed from spawn to exit (`Instant` around
//! `Command::output`). `cargo bench --bench keyring_process` prints the
//! figures and exits non-zero when the target is missed; without
//! dbus-daemon or gnome-keyring-daemon it says so and skips. Run any other
//! way (`cargo test --benches`) it skips at once.

#![allow(clippy::unwrap_used)]

#[path = "common/filler.rs"]
mod filler;
#[path = "tui/fixture.rs"]
mod fixture;
#[allow(dead_code)]
#[path = "../tests/it/support/secret_service.rs"]
mod secret_service;

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use secret_service::SecretService;

const BINARY: &str = env!("CARGO_BIN_EXE_sipauth-tui");
const FIXTURE: &str = include_str!("../tests/fixtures/keycloak-token-response.json");
/// Credentials in the store, and the one `header` asks for.
const CREDENTIALS: usize = 100;
const ASKED: &str = "c50";
/// Runs per figure.
const RUNS: usize = 200;
const LOCKED_RUNS: usize = 20;
/// Target: `header` (cached key) against `decode`.
const MAX_RATIO: f64 = 2.0;

/// The binary with this bus, its own config and no key command or
/// storage override: the Secret Service is where the key lives.
fn binary(service: &SecretService, dir: &Path) -> Command {
    let mut cmd = service.command(BINARY);
    cmd.env_remove("SIPAUTH_KEY_COMMAND")
        .env_remove("SIPAUTH_STORAGE")
        .env("SIPAUTH_CONFIG", dir.join("config.toml"))
        .arg("--store")
        .arg(dir.join("store.json"))
        .stdin(Stdio::null());
    cmd
}

/// Runs it, checks it succeeded, returns how long it took.
fn timed(mut cmd: Command) -> Duration {
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn main() -> ExitCode {
    if !std::env::args().any(|a| a == "--bench") {
        println!("keyring_process: skipped (run it with `cargo bench --bench keyring_process`)");
        return ExitCode::SUCCESS;
    }
    for program in ["dbus-daemon", "gnome-keyring-daemon", "secret-tool"] {
        if !have(program) {
            println!(
                "keyring_process: skipped: {program} is not installed \
                 (apt-get install dbus gnome-keyring libsecret-tools)"
            );
            return ExitCode::SUCCESS;
        }
    }
    let service = SecretService::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    for i in 0..CREDENTIALS {
        let mut add = binary(&service, dir.path());
        add.args(["add", "pat", &format!("c{i}"), "--token-id"])
            .arg(format!("token-{i}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = add.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("secret-{i}").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "add c{i}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let status = binary(&service, dir.path()).arg("status").output().unwrap();
    let status = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        status.contains(&format!("{CREDENTIALS} encrypted, 0 plaintext")),
        "the store is not sealed: {status}"
    );
    let token = serde_json::from_str::<serde_json::Value>(FIXTURE).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // Warm the page cache and the kernel keyring's copy of the key.
    for _ in 0..10 {
        let mut header = binary(&service, dir.path());
        header.args(["header", ASKED]);
        timed(header);
    }
    let (mut header_runs, mut decode_runs, mut list_runs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let mut header = binary(&service, dir.path());
        header.args(["header", ASKED]);
        header_runs.push(timed(header));
        let mut decode = binary(&service, dir.path());
        decode.args(["decode", &token]);
        decode_runs.push(timed(decode));
        let mut list = binary(&service, dir.path());
        list.arg("list");
        list_runs.push(timed(list));
    }
    let mut locked_runs = Vec::new();
    for _ in 0..LOCKED_RUNS {
        let mut lock = binary(&service, dir.path());
        lock.arg("lock");
        timed(lock);
        let mut header = binary(&service, dir.path());
        header.args(["header", ASKED]);
        locked_runs.push(timed(header));
    }
    // A Tab on a 1,000-credential store, as bash's completion function asks.
    let big = dir.path().join("big.json");
    let mut data = fixture::store(1_000, 0, 3600);
    sipauth_tui::store::Store::new(&big)
        .with_vault(sipauth_tui::vault::test_key::vault())
        .lock()
        .unwrap()
        .save(&mut data)
        .unwrap();
    let before = std::fs::read(&big).unwrap();
    let mut complete_runs = Vec::new();
    for _ in 0..RUNS {
        let mut tab = Command::new(BINARY);
        tab.env("SIPAUTH_COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", "2")
            .env("_CLAP_COMPLETE_COMP_TYPE", "9")
            .env("_CLAP_COMPLETE_SPACE", "true")
            .env("_CLAP_IFS", "\u{b}")
            .env("SIPAUTH_STORE", &big)
            .env("SIPAUTH_CONFIG", dir.path().join("config.toml"))
            .env_remove("SIPAUTH_KEY_COMMAND")
            .args(["--", "sipauth-tui", "header", "sa"])
            .stdin(Stdio::null());
        complete_runs.push(timed(tab));
    }
    assert_eq!(std::fs::read(&big).unwrap(), before, "a Tab writes nothing");
    let complete = median(complete_runs);
    let (header, decode) = (median(header_runs), median(decode_runs));
    let ratio = header.as_secs_f64() / decode.as_secs_f64();
    println!("keyring_process ({CREDENTIALS} sealed credentials, medians):");
    println!(
        "  header {ASKED}, key cached in the kernel keyring ({RUNS} runs): {}",
        ms(header)
    );
    println!(
        "  decode of one token, same runs:                       {}",
        ms(decode)
    );
    println!("  header / decode: {ratio:.2}x (target at most {MAX_RATIO}x)");
    println!(
        "  header right after `lock` ({LOCKED_RUNS} runs, a Secret Service round trip): {}",
        ms(median(locked_runs))
    );
    println!(
        "  list (opens no secret), same runs:                   {}",
        ms(median(list_runs))
    );
    let complete_ratio = complete.as_secs_f64() / decode.as_secs_f64();
    println!(
        "  Tab after `header sa` on a sealed 1,000-credential store ({RUNS} runs): {} ({complete_ratio:.2}x decode)",
        ms(complete)
    );
    if ratio > MAX_RATIO || complete_ratio > MAX_RATIO {
        println!("keyring_process: target missed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
