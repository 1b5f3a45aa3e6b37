//! Key sets kept per issuer for an hour: in memory (the TUI) or on disk (the
//! CLI, one process per command).
//!
//! A cache only saves round trips; it is never trusted over the issuer. A
//! token whose `kid` is missing from a cached set triggers one refetch (the
//! issuer may have rotated its keys) before "key not found" is said. Disk
//! entries live under the user's cache directory, one file per issuer named
//! by the SHA-256 of the issuer URL, directory 0700 and files 0600; an entry
//! that does not parse is simply a miss.
//!
//! A key set decides what "verified" means, so an entry is used only when
//! nobody but the user could have written it: the directory owned by the
//! user and not writable by group or others, the file a regular file
//! (not a link, not a FIFO) owned by the user with no group or other
//! permission, at most [`ENTRY_LIMIT`] bytes. Anything else (a key set
//! planted in a shared or loosened directory) is ignored, said in the debug
//! log, and the keys are fetched from the issuer again. The checks are made
//! on the opened directory and file (`fstat`, the file opened relative to
//! the directory, without following a link), so a rename between check and
//! read does not help.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags, openat};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::fetch::KeySet;

/// How long a fetched key set is used without asking again, in seconds.
pub const JWKS_TTL: i64 = 3600;

/// The largest cache entry read: a key set is a few kilobytes.
pub const ENTRY_LIMIT: u64 = 1024 * 1024;

/// Somewhere to keep key sets between verifications.
pub trait KeyCache {
    /// The set for `issuer`, if one was fetched less than [`JWKS_TTL`] before `now`.
    fn get(&mut self, issuer: &str, now: i64) -> Option<KeySet>;
    /// Keeps a freshly fetched set.
    fn put(&mut self, set: &KeySet) -> io::Result<()>;
}

fn fresh(set: &KeySet, now: i64) -> bool {
    // A fetch time in the future means a changed clock: do not trust it.
    (0..JWKS_TTL).contains(&now.saturating_sub(set.fetched_at))
}

/// Key sets in memory, for a long-running process.
#[derive(Clone, Debug, Default)]
pub struct JwksCache {
    sets: HashMap<String, KeySet>,
}

impl JwksCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KeyCache for JwksCache {
    fn get(&mut self, issuer: &str, now: i64) -> Option<KeySet> {
        self.sets.get(issuer).filter(|set| fresh(set, now)).cloned()
    }

    fn put(&mut self, set: &KeySet) -> io::Result<()> {
        self.sets.insert(set.issuer.clone(), set.clone());
        Ok(())
    }
}

/// Key sets on disk, one 0600 file per issuer in a 0700 directory.
#[derive(Clone, Debug)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `$XDG_CACHE_HOME/sipauth-tui/jwks` (or the platform's equivalent).
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("com", "sipauth", "sipauth-tui")
            .map(|dirs| dirs.cache_dir().join("jwks"))
    }

    /// The directory holding the entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for `issuer`: `<sha256 hex of the issuer>.json`.
    pub fn path_for(&self, issuer: &str) -> PathBuf {
        let digest = Sha256::digest(issuer.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.json"))
    }

    fn read(&self, issuer: &str) -> Option<KeySet> {
        let path = self.path_for(issuer);
        let bytes = match self.read_trusted(&path) {
            Ok(bytes) => bytes,
            Err(Untrusted::Missing) => return None,
            Err(Untrusted::Because(why)) => {
                tracing::debug!(path = %path.display(), why, "JWKS cache entry ignored; fetching the keys again");
                return None;
            }
        };
        let doc: Value = serde_json::from_slice(&bytes).ok()?;
        let set = KeySet {
            issuer: doc.get("issuer")?.as_str()?.to_owned(),
            jwks_uri: doc.get("jwks_uri")?.as_str()?.to_owned(),
            fetched_at: doc.get("fetched_at")?.as_i64()?,
            keys: doc.get("keys")?.as_array()?.clone(),
        };
        (set.issuer == issuer).then_some(set)
    }

    /// The bytes of the entry at `path` if only the user could have
    /// written it (see the module docs).
    fn read_trusted(&self, path: &Path) -> Result<Vec<u8>, Untrusted> {
        let me = rustix::process::geteuid().as_raw();
        let dir = File::open(&self.dir).map_err(Untrusted::from)?;
        let meta = dir.metadata().map_err(Untrusted::from)?;
        if !meta.is_dir() || meta.uid() != me {
            return Err(Untrusted::Because("the directory is not the user's own"));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(Untrusted::Because(
                "the directory is writable by group or others",
            ));
        }
        let name = path.file_name().unwrap_or_default();
        // Not following a link; not waiting on a FIFO's writer.
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let file = File::from(
            openat(&dir, name, flags, Mode::empty())
                .map_err(|e| Untrusted::from(io::Error::from(e)))?,
        );
        let meta = file.metadata().map_err(Untrusted::from)?;
        if !meta.is_file() {
            return Err(Untrusted::Because("the entry is not a regular file"));
        }
        if meta.uid() != me {
            return Err(Untrusted::Because("the entry is not the user's own"));
        }
        if meta.mode() & 0o077 != 0 {
            return Err(Untrusted::Because(
                "the entry is readable or writable by group or others",
            ));
        }
        crate::files::read_opened(file, &meta, ENTRY_LIMIT).map_err(|e| match e {
            crate::files::FileError::TooLarge { .. } => {
                Untrusted::Because("the entry is larger than a key set can be")
            }
            _ => Untrusted::Because("the entry cannot be read"),
        })
    }

    fn make_dir(&self) -> io::Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
    }
}

