//! The real `sipauth-tui` binary, full screen in a tmux pane, against the
//! in-process sandbox: the test seeds a store with the demo's credentials,
//! starts the app on it, presses keys and reads the screen back (tmux's
//! `capture-pane`), the X11 clipboard (Xvfb + xclip) and the store file.
//! Waits poll for the expected screen; nothing relies on a fixed delay.
//!
//! Every capture is checked for the seeded secrets: the app masks them
//! until `s` reveals one, and these tests never press `s`.

mod clipboard;
mod endpoints;
mod keys;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use sipauth_tui::credential::Auth;
use sipauth_tui::sandbox::demo;
use sipauth_tui::sandbox::{BackgroundSandbox, SAMPLE_PASSWORD, SAMPLE_TOKEN};
use sipauth_tui::store::StoreData;
use tempfile::TempDir;

use crate::support::BIN;
use crate::support::tmux::{self, Tmux};
use crate::support::xvfb::{self, Xvfb};

/// The Basic header of the sandbox's sample login (the provider's test vector).
const BASIC_HEADER: &str = "Authorization: Basic Sm9objp0b3BzZWNyZXQ=";

/// The credentials `demo::seed` writes.
const SEEDED: [&str; 5] = [
    "sandbox-pat",
    "john-basic",
    "third-party",
    "expiring-soon",
    "expired-login",
];

/// The app running on a seeded store in a tmux pane.
struct App {
    tmux: Tmux,
    store: PathBuf,
    /// Secrets that must never be on screen.
    secrets: Vec<String>,
    xvfb: Option<Xvfb>,
    _dir: TempDir,
    _sandbox: BackgroundSandbox,
}

/// How to start the app.
#[derive(Default)]
struct Setup<'a> {
    /// The config file's text.
    config: &'a str,
    /// Give the app an X display.
    x11: bool,
    /// Run it from an interactive bash in the pane (the command is typed).
    in_shell: bool,
}

impl App {
    fn start(setup: Setup) -> Self {
        let sandbox = BackgroundSandbox::start_with(demo::realm()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store.json");
        let mut data = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(demo::seed(&sandbox, now()))
            .unwrap();
        crate::support::store(&store)
            .lock()
            .unwrap()
            .save(&mut data)
            .unwrap();
        let secrets = secrets(&data);
        let config = dir.path().join("config.toml");
        std::fs::write(&config, setup.config).unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir(&home).unwrap();
        let xvfb = setup.x11.then(Xvfb::start);
        let (config, home) = (config.to_str().unwrap(), home.to_str().unwrap());
        let mut env = vec![("SIPAUTH_CONFIG", config), ("HOME", home)];
        if let Some(x) = &xvfb {
            env.push(("DISPLAY", x.display.name()));
        }
        let store_arg = store.to_str().unwrap();
        let tmux = if setup.in_shell {
            env.push(("PS1", "test-prompt$ "));
            let tmux = Tmux::start(&["bash", "--norc", "--noprofile"], &env);
            tmux.wait_for_text("test-prompt$");
            tmux.type_text(&format!("echo before-the-app; {BIN} --store {store_arg}"));
            tmux.keys(&["Enter"]);
            tmux
        } else {
            Tmux::start(&[BIN, "--store", store_arg], &env)
        };
        let app = Self {
            tmux,
            store,
            secrets,
            xvfb,
            _dir: dir,
            _sandbox: sandbox,
        };
        app.wait_for_text("sandbox-pat");
        app
    }

    /// Waits for the screen `ready` accepts; no capture may show a secret.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let screen = self.tmux.wait_for(what, |screen| {
            self.assert_masked(screen);
            ready(screen)
        });
        self.assert_masked(&screen);
        screen
    }

    fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |screen| screen.contains(text))
    }

    fn assert_masked(&self, screen: &str) {
        for secret in &self.secrets {
            assert!(
                !screen.contains(secret.as_str()),
                "a secret is on screen:\n{screen}"
            );
        }
    }

    /// Moves down the list until the detail pane is titled `name`.
    fn select(&self, name: &str) -> String {
        for _ in 0..10 {
            let screen = self.tmux.screen();
            if detail_title(&screen) == Some(name) {
                return screen;
            }
            let before = detail_title(&screen).map(str::to_owned);
            self.tmux.keys(&["j"]);
            self.wait_for("the selection to move", |s| {
                detail_title(s).map(str::to_owned) != before
            });
        }
        panic!("{name} not reached with j:\n{}", self.tmux.screen());
    }

    fn store(&self) -> StoreData {
        crate::support::store(&self.store).load().unwrap()
    }

    fn x11(&self) -> &xvfb::Display {
        &self.xvfb.as_ref().unwrap().display
    }
}

