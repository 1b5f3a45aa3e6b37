//! The vocabulary of the event loop: what the user asks for ([`Action`]),
//! everything that reaches [`App::update`](super::app::App::update)
//! ([`Msg`]), and the side effects update asks the runner to perform
//! ([`Effect`]).
//!
//! Background work answers only through [`Msg::Done`], tagged with a
//! [`Job`]: the credential's name and the generation it had when the work
//! started. A credential that changed since (edited, refreshed, deleted)
//! has a new generation, and the stale answer is dropped.

use serde::{Deserialize, Serialize};

use crate::credential::{Credential, Secret, Session};
use crate::oauth::{RefreshError, RefreshOutcome};
use crate::ops::Removed;
use crate::ops::login::LoginFailed;
use crate::probe::ProbeError;
use crate::probe::learn::{Learned, Report};
use crate::sipgate::LearnedScopes;
use crate::store::{StoreData, StoreError};

use super::input::{Key, Pointer};

/// What a key can be bound to; the config file names these in snake_case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Select the previous credential (or scroll the detail pane up).
    Up,
    /// Select the next credential (or scroll the detail pane down).
    Down,
    /// Jump a page up.
    PageUp,
    /// Jump a page down.
    PageDown,
    /// Jump to the first credential.
    Top,
    /// Jump to the last credential.
    Bottom,
    /// Move the focus between the list and the detail pane.
    SwitchPane,
    /// Copy the `Authorization:` header.
    CopyHeader,
    /// Copy a curl command for the account endpoint.
    CopyCurl,
    /// Copy the header's value only.
    CopyValue,
    /// Probe the API with the credential.
    Probe,
    /// Pick one of sipgate's endpoints to call with the credential.
    PickEndpoint,
    /// List every endpoint and whether the credential can call it.
    EndpointList,
    /// Learn a PAT's or Basic login's scopes (a few harmless GETs).
    LearnScopes,
    /// Refresh the session now.
    Refresh,
    /// Turn automatic refreshing on or off.
    ToggleAutoRefresh,
    /// Log in with the OAuth client (authorization-code flow in the browser).
    Login,
    /// Add a credential.
    Add,
    /// Import a pasted token response, .env file or Authorization line.
    Import,
    /// Edit the credential.
    Edit,
    /// Delete the credential (revoking its session).
    Delete,
    /// Show the secret for a few seconds.
    Reveal,
    /// Filter the list by name.
    Filter,
    /// Sort each group by name or by what expires next.
    Sort,
    /// Make the list pane narrower.
    ListNarrower,
    /// Make the list pane wider.
    ListWider,
    /// Show the last status messages in full.
    Messages,
    /// Show or hide the key help.
    Help,
    /// The command palette: any action by name.
    Palette,
    /// Leave the app.
    Quit,
}

impl Action {
    /// The actions that move about (in the list, or the focused detail
    /// pane) rather than do something to the credential.
    pub const MOVES: [Action; 7] = [
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::SwitchPane,
    ];
}

/// Identifies background work: whose it is and which version of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// The credential's name.
    pub name: String,
    /// Its generation when the work started.
    pub generation: u64,
}

/// A probe's answer as the detail pane shows it (already cleaned of
/// control characters).
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeView {
    /// `GET https://…/account`.
    pub request: String,
    /// HTTP status, or `None` when no answer came.
    pub status: Option<u16>,
    /// Reason phrase or failure kind ("OK", "connection refused").
    pub reason: String,
    /// Latency in milliseconds.
    pub latency_ms: f64,
    /// What to do about it, when something is wrong (the app words its fix).
    pub hint: Option<crate::hint::Hint>,
    /// Said before sending: the credential grants none of the scopes the
    /// operation needs (it was sent anyway: the server decides).
    pub warning: Option<String>,
    /// The body, pretty-printed JSON or text, one entry per line.
    pub body: Vec<String>,
    /// Unix seconds when the answer came.
    pub at: i64,
}

impl ProbeView {
    /// A 2xx answer.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// A request other than the probe's own: an endpoint picked from the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path under the API base, parameters filled in.
    pub path: String,
    /// The JSON body, for a method that changes something.
    pub body: Option<serde_json::Value>,
}

