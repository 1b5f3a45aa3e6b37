//! Process-level figures for the full-screen app: the real binary (built by
//! `cargo bench` with the release settings) in a detached tmux session, read
//! through `/proc`. Three apps run side by side over one 60 s window:
//!
//! - **countdowns**: 10 OAuth sessions on screen, each counting down (an
//!   hour of access left, so auto-refresh stays quiet). CPU is utime+stime
//!   from `/proc/PID/stat` over the window, as a share of one core (target
//!   at most 0.2%); the main thread's voluntary context switches count its
//!   wake-ups: a countdown tick each second costs two (tokio's timer wheel
//!   first wakes at the start of the 64 ms slot holding the deadline, then
//!   at the deadline; seen with strace), so 1 to 2.5 a second passes.
//! - **idle**: PATs only, no countdown. The app should sleep on input
//!   alone: no wake-ups, about 0% CPU.
//! - **10k**: 10,000 credentials (the mix of `benches/tui/fixture.rs`) at
//!   200×60; `VmRSS` and `VmHWM` from `/proc/PID/status` once the list is
//!   on screen (target: RSS at most 20 MB).
//!
//! CPU is counted in clock ticks (`getconf CLK_TCK`, usually 100 a second)
//! and, more finely, as the nanoseconds on CPU from
//! `/proc/PID/task/*/schedstat`. Each app runs with `DISPLAY` unset (no
//! system clipboard, as over SSH), its own config and log file.
//!
//! `cargo bench --bench tui_process` prints the figures and exits non-zero
//! when a target is missed; without tmux it says so and skips. Run any
//! other way (`cargo test --benches`) it skips at once.

#![allow(clippy::unwrap_used)]

#[path = "common/filler.rs"]
mod filler;
#[path = "tui/fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sipauth_tui::store::StoreData;

/// The measuring window.
const WINDOW: Duration = Duration::from_secs(60);
/// Time for start-up to settle before the window opens.
const SETTLE: Duration = Duration::from_secs(2);
/// Targets.
const MAX_CPU_PERCENT: f64 = 0.2;
const MAX_RSS_KB: u64 = 20 * 1024;

