//! The store's secrets sealed on write and opened on read (see
//! [`crate::vault`]): each under the data key, bound to its credential's
//! name and its field.

use std::path::Path;

use std::sync::atomic::Ordering;

use super::{Store, StoreData, StoreError};
use crate::credential::{Credential, Sealed, Secret};
use crate::expiry::jwt_time;
use crate::jwt::looks_like_jwt;
use crate::vault::{DataKey, SealError, Vault};

/// How many secrets are plain and how many sealed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Stored as they are.
    pub plain: usize,
    /// Sealed under the data key.
    pub sealed: usize,
}

/// Counts the secrets of every credential.
pub fn count(data: &StoreData) -> Counts {
    let mut counts = Counts::default();
    for credential in &data.credentials {
        for secret in credential.auth.secrets() {
            if secret.sealed().is_some() {
                counts.sealed += 1;
            } else {
                counts.plain += 1;
            }
        }
    }
    counts
}

/// A copy of `data` with every secret sealed under `key`; the JWT times
/// stay readable beside each sealed token.
pub fn seal_all(data: &StoreData, key: &DataKey) -> Result<StoreData, SealError> {
    let mut copy = data.clone();
    copy.key_id = Some(key.id());
    for credential in &mut copy.credentials {
        let name = credential.name.clone();
        for (field, secret) in credential.auth.secrets_mut() {
            let plain = secret.expose();
            let jwt = looks_like_jwt(plain);
            let sealed = Sealed {
                sealed: key.seal(&name, field, plain.as_bytes())?,
                exp: jwt.then(|| jwt_time(plain, "exp")).flatten(),
                iat: jwt.then(|| jwt_time(plain, "iat")).flatten(),
                jwt,
            };
            *secret = Secret::from_sealed(sealed);
        }
    }
    Ok(copy)
}

/// Opens every sealed secret of `data` in place, or names those that do
/// not open; then checks the opened values as a plain store's are checked.
pub fn open_all(path: &Path, vault: &Vault, data: &mut StoreData) -> Result<(), StoreError> {
    open_some(path, vault, data, None)
}

/// [`open_all`] for the entry named `only` alone (the others stay sealed),
/// or for every entry.
pub fn open_some(
    path: &Path,
    vault: &Vault,
    data: &mut StoreData,
    only: Option<&str>,
) -> Result<(), StoreError> {
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    let sealed: Vec<String> = data
        .credentials
        .iter()
        .filter(|c| wanted(&c.name) && is_sealed(c))
        .map(|c| c.name.clone())
        .collect();
    if sealed.is_empty() {
        return Ok(());
    }
    let key_id = data.key_id.clone().ok_or_else(|| StoreError::Schema {
        path: path.to_owned(),
        problem: "sealed secrets but no `key_id`".into(),
        line: 1,
        column: 1,
    })?;
    let key = vault.key(&key_id).map_err(|source| StoreError::Locked {
        path: path.to_owned(),
        source,
        entries: sealed,
    })?;
    let mut failed = Vec::new();
    for credential in data.credentials.iter_mut().filter(|c| wanted(&c.name)) {
        for field in open_entry(credential, Some(&key)) {
            failed.push(format!("{} ({})", credential.name, field.replace('_', " ")));
        }
    }
    if !failed.is_empty() {
        return Err(StoreError::Unopened {
            path: path.to_owned(),
            entries: failed,
        });
    }
    super::parse::check_entries(path, data)
}

/// Whether any secret of the credential is still sealed.
fn is_sealed(credential: &Credential) -> bool {
    credential
        .auth
        .secrets()
        .iter()
        .any(|s| s.sealed().is_some())
}

/// Opens the credential's sealed secrets in place with `key`; returns the
/// fields that did not open (every sealed one without a key).
fn open_entry(credential: &mut Credential, key: Option<&DataKey>) -> Vec<&'static str> {
    let name = credential.name.clone();
    let mut failed = Vec::new();
    for (field, secret) in credential.auth.secrets_mut() {
        let Some(sealed) = secret.sealed() else {
            continue;
        };
        match key.map(|k| k.open(&name, field, &sealed.sealed)) {
            Some(Ok(mut plain)) => *secret = Secret::new(std::mem::take(&mut *plain)),
            _ => failed.push(field),
        }
    }
    failed
}

/// What `reset-key` could not keep of one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The entry's name.
    pub name: String,
    /// What was dropped: `the entry` (a PAT or Basic login whose secret
    /// is gone, an OAuth entry left with neither client nor session),
    /// `the session`, `the client secret`.
    pub what: &'static str,
}

