//! A private, real Secret Service: a session D-Bus (`dbus-daemon`) and an
//! unlocked `gnome-keyring-daemon` on it, both killed on drop, each test
//! its own (Debian: dbus, gnome-keyring, libsecret-tools for
//! `secret-tool`). A missing tool fails the test, it does not skip.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The private bus: a session bus on a socket in the test's directory,
/// open to this user, with no `<servicedir>`.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=@DIR@</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// A running session bus with a Secret Service on it.
pub struct SecretService {
    bus: Child,
    keyring: Child,
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    /// The keyring daemon's HOME (where it keeps its keyring files).
    pub home: TempDir,
}

impl SecretService {
    /// Starts both and waits until the Secret Service answers.
    pub fn start() -> Self {
        let home = tempfile::tempdir().unwrap();
        // A session bus without service directories: nothing is started
        // on demand (the system's gnome-keyring would be, with the real
        // HOME, and would win the race for the Secret Service's name).
        let config = home.path().join("bus.conf");
        std::fs::write(
            &config,
            BUS_CONFIG.replace("@DIR@", &home.path().display().to_string()),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run dbus-daemon (apt-get install dbus): {e}"));
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        assert!(
            address.starts_with("unix:"),
            "dbus-daemon printed {address:?}"
        );
        let mut service = Self {
            bus,
            keyring: spawn_keyring(&address, home.path()),
            address,
            home,
        };
        // Should a daemon not register on the bus, a fresh one is tried
        // (three tries, then the logs).
        for attempt in 1..=3 {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if service.ready_by_store() {
                    return service;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let exited = service.keyring.try_wait();
            let _ = service.keyring.kill();
            let _ = service.keyring.wait();
            assert!(
                attempt < 3,
                "the Secret Service did not come up on {} (daemon: {exited:?}): {}",
                service.address,
                std::fs::read_to_string(service.home.path().join("daemon.log")).unwrap_or_default()
            );
            service.keyring = spawn_keyring(&service.address, service.home.path());
        }
        unreachable!("the last attempt panics")
    }

    /// Whether a `secret-tool store` goes through.
    fn ready_by_store(&self) -> bool {
        let mut child = self
            .command("secret-tool")
            .args(["store", "--label", "ready", "service", "probe-ready"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run secret-tool (apt-get install libsecret-tools): {e}")
            });
        let _ = child.stdin.take().unwrap().write_all(b"x");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.success();
            }
            if started.elapsed() > Duration::from_secs(5) {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A command talking to this bus.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home.path())
            .env("XDG_RUNTIME_DIR", self.home.path());
        cmd
    }

    /// Runs `secret-tool ARGS`.
    pub fn secret_tool(&self, args: &[&str]) -> std::process::Output {
        self.command("secret-tool")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run secret-tool (apt-get install libsecret-tools): {e}")
            })
    }

    /// What `secret-tool search --all service sipauth-tui` lists (the
    /// attributes; the secret lines are left out).
    pub fn sipauth_entries(&self) -> String {
        let out = self.secret_tool(&["search", "--all", "service", "sipauth-tui"]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        text.lines()
            .filter(|l| !l.starts_with("secret ="))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Sets this bus and no key command on a command of the binary.
    pub fn apply<'a>(&self, cmd: &'a mut assert_cmd::Command) -> &'a mut assert_cmd::Command {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env_remove("SIPAUTH_KEY_COMMAND")
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        for child in [&mut self.keyring, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `gnome-keyring-daemon` on this bus, its keyring unlocked (created) with
/// a test password.
fn spawn_keyring(address: &str, home: &Path) -> Child {
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        // Its control socket goes here, not in a runtime dir another
        // daemon of this user may hold.
        .env("XDG_RUNTIME_DIR", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(home.join("daemon.log")).unwrap())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run gnome-keyring-daemon (apt-get install gnome-keyring): {e}")
        });
    let mut stdin = keyring.stdin.take().unwrap();
    stdin.write_all(b"test-keyring-password").unwrap();
    drop(stdin);
    keyring
}

/// Every file under `dir` (the store, its lock, temp files, the log).
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}