/// The detail pane's title: the name in the second box on the top line.
fn detail_title(screen: &str) -> Option<&str> {
    let top = screen.lines().next()?;
    let rest = &top[top.rfind('┌')? + '┌'.len_utf8()..];
    rest.trim_start()
        .split(' ')
        .next()
        .filter(|s| !s.is_empty())
}

fn now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(since.unwrap().as_secs()).unwrap()
}

/// What of the seeded data must not appear before a reveal: the PAT, the
/// password and its Base64 form, and a stretch of every token.
fn secrets(data: &StoreData) -> Vec<String> {
    let mut secrets = vec![
        SAMPLE_TOKEN.to_owned(),
        SAMPLE_PASSWORD.to_owned(),
        BASIC_HEADER.rsplit(' ').next().unwrap().to_owned(),
    ];
    for credential in &data.credentials {
        if let Auth::Oauth {
            session: Some(session),
            ..
        } = &credential.auth
        {
            let mut tokens = vec![&session.access_token];
            tokens.extend(&session.refresh_token);
            tokens.extend(&session.id_token);
            for token in tokens {
                // The signature: nothing on screen has a reason to show it.
                let signature = token.expose().rsplit('.').next().unwrap();
                secrets.push(signature[..signature.len().min(24)].to_owned());
            }
        }
    }
    secrets
}

fn access_token(data: &StoreData, name: &str) -> String {
    match &data.get(name).unwrap().auth {
        Auth::Oauth {
            session: Some(session),
            ..
        } => session.access_token.expose().to_owned(),
        _ => panic!("{name} has no session"),
    }
}

#[test]
fn start_lists_every_group_and_j_k_move_the_selection() {
    let app = App::start(Setup::default());
    let screen = app.wait_for("every credential", |s| {
        SEEDED.iter().all(|name| s.contains(name))
    });
    for group in ["OAuth sessions", "Personal access tokens", "Basic logins"] {
        assert!(screen.contains(group), "{group} missing:\n{screen}");
    }
    let first = detail_title(&screen).unwrap().to_owned();
    app.tmux.keys(&["j"]);
    let moved = app.wait_for("j to move", |s| detail_title(s) != Some(first.as_str()));
    // The next credential of the list, not a heading or a blank.
    let second = detail_title(&moved).unwrap();
    assert!(SEEDED.contains(&second), "{second}:\n{moved}");
    app.tmux.keys(&["k"]);
    app.wait_for("k to move back", |s| {
        detail_title(s) == Some(first.as_str())
    });
}

#[test]
fn probe_shows_200_and_a_latency() {
    let app = App::start(Setup::default());
    app.select("sandbox-pat");
    app.tmux.keys(&["p"]);
    // The detail pane shows the answer as `200 OK · 1.5 ms`.
    app.wait_for("a probe result", |s| {
        s.contains("probe sandbox-pat: 200 OK")
            && s.lines().any(|l| l.contains("│200 OK") && has_ms(l))
    });
}

/// A number followed by `ms`.
fn has_ms(line: &str) -> bool {
    line.match_indices("ms").any(|(i, _)| {
        let before = line[..i].trim_end();
        before.ends_with(|c: char| c.is_ascii_digit())
    })
}

#[test]
fn c_copies_the_basic_header_to_the_x11_clipboard() {
    let app = App::start(Setup {
        config: "clipboard = \"system\"\n",
        x11: true,
        ..Setup::default()
    });
    app.select("john-basic");
    app.tmux.keys(&["c"]);
    app.wait_for_text("copied, clears in 45 s");
    assert_eq!(app.x11().clipboard().as_deref(), Some(BASIC_HEADER));
    // The app still owns the selection a while later: the copy must not
    // vanish while it runs.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(app.x11().clipboard().as_deref(), Some(BASIC_HEADER));
}

