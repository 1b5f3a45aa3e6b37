//! The clipboard module against a real X server, and its OSC 52 fallback.
//!
//! Which clipboard `open` finds depends on `DISPLAY`, which a test must not
//! change in this shared process; so each test runs itself again as a child
//! process with the environment it needs (the "child" half below, chosen
//! by `ROLE`) and checks that child's result and output.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use base64::Engine;
use sipauth_tui::credential::Secret;
use sipauth_tui::tui::clipboard;
use sipauth_tui::tui::config::ClipboardMode;
use sipauth_tui::tui::msg::Copied;

use crate::support::xvfb::{Display, Xvfb};

/// Set in the child: which half of which test to run.
const ROLE: &str = "SIPAUTH_TEST_CLIPBOARD_ROLE";
/// The Basic header of the sandbox's sample login (the provider's test vector).
const HEADER: &str = "Authorization: Basic Sm9objp0b3BzZWNyZXQ=";

/// Runs the test `name` of this module again in a child with `env`.
fn rerun(name: &str, role: &str, env: &[(&str, &str)]) -> Output {
    let path = module_path!().split_once("::").unwrap().1;
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", &format!("{path}::{name}"), "--nocapture"])
        .args(["--test-threads", "1"])
        .env(ROLE, role)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {role} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn role() -> Option<String> {
    std::env::var(ROLE).ok()
}

fn wait_for(display: &Display, want: Option<&str>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while display.clipboard().as_deref() != want {
        assert!(
            Instant::now() < deadline,
            "the clipboard never held {want:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn x11_copy_is_served_to_others_and_cleared_only_while_still_ours() {
    if role().as_deref() == Some("x11") {
        let display = Display(std::env::var("DISPLAY").unwrap());
        let header = Secret::new(HEADER.into());
        let mut clip = clipboard::open(ClipboardMode::System);
        assert_eq!(clip.copy(&header), Copied::System);
        // xclip is another client: arboard's thread must answer it.
        assert_eq!(display.clipboard().as_deref(), Some(HEADER));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            display.clipboard().as_deref(),
            Some(HEADER),
            "the copy vanished"
        );
        clip.clear_if_holding(&header);
        assert_eq!(display.clipboard(), None, "not cleared");

        assert_eq!(clip.copy(&header), Copied::System);
        display.copy("copied by someone else");
        wait_for(&display, Some("copied by someone else"));
        clip.clear_if_holding(&header);
        assert_eq!(
            display.clipboard().as_deref(),
            Some("copied by someone else"),
            "cleared another program's copy"
        );

        // A panic drops the clipboard with a copy still pending: it goes.
        let mut doomed = clipboard::open(ClipboardMode::System);
        assert_eq!(doomed.copy(&header), Copied::System);
        wait_for(&display, Some(HEADER));
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _owner = doomed;
            panic!("a bug in the app");
        }));
        assert!(unwound.is_err());
        assert_eq!(display.clipboard(), None, "a panic left the copy behind");
        return;
    }
    let xvfb = Xvfb::start();
    rerun(
        "x11_copy_is_served_to_others_and_cleared_only_while_still_ours",
        "x11",
        &[("DISPLAY", xvfb.display.name())],
    );
}

#[test]
fn without_a_display_copies_go_out_as_osc52_or_nowhere() {
    let value = "osc52-test-value";
    if role().as_deref() == Some("headless") {
        let secret = Secret::new(value.into());
        assert_eq!(
            clipboard::open(ClipboardMode::Auto).copy(&secret),
            Copied::Osc52
        );
        let none = clipboard::open(ClipboardMode::None).copy(&secret);
        assert!(matches!(none, Copied::Unavailable(_)), "{none:?}");
        let system = clipboard::open(ClipboardMode::System).copy(&secret);
        assert!(matches!(system, Copied::Unavailable(_)), "{system:?}");
        return;
    }
    let out = rerun(
        "without_a_display_copies_go_out_as_osc52_or_nowhere",
        "headless",
        &[],
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(value);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Exactly one OSC 52 sequence: the `none` and `system` copies sent nothing.
    assert_eq!(stdout.matches("\x1b]52;").count(), 1, "{stdout:?}");
    assert!(
        stdout.contains(&format!("\x1b]52;c;{encoded}\x1b\\")),
        "{stdout:?}"
    );
}