/// How a copy went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Copied {
    /// Into the system clipboard.
    System,
    /// Sent to the terminal as OSC 52.
    Osc52,
    /// No clipboard could take it: show it.
    Unavailable(String),
}

/// Everything [`App::update`](super::app::App::update) reacts to.
// A message lives from its send to its update; the largest (a refresh's
// answer, with a whole session) is a few hundred bytes, and boxing it would
// cost an allocation per message for no memory that stays.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Msg {
    /// A bound action: a key the keymap knows, turned into its action at
    /// the edge ([`keymap::route`](super::keymap::route)).
    Action(Action),
    /// A key as input: typed into the filter or a form, or answering a
    /// dialog.
    Key(Key),
    /// A mouse event.
    Pointer(Pointer),
    /// Bracketed paste.
    Paste(String),
    /// Time passed (a countdown second, a spinner frame, a deadline).
    Tick,
    /// The terminal has a new size.
    Resize(u16, u16),
    /// Background work finished.
    Done(Job, Done),
}

/// The result of an [`Effect`] run in the background.
#[derive(Debug)]
pub enum Done {
    /// A refresh ended: the session now in the store (perhaps refreshed by
    /// another process), or why not.
    Refresh(Result<RefreshOutcome, RefreshError>),
    /// A probe ended.
    Probe(Result<ProbeView, ProbeError>),
    /// `GET /authorization/userinfo` answered this user id (`sub`), or
    /// nothing usable.
    UserId(Option<String>),
    /// A scope-learning run sent one request.
    LearnStep(Report),
    /// A scope-learning run ended.
    Learned(Result<Box<Learned>, ProbeError>),
    /// A login is waiting for the browser at this URL.
    LoginStarted(String),
    /// A waiting login started no browser, and why.
    NoBrowser(String),
    /// A waiting login heard a redirect that ended nothing; it waits on.
    LoginWarning(String),
    /// A login ended.
    Login(Result<Box<Session>, LoginFailed>),
    /// The store was written; here is what it now holds.
    Saved(Result<StoreData, StoreError>),
    /// A credential was deleted: what the store holds now and what became
    /// of its session.
    Deleted(Result<Box<Removed>, StoreError>),
    /// A copy went somewhere.
    Copy(Copied),
    /// The work panicked (a bug); the app reports it and keeps running.
    Crashed(String),
}

/// A change to the store, made under its lock.
#[derive(Clone, Debug)]
pub enum Change {
    /// Add a new credential.
    Insert(Box<Credential>),
    /// Replace the credential called `old` (it may be renamed).
    Replace {
        /// Its name before the edit.
        old: String,
        /// The edited credential.
        credential: Box<Credential>,
    },
    /// Keep what a learning run found with the credential called `name`
    /// (applied under the lock to the credential as it is on disk).
    Learned {
        /// Whose.
        name: String,
        /// What it found.
        scopes: LearnedScopes,
    },
}

/// Side effects update asks for; only the runner performs them.
#[derive(Debug)]
pub enum Effect {
    /// Refresh a session through the store's locked, rotation-safe path.
    Refresh {
        /// Whose.
        job: Job,
        /// Refresh even if not due (the `r` key).
        force: bool,
    },
    /// Probe `GET {api}/account` (or the picked call) with this credential.
    Probe {
        /// Whose.
        job: Job,
        /// The credential as shown.
        credential: Box<Credential>,
        /// The picked endpoint; `None` probes the configured path.
        call: Option<Box<Call>>,
    },
    /// Ask `GET /authorization/userinfo` for the user id (`{userId}`).
    UserId {
        /// Whose.
        job: Job,
        /// The credential as shown.
        credential: Box<Credential>,
    },
    /// Learn a PAT's or Basic login's scopes.
    Learn {
        /// Whose.
        job: Job,
        /// The credential as shown.
        credential: Box<Credential>,
    },
    /// Start an authorization-code login in the browser.
    Login(Job),
    /// Stop this waiting login.
    CancelLogin(Job),
    /// Write a change to the store.
    Save(Job, Change),
    /// Delete a credential, revoking its session first when asked.
    Delete {
        /// Whose.
        job: Job,
        /// Revoke at the server first.
        revoke: bool,
    },
    /// Put text on the clipboard.
    Copy(Job, Secret),
    /// Clear the clipboard if it still holds this text.
    ClearClipboard(Secret),
}