/// Why a cache entry is not used.
enum Untrusted {
    /// Nothing cached yet: not worth a log line.
    Missing,
    /// Something is there but is not trusted, or cannot be read.
    Because(&'static str),
}

impl From<io::Error> for Untrusted {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => Untrusted::Missing,
            // O_NOFOLLOW on a link.
            _ if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                Untrusted::Because("the entry is a symbolic link")
            }
            _ => Untrusted::Because("the entry cannot be read"),
        }
    }
}

impl KeyCache for DiskCache {
    fn get(&mut self, issuer: &str, now: i64) -> Option<KeySet> {
        self.read(issuer).filter(|set| fresh(set, now))
    }

    fn put(&mut self, set: &KeySet) -> io::Result<()> {
        self.make_dir()?;
        let doc = json!({
            "issuer": set.issuer,
            "jwks_uri": set.jwks_uri,
            "fetched_at": set.fetched_at,
            "keys": set.keys,
        });
        // A temporary file in the same directory (0600 from the start) and a
        // rename: a reader never sees half an entry.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(doc.to_string().as_bytes())?;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))?;
        tmp.persist(self.path_for(&set.issuer))
            .map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(issuer: &str, fetched_at: i64) -> KeySet {
        KeySet {
            issuer: issuer.into(),
            jwks_uri: format!("{issuer}/certs"),
            fetched_at,
            keys: vec![json!({"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"})],
        }
    }

    #[test]
    fn entries_last_an_hour_in_memory_and_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let mut disk = DiskCache::new(dir.path().join("cache/jwks"));
        let mut memory = JwksCache::new();
        let caches: [&mut dyn KeyCache; 2] = [&mut disk, &mut memory];
        for cache in caches {
            assert_eq!(cache.get("https://i", 1_000), None);
            cache.put(&set("https://i", 1_000)).unwrap();
            let cases = [
                (1_000, true),
                (1_000 + JWKS_TTL - 1, true),
                (1_000 + JWKS_TTL, false),
                (999, false),
            ];
            crate::testing::cases::check_all(cases, |(now, hit)| {
                assert_eq!(cache.get("https://i", now).is_some(), hit, "{now}");
            });
            assert_eq!(cache.get("https://other", 1_000), None);
        }
    }

    #[test]
    fn disk_entries_are_private_and_named_by_issuer_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut disk = DiskCache::new(dir.path().join("jwks"));
        disk.put(&set("https://i", 5)).unwrap();
        let path = disk.path_for("https://i");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 64 + 5, "{name}");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(disk.dir()), 0o700);
        fs::write(&path, b"{broken").unwrap();
        assert_eq!(disk.get("https://i", 5), None);
    }

    #[test]
    fn entries_anyone_else_could_have_written_are_not_used() {
        let chmod =
            |p: &Path, mode: u32| fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
        type Spoil = fn(&DiskCache, &Path);
        let cases: [(&str, Spoil); 6] = [
            ("world-writable directory", |c, _| {
                fs::set_permissions(c.dir(), fs::Permissions::from_mode(0o777)).unwrap()
            }),
            ("group-writable directory", |c, _| {
                fs::set_permissions(c.dir(), fs::Permissions::from_mode(0o770)).unwrap()
            }),
            ("world-writable entry", |_, p| {
                fs::set_permissions(p, fs::Permissions::from_mode(0o666)).unwrap()
            }),
            ("group-readable entry", |_, p| {
                fs::set_permissions(p, fs::Permissions::from_mode(0o640)).unwrap()
            }),
            ("a link to an entry", |_, p| {
                let real = p.with_extension("real");
                fs::rename(p, &real).unwrap();
                std::os::unix::fs::symlink(&real, p).unwrap();
            }),
            ("a FIFO", |_, p| {
                fs::remove_file(p).unwrap();
                rustix::fs::mknodat(
                    rustix::fs::CWD,
                    p,
                    rustix::fs::FileType::Fifo,
                    Mode::from_raw_mode(0o600),
                    0,
                )
                .unwrap();
            }),
        ];
        for (what, spoil) in cases {
            let dir = tempfile::tempdir().unwrap();
            let mut disk = DiskCache::new(dir.path().join("jwks"));
            disk.put(&set("https://i", 5)).unwrap();
            assert!(
                disk.get("https://i", 5).is_some(),
                "{what}: the private entry is used"
            );
            let path = disk.path_for("https://i");
            spoil(&disk, &path);
            assert_eq!(disk.get("https://i", 5), None, "{what}");
            // Writing again makes the directory private and replaces the entry.
            chmod(disk.dir(), 0o700);
            let _ = fs::remove_file(&path);
            disk.put(&set("https://i", 5)).unwrap();
            assert!(disk.get("https://i", 5).is_some(), "{what}: rewritten");
        }
    }

    #[test]
    fn an_entry_owned_by_another_user_is_not_used() {
        // Giving a file away needs root; as any other user this case is the
        // mode checks above.
        if rustix::process::geteuid().as_raw() != 0 {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut disk = DiskCache::new(dir.path().join("jwks"));
        disk.put(&set("https://i", 5)).unwrap();
        let nobody = Some(65534);
        std::os::unix::fs::chown(disk.path_for("https://i"), nobody, nobody).unwrap();
        assert_eq!(disk.get("https://i", 5), None);
        std::os::unix::fs::chown(disk.path_for("https://i"), Some(0), Some(0)).unwrap();
        std::os::unix::fs::chown(disk.dir(), nobody, nobody).unwrap();
        assert_eq!(disk.get("https://i", 5), None);
    }
}
