//! What the app tells apart about an entry, for the list, the status words
//! and the work it runs: its list group and the background work in
//! progress. A leaf: the state ([`super::app`]), the words
//! ([`super::strings`]) and the views all name these.

use crate::credential::Auth;

/// The list's groups, in screen order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// OAuth sessions (with or without their client).
    Sessions,
    /// OAuth clients not logged in yet.
    Clients,
    /// Personal Access Tokens.
    Pats,
    /// username:password logins.
    Basic,
}

impl Group {
    /// The group of a credential.
    pub fn of(auth: &Auth) -> Self {
        match auth {
            Auth::Pat { .. } => Group::Pats,
            Auth::Basic { .. } => Group::Basic,
            Auth::Oauth { session: None, .. } => Group::Clients,
            Auth::Oauth { .. } => Group::Sessions,
        }
    }
}

/// Background work in progress on an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// A refresh (`auto`: started by the app, not the user).
    Refresh {
        /// Started by auto-refresh.
        auto: bool,
    },
    /// A probe.
    Probe,
    /// A refresh the probe waits for: the session was due, and a probe
    /// should test the token a user would get, as the command line does.
    RefreshThenProbe,
    /// A login waiting for the browser.
    Login,
    /// A delete (with revocation).
    Delete,
    /// Learning a PAT's or Basic login's scopes.
    Learn,
}
