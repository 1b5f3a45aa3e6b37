//! The app against Keycloak: full screen in a private tmux server, `l` logs
//! in through `$BROWSER` (a script that hands the URL to the test, which
//! plays the browser on Keycloak's login page), and the screen then shows
//! the session's countdowns and Keycloak's claims (`realm_access.roles`).

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::browser::Browser;
use crate::cli::{BIN, Env, Method};
use crate::server::{PUBLIC, USER, block_on, http};

/// A tmux server of its own (socket in a temporary directory); killed on drop.
struct Tmux {
    dir: tempfile::TempDir,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S")
            .arg(self.dir.path().join("socket"))
            .arg("-f")
            .arg(self.dir.path().join("tmux.conf"))
            .arg("-u")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "tmux {args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen (60 s at most) until `ready` accepts it.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "main"]);
            if ready(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "no {what} on screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

#[test]
fn the_app_logs_in_with_l_and_shows_the_countdowns_and_claims() {
    let env = Env::new();
    env.add_client(
        "kc",
        "third-party",
        PUBLIC,
        Method::None,
        "openid balance:read",
    );
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("url");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf %s \"$1\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let tmux = Tmux {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::write(
        tmux.dir.path().join("tmux.conf"),
        "set -g remain-on-exit on\n",
    )
    .unwrap();
    let status = tmux
        .cmd()
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("SIPAUTH_STORE", &env.store)
        .env(
            "SIPAUTH_KEY_COMMAND",
            sipauth_tui::vault::test_key::key_command(),
        )
        .env("BROWSER", &script)
        // The app opens a browser only with a display to show it on (else
        // it shows the URL): a name is enough, `$BROWSER` is what runs.
        .env("WAYLAND_DISPLAY", "wayland-none")
        .args([
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "120",
            "-y",
            "40",
            "--",
            BIN,
        ])
        .status()
        .unwrap_or_else(|e| panic!("cannot run tmux: {e}"));
    assert!(status.success());
    tmux.wait_for("the entry", |s| s.contains("kc"));
    tmux.run(&["send-keys", "-t", "main", "l"]);
    let started = Instant::now();
    let url = loop {
        if let Ok(url) = std::fs::read_to_string(&seen) {
            break url;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let screen = tmux.run(&["capture-pane", "-p", "-t", "main"]);
            panic!("the browser was never started:\n{screen}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let callback = Browser::new(USER).authorize(&url);
    let page = block_on(async { http().get(&callback).send().await.unwrap().status() });
    assert_eq!(page.as_u16(), 200);
    let screen = tmux.wait_for("the session's claims", |s| {
        s.contains("preferred_username") && s.contains("john")
    });
    // The countdowns of Keycloak's 5 min access and 30 min SSO lifetimes.
    assert!(screen.contains("left of 5:00"), "{screen}");
    assert!(screen.contains("left of 30:00"), "{screen}");
    assert!(screen.contains("realm_access.roles"), "{screen}");
    assert!(screen.contains("balance:read"), "{screen}");
    assert!(!screen.contains("eyJ"), "a token on screen:\n{screen}");
    assert!(env.token("kc", "refresh_token").is_some());
    tmux.run(&["send-keys", "-t", "main", "q"]);
}
