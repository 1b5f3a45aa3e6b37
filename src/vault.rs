//! Where the store's data key lives, and how it is fetched.
//!
//! Every secret in the store is sealed under one random 256-bit data key
//! ([`seal`]). The key lives in the OS keyring (the Secret Service on
//! Linux, cached for a while in the kernel keyring), or is printed by a
//! `key_command` the user chose (`pass show sipauth-tui`), or the user chose
//! plaintext storage outright. Nothing falls back silently: without a
//! reachable keyring a write of a secret is refused with the choices.

use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use thiserror::Error;

pub mod kernel;
pub mod keyring;
pub mod seal;
#[doc(hidden)]
pub mod test_key;

pub use seal::{DataKey, SealError};

/// How long a keyring call may take before it is given up.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// How long the kernel keyring keeps the key by default.
pub const DEFAULT_CACHE: Duration = Duration::from_secs(15 * 60);

/// How long a key command may run (it may ask for a passphrase).
pub const KEY_COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// Most bytes a key command may print.
const KEY_COMMAND_OUTPUT_LIMIT: u64 = 4096;

/// What the user chose for the store's secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Storage {
    /// Sealed, the key in the OS keyring (the default).
    Keyring,
    /// Sealed, the key printed by this shell command.
    KeyCommand(String),
    /// Not sealed: chosen explicitly, warned about on every write.
    Plaintext,
}

/// The key source and its settings.
#[derive(Debug)]
pub struct Vault {
    storage: Storage,
    cache: Duration,
    timeout: Duration,
    /// A key given directly (the demo, tests, embedding) and its label:
    /// no keyring is asked.
    fixed: Option<(DataKey, &'static str)>,
    /// What this process learned: keys by id, and the last keyring call.
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    keys: Vec<DataKey>,
    last: Option<Fetch>,
}

/// How the last key was found, for `status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    /// Where it came from: `kernel keyring`, `Secret Service`, `key command`.
    pub source: &'static str,
    /// How long it took.
    pub took: Duration,
}

impl Vault {
    /// A vault for this storage choice with the default timeout and cache.
    pub fn new(storage: Storage) -> Self {
        Self {
            storage,
            cache: DEFAULT_CACHE,
            timeout: KEYRING_TIMEOUT,
            fixed: None,
            state: Mutex::default(),
        }
    }

    /// Plaintext storage (chosen explicitly).
    pub fn plaintext() -> Self {
        Self::new(Storage::Plaintext)
    }

    /// A vault that seals with this key and asks no keyring; `label` is
    /// what `status` and the title call it (`demo key in memory`).
    pub fn with_key(key: DataKey, label: &'static str) -> Self {
        Self {
            fixed: Some((key, label)),
            ..Self::new(Storage::Keyring)
        }
    }

    /// How long the kernel keyring caches the key (zero: not at all).
    pub fn with_cache(mut self, cache: Duration) -> Self {
        self.cache = cache;
        self
    }

    /// How long a keyring call may take.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The storage choice.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Whether secrets are sealed on write.
    pub fn seals(&self) -> bool {
        self.storage != Storage::Plaintext
    }

    /// The backend in words, as `status` and the app's title show it.
    pub fn backend_label(&self) -> String {
        match (&self.storage, &self.fixed) {
            (_, Some((_, label))) => (*label).into(),
            (Storage::Keyring, None) if self.cache.is_zero() || !cfg!(target_os = "linux") => {
                format!("keyring: {}", keyring::backend_name())
            }
            (Storage::Keyring, None) => format!(
                "keyring: {}, cached in the kernel keyring",
                keyring::backend_name()
            ),
            (Storage::KeyCommand(_), None) => "key command".into(),
            (Storage::Plaintext, None) => "plaintext".into(),
        }
    }

