//! The OS keyring that keeps the data key: the Secret Service over D-Bus on
//! Linux, the Keychain on macOS, the Credential Manager on Windows (the
//! 32-byte key is far below its 2560-byte cap), each chosen explicitly through
//! keyring-core (never its mock store). Every call runs on its own thread
//! and is given up after the timeout, so a locked or absent keyring cannot
//! hang a command.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error};

use super::{DataKey, VaultError};

/// The keyring service name every key is kept under.
pub const SERVICE: &str = "sipauth-tui";

/// The name of the OS keyring this build talks to.
pub fn backend_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "Secret Service"
    } else if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "no OS keyring"
    }
}

/// The keyring account of the key with this id.
pub fn account(key_id: &str) -> String {
    format!("data-key-{key_id}")
}

fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    #[cfg(target_os = "linux")]
    {
        let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
        Ok(store)
    }
    #[cfg(target_os = "macos")]
    {
        let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
        Ok(store)
    }
    #[cfg(windows)]
    {
        let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
        Ok(store)
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    {
        Err(Error::NotSupportedByStore(
            "this build has no OS keyring for this platform".into(),
        ))
    }
}

/// Runs `call` against the platform keyring, giving up after `timeout`.
fn call<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce(&Entry) -> Result<T, Error> + Send + 'static,
    key_id: &str,
) -> Result<T, VaultError> {
    let (tx, rx) = mpsc::channel();
    let user = account(key_id);
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let result = platform_store()
                .and_then(|store| Entry::new_in_store(&store, SERVICE, &user))
                .and_then(|entry| call(&entry));
            let _ = tx.send(result);
        })
        .map_err(|e| VaultError::Keyring {
            backend: backend_name(),
            problem: format!("cannot start its thread: {e}"),
        })?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result.map_err(|e| describe(e, key_id)),
        Err(_) => Err(VaultError::KeyringTimeout {
            backend: backend_name(),
            waited: timeout,
        }),
    }
}

/// The key with this id, from the keyring.
pub fn get(key_id: &str, timeout: Duration) -> Result<DataKey, VaultError> {
    let bytes: zeroize::Zeroizing<Vec<u8>> =
        zeroize::Zeroizing::new(call(timeout, |e: &Entry| e.get_secret(), key_id)?);
    DataKey::from_bytes(&bytes)
        .filter(|key| key.id() == key_id)
        .ok_or_else(|| VaultError::Keyring {
            backend: backend_name(),
            problem: format!(
                "its entry {SERVICE}/{} does not hold this store's key",
                account(key_id)
            ),
        })
}

/// Keeps a new key in the keyring.
pub fn put(key: &DataKey, timeout: Duration) -> Result<(), VaultError> {
    let bytes = zeroize::Zeroizing::new(key.bytes().to_vec());
    call(timeout, move |entry| entry.set_secret(&bytes), &key.id())
}

/// Deletes the key with this id from the keyring (a missing one is fine).
pub fn delete(key_id: &str, timeout: Duration) -> Result<(), VaultError> {
    match call(timeout, |e: &Entry| e.delete_credential(), key_id) {
        Err(VaultError::KeyMissing { .. }) => Ok(()),
        other => other,
    }
}

/// keyring-core's error in our words; its text never holds the secret
/// (the bytes of a badly encoded one are dropped here).
fn describe(error: Error, key_id: &str) -> VaultError {
    let backend = backend_name();
    let problem = match error {
        Error::NoEntry => {
            return VaultError::KeyMissing {
                backend: backend.into(),
                key_id: key_id.into(),
            };
        }
        Error::NoStorageAccess(e) => format!("it is locked or refused access ({e})"),
        Error::PlatformFailure(e) => format!("it is not reachable ({e})"),
        Error::BadEncoding(_) | Error::BadDataFormat(..) => {
            "its entry does not hold a key of this format".into()
        }
        Error::NotSupportedByStore(e) => e,
        other => other.to_string(),
    };
    VaultError::Keyring { backend, problem }
}
