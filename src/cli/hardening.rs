//! Process hardening, done first in `main` for every command, before any
//! secret is read: no core dump, and no other process of the same user
//! reading this one's memory.
//!
//! On Linux, `PR_SET_DUMPABLE 0` makes the kernel write no core and makes
//! `/proc/PID/mem`, `environ` and friends and `ptrace` need `CAP_SYS_PTRACE`,
//! so a waiting `login` or the app (holding client secrets and tokens)
//! cannot be dumped by the user's other processes (`gcore`, a debugger, a
//! crash). `RLIMIT_CORE` 0, soft and hard, is the same on every Unix for
//! crashes; the hard limit also binds what this process starts (a browser
//! opened for a login), and cannot be raised again without privilege.
//! Elsewhere (macOS, the BSDs) only the limit applies: a same-user debugger
//! can still attach there (macOS asks for developer-tools permission).

use std::io;

/// Disables core dumps and, on Linux, same-user memory access. Errors are
/// returned for a warning: the command still runs.
pub fn harden() -> io::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let limit = setrlimit(Resource::Core, none);
    #[cfg(target_os = "linux")]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    limit.map_err(io::Error::from)
}
