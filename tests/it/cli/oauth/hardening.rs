//! Process hardening, through a real waiting `login` (it holds the client
//! secret): no core file (`RLIMIT_CORE` 0, soft and hard) and not
//! dumpable, so another process of the same user can read neither its
//! `/proc/PID/environ` nor open its `/proc/PID/mem` (what `gcore` and
//! debuggers do).
//!
//! As root every process may read every other's memory, so under root
//! both the login and the reader run without capabilities (`setpriv`):
//! then only dumpability decides, as it does between two processes of a
//! normal user. A dumpable process started the same way is read as a
//! control, so the check cannot pass because `/proc` is closed anyway.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::support::{BIN, CLIENTS, Realm};

fn as_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// `program args…`, without capabilities when run as root.
fn unprivileged(program: &str) -> Command {
    if !as_root() {
        return Command::new(program);
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--bounding-set=-all", "--inh-caps=-all", "--", program]);
    cmd
}

/// Whether another unprivileged process of the user can read `pid`'s
/// environment and open its memory.
fn readable(pid: u32) -> (bool, bool) {
    let ok = |cmd: &mut Command| {
        cmd.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    let environ = ok(unprivileged("cat").arg(format!("/proc/{pid}/environ")));
    let mem = ok(unprivileged("dd").args([
        &format!("if=/proc/{pid}/mem"),
        "of=/dev/null",
        "count=0",
        "status=none",
    ]));
    (environ, mem)
}

fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_waiting_login_writes_no_core_and_cannot_be_read_by_the_users_other_processes() {
    let realm = Realm::new();
    realm.add_client("w", CLIENTS[0]);
    let template = realm.std_cmd();
    let mut login = unprivileged(BIN);
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => login.env(key, value),
            None => login.env_remove(key),
        };
    }
    let mut child = login
        .args(["login", "w", "--no-browser"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Waiting for the browser: the client secret has been read.
    let stderr = child.stderr.take().unwrap();
    let waiting = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.starts_with("Open this URL to log in: "));
    assert!(waiting, "the login never waited for its callback");
    let pid = child.id();

    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let (environ, mem) = readable(pid);
    kill(child);
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let values: Vec<&str> = core.split_whitespace().skip(4).take(2).collect();
    assert_eq!(values, ["0", "0"], "{core}");
    assert!(!environ, "another process read the login's environment");
    assert!(!mem, "another process opened the login's memory");

    let control = unprivileged("sleep").arg("30").spawn().unwrap();
    // Exec'd by now once /proc shows the program's own name.
    let comm = format!("/proc/{}/comm", control.id());
    while std::fs::read_to_string(&comm).unwrap_or_default().trim() != "sleep" {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let readable = readable(control.id());
    kill(control);
    assert_eq!(
        readable,
        (true, true),
        "a plain process could not be read either"
    );
}
