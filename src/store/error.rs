//! What can go wrong with the store. No variant carries a secret or any
//! value read from the file.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

/// Everything that can go wrong with the store. No variant carries a secret.
#[derive(Debug, Error)]
pub enum StoreError {
    /// No home directory to put the default store in.
    #[error("cannot find a data directory for the store")]
    NoDataDir,
    /// A file-system call failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done, e.g. "read".
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The store file exists but holds nothing, or only whitespace.
    #[error("store {} {}, not JSON; it is left as it is: restore it from a backup or move it aside", path.display(), empty_text(*bytes))]
    Empty {
        /// The store file.
        path: PathBuf,
        /// Its size (all whitespace).
        bytes: usize,
    },
    /// The store or its lock is not a regular file (a FIFO, a device, a
    /// directory, a planted symlink for the lock).
    #[error("{role} {} is {kind}, not a regular file; nothing was read from it or written to it", path.display())]
    NotAFile {
        /// "store" or "lock file".
        role: &'static str,
        /// The path as opened.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// The store file is larger than any store can be.
    #[error("store {} is larger than the limit of {} MiB; it is left as it is: it is not a sipauth-tui store, or it is damaged", path.display(), limit >> 20)]
    TooLarge {
        /// The store file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// The replacement store could not be given the old one's owner.
    #[error("store {} belongs to uid {uid} (gid {gid}); refusing to replace it with a file of another owner", path.display())]
    Owner {
        /// The resolved store file.
        path: PathBuf,
        /// Its owner.
        uid: u32,
        /// Its group.
        gid: u32,
        /// Why the owner could not be kept.
        #[source]
        source: io::Error,
    },
    /// The store file is not valid JSON.
    #[error("store {} is not valid JSON: {problem} at line {line}, column {column}; it is left as it is: repair it or move it aside", path.display())]
    Syntax {
        /// The store file.
        path: PathBuf,
        /// What the parser met.
        problem: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The JSON does not have the store's shape.
    #[error("store {} does not look like a sipauth-tui store: {problem} at line {line}, column {column}; it is left as it is", path.display())]
    Schema {
        /// The store file.
        path: PathBuf,
        /// What does not fit (never a value from the file).
        problem: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A credential in the store breaks a rule (hand-edited, most likely).
    #[error("store {}: credential #{number} is invalid: {problem}; it is left as it is: fix or remove that entry", path.display())]
    BadEntry {
        /// The store file.
        path: PathBuf,
        /// 1-based position in the file.
        number: usize,
        /// What is wrong (never a secret).
        problem: String,
    },
    /// The store was written by a newer sipauth-tui.
    #[error("store {} has format version {found}, newer than this sipauth-tui reads ({supported}); it is left untouched: upgrade sipauth-tui", path.display())]
    NewerVersion {
        /// The store file.
        path: PathBuf,
        /// The version in the file.
        found: u64,
        /// The newest this build reads.
        supported: u32,
    },
    /// Another process held the lock for too long.
    #[error("store {} is locked by another sipauth-tui process; gave up after {} s (lock file {})", path.display(), waited.as_secs_f32(), lock.display())]
    LockTimeout {
        /// The store file.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// How long it waited.
        waited: Duration,
    },
    /// No credential has that name.
    #[error("no credential named `{name}`")]
    NotFound {
        /// The name asked for.
        name: String,
    },
    /// An OAuth operation on a credential of another kind.
    #[error("`{name}` is a {kind}, not an OAuth client or session")]
    NotOauth {
        /// The credential's name.
        name: String,
        /// Its kind, as a person reads it.
        kind: &'static str,
    },
    /// The name is taken.
    #[error("a credential named `{name}` exists already (remove or rename it first)")]
    AlreadyExists {
        /// The name.
        name: String,
    },
    /// A value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::credential::CredentialError),
    /// The store's key could not be had: nothing was read from the
    /// sealed secrets, nothing was written.
    #[error("store {}: {source}; the file is left as it is", path.display())]
    Key {
        /// The store file.
        path: PathBuf,
        /// Why the key could not be had.
        source: crate::vault::VaultError,
    },
    /// The key of a sealed store could not be had: these entries' secrets
    /// cannot be opened; nothing was written.
    #[error("store {}: the secrets of {} cannot be opened: {source}; the file is left as it is", path.display(), entries.join(", "))]
    Locked {
        /// The store file.
        path: PathBuf,
        /// Why the key could not be had.
        source: crate::vault::VaultError,
        /// The entries holding sealed secrets.
        entries: Vec<String>,
    },
    /// Some sealed secrets did not open with the store's key.
    #[error("store {}: {} sealed secret(s) do not open with the store's key (changed, or moved between entries): {}; the file is left as it is: `sipauth-tui reset-key` drops them and keeps the rest", path.display(), entries.len(), entries.join(", "))]
    Unopened {
        /// The store file.
        path: PathBuf,
        /// `name (field)` of each.
        entries: Vec<String>,
    },
    /// A change was asked to write secrets it never opened (a bug).
    #[error("store {}: refusing to write secrets that were read without the key", path.display())]
    SealedInMemory {
        /// The store file.
        path: PathBuf,
    },
    /// Work on the store stopped before it ended (the runtime shut down).
    #[error("the store work was interrupted: {0}")]
    Interrupted(String),
}

fn empty_text(bytes: usize) -> String {
    match bytes {
        0 => "is empty (0 bytes)".to_owned(),
        1 => "holds only whitespace (1 byte)".to_owned(),
        n => format!("holds only whitespace ({n} bytes)"),
    }
}
