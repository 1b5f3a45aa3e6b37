//! The one data key of the tests (not product API): the binary gets it from a key command
//! ([`KEY_COMMAND`], through `SIPAUTH_KEY_COMMAND`), the library side from
//! [`vault`], so either can read what the other sealed.

use crate::vault::{DataKey, Vault};

/// The tests' data key, as a key command prints it.
pub const KEY_HEX: &str = "5e1f0c0ffee0ddba11ab1ec0de5ca1ab1e0ff1ce7e57da7a5ea1ed5ec12e7000";

/// A key command that prints [`KEY_HEX`].
pub fn key_command() -> String {
    format!("printf '%s\\n' {KEY_HEX}")
}

/// The tests' data key.
pub fn key() -> DataKey {
    DataKey::parse_text(KEY_HEX).expect("KEY_HEX is 64 hex digits")
}

/// A vault holding the tests' key (no keyring is asked).
pub fn vault() -> Vault {
    Vault::with_key(key(), "test key")
}