    /// How the last key of this process was found.
    pub fn last_fetch(&self) -> Option<Fetch> {
        self.state().last.clone()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn remember(&self, key: &DataKey, source: &'static str, started: Instant) {
        let mut state = self.state();
        if !state.keys.iter().any(|k| k.id() == key.id()) {
            state.keys.push(key.clone());
        }
        state.last = Some(Fetch {
            source,
            took: started.elapsed(),
        });
    }

    /// The key with this id: from this process's memory, the kernel
    /// cache, the keyring or the key command.
    pub fn key(&self, key_id: &str) -> Result<DataKey, VaultError> {
        if let Some(key) = self.state().keys.iter().find(|k| k.id() == key_id) {
            return Ok(key.clone());
        }
        let started = Instant::now();
        let key =
            match (&self.storage, &self.fixed) {
                (_, Some((fixed, _))) => Some(fixed.clone()).filter(|k| k.id() == key_id).ok_or(
                    VaultError::WrongKey {
                        backend: self.backend_label(),
                        store_key: key_id.into(),
                        found: fixed.id(),
                    },
                )?,
                (Storage::Plaintext, None) => {
                    return Err(VaultError::PlaintextSealed {
                        key_id: key_id.into(),
                    });
                }
                (Storage::KeyCommand(command), None) => {
                    let key = run_key_command(command)?;
                    if key.id() != key_id {
                        return Err(VaultError::WrongKey {
                            backend: "key command".into(),
                            store_key: key_id.into(),
                            found: key.id(),
                        });
                    }
                    self.remember(&key, "key command", started);
                    return Ok(key);
                }
                (Storage::Keyring, None) => {
                    if !self.cache.is_zero()
                        && let Some(key) = kernel::get(key_id)
                    {
                        self.remember(&key, "kernel keyring", started);
                        return Ok(key);
                    }
                    let key = keyring::get(key_id, self.timeout)?;
                    self.remember(&key, keyring::backend_name(), started);
                    self.cache_key(&key);
                    key
                }
            };
        Ok(key)
    }

    /// A key for a store that has none yet: a new random one kept in the
    /// keyring, or the key command's.
    pub fn new_key(&self) -> Result<DataKey, VaultError> {
        let started = Instant::now();
        match (&self.storage, &self.fixed) {
            (_, Some((fixed, _))) => Ok(fixed.clone()),
            (Storage::Plaintext, None) => Err(VaultError::Plaintext),
            (Storage::KeyCommand(command), None) => {
                let key = run_key_command(command)?;
                self.remember(&key, "key command", started);
                Ok(key)
            }
            (Storage::Keyring, None) => {
                let key = DataKey::generate().map_err(VaultError::Seal)?;
                keyring::put(&key, self.timeout)?;
                self.remember(&key, keyring::backend_name(), started);
                self.cache_key(&key);
                Ok(key)
            }
        }
    }

    fn cache_key(&self, key: &DataKey) {
        if !self.cache.is_zero()
            && let Err(e) = kernel::put(key, self.cache)
        {
            tracing::debug!(problem = %e, "kernel keyring refused the key; not cached");
        }
    }

    /// Drops the key with this id from the kernel cache (`lock`); whether
    /// one was cached.
    pub fn forget(&self, key_id: &str) -> bool {
        self.state().keys.retain(|k| k.id() != key_id);
        kernel::drop_key(key_id)
    }

    /// Deletes the key with this id from the keyring and the cache
    /// (`reset-key`, once nothing is sealed under it any more).
    pub fn delete(&self, key_id: &str) -> Result<(), VaultError> {
        self.forget(key_id);
        match (&self.storage, &self.fixed) {
            (Storage::Keyring, None) => keyring::delete(key_id, self.timeout),
            _ => Ok(()),
        }
    }
}

/// Runs the key command through `sh -c`, stdin closed (so it cannot eat
/// ours), its stderr the user's (a pinentry prompt shows), and reads a
/// 256-bit key from its output.
fn run_key_command(command: &str) -> Result<DataKey, VaultError> {
    use std::io::Read;
    let failed = |problem: String| VaultError::KeyCommand { problem };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| failed(format!("cannot start `sh`: {e}")))?;
    let mut out = zeroize::Zeroizing::new(Vec::new());
    let reader = child.stdout.take().map(|stdout| {
        std::thread::spawn(move || {
            let mut buf = zeroize::Zeroizing::new(Vec::new());
            let _ = stdout.take(KEY_COMMAND_OUTPUT_LIMIT).read_to_end(&mut buf);
            buf
        })
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < KEY_COMMAND_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "it did not finish within {} s",
                    KEY_COMMAND_TIMEOUT.as_secs()
                )));
            }
            Err(e) => return Err(failed(format!("cannot wait for it: {e}"))),
        }
    };
    if let Some(reader) = reader {
        out = reader.join().unwrap_or_default();
    }
    if !status.success() {
        return Err(failed(format!("it failed ({status})")));
    }
    let text = std::str::from_utf8(&out)
        .map_err(|_| failed("it printed bytes that are not text".into()))?;
    DataKey::parse_text(text).ok_or_else(|| {
        failed(format!(
            "it printed {} bytes, not a 256-bit key (64 hex digits or Base64 of 32 bytes); make one with `openssl rand -hex 32`",
            text.trim().len()
        ))
    })
}