/// Opens what `key` opens and drops what it does not (every sealed secret
/// when there is no key): a session whose tokens are lost is dropped, a
/// client keeps everything but its secret, a PAT or Basic login without
/// its secret is removed. Names, clients and API bases stay.
pub fn drop_unopened(data: &mut StoreData, key: Option<&DataKey>) -> Vec<Dropped> {
    use crate::credential::Auth;
    let mut dropped = Vec::new();
    data.credentials.retain_mut(|credential| {
        let failed = open_entry(credential, key);
        if failed.is_empty() {
            return true;
        }
        let mut lost = Vec::new();
        let kept = match &mut credential.auth {
            Auth::Pat { .. } | Auth::Basic { .. } => false,
            Auth::Oauth { client, session } => {
                if failed.contains(&"client_secret") {
                    if let Some(c) = client {
                        c.client_secret = None;
                    }
                    lost.push("the client secret");
                }
                if failed.iter().any(|f| *f != "client_secret") {
                    *session = None;
                    lost.push("the session");
                }
                client.is_some() || session.is_some()
            }
        };
        if !kept {
            lost = vec!["the entry"];
        }
        dropped.extend(lost.into_iter().map(|what| Dropped {
            name: credential.name.clone(),
            what,
        }));
        kept
    });
    dropped
}

/// What [`Store::reset_key`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyReset {
    /// What could not be kept.
    pub dropped: Vec<Dropped>,
    /// The key the store had.
    pub old_key: Option<String>,
    /// The key it has now (none when no secret is left to seal).
    pub new_key: Option<String>,
}

impl Store {
    /// Opens the sealed secrets of data read by [`Store::load_public`]
    /// (what [`Store::load`] does after reading).
    pub fn open(&self, data: &mut StoreData) -> Result<(), StoreError> {
        open_all(&self.path, &self.vault, data)
    }

    /// Starts a new data key: under the lock, opens what the current key
    /// still opens, drops the secrets it does not (see [`Dropped`]), seals
    /// the rest under a new key and deletes the old key from the keyring.
    /// Returns what was dropped and the old and new key ids.
    pub fn reset_key(&self) -> Result<KeyReset, StoreError> {
        let guard = self.lock()?;
        let mut data = self.load_public()?;
        let old = data.key_id.take();
        let key = old.as_deref().and_then(|id| match self.vault.key(id) {
            Ok(key) => Some(key),
            Err(e) => {
                tracing::info!(problem = %e, "reset-key: the old key cannot be had");
                None
            }
        });
        let dropped = drop_unopened(&mut data, key.as_ref());
        super::parse::check_entries(&self.path, &data)?;
        guard.save(&mut data)?;
        if let Some(old) = &old
            && data.key_id.as_ref() != Some(old)
            && let Err(e) = self.vault.delete(old)
        {
            tracing::info!(problem = %e, "reset-key: the old key was not deleted");
        }
        Ok(KeyReset {
            dropped,
            old_key: old,
            new_key: data.key_id,
        })
    }

    /// How many secrets are sealed and how many plain in `data`.
    pub fn secret_counts(data: &StoreData) -> Counts {
        count(data)
    }

    /// What is written: the secrets sealed under the store's key (fetched,
    /// or made and kept in the keyring for a store that has none), or left
    /// plain when plaintext storage was chosen, with a warning.
    pub(super) fn sealed_copy(&self, data: &mut StoreData) -> Result<StoreData, StoreError> {
        let counts = count(data);
        if counts.sealed > 0 {
            return Err(StoreError::SealedInMemory {
                path: self.path.clone(),
            });
        }
        if !self.vault.seals() {
            data.key_id = None;
            if counts.plain > 0 {
                self.notices.say(&format!(
                    "warning: {} secret(s) written to {} in plaintext (storage = plaintext); anyone who can read the file or a backup of it can use them",
                    counts.plain,
                    self.path.display()
                ));
            }
            return Ok(data.clone());
        }
        if counts.plain == 0 {
            return Ok(data.clone());
        }
        let key_error = |source| StoreError::Key {
            path: self.path.clone(),
            source,
        };
        let key: DataKey = match &data.key_id {
            Some(id) => self.vault.key(id),
            None => self.vault.new_key(),
        }
        .map_err(key_error)?;
        data.key_id = Some(key.id());
        let copy =
            seal_all(data, &key).map_err(|e| key_error(crate::vault::VaultError::Seal(e)))?;
        let was_plain = self.plain_on_disk.swap(0, Ordering::Relaxed);
        if was_plain > 0 {
            self.notices.say(&format!(
                "store {} encrypted: {was_plain} plaintext secret(s) now sealed under the key in the {}; no plaintext copy is kept",
                self.path.display(),
                self.vault.backend_label()
            ));
        }
        Ok(copy)
    }
}

