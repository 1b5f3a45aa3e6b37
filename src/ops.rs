//! The use cases: what a face (the command line or the app) does with the
//! stored credentials, written once.
//!
//! Each operation takes the store, the HTTP client and the time it needs,
//! and answers with data: the new state, what happened at the server, and
//! typed errors that carry facts (which credential, which answer, which
//! deadline), never advice. A face gathers input, calls one of these, and
//! words the result for its user: the command line names commands and
//! flags, the app names the keys it has bound.
//!
//! - [`remove`]: delete a credential, revoking its session under the
//!   store's lock from the read to the write.
//! - [`login`]: the authorization-code login in two steps (begin: the URL
//!   to open; finish: wait, exchange and store), with one browser launcher
//!   ([`browser`]).
//! - [`usable`]: the credential ready to use now: refreshed first when the
//!   refresh rule ([`crate::expiry::refresh_due_at`]) says so, falling
//!   back to a still-valid token after a passing failure.
//! - [`edit`]: change a credential while keeping whatever session is on
//!   disk.
//! - [`refresh`]: the rotation-safe refresh itself (the protocol lives in
//!   [`crate::oauth::refresh`]).

pub mod browser;
pub mod edit;
pub mod login;
pub mod remove;
pub mod usable;

pub use crate::oauth::refresh::{RefreshError, RefreshOutcome, refresh};
pub use edit::edit;
pub use remove::{Removed, Revocation, remove};
pub use usable::{Plan, Unusable, Usable, UsableError};

use std::time::Duration;

use crate::oauth::Timeouts;
use crate::store::{DEFAULT_LOCK_TIMEOUT, Store, StoreError};

/// How long a use case that talks to the server under the store's lock
/// (a refresh, a revocation) lets others wait for that lock: a whole
/// discovery and token request, so a process queued behind a refreshing
/// one does not give up first. Both faces set their store's wait to this.
pub fn lock_wait(timeouts: Timeouts) -> Duration {
    (timeouts.total * 2 + Duration::from_secs(5)).max(DEFAULT_LOCK_TIMEOUT)
}

/// Runs store work (file locks wait) on a blocking thread, so neither the
/// app's event loop nor a runtime's other tasks stall behind a lock.
pub(crate) async fn blocking<T: Send + 'static, E: From<StoreError> + Send + 'static>(
    store: &Store,
    work: impl FnOnce(&Store) -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || work(&store)).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(StoreError::Interrupted(e.to_string()).into()),
    }
}
