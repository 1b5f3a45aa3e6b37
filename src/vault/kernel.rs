//! The kernel keyring (Linux keyutils) as a short-lived cache of the data
//! key: after the first unlock of the Secret Service, later commands find
//! the key in the user keyring until its timeout (default 15 minutes) or
//! `sipauth-tui lock`. Anything the kernel refuses (no keyutils in a
//! container's seccomp profile, no possessor rights) is only a cache miss.

use std::time::Duration;

use super::DataKey;

fn description(key_id: &str) -> String {
    format!("sipauth-tui:{}", super::keyring::account(key_id))
}

#[cfg(target_os = "linux")]
mod imp {
    use linux_keyutils::{KeyRing, KeyRingIdentifier};

    use super::*;

    fn ring() -> Option<KeyRing> {
        KeyRing::from_special_id(KeyRingIdentifier::User, false).ok()
    }

    /// The cached key with this id, if the kernel still holds it.
    pub fn get(key_id: &str) -> Option<DataKey> {
        let key = ring()?.search(&description(key_id)).ok()?;
        let bytes = zeroize::Zeroizing::new(key.read_to_vec().ok()?);
        DataKey::from_bytes(&bytes).filter(|k| k.id() == key_id)
    }

    /// Caches the key for `ttl`; whether the kernel took it.
    pub fn put(key: &DataKey, ttl: Duration) -> Result<(), String> {
        let ring = ring().ok_or("no user keyring")?;
        let cached = ring
            .add_key(&description(&key.id()), key.bytes())
            .map_err(|e| format!("{e:?}"))?;
        let seconds = usize::try_from(ttl.as_secs().max(1)).unwrap_or(usize::MAX);
        cached.set_timeout(seconds).map_err(|e| {
            let _ = cached.invalidate();
            format!("{e:?}")
        })
    }

    /// Drops the cached key; whether one was there.
    pub fn drop_key(key_id: &str) -> bool {
        ring()
            .and_then(|r| r.search(&description(key_id)).ok())
            .is_some_and(|key| key.invalidate().is_ok())
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::*;

    pub fn get(_key_id: &str) -> Option<DataKey> {
        None
    }

    pub fn put(_key: &DataKey, _ttl: Duration) -> Result<(), String> {
        Err("the kernel keyring is Linux only".into())
    }

    pub fn drop_key(_key_id: &str) -> bool {
        false
    }
}

pub use imp::{drop_key, get, put};
