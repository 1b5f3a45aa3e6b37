//! Editing a credential: its name, API base or OAuth client change, its
//! session never does.
//!
//! The session on disk may have been refreshed (and its refresh token
//! rotated) since the editor read the credential; writing the editor's copy
//! back would revive a dead refresh token and lose the live one. So the
//! change is applied under the store's lock to the credential as it is on
//! disk, and whatever session is there stays; so do, while its id and
//! secret are unchanged, its learned scopes.

use crate::credential::{Auth, Credential, Secret};
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
        // What an editor does not show is kept: the learned scopes, while
        // the id and secret stay the same (a new token may have other
        // scopes).
        let stored = &d.credentials[at];
        let same_secret = edited.auth.id() == stored.auth.id()
            && edited.auth.secret().map(Secret::expose) == stored.auth.secret().map(Secret::expose);
        if edited.learned_scopes.is_none() && same_secret {
            edited.learned_scopes.clone_from(&stored.learned_scopes);
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
