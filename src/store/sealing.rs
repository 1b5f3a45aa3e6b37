//! The store's secrets sealed on write and opened on read (see
//! [`crate::vault`]): each under the data key, bound to its credential's
//! name and its field.

use std::path::Path;

use super::{StoreData, StoreError};
use crate::credential::{Sealed, Secret};
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
    let sealed_here = data
        .credentials
        .iter()
        .filter(|c| wanted(&c.name))
        .any(|c| c.auth.secrets().iter().any(|s| s.sealed().is_some()));
    if !sealed_here {
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
        entries: data
            .credentials
            .iter()
            .filter(|c| wanted(&c.name))
            .filter(|c| c.auth.secrets().iter().any(|s| s.sealed().is_some()))
            .map(|c| c.name.clone())
            .collect(),
    })?;
    let mut failed = Vec::new();
    for credential in data.credentials.iter_mut().filter(|c| wanted(&c.name)) {
        let name = credential.name.clone();
        for (field, secret) in credential.auth.secrets_mut() {
            let Some(sealed) = secret.sealed() else {
                continue;
            };
            match key.open(&name, field, &sealed.sealed) {
                Ok(mut plain) => *secret = Secret::new(std::mem::take(&mut *plain)),
                Err(_) => failed.push(format!("{name} ({})", field.replace('_', " "))),
            }
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
    let opens = |name: &str, field: &str, secret: &mut Secret| -> bool {
        let Some(sealed) = secret.sealed() else {
            return true;
        };
        match key.map(|k| k.open(name, field, &sealed.sealed)) {
            Some(Ok(mut plain)) => {
                *secret = Secret::new(std::mem::take(&mut *plain));
                true
            }
            _ => false,
        }
    };
    let mut dropped = Vec::new();
    data.credentials.retain_mut(|credential| {
        let name = credential.name.clone();
        let kind = credential.auth.kind();
        let mut note = |what| {
            dropped.push(Dropped {
                name: name.clone(),
                what,
            })
        };
        match &mut credential.auth {
            Auth::Pat { token: secret, .. }
            | Auth::Basic {
                password: secret, ..
            } => {
                let field = if kind == "pat" { "token" } else { "password" };
                let kept = opens(&name, field, secret);
                if !kept {
                    note("the entry");
                }
                kept
            }
            Auth::Oauth { client, session } => {
                if let Some(c) = client
                    && let Some(secret) = &mut c.client_secret
                    && !opens(&name, "client_secret", secret)
                {
                    c.client_secret = None;
                    note("the client secret");
                }
                if let Some(s) = session {
                    let mut all = opens(&name, "access_token", &mut s.access_token);
                    for (field, token) in [
                        ("refresh_token", s.refresh_token.as_mut()),
                        ("id_token", s.id_token.as_mut()),
                    ] {
                        if let Some(token) = token {
                            all &= opens(&name, field, token);
                        }
                    }
                    if !all {
                        *session = None;
                        note("the session");
                    }
                }
                if client.is_none() && session.is_none() {
                    dropped.retain(|d| d.name != name);
                    dropped.push(Dropped {
                        name: name.clone(),
                        what: "the entry",
                    });
                    return false;
                }
                true
            }
        }
    });
    dropped
}

/// A sealed copy opens again to the same data, and keeps nothing plain.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::{Auth, Credential};

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
