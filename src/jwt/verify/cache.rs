//! Key sets kept per issuer for an hour: in memory (the TUI) or on disk (the
//! CLI, one process per command).
//!
//! A cache only saves round trips; it is never trusted over the issuer. A
//! token whose `kid` is missing from a cached set triggers one refetch (the
//! issuer may have rotated its keys) before "key not found" is said. Disk
//! entries live under the user's cache directory, one file per issuer named
//! by the SHA-256 of the issuer URL, directory 0700 and files 0600; an entry
//! that does not parse is simply a miss.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::fetch::KeySet;

/// How long a fetched key set is used without asking again, in seconds.
pub const JWKS_TTL: i64 = 3600;

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
        let bytes = fs::read(self.path_for(issuer)).ok()?;
        let doc: Value = serde_json::from_slice(&bytes).ok()?;
        let set = KeySet {
            issuer: doc.get("issuer")?.as_str()?.to_owned(),
            jwks_uri: doc.get("jwks_uri")?.as_str()?.to_owned(),
            fetched_at: doc.get("fetched_at")?.as_i64()?,
            keys: doc.get("keys")?.as_array()?.clone(),
        };
        (set.issuer == issuer).then_some(set)
    }

    fn make_dir(&self) -> io::Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
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
}
