//! Many processes at once, and processes killed in the middle of a save.

use std::time::{Duration, Instant};

use crate::support::{Env, stderr};

#[test]
fn twenty_concurrent_adds_all_land() {
    let env = Env::new();
    let children: Vec<_> = (0..20)
        .map(|i| env.spawn_add_pat(&format!("c{i:02}"), &format!("token-{i}")))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let mut names = env.names();
    names.sort();
    let want: Vec<String> = (0..20).map(|i| format!("c{i:02}")).collect();
    assert_eq!(names, want);
}

#[test]
fn a_held_lock_gives_a_clear_error_after_the_timeout() {
    let env = Env::new();
    env.add_pat("a", "token-1", "tok", "https://api.sipgate.com/v2");
    let lock = std::fs::File::options()
        .write(true)
        .open(env.store.with_file_name("store.json.lock"))
        .unwrap();
    lock.lock().unwrap();
    let start = Instant::now();
    let out = env
        .cmd()
        .env("SIPAUTH_LOCK_TIMEOUT", "0.3")
        .args(["remove", "a"])
        .output()
        .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("locked by another"),
        "{}",
        stderr(&out)
    );
    lock.unlock().unwrap();
    env.cmd().args(["remove", "a"]).assert().success();
}

/// A deterministic spread of delays (no clock-seeded randomness: a failure
/// must reproduce).
fn delays(count: usize, max: Duration) -> impl Iterator<Item = Duration> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..count).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        max.mul_f64((x % 10_000) as f64 / 10_000.0)
    })
}

#[test]
fn killing_writers_mid_save_leaves_the_old_or_the_new_store() {
    let env = Env::new();
    // A large store makes each save take long enough to be hit mid-way.
    env.write_pats("base", 4000, &"t".repeat(64));

    // How long one uninterrupted add takes here.
    let start = Instant::now();
    let out = env
        .spawn_add_pat("probe-run", "tok")
        .wait_with_output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let full = start.elapsed();

    let mut expected = env.names();
    let (mut landed, mut lost) = (0, 0);
    // A loaded machine may make the later saves slower than the timed one:
    // the kills then spread over a longer span, until both outcomes occur.
    let spans = [1.3, 3.0, 8.0].map(|f| full.mul_f64(f));
    let kills = spans.iter().enumerate().flat_map(|(round, &span)| {
        delays(60, span)
            .enumerate()
            .map(move |(i, d)| (round * 100 + i, d))
    });
    for (i, delay) in kills {
        if i % 100 == 0 && i > 0 && landed > 0 && lost > 0 {
            break;
        }
        let name = format!("k{i}");
        let mut child = env.spawn_add_pat(&name, "tok");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL: no destructor, no cleanup
        child.wait().unwrap();
        let now = crate::support::store(&env.store)
            .load()
            .unwrap_or_else(|e| panic!("kill {i} after {delay:?} broke the store: {e}"));
        let names: Vec<String> = now.credentials.into_iter().map(|c| c.name).collect();
        if names.len() == expected.len() + 1 {
            landed += 1;
            expected.push(name);
        } else {
            lost += 1;
        }
        assert_eq!(names, expected, "kill {i} after {delay:?}");
    }
    // The kills must have fallen both before and after the commit point,
    // or the test proved nothing.
    assert!(landed > 0 && lost > 0, "landed {landed}, lost {lost}");

    // A later save clears temporary files a killed writer left behind.
    env.spawn_add_pat("after", "tok").wait().unwrap();
    let leftovers: Vec<String> = std::fs::read_dir(env.store.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
