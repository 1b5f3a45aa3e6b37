//! The device grant: the test reads the user code and approves (or not)
//! through the sandbox's hook while the binary polls.

use std::time::{Duration, Instant};

use sipauth_tui::sandbox::BackgroundSandbox;
use sipauth_tui::sandbox::realm::{CLIENT_PUBLIC, DEVICE_GRANT_TYPE, RealmConfig, TokenFault};

use super::{assert_no_secrets, finish, read_until, spawn_login};
use crate::support::{Env, check_all};

fn device_config(interval: Duration, ttl: Duration) -> RealmConfig {
    RealmConfig {
        device_interval: interval,
        device_ttl: ttl,
        ..RealmConfig::default()
    }
}

/// Waits until the realm has seen `n` device-code polls.
fn wait_for_polls(sandbox: &BackgroundSandbox, n: usize) {
    let start = Instant::now();
    while sandbox.token_requests(DEVICE_GRANT_TYPE) < n {
        assert!(start.elapsed() < Duration::from_secs(10), "no polls");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn device_grant_polls_while_pending_and_stores_the_tokens_once_approved() {
    let sandbox =
        BackgroundSandbox::start_with(device_config(Duration::ZERO, Duration::from_secs(600)))
            .unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "dev", CLIENT_PUBLIC, None);
    let (child, mut reader) = spawn_login(&env, "dev", "device", &[]);
    let mut seen = String::new();
    let code = read_until(&mut reader, &mut seen, "user code:");
    let complete = read_until(&mut reader, &mut seen, "complete address:");
    assert!(
        complete.ends_with(&format!("user_code={code}")),
        "{complete}"
    );
    wait_for_polls(&sandbox, 2);
    assert!(sandbox.approve_device(&code));
    let (success, err) = finish(child, reader, seen);
    assert!(success, "{err}");
    assert!(
        err.contains("logged in `dev` with the device grant"),
        "{err}"
    );
    assert_no_secrets(&err, &[]);
    assert!(env.session_json("dev")["refresh_token"].is_string());
    env.cmd().args(["probe", "dev"]).assert().success();
}

#[test]
fn device_grant_slows_down_when_told_to() {
    let sandbox =
        BackgroundSandbox::start_with(device_config(Duration::ZERO, Duration::from_secs(600)))
            .unwrap();
    let env = Env::new();
    env.add_oauth(&sandbox, "dev", CLIENT_PUBLIC, None);
    let slow_down = r#"{"error":"slow_down","error_description":"Polling too fast"}"#;
    sandbox.set_token_fault(Some(TokenFault::Status(
        400,
        slow_down.into(),
        "application/json",
    )));
    let started = Instant::now();
    let (child, mut reader) = spawn_login(&env, "dev", "device", &[]);
    let mut seen = String::new();
    let code = read_until(&mut reader, &mut seen, "user code:");
    wait_for_polls(&sandbox, 1);
    sandbox.set_token_fault(None);
    assert!(sandbox.approve_device(&code));
    let (success, err) = finish(child, reader, seen);
    assert!(success, "{err}");
    assert!(err.contains("slow down: checking every 5 s"), "{err}");
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "the next poll came too soon"
    );
    assert_eq!(sandbox.token_requests(DEVICE_GRANT_TYPE), 2);
}

#[test]
fn device_grant_ends_on_denial_expiry_and_timeout_without_storing() {
    type Act = fn(&BackgroundSandbox, &str);
    let cases: [(Duration, &[&str], Act, &str); 3] = [
        (
            Duration::from_secs(600),
            &[],
            |s, code| assert!(s.deny_device(code)),
            "denied",
        ),
        (Duration::from_secs(1), &[], |_, _| {}, "expired"),
        (
            Duration::from_secs(600),
            &["--timeout", "1"],
            |_, _| {},
            "no approval within 1 s",
        ),
    ];
    check_all(cases, |(ttl, extra, act, needle)| {
        let sandbox = BackgroundSandbox::start_with(device_config(Duration::ZERO, ttl)).unwrap();
        let env = Env::new();
        env.add_oauth(&sandbox, "dev", CLIENT_PUBLIC, None);
        let (child, mut reader) = spawn_login(&env, "dev", "device", extra);
        let mut seen = String::new();
        let code = read_until(&mut reader, &mut seen, "user code:");
        wait_for_polls(&sandbox, 1);
        act(&sandbox, &code);
        let (success, err) = finish(child, reader, seen);
        assert!(!success, "{needle}: {err}");
        assert!(err.contains(needle), "`{needle}` not in {err}");
        assert!(env.session_json("dev").is_null());
    });
}
