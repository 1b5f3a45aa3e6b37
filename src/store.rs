//! The credential store: one JSON file, changed only under a lock and only by
//! atomic replacement.
//!
//! Reads take no lock: a writer never changes the file in place, it writes a
//! temporary file beside it (0600), fsyncs it, renames it over the store and
//! fsyncs the directory, so a reader (or a crash) sees the old store or the
//! new one, never half of one. Changes go through [`Store::update`], which
//! takes an exclusive lock on a separate `.lock` file, re-reads the store,
//! applies the change and writes it back, so concurrent processes never lose
//! each other's changes. A store that cannot be read is reported with its path
//! and position and is never written over.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::credential::Credential;
use crate::files::{self, FileError};
use crate::vault::Vault;

mod error;
mod parse;
mod sealing;

pub use error::StoreError;
pub use parse::parse;
pub use sealing::{Counts, Dropped, KeyReset};

/// The store format this build writes and the newest it reads.
pub const STORE_VERSION: u32 = 3;

/// The first version whose secrets may be sealed.
pub const SEALED_VERSION: u32 = 3;

/// How long a change waits for another process's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Length of the random part of a temporary file's name.
const TEMP_RANDOM_LEN: usize = 6;

/// What the store file holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoreData {
    /// Format version; a newer one is refused.
    pub version: u32,
    /// The id of the data key the secrets are sealed under (none while
    /// nothing is sealed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Every credential, in the order they were added.
    pub credentials: Vec<Credential>,
}

impl StoreData {
    /// An empty store of the current version.
    pub fn empty() -> Self {
        Self {
            version: STORE_VERSION,
            key_id: None,
            credentials: Vec::new(),
        }
    }

    /// The credential with this name.
    pub fn get(&self, name: &str) -> Result<&Credential, StoreError> {
        self.credentials
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| StoreError::NotFound { name: name.into() })
    }

    /// Adds a credential whose name is not taken yet.
    pub fn insert(&mut self, credential: Credential) -> Result<(), StoreError> {
        if self.credentials.iter().any(|c| c.name == credential.name) {
            return Err(StoreError::AlreadyExists {
                name: credential.name,
            });
        }
        self.credentials.push(credential);
        Ok(())
    }

    /// Removes and returns the credential with this name.
    pub fn remove(&mut self, name: &str) -> Result<Credential, StoreError> {
        let at = self
            .credentials
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| StoreError::NotFound { name: name.into() })?;
        Ok(self.credentials.remove(at))
    }

    /// Stores a new session on an OAuth entry (after a login or a refresh).
    pub fn set_session(
        &mut self,
        name: &str,
        session: crate::credential::Session,
    ) -> Result<(), StoreError> {
        let credential = self
            .credentials
            .iter_mut()
            .find(|c| c.name == name)
            .ok_or_else(|| StoreError::NotFound { name: name.into() })?;
        match &mut credential.auth {
            crate::credential::Auth::Oauth { session: slot, .. } => {
                *slot = Some(Box::new(session));
                Ok(())
            }
            other => Err(StoreError::NotOauth {
                name: name.into(),
                kind: other.kind_label(),
            }),
        }
    }

    /// Renames a credential; the new name must be valid and free.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), StoreError> {
        crate::credential::validate_name(new)?;
        if old != new && self.credentials.iter().any(|c| c.name == new) {
            return Err(StoreError::AlreadyExists { name: new.into() });
        }
        let credential = self
            .credentials
            .iter_mut()
            .find(|c| c.name == old)
            .ok_or_else(|| StoreError::NotFound { name: old.into() })?;
        credential.name = new.to_owned();
        Ok(())
    }
}

/// A store file, how to lock it, and where its key lives.
#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    lock_timeout: Duration,
    vault: Arc<Vault>,
    notices: Notices,
    /// How many plaintext secrets the last load found on disk (the
    /// migration notice of the write that seals them).
    plain_on_disk: Arc<AtomicUsize>,
}

/// Where one-line notices of a write go (sealing a plaintext store,
/// writing plaintext by choice); by default to the log only.
#[derive(Clone, Default)]
struct Notices(Option<Arc<Notify>>);

/// What a notice is handed to.
type Notify = dyn Fn(&str) + Send + Sync;

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Notices(set)"
        } else {
            "Notices(log)"
        })
    }
}

