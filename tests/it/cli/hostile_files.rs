//! Files that are not what they should be: a FIFO, a device or a directory
//! where the store or its lock should be, a store too large to be one, one
//! store under several spellings of its path, a store owned by another user.
//! Each must fail fast and clearly, or work, and never hang or lose data.

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Env, stderr};

/// Far longer than any of these commands takes; only a hang reaches it.
const HANG: Duration = Duration::from_secs(20);

/// Waits for `child`, killing it (and failing) if it hangs.
fn finish(mut child: Child, what: &str) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("{what}: still running after {HANG:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn run(env: &Env, args: &[&str], what: &str) -> Output {
    let child = env
        .std_cmd()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, what)
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn data_dir(env: &Env) -> &Path {
    let dir = env.store.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

#[test]
fn a_store_that_is_not_a_regular_file_is_refused_at_once() {
    type Plant = fn(&Path);
    let cases: &[(&str, Plant, &str)] = &[
        ("fifo", |p| mkfifo(p), "is a FIFO, not a regular file"),
        (
            "link to /dev/zero",
            |p| symlink("/dev/zero", p).unwrap(),
            "is a character device, not a regular file",
        ),
        (
            "link to /dev/null",
            |p| symlink("/dev/null", p).unwrap(),
            "is a character device, not a regular file",
        ),
        (
            "directory",
            |p| std::fs::create_dir(p).unwrap(),
            "is a directory, not a regular file",
        ),
    ];
    for (what, plant, needle) in cases {
        let env = Env::new();
        data_dir(&env);
        plant(&env.store);
        for args in [&["list"][..], &["header", "a"], &["remove", "a"]] {
            let out = run(&env, args, what);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{what} {args:?}: {err}");
            assert!(err.contains(needle), "{what} {args:?}: {err}");
            // Advice to chmod a device or a directory would be wrong.
            assert!(!err.contains("chmod"), "{what} {args:?}: {err}");
        }
    }
}

#[test]
fn a_store_larger_than_the_limit_is_refused_unread() {
    let env = Env::new();
    data_dir(&env);
    let file = std::fs::File::create(&env.store).unwrap();
    // Sparse: 64 MiB + 1 byte on disk costs nothing.
    file.set_len((64 << 20) + 1).unwrap();
    let out = run(&env, &["list"], "huge store");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("larger than the limit of 64 MiB"), "{err}");
    assert_eq!(std::fs::metadata(&env.store).unwrap().len(), (64 << 20) + 1);
}

#[test]
fn a_whitespace_only_store_is_not_called_empty() {
    let env = Env::new();
    data_dir(&env);
    std::fs::write(&env.store, " \n\t\n").unwrap();
    let out = run(&env, &["list"], "whitespace");
    let err = stderr(&out);
    assert!(err.contains("holds only whitespace (4 bytes)"), "{err}");
    assert!(!err.contains("0 bytes"), "{err}");
}

#[test]
fn a_lock_file_that_is_a_fifo_or_a_symlink_is_refused_at_once() {
    let cases: &[(&str, &str)] = &[
        ("fifo", "lock file"),
        ("symlink", "is a symbolic link, not a regular file"),
    ];
    for (what, needle) in cases {
        let env = Env::new();
        env.add_pat("a", "token-1", "tok", "https://api.sipgate.com/v2");
        let lock = env.store.with_file_name("store.json.lock");
        std::fs::remove_file(&lock).unwrap();
        let elsewhere = env.dir.path().join("elsewhere");
        match *what {
            "fifo" => mkfifo(&lock),
            _ => symlink(&elsewhere, &lock).unwrap(),
        }
        let out = run(&env, &["remove", "a"], what);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains(needle), "{what}: {err}");
        assert!(err.contains("not a regular file"), "{what}: {err}");
        assert!(!elsewhere.exists(), "{what}: the link was followed");
        // Nothing was lost.
        assert_eq!(env.names(), ["a"], "{what}");
    }
}

