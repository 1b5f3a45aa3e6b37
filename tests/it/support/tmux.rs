//! A private tmux server driving one pane: start a command in it at a fixed
//! size, type keys, and read the screen back. Each server has its own socket
//! in a temporary directory and a clean environment, so tests run in
//! parallel without seeing each other or the user's tmux.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long any expected screen may take to appear; generous for loaded CI.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A tmux server with one session, `main`; killed on drop.
pub struct Tmux {
    dir: TempDir,
}

impl Tmux {
    /// Starts `argv` in a 100×30 pane with only PATH, TERM, LANG and `env`
    /// in its environment. A pane whose program exits stays on screen, so a
    /// crash can be read.
    pub fn start(argv: &[&str], env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tmux.conf"),
            "set -g remain-on-exit on\nset -g set-clipboard on\n",
        )
        .unwrap();
        let tmux = Self { dir };
        let mut cmd = tmux.cmd();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8");
        for (key, value) in super::storage_env() {
            if let Some(value) = value {
                cmd.env(key, value);
            }
        }
        for (key, value) in env {
            cmd.env(key, value);
        }
        let status = cmd
            .args([
                "new-session",
                "-d",
                "-s",
                "main",
                "-x",
                "100",
                "-y",
                "30",
                "--",
            ])
            .args(argv)
            .status()
            .unwrap_or_else(|e| panic!("cannot run tmux (apt-get install tmux): {e}"));
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S")
            .arg(self.dir.path().join("socket"))
            .arg("-f")
            .arg(self.dir.path().join("tmux.conf"))
            // UTF-8 whatever the locale of the test process.
            .arg("-u")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The pane's visible text.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "main"])
    }

    /// A tmux format of the pane, like `#{alternate_on}`.
    pub fn format(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", "main", format])
            .trim()
            .to_owned()
    }

    /// Presses keys by tmux name (`j`, `Enter`, `Escape`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend(keys);
        self.run(&args);
    }

    /// Resizes the pane's window, as a user dragging the terminal would.
    pub fn resize(&self, columns: u16, rows: u16) {
        let (x, y) = (columns.to_string(), rows.to_string());
        self.run(&["resize-window", "-t", "main", "-x", &x, "-y", &y]);
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "main", "-l", text]);
    }

    /// Pastes text as a terminal does (bracketed, when the program asked
    /// for it), through a tmux buffer of its own.
    pub fn paste(&self, text: &str) {
        self.run(&["set-buffer", "-b", "paste", "--", text]);
        self.run(&["paste-buffer", "-p", "-d", "-b", "paste", "-t", "main"]);
    }

    /// Polls the screen until `ready` accepts it and returns it; fails with
    /// the last screen after [`PATIENCE`], or at once if the program ended
    /// while `ready` still waits.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if self.format("#{pane_dead}") == "1" {
                let status = self.format("#{pane_dead_status}");
                panic!("the program exited ({status}) waiting for {what}:\n{screen}");
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |screen| screen.contains(text))
    }

    /// The newest tmux paste buffer: where an OSC 52 copy by the program
    /// lands (`set-clipboard on`); `None` before any.
    pub fn buffer(&self) -> Option<String> {
        let out = self.cmd().args(["show-buffer"]).output().unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Waits until the program in the pane has exited; returns its exit
    /// status as tmux records it (`0`, `101`, `signal 9`), or "" when tmux
    /// recorded none within a second of the pane's death.
    pub fn wait_exit(&self) -> String {
        let deadline = Instant::now() + PATIENCE;
        while self.format("#{pane_dead}") != "1" {
            assert!(
                Instant::now() < deadline,
                "the program never exited:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // tmux may mark the pane dead a moment before it records the status.
        for _ in 0..10 {
            let signal = self.format("#{pane_dead_signal}");
            if !signal.is_empty() {
                return format!("signal {signal}");
            }
            let status = self.format("#{pane_dead_status}");
            if !status.is_empty() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        String::new()
    }

    /// The directory that holds the socket, for files a test wants cleaned up.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .cmd()
            .arg("kill-server")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