/// A sealed copy opens again to the same data, and keeps nothing plain.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::Auth;

    #[test]
    fn sealed_secrets_open_back_and_the_public_part_stays_readable() {
        let key = DataKey::generate().unwrap();
        let mut data = StoreData::empty();
        let pat = Auth::Pat {
            token_id: "token-A".into(),
            token: Secret::new("CANARY-pat".into()),
        };
        data.insert(Credential::new("a", "https://x/v2", pat).unwrap())
            .unwrap();
        let sealed = seal_all(&data, &key).unwrap();
        let text = serde_json::to_string(&sealed).unwrap();
        assert!(!text.contains("CANARY"), "{text}");
        assert!(
            text.contains("token-A") && text.contains(&key.id()),
            "{text}"
        );
        assert_eq!(
            count(&sealed),
            Counts {
                plain: 0,
                sealed: 1
            }
        );
        let mut back: StoreData = serde_json::from_str(&text).unwrap();
        open_all(Path::new("/s"), &Vault::with_key(key, "test"), &mut back).unwrap();
        assert_eq!(back.credentials, data.credentials);
    }

    #[test]
    fn secrets_swapped_between_entries_or_fields_do_not_open() {
        let key = DataKey::generate().unwrap();
        let mut data = StoreData::empty();
        for name in ["a", "b"] {
            let pat = Auth::Pat {
                token_id: "token-A".into(),
                token: Secret::new(format!("CANARY-{name}")),
            };
            data.insert(Credential::new(name, "https://x/v2", pat).unwrap())
                .unwrap();
        }
        let mut doc = serde_json::to_value(seal_all(&data, &key).unwrap()).unwrap();
        let creds = doc["credentials"].as_array_mut().unwrap();
        let a = creds[0]["token"].clone();
        creds[0]["token"] = creds[1]["token"].clone();
        creds[1]["token"] = a;
        let mut swapped: StoreData = serde_json::from_value(doc).unwrap();
        let err = open_all(Path::new("/s"), &Vault::with_key(key, "test"), &mut swapped)
            .unwrap_err()
            .to_string();
        assert!(err.contains("a (token), b (token)"), "{err}");
        assert!(!err.contains("CANARY"), "{err}");
    }

    #[test]
    fn reset_drops_only_what_the_key_does_not_open_and_keeps_clients() {
        use crate::credential::{AuthMethod, OauthClient, Session};
        let old = DataKey::generate().unwrap();
        let mut data = StoreData::empty();
        let pat = Auth::Pat {
            token_id: "token-A".into(),
            token: Secret::new("CANARY-pat".into()),
        };
        data.insert(Credential::new("pat", "https://x/v2", pat).unwrap())
            .unwrap();
        let client = OauthClient {
            issuer: "https://login.example/realms/r".into(),
            client_id: "cli".into(),
            auth_method: AuthMethod::Post,
            client_secret: Some(Secret::new("CANARY-client".into())),
            scope: None,
            redirect_uri: None,
        };
        let oauth = Auth::Oauth {
            client: Some(client),
            session: Some(Box::new(Session::bearer(
                Secret::new("CANARY-at".into()),
                1,
            ))),
        };
        data.insert(Credential::new("sess", "https://x/v2", oauth).unwrap())
            .unwrap();
        let bare = Auth::Oauth {
            client: None,
            session: Some(Box::new(Session::bearer(
                Secret::new("CANARY-bare".into()),
                1,
            ))),
        };
        data.insert(Credential::new("bare", "https://x/v2", bare).unwrap())
            .unwrap();
        let sealed = seal_all(&data, &old).unwrap();
        // The right key opens everything and drops nothing.
        let mut kept = sealed.clone();
        assert_eq!(drop_unopened(&mut kept, Some(&old)), vec![]);
        assert_eq!(kept.credentials, data.credentials);
        // No key: the PAT and the bare token go, the client stays.
        let mut reset = sealed;
        let dropped = drop_unopened(&mut reset, None);
        let said: Vec<_> = dropped
            .iter()
            .map(|d| format!("{}: {}", d.name, d.what))
            .collect();
        assert_eq!(
            said,
            [
                "pat: the entry",
                "sess: the client secret",
                "sess: the session",
                "bare: the entry"
            ]
        );
        assert_eq!(count(&reset), Counts::default());
        let sess = reset.get("sess").unwrap();
        let client = sess.auth.client().unwrap();
        assert_eq!(
            (client.client_id.as_str(), client.client_secret.is_none()),
            ("cli", true)
        );
        assert!(sess.auth.session().is_none());
        assert_eq!(reset.credentials.len(), 1);
        super::super::parse::check_entries(Path::new("/s"), &reset).unwrap();
    }
}