#[test]
fn the_permission_warning_names_the_file_a_link_resolves_to() {
    let env = Env::new();
    let dir = data_dir(&env);
    let real = dir.join("real.json");
    std::fs::write(&real, r#"{"version":2,"credentials":[]}"#).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).unwrap();
    symlink("real.json", &env.store).unwrap();
    let out = run(&env, &["list"], "loose link target");
    let err = stderr(&out);
    let real = std::fs::canonicalize(&real).unwrap();
    assert!(
        err.contains(&format!("chmod 600 {}`", real.display())),
        "{err}"
    );
}

#[test]
fn forty_concurrent_adds_through_three_spellings_of_one_store_all_land() {
    let env = Env::new();
    let dir = data_dir(&env);
    std::fs::write(&env.store, r#"{"version":2,"credentials":[]}"#).unwrap();
    std::fs::set_permissions(&env.store, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A symlink to the store and a symlinked directory holding it.
    let link = env.dir.path().join("link.json");
    symlink(&env.store, &link).unwrap();
    let dir_link = env.dir.path().join("linked-dir");
    symlink(dir, &dir_link).unwrap();
    let spellings = [env.store.clone(), link, dir_link.join("store.json")];
    let children: Vec<_> = (0..40)
        .map(|i| {
            let mut cmd = env.std_cmd();
            cmd.env("SIPAUTH_STORE", &spellings[i % spellings.len()]);
            cmd.args(["add", "pat", &format!("c{i:02}"), "--token-id", "token-X"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"tok\n").unwrap();
            child
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = finish(child, "concurrent add");
        assert!(out.status.success(), "add {i}: {}", stderr(&out));
    }
    let mut names = env.names();
    names.sort();
    let want: Vec<String> = (0..40).map(|i| format!("c{i:02}")).collect();
    assert_eq!(names, want);
    // One lock file, beside the real store, and no temporary file left.
    let locks: Vec<_> = walk(env.dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".lock"))
        .collect();
    assert_eq!(
        locks,
        [std::fs::canonicalize(dir).unwrap().join("store.json.lock")]
    );
    assert!(
        walk(env.dir.path())
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".tmp")),
        "temporary files left"
    );
}

/// Every file under `dir`, not following symlinks.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(std::fs::canonicalize(&path).unwrap_or(path));
        }
    }
    out
}

/// As root, changing another user's store keeps it theirs; as that user,
/// a store owned by someone else is refused rather than taken over. Needs
/// root to set the scene (CI runs as root); as another user the test says
/// so and checks what it can: a store of one's own stays one's own.
#[test]
fn a_store_keeps_its_owner_when_someone_else_changes_it() {
    const UID: u32 = 54_321;
    const GID: u32 = 54_322;
    let env = Env::new();
    env.add_pat("a", "token-1", "tok", "https://api.sipgate.com/v2");
    let me = rustix::process::geteuid();
    if !me.is_root() {
        env.add_pat("b", "token-2", "tok", "https://api.sipgate.com/v2");
        let meta = std::fs::metadata(&env.store).unwrap();
        assert_eq!(meta.uid(), me.as_raw());
        eprintln!("not root: the owner-keeping half of this test needs root");
        return;
    }
    std::os::unix::fs::chown(&env.store, Some(UID), Some(GID)).unwrap();
    env.add_pat("b", "token-2", "tok", "https://api.sipgate.com/v2");
    let meta = std::fs::metadata(&env.store).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (UID, GID), "the owner was lost");
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert_eq!(env.names(), ["a", "b"]);

    // Another unprivileged user who can write the directory cannot take
    // the store over: the write is refused and the store stays as it was.
    let dir = env.store.parent().unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&env.store, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = std::fs::read(&env.store).unwrap();
    let lock = env.store.with_file_name("store.json.lock");
    std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let cmd = env.std_cmd();
    let bin = cmd.get_program().to_owned();
    let mut child = std::process::Command::new("setpriv");
    child
        .args(["--reuid=54323", "--regid=54323", "--clear-groups", "--"])
        .arg(bin)
        .args(["remove", "a"]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => child.env(k, v),
            None => child.env_remove(k),
        };
    }
    let child = child
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child, "remove as another user");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("belongs to uid {UID} (gid {GID}); refusing")),
        "{err}"
    );
    assert_eq!(std::fs::read(&env.store).unwrap(), before);
    let meta = std::fs::metadata(&env.store).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (UID, GID));
}

/// The app's config and the log are opened as files too: a FIFO or a
/// device in their place is a clear error on the screen, not a hang (the
/// app reads its config only on a terminal, hence tmux).
#[test]
fn a_config_or_log_that_is_not_a_regular_file_is_refused_at_once() {
    use crate::support::BIN;
    use crate::support::tmux::Tmux;
    let env = Env::new();
    env.add_pat("a", "token-1", "tok", "https://api.sipgate.com/v2");
    let fifo = env.dir.path().join("fifo");
    mkfifo(&fifo);
    let zero = env.dir.path().join("zero.toml");
    symlink("/dev/zero", &zero).unwrap();
    let store = env.store.to_str().unwrap();
    let cases = [
        ("SIPAUTH_CONFIG", &fifo, "a FIFO, not a regular file"),
        (
            "SIPAUTH_CONFIG",
            &zero,
            "a character device, not a regular file",
        ),
    ];
    for (var, path, needle) in cases {
        // A pane that dies at once can lose its first line: keep it alive.
        let tmux = Tmux::start(
            &[
                "sh",
                "-c",
                "\"$0\" \"$@\"; echo \"exit $?\"; sleep 60",
                BIN,
                "--store",
                store,
            ],
            &[(var, path.to_str().unwrap())],
        );
        let screen = tmux.wait_for_text("exit 1");
        assert!(screen.contains(needle), "{screen}");
        assert!(screen.contains(&path.display().to_string()), "{screen}");
    }
    // The log is opened before any command runs.
    let out = {
        let mut cmd = env.std_cmd();
        cmd.env("SIPAUTH_LOG", "debug")
            .env("SIPAUTH_LOG_FILE", &fifo)
            .arg("list")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        finish(cmd.spawn().unwrap(), "log fifo")
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("a FIFO, not a regular file"), "{err}");
}