/// What to do when the keyring cannot be used, said after every refusal.
pub const CHOICES: &str = "unlock or start the keyring (on Linux a Secret Service such as gnome-keyring or KeePassXC on the session D-Bus), or set `key_command` in the config (a command that prints a 256-bit key, e.g. `pass show sipauth-tui`), or choose plaintext storage explicitly (`storage = \"plaintext\"` in the config, or SIPAUTH_STORAGE=plaintext)";

/// Why the data key could not be had.
#[derive(Debug, Error)]
pub enum VaultError {
    /// The keyring answered with an error or could not be reached.
    #[error(
        "the OS keyring ({backend}) cannot be used: {problem}; secrets are not written without a key: {CHOICES}"
    )]
    Keyring {
        /// Which keyring.
        backend: &'static str,
        /// What went wrong.
        problem: String,
    },
    /// The keyring did not answer in time (locked, waiting for a prompt).
    #[error("the OS keyring ({backend}) did not answer within {} s (locked, or waiting for a prompt); {CHOICES}", waited.as_secs_f32())]
    KeyringTimeout {
        /// Which keyring.
        backend: &'static str,
        /// How long it was given.
        waited: Duration,
    },
    /// The store's key is not where it should be.
    #[error(
        "the store's key (id {key_id}) is not in the {backend} (the keyring was reset, or the store was copied from another machine); `sipauth-tui reset-key` starts a new key and drops only the secrets that cannot be opened"
    )]
    KeyMissing {
        /// Where it was looked for.
        backend: String,
        /// The store's key id.
        key_id: String,
    },
    /// A key was found, but not the store's.
    #[error(
        "the key from the {backend} (id {found}) is not the key this store was sealed with (id {store_key}); `sipauth-tui reset-key` starts a new key and drops only the secrets that cannot be opened"
    )]
    WrongKey {
        /// Where it came from.
        backend: String,
        /// The store's key id.
        store_key: String,
        /// The id of the key found.
        found: String,
    },
    /// The key command failed.
    #[error("key_command: {problem}")]
    KeyCommand {
        /// What went wrong.
        problem: String,
    },
    /// Plaintext storage was chosen but the store holds sealed secrets.
    #[error(
        "the store's secrets are sealed (key id {key_id}) but plaintext storage is chosen; choose the keyring or the key_command that holds its key"
    )]
    PlaintextSealed {
        /// The store's key id.
        key_id: String,
    },
    /// Asked for a key under plaintext storage (a bug if it happens).
    #[error("plaintext storage has no key")]
    Plaintext,
    /// Sealing itself failed.
    #[error("{0}")]
    Seal(SealError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_command_prints_the_key_and_its_mistakes_are_named() {
        let key = DataKey::generate().unwrap();
        let hex: String = key.bytes().iter().map(|b| format!("{b:02x}")).collect();
        let vault = Vault::new(Storage::KeyCommand(format!("printf '%s\\n' {hex}")));
        assert_eq!(vault.new_key().unwrap().id(), key.id());
        assert_eq!(vault.key(&key.id()).unwrap().id(), key.id());
        assert_eq!(vault.last_fetch().unwrap().source, "key command");
        let cases = [
            ("echo hunter2", "not a 256-bit key"),
            ("exit 3", "failed"),
            ("printf '\\377\\376'", "not text"),
        ];
        crate::testing::cases::check_all(cases, |(command, needle)| {
            let err = Vault::new(Storage::KeyCommand(command.into()))
                .new_key()
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{command}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        });
        let other = Vault::new(Storage::KeyCommand(format!("echo {hex}")));
        let err = other.key("0000000000000000").unwrap_err();
        assert!(matches!(err, VaultError::WrongKey { .. }), "{err}");
    }

    #[test]
    fn plaintext_has_no_key_and_says_so() {
        let vault = Vault::plaintext();
        assert!(!vault.seals());
        assert!(matches!(vault.new_key(), Err(VaultError::Plaintext)));
        let err = vault.key("abcd").unwrap_err().to_string();
        assert!(err.contains("plaintext storage is chosen"), "{err}");
    }
}