/// A tmux server of our own (own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Self {
        Self {
            socket: format!("sipauth-bench-{}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts the app on `store` in session `name` at `size` and returns its pid.
    fn start(&self, name: &str, size: (u16, u16), dir: &Path, store: &Path) -> u32 {
        let bin = env!("CARGO_BIN_EXE_sipauth-tui");
        let command = format!(
            "exec env -u DISPLAY -u WAYLAND_DISPLAY SIPAUTH_CONFIG={config} \
             SIPAUTH_LOG_FILE={log} SIPAUTH_KEY_COMMAND=\"{key}\" {bin} --store {store}",
            key = sipauth_tui::vault::test_key::key_command(),
            config = dir.join("config.toml").display(),
            log = dir.join("app.log").display(),
            store = store.display(),
        );
        let (w, h) = (size.0.to_string(), size.1.to_string());
        self.run(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &w,
            "-y",
            &h,
            &command,
        ]);
        let pid: u32 = self
            .run(&["list-panes", "-t", name, "-F", "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap();
        pid
    }

    fn screen(&self, name: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", name])
    }

    /// Waits until `name`'s screen shows `text`.
    fn wait_for(&self, name: &str, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen(name);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{name} never showed {text:?}:\n{screen}"
            );
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// What `/proc` says about a process at one moment.
#[derive(Clone, Copy, Debug)]
struct Sample {
    at: Instant,
    /// utime + stime, clock ticks.
    ticks: u64,
    /// Time on CPU over all threads, ns.
    cpu_ns: u64,
    /// The main thread's voluntary context switches (its sleeps).
    wakeups: u64,
}

fn sample(pid: u32) -> Sample {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let mut cpu_ns = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let path = task.unwrap().path().join("schedstat");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        cpu_ns += text
            .split(' ')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/status")).unwrap();
    Sample {
        at: Instant::now(),
        ticks,
        cpu_ns,
        wakeups: status_kb(&status, "voluntary_ctxt_switches:"),
    }
}

/// A number field of a `/proc/.../status` file.
fn status_kb(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU use between two samples.
struct Usage {
    seconds: f64,
    ticks: u64,
    percent_ticks: f64,
    percent_ns: f64,
    wakeups: u64,
}

fn usage(a: Sample, b: Sample, hz: f64) -> Usage {
    let seconds = (b.at - a.at).as_secs_f64();
    let ticks = b.ticks - a.ticks;
    Usage {
        seconds,
        ticks,
        percent_ticks: ticks as f64 / hz / seconds * 100.0,
        percent_ns: (b.cpu_ns - a.cpu_ns) as f64 / 1e9 / seconds * 100.0,
        wakeups: b.wakeups - a.wakeups,
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

fn write_store(path: PathBuf, mut data: StoreData) -> PathBuf {
    sipauth_tui::store::Store::new(&path)
        .with_vault(sipauth_tui::vault::test_key::vault())
        .lock()
        .unwrap()
        .save(&mut data)
        .unwrap();
    path
}

fn main() -> ExitCode {
    if !std::env::args().any(|a| a == "--bench") {
        println!("tui_process: skipped (run it with `cargo bench --bench tui_process`)");
        return ExitCode::SUCCESS;
    }
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("tui_process: skipped: tmux is not installed");
        return ExitCode::SUCCESS;
    }
    let dir = tempfile::tempdir().unwrap();
    let now = now();
    let mut countdowns = StoreData::empty();
    countdowns.credentials = (0..10)
        .map(|i| fixture::oauth(&format!("session-{i:02}"), i, now, 3600))
        .collect();
    let mut idle = StoreData::empty();
    idle.credentials = (0..10)
        .map(|i| fixture::pat(&format!("pat-{i:02}"), i))
        .collect();
    let stores = [
        ("countdowns", (120, 40), countdowns, "session-09"),
        ("idle", (120, 40), idle, "pat-09"),
        (
            "10k",
            (200, 60),
            fixture::store(10_000, now, 3600),
            "session-00003",
        ),
    ];
    let tmux = Tmux::new();
    let mut apps = Vec::new();
    for (name, size, data, shows) in stores {
        let app_dir = dir.path().join(name);
        let store = write_store(app_dir.join("store.json"), data);
        let pid = tmux.start(name, size, &app_dir, &store);
        let first = Instant::now();
        tmux.wait_for(name, shows);
        apps.push((name, pid, first.elapsed()));
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", apps[2].1)).unwrap();
    let (rss, hwm) = (status_kb(&status, "VmRSS:"), status_kb(&status, "VmHWM:"));
    let threads = status_kb(&status, "Threads:");

    sleep(SETTLE);
    let before: Vec<Sample> = apps.iter().map(|a| sample(a.1)).collect();
    let countdown_before = tmux.screen("countdowns");
    sleep(WINDOW);
    let after: Vec<Sample> = apps.iter().map(|a| sample(a.1)).collect();
    let countdown_after = tmux.screen("countdowns");

    let hz = clock_ticks();
    let mut missed = Vec::new();
    println!(
        "tui_process: {}s window after {}s to settle, CLK_TCK {hz}",
        WINDOW.as_secs(),
        SETTLE.as_secs()
    );
    for (i, (name, _, first)) in apps.iter().enumerate() {
        let u = usage(before[i], after[i], hz);
        println!(
            "  {name:<10} CPU {:.3}% of a core ({} ticks in {:.1}s; {:.4}% by schedstat), \
             {} wake-ups of the main thread, first screen after {} ms",
            u.percent_ticks,
            u.ticks,
            u.seconds,
            u.percent_ns,
            u.wakeups,
            first.as_millis()
        );
        if u.percent_ticks > MAX_CPU_PERCENT {
            missed.push(format!(
                "{name}: CPU {:.3}% > {MAX_CPU_PERCENT}%",
                u.percent_ticks
            ));
        }
        let per_second = u.wakeups as f64 / u.seconds;
        match *name {
            // One tick a second (two wake-ups each, see above), and none
            // at all without a countdown.
            "countdowns" if !(0.9..=2.5).contains(&per_second) => missed.push(format!(
                "countdowns: {per_second:.2} wake-ups/s, not one tick a second"
            )),
            "idle" if u.wakeups > 2 => {
                missed.push(format!("idle: {} wake-ups without a countdown", u.wakeups))
            }
            _ => {}
        }
    }
    if countdown_before == countdown_after {
        missed.push("countdowns: the screen did not change over the window".into());
    }
    println!(
        "  10k        VmRSS {:.1} MB, VmHWM {:.1} MB, {threads} threads",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    if rss > MAX_RSS_KB {
        missed.push(format!("10k: RSS {rss} kB > {MAX_RSS_KB} kB"));
    }
    if missed.is_empty() {
        println!("tui_process: every target met");
        ExitCode::SUCCESS
    } else {
        for m in &missed {
            println!("tui_process: MISSED {m}");
        }
        ExitCode::FAILURE
    }
}
