//! `sipauth-tui sandbox` as a user runs it: start, use, Ctrl-C.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sipauth_tui::sandbox::realm::{
    CLIENT_BASIC, CLIENT_BASIC_SECRET, CLIENT_POST, CLIENT_POST_SECRET, CLIENT_PUBLIC,
};
use sipauth_tui::sandbox::{SAMPLE_TOKEN, SAMPLE_TOKEN_ID};

use crate::support::{BIN, Env, check_all, stdout};

#[test]
fn sandbox_command_serves_prints_samples_and_stops_on_ctrl_c() {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let banner = banner.join("\n");
    assert!(banner.contains("(127.0.0.1 only)"), "{banner}");
    assert!(
        banner.contains(SAMPLE_TOKEN_ID) && banner.contains(SAMPLE_TOKEN),
        "{banner}"
    );
    assert!(
        banner.contains("John") && banner.contains("topsecret"),
        "{banner}"
    );
    let api = banner
        .lines()
        .find_map(|l| l.strip_prefix("API base:"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        api.starts_with("http://127.0.0.1:") && api.ends_with("/v2"),
        "{api}"
    );

    let issuer = banner
        .lines()
        .find_map(|l| l.strip_prefix("realm issuer:"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert_eq!(
        issuer,
        format!("{}/auth/realms/third-party", api.trim_end_matches("/v2"))
    );
    let cases = [
        CLIENT_POST,
        CLIENT_POST_SECRET,
        CLIENT_BASIC,
        CLIENT_BASIC_SECRET,
        CLIENT_PUBLIC,
    ];
    check_all(cases, |value| {
        assert!(banner.contains(value), "{value}: {banner}");
    });

    let env = Env::new();
    env.add_pat("sb", SAMPLE_TOKEN_ID, SAMPLE_TOKEN, &api);
    let log = env.dir.path().join("logs/debug.log");
    let out = env
        .cmd()
        .env("SIPAUTH_LOG", "debug")
        .env("SIPAUTH_LOG_FILE", &log)
        .args(["probe", "sb"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("200 OK"));

    // The opt-in log is private, useful, and free of secrets.
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        text.contains("probe answered") && text.contains("status=200"),
        "{text}"
    );
    assert!(
        !text.contains(SAMPLE_TOKEN) && !text.contains("Basic "),
        "{text}"
    );

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "sandbox ignored Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("sandbox stopped"), "{err}");
}
