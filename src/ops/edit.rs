//! Editing a credential: its name, API base or OAuth client change, its
//! session never does.
//!
//! The session on disk may have been refreshed (and its refresh token
//! rotated) since the editor read the credential; writing the editor's copy
//! back would revive a dead refresh token and lose the live one. So the
//! change is applied under the store's lock to the credential as it is on
//! disk, and whatever session is there stays.

use crate::credential::{Auth, Credential};
use crate::store::{Store, StoreData, StoreError};

/// Changes the credential called `old` under the store's lock: `change`
/// gets the credential as it is on disk and returns the edited one (which
/// may carry a new name). Its session, whatever `change` returns, is the
/// one on disk. Returns what the store holds afterwards.
pub fn edit(
    store: &Store,
    old: &str,
    change: impl FnOnce(&Credential) -> Credential,
) -> Result<StoreData, StoreError> {
    store.update(|d| {
        let at = d
            .credentials
            .iter()
            .position(|c| c.name == old)
            .ok_or_else(|| StoreError::NotFound { name: old.into() })?;
        let mut edited = change(&d.credentials[at]);
        if edited.name != old {
            d.rename(old, &edited.name)?;
        }
        if let (
            Auth::Oauth { session, .. },
            Auth::Oauth {
                session: stored, ..
            },
        ) = (&mut edited.auth, &d.credentials[at].auth)
        {
            session.clone_from(stored);
        }
        d.credentials[at] = edited;
        Ok(d.clone())
    })
}

/// Renames a credential: an [`edit`] of the name alone.
pub fn rename(store: &Store, old: &str, new: &str) -> Result<StoreData, StoreError> {
    edit(store, old, |c| Credential {
        name: new.to_owned(),
        ..c.clone()
    })
}