#[test]
fn a_copy_is_cleared_after_clipboard_clear_seconds() {
    let app = App::start(Setup {
        config: "clipboard = \"system\"\nclipboard_clear = 2\n",
        x11: true,
        ..Setup::default()
    });
    app.select("john-basic");
    app.tmux.keys(&["c"]);
    app.wait_for_text("copied, clears in 2 s");
    let copied = std::time::Instant::now();
    assert_eq!(app.x11().clipboard().as_deref(), Some(BASIC_HEADER));
    while app.x11().clipboard().is_some() {
        assert!(
            copied.elapsed() < tmux::PATIENCE,
            "still on the clipboard: {:?}",
            app.x11().clipboard()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(copied.elapsed() >= std::time::Duration::from_millis(1500));
    // Cleared by the app, which is still running.
    assert_eq!(app.tmux.format("#{pane_dead}"), "0");
}

#[test]
fn r_refreshes_the_session_and_stores_the_new_token() {
    let app = App::start(Setup::default());
    let before = access_token(&app.store(), "third-party");
    app.select("third-party");
    app.tmux.keys(&["r"]);
    app.wait_for_text("refreshed third-party");
    assert_ne!(access_token(&app.store(), "third-party"), before);
}

#[test]
fn a_session_near_expiry_is_refreshed_by_itself() {
    // 75 s are left at the start; with a margin of 70 it is due in ~5 s.
    let app = App::start(Setup {
        config: "refresh_margin = 70\n",
        ..Setup::default()
    });
    let before = access_token(&app.store(), "expiring-soon");
    app.wait_for_text("auto-refreshed expiring-soon");
    assert_ne!(access_token(&app.store(), "expiring-soon"), before);
}

#[test]
fn q_quits_and_the_shell_gets_a_sane_terminal_back() {
    let app = App::start(Setup {
        in_shell: true,
        ..Setup::default()
    });
    assert_eq!(app.tmux.format("#{alternate_on}"), "1");
    app.tmux.keys(&["q"]);
    let stty = app.tmux.dir().join("stty.txt");
    app.tmux
        .wait_for("the prompt", |s| s.trim_end().ends_with("test-prompt$"));
    app.tmux
        .type_text(&format!("stty -a > {}; echo DONE", stty.display()));
    app.tmux.keys(&["Enter"]);
    let screen = app.tmux.wait_for_text("\nDONE");
    // The normal screen is back, with what was there before the app.
    assert_eq!(app.tmux.format("#{alternate_on}"), "0");
    assert!(
        screen.lines().any(|l| l == "before-the-app"),
        "the output from before the app is gone:\n{screen}"
    );
    assert_eq!(app.tmux.format("#{mouse_any_flag}"), "0");
    assert_eq!(app.tmux.format("#{cursor_flag}"), "1");
    let stty = std::fs::read_to_string(stty).unwrap();
    let flags: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(flags.contains(&flag), "{flag} is off:\n{stty}");
    }
}

#[test]
fn a_corrupt_store_exits_1_before_touching_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.json");
    let text = b"{\"version\": 1, \"credentials\": [ {\"name\": \"half";
    std::fs::write(&store, text).unwrap();
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = std::process::Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .env("SIPAUTH_CONFIG", dir.path().join("none.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "wrote to the terminal: {:?}",
        out.stdout
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("store.json"), "{stderr}");
    assert_eq!(std::fs::read(&store).unwrap(), text);
}

#[test]
fn without_a_terminal_the_app_and_the_demo_refuse_plainly() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&[][..], &["demo"][..]] {
        let out = std::process::Command::new(BIN)
            .arg("--store")
            .arg(dir.path().join("store.json"))
            .args(args)
            .env("SIPAUTH_CONFIG", dir.path().join("none.toml"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: escape codes written");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("needs a terminal"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_resize_redraws_at_the_new_size_and_back() {
    let app = App::start(Setup::default());
    let wide = app.wait_for("every credential", |s| {
        SEEDED.iter().all(|name| s.contains(name))
    });
    assert!(wide.contains("kind "), "the detail pane shows:\n{wide}");
    app.tmux.resize(40, 12);
    // Under 60 columns only the focused pane (the list) is drawn.
    let narrow = app.wait_for("the narrow layout", |s| {
        s.contains("expiring-soon")
            && !s.contains("kind ")
            && s.lines().all(|l| l.chars().count() <= 40)
    });
    assert!(narrow.lines().count() <= 12, "{narrow}");
    app.tmux.keys(&["Tab"]);
    app.wait_for("the detail pane alone", |s| {
        s.contains("kind ") && !s.contains("sandbox-pat ")
    });
    app.tmux.keys(&["Tab"]);
    app.tmux.resize(100, 30);
    app.wait_for("both panes again", |s| {
        s.contains("kind ") && s.contains("expiring-soon")
    });
}