impl Notices {
    fn say(&self, text: &str) {
        tracing::info!(notice = text, "store");
        if let Some(f) = &self.0 {
            f(text);
        }
    }
}

impl Store {
    /// A store at this path (nothing is touched until it is used).
    /// Its secrets are sealed under a key in the OS keyring unless
    /// [`Store::with_vault`] says otherwise.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            vault: Arc::new(Vault::new(crate::vault::Storage::Keyring)),
            notices: Notices::default(),
            plain_on_disk: Arc::default(),
        }
    }

    /// The same store with its key from this vault.
    pub fn with_vault(mut self, vault: Vault) -> Self {
        self.vault = Arc::new(vault);
        self
    }

    /// The same store, saying its write notices (a plaintext store sealed,
    /// a plaintext write by choice) through `notify`.
    pub fn with_notices(mut self, notify: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.notices = Notices(Some(Arc::new(notify)));
        self
    }

    /// The same store, its write notices going to the log only (the
    /// full-screen app, whose terminal is not for stray lines; its title
    /// says where the secrets live).
    pub fn with_log_notices(mut self) -> Self {
        self.notices = Notices::default();
        self
    }

    /// Where the key lives.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The same store, waiting at most `timeout` for the lock.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Where the store lives when nothing says otherwise:
    /// `$XDG_DATA_HOME/sipauth-tui/store.json` on Linux.
    pub fn default_path() -> Result<PathBuf, StoreError> {
        directories::ProjectDirs::from("com", "sipauth", "sipauth-tui")
            .map(|dirs| dirs.data_dir().join("store.json"))
            .ok_or(StoreError::NoDataDir)
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file the store really is: its symlink (chain) followed, in its
    /// directory's canonical spelling. Every spelling of one store (a link
    /// and its target, a linked directory, `a/../b`) resolves to the same
    /// path, so they share one lock and one set of temporary files.
    pub fn resolved_path(&self) -> Result<PathBuf, StoreError> {
        let target =
            link_target(&self.path).map_err(|e| self.io("follow the symlink", &self.path, e))?;
        let dir = parent_dir(&target);
        let dir = fs::canonicalize(&dir).map_err(|e| self.io("resolve the directory", &dir, e))?;
        Ok(match target.file_name() {
            Some(name) => dir.join(name),
            None => target,
        })
    }

    /// The lock file beside the resolved store (or beside the path as
    /// given while its directory does not exist yet).
    pub fn lock_path(&self) -> PathBuf {
        let store = self.resolved_path().unwrap_or_else(|_| self.path.clone());
        sibling(&store, "", ".lock")
    }

    /// Reads the store; a missing file is an empty store. Only a regular
    /// file (or a symlink to one) of at most [`files::STORE_LIMIT`] bytes is
    /// read: a FIFO or a device in its place is refused, never waited on.
    ///
    /// Sealed secrets are opened with the store's key: every command that
    /// needs a secret reads through here. A key that cannot be had, or a
    /// secret that does not open, is an error naming the entries; nothing
    /// is written.
    pub fn load(&self) -> Result<StoreData, StoreError> {
        let mut data = self.load_public()?;
        sealing::open_all(&self.path, &self.vault, &mut data)?;
        Ok(data)
    }

    /// Reads the store without opening its sealed secrets (`list`,
    /// `status`): names, kinds, API bases, clients and lifetimes are all
    /// there; sealed secrets stay sealed ([`crate::credential::Secret::sealed`]) and such data
    /// cannot be saved.
    pub fn load_public(&self) -> Result<StoreData, StoreError> {
        let data = match files::read_limited(&self.path, files::STORE_LIMIT) {
            Ok(bytes) => {
                // The raw file may hold secrets: zero it once parsed.
                let bytes = zeroize::Zeroizing::new(bytes);
                parse(&self.path, &bytes)?
            }
            Err(FileError::Missing) => StoreData::empty(),
            Err(e) => return Err(self.file_error("store", &self.path, e)),
        };
        self.plain_on_disk
            .store(sealing::count(&data).plain, Ordering::Relaxed);
        Ok(data)
    }

    /// The credential names and kinds (`pat`, `basic`, `oauth`) alone, for
    /// shell completion: no entry is validated or kept beyond its name,
    /// no key is asked, nothing is written. A missing store has none.
    pub fn names(&self) -> Result<Vec<(String, String)>, StoreError> {
        match files::read_limited(&self.path, files::STORE_LIMIT) {
            Ok(bytes) => parse::names(&self.path, &zeroize::Zeroizing::new(bytes)),
            Err(FileError::Missing) => Ok(Vec::new()),
            Err(e) => Err(self.file_error("store", &self.path, e)),
        }
    }

    /// Reads the store and opens the secrets of the entry named `name`
    /// alone (`header`, `curl`, `exec`: one AES-GCM open per secret of that
    /// entry, not of the whole store). The other entries stay sealed, so
    /// the data cannot be saved; changes go through [`Store::update`].
    pub fn load_entry(&self, name: &str) -> Result<StoreData, StoreError> {
        let mut data = self.load_public()?;
        sealing::open_some(&self.path, &self.vault, &mut data, Some(name))?;
        Ok(data)
    }

    /// Warnings when the store file can be read by group or others, or
    /// its directory changed by them (who could then swap the store for
    /// theirs), naming the resolved paths (only ever a regular file and a
    /// directory).
    pub fn permission_warnings(&self) -> Vec<String> {
        let Ok(path) = self.resolved_path() else {
            return Vec::new();
        };
        let mut warnings = Vec::new();
        if let Ok(meta) = fs::symlink_metadata(&path) {
            let mode = meta.permissions().mode() & 0o777;
            if meta.file_type().is_file() && mode & 0o077 != 0 {
                warnings.push(format!(
                    "store {} has mode {mode:04o}: group or others can read your secrets; run `chmod 600 {}`",
                    path.display(),
                    path.display()
                ));
            }
        }
        let dir = parent_dir(&path);
        if let Ok(meta) = fs::metadata(&dir) {
            let mode = meta.permissions().mode();
            // A sticky directory (like /tmp) keeps others from replacing it.
            if meta.is_dir() && mode & 0o022 != 0 && mode & 0o1000 == 0 {
                warnings.push(format!(
                    "the store's directory {} has mode {:04o}: group or others can replace the store with their own; run `chmod 700 {}`",
                    dir.display(),
                    mode & 0o7777,
                    dir.display()
                ));
            }
        }
        warnings
    }

    /// Applies a change under the lock: re-read, change, write atomically.
    /// When `change` fails nothing is written.
    pub fn update<T, E>(&self, change: impl FnOnce(&mut StoreData) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let guard = self.lock()?;
        let mut data = guard.load()?;
        let out = change(&mut data)?;
        guard.save(&mut data)?;
        Ok(out)
    }

    /// Takes the lock and holds it until the guard is dropped, for changes
    /// that must wait for something (a token request) between reading and
    /// writing. Blocks the thread while another process holds the lock.
    pub fn lock(&self) -> Result<StoreLock, StoreError> {
        self.ensure_dir()?;
        let file = self.lock_file(&self.resolved_path()?)?;
        tracing::debug!(store = %self.path.display(), "lock taken");
        Ok(StoreLock {
            store: self.clone(),
            _file: file,
        })
    }

    fn io(&self, action: &'static str, path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }

    fn file_error(&self, role: &'static str, path: &Path, error: FileError) -> StoreError {
        match error {
            FileError::NotRegular { kind } => StoreError::NotAFile {
                role,
                path: path.to_owned(),
                kind,
            },
            FileError::TooLarge { limit } => StoreError::TooLarge {
                path: path.to_owned(),
                limit,
            },
            FileError::Missing => self.io("open", path, io::ErrorKind::NotFound.into()),
            FileError::Io(source) => {
                self.io(if role == "store" { "read" } else { "open" }, path, source)
            }
        }
    }

    /// Creates the directory the store resolves into, 0700 (whatever the
    /// umask), if it is missing.
    fn ensure_dir(&self) -> Result<(), StoreError> {
        let target =
            link_target(&self.path).map_err(|e| self.io("follow the symlink", &self.path, e))?;
        let dir = parent_dir(&target);
        if dir.is_dir() {
            return Ok(());
        }
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .and_then(|()| fs::set_permissions(&dir, Permissions::from_mode(0o700)))
            .map_err(|e| self.io("create directory", &dir, e))
    }

    /// Opens the lock beside the resolved store: never through a symlink,
    /// never blocking on a FIFO, only a regular file.
    fn lock_file(&self, resolved: &Path) -> Result<File, StoreError> {
        let lock_path = sibling(resolved, "", ".lock");
        let (file, _) = files::open_write(&lock_path, false, false, 0o600)
            .map_err(|e| self.file_error("lock file", &lock_path, e))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(self.io("lock", &lock_path, e)),
            }
            if start.elapsed() >= self.lock_timeout {
                return Err(StoreError::LockTimeout {
                    path: self.path.clone(),
                    lock: lock_path,
                    waited: start.elapsed(),
                });
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    /// Writes the whole store through a temporary file and a rename.
    fn write(&self, data: &mut StoreData) -> Result<(), StoreError> {
        let sealed = self.sealed_copy(data)?;
        // A symlinked store is replaced at its target, so the link survives.
        let target = self.resolved_path()?;
        let dir = parent_dir(&target);
        let owner = fs::symlink_metadata(&target)
            .ok()
            .map(|m| (m.uid(), m.gid()));
        remove_stale_temps(&target, &dir);
        let (prefix, suffix) = temp_affixes(&target);
        let mut tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(suffix)
            .rand_bytes(TEMP_RANDOM_LEN)
            .permissions(Permissions::from_mode(0o600))
            .tempfile_in(&dir)
            .map_err(|e| self.io("create a temporary file in", &dir, e))?;
        keep_owner(tmp.as_file(), owner, &target)?;
        let mut bytes = serde_json::to_vec_pretty(&sealed)
            .map_err(|e| self.io("serialise", &self.path, io::Error::other(e.to_string())))?;
        bytes.push(b'\n');
        let written = tmp
            .write_all(&bytes)
            .and_then(|()| tmp.as_file().set_permissions(Permissions::from_mode(0o600)))
            .and_then(|()| tmp.as_file().sync_all());
        zeroize::Zeroize::zeroize(&mut bytes);
        written.map_err(|e| self.io("write", tmp.path(), e))?;
        tmp.persist(&target)
            .map_err(|e| self.io("replace", &target, e.error))?;
        tracing::debug!(store = %self.path.display(), credentials = sealed.credentials.len(), "saved");
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| self.io("sync directory", &dir, e))
    }
}

/// The store's lock, held: read and write while no other process can.
#[derive(Debug)]
pub struct StoreLock {
    store: Store,
    _file: File,
}

impl StoreLock {
    /// Reads the store as it is now.
    pub fn load(&self) -> Result<StoreData, StoreError> {
        self.store.load()
    }

    /// Writes the store atomically (stamped with the current version).
    pub fn save(&self, data: &mut StoreData) -> Result<(), StoreError> {
        data.version = STORE_VERSION;
        self.store.write(data)
    }
}

/// Gives the new store file the owner and group of the one it replaces
/// (root editing another user's store must not make it root's), or refuses
/// the write when that cannot be done.
fn keep_owner(tmp: &File, owner: Option<(u32, u32)>, target: &Path) -> Result<(), StoreError> {
    let Some((uid, gid)) = owner else {
        return Ok(());
    };
    let refused = |source: io::Error| StoreError::Owner {
        path: target.to_owned(),
        uid,
        gid,
        source,
    };
    let mine = tmp.metadata().map_err(refused)?;
    if (mine.uid(), mine.gid()) == (uid, gid) {
        return Ok(());
    }
    let (u, g) = (
        rustix::fs::Uid::from_raw(uid),
        rustix::fs::Gid::from_raw(gid),
    );
    rustix::fs::fchown(tmp, Some(u), Some(g)).map_err(|e| refused(e.into()))
}

/// Removes temporary files left by a writer that was killed. Only called
/// under the lock, which every spelling of the store shares (the lock
/// belongs to the resolved path), so no live writer owns one.
fn remove_stale_temps(target: &Path, dir: &Path) {
    let (prefix, suffix) = temp_affixes(target);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Exactly `.{store}.XXXXXX.tmp`, so the temporary files of a
        // sibling store (say `store.json.bak`) are never touched.
        let random = name
            .strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_suffix(suffix));
        if random.is_some_and(|r| {
            r.len() == TEMP_RANDOM_LEN && r.bytes().all(|b| b.is_ascii_alphanumeric())
        }) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Where a write must land: the path itself, or what its symlink (chain)
/// points at, even when that does not exist yet.
fn link_target(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..16 {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = parent_dir(&current).join(next);
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn sibling(path: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!("{prefix}{name}{suffix}"))
}

fn temp_affixes(path: &Path) -> (String, &'static str) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    (format!(".{name}."), ".tmp")
}

#[cfg(test)]
mod tests;
